"""How hard all of socelec together may press on the e-Box: Prefect global concurrency limits.

Every run on every worker shares two limits on the Prefect server
(https://docs.prefect.io/v3/how-to-guides/workflows/global-concurrency-limits):

- ``ebox-publications-in-flight`` (``SOCELEC_EBOX_MAX_IN_FLIGHT``): the publications under way
  at once. A delivery batch holds one slot per publishing thread for as long as it works, so
  the batches of all runs together never have more requests in flight than the limit.
- ``ebox-publications-per-second`` (``SOCELEC_EBOX_MAX_PER_SECOND``): a rate limit (slots that
  decay at that rate). A batch's publishing threads take their slots a tenth of a second's
  worth at a time (:class:`RatePacer`): Prefect serializes every acquisition of a limit in a
  process, one call to its server each, so at a few slots a call those calls, not the e-Box,
  bounded a campaign's delivery (docs/performance.md#global-concurrency-limits); and the
  server answers a waiting client with a coarse Retry-After.

`socelec serve`, `socelec demo` and `socelec ebox-limits` create them (:func:`apply_ebox_limits`);
a run checks they exist before it changes anything (:func:`publish_threads`), since Prefect
only logs a warning for a missing limit and would then limit nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency, rate_limit
from prefect.exceptions import ObjectNotFound

IN_FLIGHT_LIMIT = "ebox-publications-in-flight"
RATE_LIMIT = "ebox-publications-per-second"
# Threads that publish in one delivery batch; a batch occupies this many in-flight slots.
PUBLISH_THREADS = 4


class LimitMissing(RuntimeError):
    """A limit the delivery needs is not on the Prefect server; names it and the command."""


def apply_ebox_limits(in_flight: int, per_second: int) -> dict[str, int]:
    """Create or update both limits on the Prefect server at PREFECT_API_URL."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(IN_FLIGHT_LIMIT, in_flight)
        client.upsert_global_concurrency_limit_by_name(
            RATE_LIMIT, per_second, slot_decay_per_second=per_second
        )
    return {IN_FLIGHT_LIMIT: in_flight, RATE_LIMIT: per_second}


def publish_threads() -> int:
    """Publishing threads per batch under the in-flight limit; raises :class:`LimitMissing`."""
    limits = {}
    with get_client(sync_client=True) as client:
        for name in (IN_FLIGHT_LIMIT, RATE_LIMIT):
            try:
                limits[name] = client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                raise LimitMissing(
                    f"{name}: no such global concurrency limit on the Prefect server; create "
                    "both e-Box limits with `socelec ebox-limits` (socelec serve does it at "
                    "start)"
                ) from None
    in_flight = limits[IN_FLIGHT_LIMIT]
    if not in_flight.active or in_flight.limit < 1:
        raise LimitMissing(f"{IN_FLIGHT_LIMIT}: inactive or 0 slots: nothing could be sent")
    return min(PUBLISH_THREADS, in_flight.limit)


# Prefect's shortest slot lease: the client renews it while the batch works, and a worker
# killed mid-batch holds its slots only this long.
SLOT_LEASE_SECONDS = 60


@contextmanager
def publication_slots(threads: int) -> Iterator[None]:
    """Hold ``threads`` in-flight slots while a batch publishes."""
    with concurrency(
        IN_FLIGHT_LIMIT, occupy=threads, strict=True, lease_duration=SLOT_LEASE_SECONDS
    ):
        yield


def rate_chunk(per_second: int) -> int:
    """Slots a pacer takes at once: a tenth of a second of the limit, at least one. A batch may
    then start that many publications together, and leaves at most that many unused when it
    ends (they decay within 0.1 s)."""
    return max(1, per_second // 10)


class RatePacer:
    """Hands out the per-second limit's slots to a batch's threads, :func:`rate_chunk` of them
    per call to the Prefect server; reads the limit at its first use."""

    def __init__(self) -> None:
        self._chunk = 0
        self._left = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            if not self._chunk:
                with get_client(sync_client=True) as client:
                    limit = client.read_global_concurrency_limit_by_name(RATE_LIMIT).limit
                self._chunk = rate_chunk(limit)
            if not self._left:
                rate_limit(RATE_LIMIT, occupy=self._chunk, strict=True)
                self._left = self._chunk
            self._left -= 1
