"""Which FPS mailings are due for one dossier on one day: reminders and phase notices.

The FPS sends "notifications and reminders about the different phases of the procedure"
through the e-Box (docs/procedure.md#what-the-fps-sends-through-the-e-box). socelec sends:

- a reminder for each catalogue step marked ``reminder``, from ``lead_days`` before the
  step's effective date up to that date; X and Y are announced on the day itself, because a
  reminder a week before "post the notice today" would be wrong on the day it matters;
- a phase-transition notice once the dossier's calendar enters a phase
  (docs/procedure.md#phases), from the pre-procedure on (the access-code letter covers the
  preparation);
- no reminder for a step the dossier has already shown it did, and, for a step it has not done
  ``late_after`` of its working days after the step's date, one late notice
  (:mod:`procedure.step_state` is the rule of "done").

A mailing is due on every day of its window, not only the first: a daily run that was missed
catches up the next day. The outbox's unique (dossier, kind, step) row is what makes the send
happen once, so running this for every day of an edition in order sends each mailing once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from procedure.calendar import Calendar, CalendarEntry, compute_calendar, valid_election_days
from procedure.step_state import Shown, late_notice_day, shown_done
from procedure.steps import PHASE_FIRST_DAY, Phase
from procedure.working_days import WorkingDays

DEFAULT_LEAD_DAYS = 7
#: Working days of the company after a step's date before its late notice goes.
DEFAULT_LATE_AFTER = 2
ON_THE_DAY = frozenset({"X", "Y"})


class MailingKind(StrEnum):
    reminder = "reminder"
    phase_notice = "phase_notice"
    late_notice = "late_notice"


@dataclass(frozen=True)
class DueMailing:
    kind: MailingKind
    step_code: str  # the catalogue step, or "phase:<name>" for a phase notice
    phase: Phase
    due_from: date
    due_until: date | None  # None: the last phase stays open


def phase_notice_code(phase: Phase) -> str:
    return f"phase:{phase.value}"


def planning_calendar(
    edition, election_day: date | None, working_days: WorkingDays | None = None
) -> tuple[Calendar, bool]:
    """The calendar to plan mailings with, and whether it is provisional.

    Without a chosen Y, the window's first valid day stands in: its dates are the earliest the
    company can face, so a reminder based on them is never late (issue: "the window's earliest
    dates, and a request to choose Y").
    """
    if election_day is not None:
        return compute_calendar(edition, election_day, working_days), False
    first = valid_election_days(edition, working_days)[0]
    return compute_calendar(edition, first, working_days), True


def state_calendar(
    edition, election_day: date | None, working_days: WorkingDays | None = None
) -> Calendar:
    """The calendar a dossier's steps are judged late by.

    Its own once Y is chosen. Before, the window's latest valid Y: a step is late only when no
    Y the company may still choose would leave it time (the earliest dates, which the reminders
    use, would call it late on steps it can still do in time).
    """
    if election_day is not None:
        return compute_calendar(edition, election_day, working_days)
    latest = valid_election_days(edition, working_days)[-1]
    return compute_calendar(edition, latest, working_days)


def procedure_end(edition, working_days: WorkingDays | None = None) -> date:
    """The last day any dossier of the edition may still act: the procedure of the window's
    latest valid Y. An e-Box message must stay readable until then."""
    return state_calendar(edition, None, working_days).last_day


def phase_window(calendar: Calendar, phase: Phase) -> tuple[date, date | None]:
    """First and last day of a phase on this calendar (the last phase has no end)."""
    phases = [p for p, first in PHASE_FIRST_DAY.items() if first is not None]
    start = calendar.x_day + timedelta(days=PHASE_FIRST_DAY[phase])
    later = phases[phases.index(phase) + 1 :]
    end = calendar.x_day + timedelta(days=PHASE_FIRST_DAY[later[0]] - 1) if later else None
    return start, end


def reminder_window(entry_effective: date, code: str, lead_days: int) -> tuple[date, date]:
    start = entry_effective if code in ON_THE_DAY else entry_effective - timedelta(days=lead_days)
    return start, entry_effective


def due_mailings(
    calendar: Calendar,
    as_of: date,
    lead_days: int = DEFAULT_LEAD_DAYS,
    *,
    shown: Shown | None = None,
    working_days: WorkingDays | None = None,
    late_after: int = DEFAULT_LATE_AFTER,
    late_calendar: Calendar | None = None,
) -> list[DueMailing]:
    """Every mailing whose window contains ``as_of`` for this calendar; with ``shown`` (what
    the dossier did), no reminder for a step done and the late notices due, by
    ``late_calendar`` when it differs (:func:`state_calendar`: a dossier without its Y is
    late only once it is late whatever Y it still chooses)."""
    if lead_days < 0:
        raise ValueError(f"lead_days: must be 0 or more, not {lead_days}")
    due: list[DueMailing] = []
    phase = calendar.phase_on(as_of)
    if phase is not Phase.preparation:
        start, end = phase_window(calendar, phase)
        due.append(
            DueMailing(MailingKind.phase_notice, phase_notice_code(phase), phase, start, end)
        )
    for entry in _open_steps(calendar, shown):
        start, end = reminder_window(entry.effective_date, entry.step.code, lead_days)
        if start <= as_of <= end:
            due.append(
                DueMailing(MailingKind.reminder, entry.step.code, entry.step.phase, start, end)
            )
    if shown is None:
        return due
    for entry in _open_steps(late_calendar or calendar, shown):
        late = late_notice_day(entry, working_days or WorkingDays(), late_after)
        if late <= as_of:
            due.append(
                DueMailing(MailingKind.late_notice, entry.step.code, entry.step.phase, late, None)
            )
    return due


def _open_steps(calendar: Calendar, shown: Shown | None) -> list[CalendarEntry]:
    """The reminder steps the dossier has still to do: not shown done, not after its stop."""
    return [
        entry
        for entry in calendar.entries
        if entry.step.reminder
        and not (shown is not None and shown_done(entry.code, shown))
        and not (shown is not None and shown.stopped_on and entry.effective_date > shown.stopped_on)
    ]
