"""Choosing day Y from the portal, and until when it may change (pure).

The legal rules come from ``procedure`` (docs/procedure.md#the-election-window): Y is a
working day inside the edition's window and X = Y − 90. The portal adds the rule of time: Y may
be chosen or changed until day X of the Y in force (the notice announcing the date is posted on
day X, after which the date is public), and a new Y whose day X has already passed is refused,
because its notice could no longer be posted on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.dossier import DossierStatus
from portal.errors import RuleError
from procedure import (
    EditionLike,
    ElectionDayError,
    WorkingDays,
    check_election_day,
    valid_election_days,
    x_day_for,
)

FIELD = "election_day"


@dataclass(frozen=True)
class DayChoice:
    """A day the form offers: Y, its X, and whether X is still ahead."""

    y_day: date
    x_day: date
    available: bool


def can_change(status: str, current_y: date | None, today: date) -> bool:
    return status == DossierStatus.open and (current_y is None or today <= x_day_for(current_y))


def day_choices(
    edition: EditionLike, today: date, working_days: WorkingDays | None = None
) -> list[DayChoice]:
    """Every valid Y of the window, marked unavailable when its day X has passed."""
    return [
        DayChoice(y_day=y, x_day=x_day_for(y), available=x_day_for(y) >= today)
        for y in valid_election_days(edition, working_days)
    ]


def check_change(
    edition: EditionLike,
    status: str,
    current_y: date | None,
    new_y: date,
    today: date,
    working_days: WorkingDays | None = None,
) -> None:
    """Raise :class:`RuleError` unless the dossier may take ``new_y`` as its day Y today."""
    if status != DossierStatus.open:
        raise RuleError(FIELD, "error.dossier_not_open")
    if current_y is not None and today > x_day_for(current_y):
        raise RuleError(FIELD, "error.after_day_x", x_day=x_day_for(current_y))
    try:
        check_election_day(edition, new_y, working_days)
    except ElectionDayError as error:
        dates = {"day": new_y, "first": edition.window_first, "last": edition.window_last}
        if "outside" in error.rule:
            raise RuleError(FIELD, "error.outside_window", **dates) from None
        raise RuleError(FIELD, "error.not_working_day", **dates) from None
    if x_day_for(new_y) < today:
        raise RuleError(FIELD, "error.day_x_past", day=new_y, x_day=x_day_for(new_y))
