"""Which days a company works, for moving deadlines.

The procedure counts calendar days, but an act due "at the latest" on a Sunday, a
Belgian public holiday or a usual inactivity day of the company (a Saturday in an office
company, a collective bridge day) must be done on the last working day before. Sources
(docs/procedure.md#deadlines-on-non-working-days):

- https://www.icb-institute.be/verkiezingskalender-2016/
- https://www.sdworx.be/nl-be/blog/hr-administratie/datum-sociale-verkiezingen-hoe-bepalen
- http://www.peeters-law.be/documents/archief/sociale-verkiezingen/stap-ii-nota.xml?lang=en
- https://securex.be/fr/lex4you/employeur/actualites/de-x-60-a-x-35-procedure-de-consultation-pour-les-elections-sociales

Sunday and public holidays are named by the rule itself, so they never count as working days
here, even in a company that runs shifts on them; only the *usual inactivity days* depend on
the company (SD Worx: a day is inactive only if nobody works; with shifts it is not).
Public holidays come from the ``holidays`` package.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import holidays

__all__ = ["MONDAY_TO_FRIDAY", "MONDAY_TO_SATURDAY", "WorkingDays", "belgian_holiday"]

MONDAY_TO_FRIDAY = frozenset(range(5))
MONDAY_TO_SATURDAY = frozenset(range(6))
_SUNDAY = 6
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@functools.cache
def _belgian_holidays(year: int) -> holidays.HolidayBase:
    # One lookup table per year; English names so error messages read the same everywhere.
    return holidays.country_holidays("BE", years=year, language="en_US")


def belgian_holiday(day: date) -> str | None:
    """The name of the Belgian public holiday on ``day``, or None."""
    return _belgian_holidays(day.year).get(day)


@dataclass(frozen=True)
class WorkingDays:
    """The days a company usually works.

    ``weekdays`` uses ``date.weekday()`` numbers (Monday = 0); Sunday (6) is refused because
    the rule moves a deadline off a Sunday whatever the company does. ``closed_days`` are the
    company's own inactivity days on weekdays it usually works (collective bridge days, a
    collective closure).
    """

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    closed_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Accept any iterable from callers (a set, a list from JSON) but store frozensets,
        # so the value stays hashable and immutable.
        weekdays = frozenset(self.weekdays)
        closed_days = frozenset(self.closed_days)
        if not weekdays:
            raise ValueError("weekdays: a company must work on at least one weekday")
        if not weekdays <= MONDAY_TO_SATURDAY:
            raise ValueError(
                f"weekdays: {sorted(weekdays)} must be numbers 0 (Monday) to 5 (Saturday); "
                "Sunday is never a working day for deadlines (a deadline on a Sunday moves)"
            )
        for day in closed_days:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(f"closed_days: {day!r} is not a date")
        object.__setattr__(self, "weekdays", weekdays)
        object.__setattr__(self, "closed_days", closed_days)

    @classmethod
    def saturday_worked(cls, closed_days: Iterable[date] = ()) -> WorkingDays:
        """A company that usually works Monday to Saturday."""
        return cls(weekdays=MONDAY_TO_SATURDAY, closed_days=frozenset(closed_days))

    def reason_not_working(self, day: date) -> str | None:
        """Why ``day`` is not a working day, or None when it is one."""
        if day.weekday() == _SUNDAY:
            return "Sunday"
        holiday = belgian_holiday(day)
        if holiday is not None:
            return f"Belgian public holiday: {holiday}"
        if day.weekday() not in self.weekdays:
            return f"the company does not usually work on {_WEEKDAY_NAMES[day.weekday()]}"
        if day in self.closed_days:
            return "company closed day"
        return None

    def is_working(self, day: date) -> bool:
        """True on a usual working weekday that is neither a public holiday nor closed."""
        return self.reason_not_working(day) is None

    def last_working_day_on_or_before(self, day: date) -> date:
        """``day`` itself if it is worked, else the closest working day before it.

        Always ends: at least one weekday is worked and holidays and closed days are finite.
        """
        while not self.is_working(day):
            day -= timedelta(days=1)
        return day
