"""Serving the sandbox with uvicorn, on a host/port or on a socket inherited from a parent.

``python -m ebox_sandbox.server --fd N`` serves on an already bound socket. uvicorn's own
``--fd`` takes any descriptor for a Unix socket, so asyncio skips TCP_NODELAY on it and every
answer waits for a delayed ACK (docs/performance.md#delayed-ack); ``socket.socket(fileno=N)``
reads the real family.
"""

from __future__ import annotations

import argparse
import socket

import uvicorn

from ebox_sandbox.app import create_asgi_app
from ebox_sandbox.settings import SandboxSettings


def serve(
    settings: SandboxSettings | None = None, *, fd: int | None = None, log_level: str = "warning"
) -> None:
    settings = settings or SandboxSettings()
    config = uvicorn.Config(
        create_asgi_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_level=log_level,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[socket.socket(fileno=fd)] if fd is not None else None)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the e-Box sandbox.")
    parser.add_argument("--fd", type=int, help="serve on this inherited, listening socket")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    serve(fd=args.fd, log_level=args.log_level)


if __name__ == "__main__":
    main()
