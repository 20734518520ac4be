"""The procedure's days are Belgian days: "today" is today in Europe/Brussels, not UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels_today() -> date:
    return datetime.now(BRUSSELS).date()
