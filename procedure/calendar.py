"""The legal calendar of one procedure: every step's date for a chosen election day Y.

Rules (docs/procedure.md#day-x-and-day-y, docs/procedure.md#calendar-days,
docs/procedure.md#deadlines-on-non-working-days, docs/procedure.md#the-election-window):

- X = Y − 90, counted in calendar days; every step is X ± n or Y ± n.
- Y must be a working day of the company inside the edition's window.
- A deadline ("at the latest") on a Sunday, a Belgian public holiday or a day the company does
  not work moves to the last working day before it. X, Y and the other kinds of day do not
  move (see :class:`procedure.steps.StepKind`).
- A deadline counted from X (or Y) never moves before X (or Y): a complaint cannot be due
  before the notice it contests. Only a company closed for every day between the anchor and
  the legal date meets this floor; the deadline then falls on the anchor day itself.

2020: the catalogue applies to the November window as if X were Y − 90. The steps up to X+35
really took place on the original May calendar before the suspension; from the new X+36 on,
the dates computed here are the ones the Royal Decree of 15 July 2020 used
(docs/procedure.md#consistency-check checks X+36 … X+76 for November 2020 that way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from procedure.steps import DAYS_X_TO_Y, STEPS, Phase, Step, StepKind, phase_of, step
from procedure.working_days import WorkingDays

__all__ = [
    "Calendar",
    "CalendarEntry",
    "EditionLike",
    "ElectionDayError",
    "check_election_day",
    "compute_calendar",
    "legal_date",
    "valid_election_days",
    "x_day_for",
]


class EditionLike(Protocol):
    """What the calendar needs from an edition: the DB model and EditionWindow both fit."""

    year: int
    window_first: date
    window_last: date


class ElectionDayError(ValueError):
    """Y is not a working day inside the edition's window.

    ``field`` is always "election_day"; ``value`` is the refused day; ``rule`` says which part
    of the rule it breaks, for a form or a CLI to show next to the field.
    """

    field = "election_day"

    def __init__(self, value: object, rule: str, edition: EditionLike) -> None:
        self.value = value
        self.rule = rule
        super().__init__(
            f"election_day {value} {rule}; Y must be a working day inside the {edition.year} "
            f"window {edition.window_first.isoformat()} – {edition.window_last.isoformat()}"
        )


@dataclass(frozen=True)
class CalendarEntry:
    """One step placed on the calendar.

    ``legal_date`` is the plain arithmetic from Y; ``effective_date`` is the day the act is due
    once a deadline has been moved off a non-working day (equal to ``legal_date`` otherwise).
    ``period_end`` is the legal last day of a period step (not moved), else None.
    """

    step: Step
    legal_date: date
    effective_date: date
    moved: bool
    period_end: date | None

    @property
    def code(self) -> str:
        return self.step.code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (ISO dates)."""
        s = self.step
        return {
            "code": s.code,
            "anchor": s.anchor,
            "offset": s.offset,
            "offset_from_x": s.offset_from_x,
            "kind": s.kind.value,
            "phase": s.phase.value,
            "actor": s.actor,
            "title": s.title,
            "documents": list(s.documents),
            "web_app": s.web_app,
            "reminder": s.reminder,
            "source": s.source,
            "legal_date": self.legal_date.isoformat(),
            "effective_date": self.effective_date.isoformat(),
            "moved": self.moved,
            "period_end": self.period_end.isoformat() if self.period_end else None,
        }


@dataclass(frozen=True)
class Calendar:
    """Every step of one procedure (one dossier's Y and working days), in catalogue order."""

    edition_year: int
    x_day: date
    y_day: date
    entries: tuple[CalendarEntry, ...]

    def entry(self, code: str) -> CalendarEntry:
        """The entry for a step code; raises KeyError like :func:`procedure.steps.step`."""
        wanted = step(code)
        for candidate in self.entries:
            if candidate.step is wanted:
                return candidate
        raise KeyError(f"step {wanted.code} is not in this calendar")

    @property
    def last_day(self) -> date:
        """The procedure's last day: its latest deadline or end of a period."""
        return max(e.period_end or e.effective_date for e in self.entries)

    def phase_on(self, day: date) -> Phase:
        """The phase (docs/procedure.md#phases) that ``day`` falls in, in calendar days from X."""
        return phase_of((day - self.x_day).days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (ISO dates)."""
        return {
            "edition_year": self.edition_year,
            "x_day": self.x_day.isoformat(),
            "y_day": self.y_day.isoformat(),
            "entries": [e.to_dict() for e in self.entries],
        }


def x_day_for(election_day: date) -> date:
    """Day X for a given Y: 90 calendar days earlier (docs/procedure.md#day-x-and-day-y)."""
    return election_day - timedelta(days=DAYS_X_TO_Y)


def legal_date(step_or_code: Step | str, election_day: date) -> date:
    """The legal date of a step for a given Y, by plain arithmetic and without any check.

    Useful to reason about a window's ends (26 May 2024 is a Sunday, so it is never a valid Y,
    yet the sources quote ranges computed from it).
    """
    s = step(step_or_code) if isinstance(step_or_code, str) else step_or_code
    return x_day_for(election_day) + timedelta(days=s.offset_from_x)


def check_election_day(
    edition: EditionLike, election_day: date, working_days: WorkingDays | None = None
) -> None:
    """Raise :class:`ElectionDayError` unless Y is a working day inside the window."""
    if isinstance(election_day, datetime) or not isinstance(election_day, date):
        raise ElectionDayError(repr(election_day), "is not a date", edition)
    if not edition.window_first <= election_day <= edition.window_last:
        raise ElectionDayError(election_day.isoformat(), "is outside the window", edition)
    reason = (working_days or WorkingDays()).reason_not_working(election_day)
    if reason is not None:
        raise ElectionDayError(
            election_day.isoformat(), f"is not a working day ({reason})", edition
        )


def valid_election_days(
    edition: EditionLike, working_days: WorkingDays | None = None
) -> list[date]:
    """Every day of the window a company with these working days may choose as Y."""
    working_days = working_days or WorkingDays()
    span = (edition.window_last - edition.window_first).days
    days = (edition.window_first + timedelta(days=n) for n in range(span + 1))
    return [day for day in days if working_days.is_working(day)]


def _floor(s: Step, x_day: date, y_day: date) -> date | None:
    # A deadline counted after X (or after Y) must not move back across its anchor.
    if s.offset_from_x > DAYS_X_TO_Y:
        return y_day
    if s.offset_from_x > 0:
        return x_day
    return None


def compute_calendar(
    edition: EditionLike, election_day: date, working_days: WorkingDays | None = None
) -> Calendar:
    """Place every catalogue step for election day Y (default: a Monday-to-Friday company)."""
    working_days = working_days or WorkingDays()
    check_election_day(edition, election_day, working_days)
    x_day = x_day_for(election_day)
    entries = []
    for s in STEPS:
        legal = x_day + timedelta(days=s.offset_from_x)
        effective = legal
        if s.kind is StepKind.deadline:
            effective = working_days.last_working_day_on_or_before(legal)
            floor = _floor(s, x_day, election_day)
            if floor is not None and effective < floor:
                effective = floor
        period_end_from_x = s.period_end_from_x
        period_end = (
            x_day + timedelta(days=period_end_from_x) if period_end_from_x is not None else None
        )
        entries.append(
            CalendarEntry(
                step=s,
                legal_date=legal,
                effective_date=effective,
                moved=effective != legal,
                period_end=period_end,
            )
        )
    return Calendar(
        edition_year=edition.year, x_day=x_day, y_day=election_day, entries=tuple(entries)
    )
