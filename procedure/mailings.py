"""Which FPS mailings are due for one dossier on one day: reminders and phase notices.

The FPS sends "notifications and reminders about the different phases of the procedure"
through the e-Box (docs/procedure.md#what-the-fps-sends-through-the-e-box). socelec sends:

- a reminder for each catalogue step marked ``reminder``, from ``lead_days`` before the
  step's effective date up to that date; X and Y are announced on the day itself, because a
  reminder a week before "post the notice today" would be wrong on the day it matters;
- a phase-transition notice once the dossier's calendar enters a phase
  (docs/procedure.md#phases), from the pre-procedure on (the access-code letter covers the
  preparation).

A mailing is due on every day of its window, not only the first: a daily run that was missed
catches up the next day. The outbox's unique (dossier, kind, step) row is what makes the send
happen once, so running this for every day of an edition in order sends each mailing once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from procedure.calendar import Calendar, compute_calendar, valid_election_days
from procedure.steps import PHASE_FIRST_DAY, Phase
from procedure.working_days import WorkingDays

DEFAULT_LEAD_DAYS = 7
ON_THE_DAY = frozenset({"X", "Y"})


class MailingKind(StrEnum):
    reminder = "reminder"
    phase_notice = "phase_notice"


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


def procedure_end(edition, working_days: WorkingDays | None = None) -> date:
    """The last day any dossier of the edition may still act: the procedure of the window's
    latest valid Y. An e-Box message must stay readable until then."""
    latest = valid_election_days(edition, working_days)[-1]
    return compute_calendar(edition, latest, working_days).last_day


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
    calendar: Calendar, as_of: date, lead_days: int = DEFAULT_LEAD_DAYS
) -> list[DueMailing]:
    """Every mailing whose window contains ``as_of`` for this calendar."""
    if lead_days < 0:
        raise ValueError(f"lead_days: must be 0 or more, not {lead_days}")
    due: list[DueMailing] = []
    phase = calendar.phase_on(as_of)
    if phase is not Phase.preparation:
        start, end = phase_window(calendar, phase)
        due.append(
            DueMailing(MailingKind.phase_notice, phase_notice_code(phase), phase, start, end)
        )
    for entry in calendar.entries:
        if not entry.step.reminder:
            continue
        start, end = reminder_window(entry.effective_date, entry.step.code, lead_days)
        if start <= as_of <= end:
            due.append(
                DueMailing(MailingKind.reminder, entry.step.code, entry.step.phase, start, end)
            )
    return due
