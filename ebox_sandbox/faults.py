"""Fault injection around the sandbox's ASGI app, for testing clients under failure.

It wraps the whole application (outside Starlette's middleware) so that it receives the
server's own ``send``: to "accept then drop", the request is handled in full (the message is
stored) and, when the app starts its 201, the TCP connection is aborted instead. The client
sees a dropped connection exactly as after a real crash between commit and answer.

Dropping needs the connection's transport, which uvicorn's ``send`` (a bound method of its
request cycle) exposes as ``send.__self__.transport``; with another server the drop falls back
to a 500 answer after the commit, which still exercises the retry path.

``counts`` says what was injected (per status, ``dropped_after_accept``, ``latency``,
``recipient_status``) and ``retry_after_ignored``: requests that came back with an
Idempotency-Key before the Retry-After the sandbox gave that key had elapsed, i.e. a client
that does not honour it. ``pressure`` says how hard clients pressed: ``max_in_flight``, the
most publications under way at once, ``max_per_second``, the most started within one second,
and ``duplicates``, the publications answered 409 (a key already used).
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import random
import re
import time
import uuid

from ebox_sandbox.settings import FaultPlan

log = logging.getLogger(__name__)
FAULT_PREFIX = "/REST/ebox/"  # the e-Box API; not the token endpoint, the admin API, the views
REASONS = {
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}
RECIPIENT_RE = re.compile(rb'"recipient"\s*:\s*\{[^}]*"enterpriseNumber"\s*:\s*"(\d{10})"')
PUBLICATION_SUFFIX = "/ebox/messages"


class FaultInjector:
    def __init__(self, app, plan: FaultPlan | None = None):
        self.app = app
        self.plan = plan or FaultPlan()
        self.rng = random.Random(self.plan.seed)  # noqa: S311 (faults, not secrets)
        self.counts: dict[str, int] = {}
        self.retry_not_before: dict[bytes, float] = {}  # Idempotency-Key → monotonic time
        self.pressure: dict[str, int] = {}
        self._in_flight = 0
        self._starts: list[float] = []

    def configure(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)  # noqa: S311 (faults, not secrets)
        self.counts = {}
        self.retry_not_before = {}
        self.pressure = {}
        self._starts = []

    def duplicate_refused(self) -> None:
        self.pressure["duplicates"] = self.pressure.get("duplicates", 0) + 1

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def _started(self) -> None:
        """One more publication under way: the pressure figures of ``counts``."""
        now = time.monotonic()
        self._in_flight += 1
        pressure = self.pressure
        pressure["max_in_flight"] = max(pressure.get("max_in_flight", 0), self._in_flight)
        self._starts.append(now)
        in_last_second = len(self._starts) - bisect.bisect_right(self._starts, now - 1.0)
        pressure["max_per_second"] = max(pressure.get("max_per_second", 0), in_last_second)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(FAULT_PREFIX):
            return await self.app(scope, receive, send)
        if scope["method"] != "POST" or not scope["path"].endswith(PUBLICATION_SUFFIX):
            return await self._handle(scope, receive, send)
        self._started()
        try:
            return await self._handle(scope, receive, send)
        finally:
            self._in_flight -= 1

    async def _handle(self, scope, receive, send):
        plan = self.plan
        key = dict(scope["headers"]).get(b"idempotency-key")
        if key is not None and time.monotonic() < self.retry_not_before.pop(key, 0.0):
            self._count("retry_after_ignored")
        # With a share of 1 no number is drawn: seeded plans keep their sequence of faults.
        if plan.latency_ms and (plan.latency_share >= 1 or self.rng.random() < plan.latency_share):
            self._count("latency")
            # Slow processing, not a slow network: the request is received in full first, so
            # a client that times out meanwhile leaves a request the server still carries out.
            receive = _replay(await _read_body(receive), receive)
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan.recipient_statuses and scope["path"].endswith(PUBLICATION_SUFFIX):
            body = await _read_body(receive)
            receive = _replay(body, receive)
            found = RECIPIENT_RE.search(body)
            status = plan.recipient_statuses.get(found.group(1).decode()) if found else None
            if status is not None:
                self._count("recipient_status")
                if status == 201:  # accepted, but an answer the API never gives
                    return await _send_json(send, 201, {"expirationDate": "2029-01-01"})
                return await self._error(send, status, None)
        draw = self.rng.random()
        for status, rate in sorted(plan.error_rates.items()):
            if draw < rate:
                self._count(str(status))
                await _read_body(receive)  # read the upload first, so the answer is not lost
                retry_after = (
                    plan.retry_after_seconds if status in plan.retry_after_statuses else None
                )
                if retry_after is not None and key is not None:
                    self.retry_not_before[key] = time.monotonic() + retry_after
                return await self._error(send, status, retry_after)
            draw -= rate
        if draw < plan.drop_after_accept and scope["method"] == "POST":
            return await self.app(scope, receive, self._dropping_send(send))
        return await self.app(scope, receive, send)

    def _dropping_send(self, send):
        state = {"dropped": False}

        async def dropping_send(event):
            if state["dropped"]:
                return
            if event["type"] == "http.response.start" and event["status"] == 201:
                transport = getattr(getattr(send, "__self__", None), "transport", None)
                state["dropped"] = True
                self._count("dropped_after_accept")
                if transport is not None:
                    transport.abort()
                    # Let uvicorn see the lost connection before the app returns.
                    for _ in range(3):
                        await asyncio.sleep(0)
                    return
                log.warning("cannot reach the transport to drop it; answering 500 instead")
                await _send_json(
                    send,
                    500,
                    {
                        "id": str(uuid.uuid4()),
                        "code": "DROPPED",
                        "message": "connection would have been dropped",
                    },
                )
                return
            await send(event)

        return dropping_send

    async def _error(self, send, status: int, retry_after: int | None) -> None:
        headers = [(b"retry-after", str(retry_after).encode())] if retry_after is not None else []
        await _send_json(
            send,
            status,
            {
                "id": str(uuid.uuid4()),
                "code": REASONS.get(status, f"HTTP_{status}"),
                "message": "fault injected by the e-Box sandbox",
            },
            headers,
        )


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        event = await receive()
        if event["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(event.get("body", b""))
        if not event.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes, receive):
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replaying_receive():
        return pending.pop() if pending else await receive()

    return replaying_receive


async def _send_json(send, status: int, body: dict, headers: list | None = None) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
