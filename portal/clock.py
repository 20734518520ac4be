"""Time as the portal sees it: injectable, so tests and training sessions can set 'today'.

Every rule that depends on the date (changing Y until day X, the stop window, the status of a
step, lockouts, session expiry) reads the app's clock, never ``datetime.now`` directly.
The legal calendar is in Belgian days, so 'today' is the date in Europe/Brussels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from procedure.clock import BRUSSELS, as_utc

__all__ = ["BRUSSELS", "Clock", "as_utc", "shifted_clock", "system_clock", "today"]

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def shifted_clock(as_of: date) -> Clock:
    """A clock on ``as_of`` whose hours still run: for demos and training."""
    offset = datetime.combine(as_of, time(), BRUSSELS) - datetime.combine(
        today(system_clock()), time(), BRUSSELS
    )
    return lambda: system_clock() + offset


def today(now: datetime) -> date:
    return now.astimezone(BRUSSELS).date()
