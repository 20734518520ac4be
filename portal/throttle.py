"""Failed-login counters kept in memory (or any ``limits`` storage), outside the database.

Two uses: the per-address ceiling (one client trying many dossiers) and the counter of dossier
numbers that do not exist, which locks them exactly like real ones so the lockout message does
not tell which numbers exist. The ``limits`` package provides the moving window and storages:
``memory://`` serves one portal process; with several processes behind one address, point
``SOCELEC_PORTAL_RATE_LIMIT_STORAGE`` at a shared Redis or Memcached.
"""

from __future__ import annotations

import time
from datetime import timedelta

from limits import parse, storage, strategies


class FailureThrottle:
    def __init__(self, limit: str, storage_uri: str, namespace: str) -> None:
        self._item = parse(limit)
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))
        self._namespace = namespace

    def blocked_for(self, key: str) -> timedelta | None:
        """How long ``key`` must wait before trying again, or None if it may now.

        A duration, not a moment: ``limits`` reads the system clock, the portal its own.
        """
        if self._limiter.test(self._item, self._namespace, key):
            return None
        reset = self._limiter.get_window_stats(self._item, self._namespace, key).reset_time
        return timedelta(seconds=max(reset - time.time(), 1))

    def remaining(self, key: str) -> int:
        """Failures ``key`` may still make before it is blocked."""
        return self._limiter.get_window_stats(self._item, self._namespace, key).remaining

    def failed(self, key: str) -> None:
        self._limiter.hit(self._item, self._namespace, key)

    def clear(self, key: str) -> None:
        self._limiter.clear(self._item, self._namespace, key)
