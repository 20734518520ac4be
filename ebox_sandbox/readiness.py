"""Waiting for a local server to answer its health URL: the sandbox, the Prefect server, the
portal. Readiness is polled, never slept on; a server that ends meanwhile is reported at once."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx


class NotReady(RuntimeError):
    """A server did not answer its health URL: it ended (its reason) or the time ran out."""


def wait_until_healthy(
    url: str,
    *,
    timeout: float,
    what: str,
    ended: Callable[[], str | None],
    interval: float = 0.05,
) -> None:
    """Poll ``url`` until it answers 200. ``ended`` says why the server is gone (a message) or
    None while it runs; a server that ends or stays silent past ``timeout`` raises NotReady."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=5.0) as http:
        while True:
            reason = ended()
            if reason is not None:
                raise NotReady(f"{what} {reason}")
            try:
                if http.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise NotReady(f"{what} did not answer {url} within {timeout:.0f} s")
            time.sleep(interval)  # poll interval between health checks
