"""The legal calendar of the Belgian social elections: pure functions and data, no I/O.

- :mod:`procedure.steps`: the step catalogue (offsets from X or Y, kinds, phases, sources).
- :mod:`procedure.editions`: the legal windows for Y per edition.
- :mod:`procedure.working_days`: which days a company works (public holidays included).
- :mod:`procedure.calendar`: a procedure's dates for a chosen Y, with deadlines moved.
- :mod:`procedure.ics`: that calendar as an iCalendar file.
- :mod:`procedure.i18n`: the words in French, Dutch and German, read once at import from the
  gettext catalogues of ``procedure/locale`` (the package's own files: no other I/O).
"""

from procedure.calendar import (
    Calendar,
    CalendarEntry,
    EditionLike,
    ElectionDayError,
    check_election_day,
    compute_calendar,
    legal_date,
    valid_election_days,
    x_day_for,
)
from procedure.editions import (
    KNOWN_EDITIONS,
    EditionStatus,
    EditionWindow,
    Suspension,
    second_monday_of_may,
)
from procedure.ics import PRODID, calendar_to_ics, event_uid
from procedure.steps import (
    DAYS_X_TO_Y,
    PHASE_FIRST_DAY,
    STEPS,
    Anchor,
    Phase,
    Step,
    StepKind,
    phase_of,
    step,
)
from procedure.working_days import (
    MONDAY_TO_FRIDAY,
    MONDAY_TO_SATURDAY,
    WorkingDays,
    belgian_holiday,
)

__all__ = [
    "DAYS_X_TO_Y",
    "KNOWN_EDITIONS",
    "MONDAY_TO_FRIDAY",
    "MONDAY_TO_SATURDAY",
    "PHASE_FIRST_DAY",
    "PRODID",
    "STEPS",
    "Anchor",
    "Calendar",
    "CalendarEntry",
    "EditionLike",
    "EditionStatus",
    "EditionWindow",
    "ElectionDayError",
    "Phase",
    "Step",
    "StepKind",
    "Suspension",
    "WorkingDays",
    "belgian_holiday",
    "calendar_to_ics",
    "check_election_day",
    "compute_calendar",
    "event_uid",
    "legal_date",
    "phase_of",
    "second_monday_of_may",
    "step",
    "valid_election_days",
    "x_day_for",
]
