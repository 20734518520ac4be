"""The procedure's days are Belgian days: "today" is today in Europe/Brussels, not UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels_today() -> date:
    return datetime.now(BRUSSELS).date()


def day_or_today(as_of: date | str | None) -> date:
    """A flow's ``as_of`` parameter (a date, or its ISO text from the Prefect UI), else today."""
    if as_of is None:
        return brussels_today()
    return as_of if isinstance(as_of, date) else date.fromisoformat(as_of)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; socelec stores them in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
