"""A real portal server for tests: uvicorn on 127.0.0.1 (a free port) in a thread.

``running_portal(app)`` starts the given app (so a test keeps its injected clock), polls the
readiness endpoint, yields the base URL and stops the server at the end. Other parts' tests
(flows, end-to-end) can use it with ``create_app()``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from portal.server import uvicorn_config

STARTUP_TIMEOUT = 20.0


@contextmanager
def running_portal(app: FastAPI) -> Iterator[str]:
    # Port 0: the OS picks a free port, read back once the server listens.
    config = uvicorn_config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="portal-test-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the portal test server did not start")
            time.sleep(0.01)  # polling uvicorn's started flag, not waiting blindly
        port = server.servers[0].sockets[0].getsockname()[1]
        base_url = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base_url}/healthz", timeout=5).json() == {"status": "ok"}
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
