"""Closure days an officer declares for the technical unit, and until when (pure).

A closure day (a collective closure, a bridge day) is a day the unit does not work though it
usually would: a deadline that falls on it moves to the unit's working day before, as one on
a Sunday or a public holiday does (docs/procedure.md#deadlines-on-non-working-days). It
counts for every dossier of the unit (its CE and its CPPT share the unit's days).

Rules of time, the same as for day Y (:mod:`portal.election_day`): the days may change until
day X of the Y in force, when the notice posted in the company fixes the calendar; and only
days still ahead, inside the procedure, that the unit would otherwise work.
"""

from __future__ import annotations

from datetime import date

from models.dossier import DossierStatus
from portal.errors import RuleError
from procedure import Calendar, EditionLike, WorkingDays, compute_calendar

FIELD = "day"


def procedure_last_day(edition: EditionLike, calendar: Calendar | None) -> date:
    """The last day a closure can move a deadline: the dossier's last step, or before Y is
    chosen, the last step of the latest Y the edition allows."""
    return (calendar or compute_calendar(edition, edition.window_last)).last_day


def can_declare(status: str, calendar: Calendar | None, today: date) -> bool:
    return status == DossierStatus.open and (calendar is None or today <= calendar.x_day)


def _check_time(status: str, calendar: Calendar | None, today: date) -> None:
    if status != DossierStatus.open:
        raise RuleError(FIELD, "error.dossier_not_open")
    if calendar is not None and today > calendar.x_day:
        raise RuleError(FIELD, "error.closure_after_day_x", x_day=calendar.x_day)


def check_new_closure_day(
    edition: EditionLike,
    status: str,
    calendar: Calendar | None,
    working: WorkingDays,
    day: date,
    today: date,
) -> None:
    """Raise :class:`RuleError` unless ``day`` may be declared a closure day today."""
    _check_time(status, calendar, today)
    if day <= today:
        raise RuleError(FIELD, "error.closure_not_ahead", day=day)
    last = procedure_last_day(edition, calendar)
    if day > last:
        raise RuleError(FIELD, "error.closure_after_procedure", day=day, last=last)
    if day in working.closed_days:
        raise RuleError(FIELD, "error.closure_already_declared", day=day)
    if not working.is_working(day):
        raise RuleError(FIELD, "error.closure_not_a_working_day", day=day)
    if calendar is not None and day == calendar.y_day:
        # The elections take place on Y: the unit works that day, or Y must change first.
        raise RuleError(FIELD, "error.closure_on_y", day=day)


def check_removal(status: str, calendar: Calendar | None, day: date, today: date) -> None:
    """Raise :class:`RuleError` unless the closure ``day`` may be withdrawn today."""
    _check_time(status, calendar, today)
    if day <= today:
        raise RuleError(FIELD, "error.closure_not_ahead", day=day)
