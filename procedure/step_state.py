"""Where one dossier stands on one step: the single rule the portal, the reminders, the late
notices, the ministry's view and ``socelec status`` all apply (pure, no I/O).

A step is one of:

- ``done``: the employer's act, and the dossier shows it was done: the documents it uploads
  and the statistical forms it submits at that step (:data:`EVIDENCE`), or, for a step with
  neither, the officer's confirmation;
- ``late``: the employer's act, its date (the end of its period) passed, not done;
- ``due``: not done, and its date is within ``due_days`` (or its period is open);
- ``later``: further ahead;
- ``passed``: a step that is not the employer's act to show (the protection starting at
  X−30, an appeal of the unions at X−28, a court's ruling), whose date passed: nothing for
  the company to do, so never "done";
- ``void``: after a complete stop, the steps that would have come next no longer apply.

Which steps are the employer's acts the FPS follows is the step catalogue's ``reminder`` flag
(the steps it writes to companies about, docs/procedure.md#timeline); the complete or partial
stop of X+36 (docs/procedure.md#stopping-the-procedure) is optional: done when recorded,
otherwise passed once its period is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from procedure.calendar import Calendar, CalendarEntry
from procedure.working_days import WorkingDays

__all__ = [
    "EVIDENCE",
    "Evidence",
    "Shown",
    "StepState",
    "late_notice_day",
    "late_steps",
    "shown_done",
    "step_state",
]

#: The optional stop: the employer's act when it happens, nothing to do otherwise.
STOP_STEP = "X+36"


class StepState(StrEnum):
    done = "done"
    late = "late"
    due = "due"
    later = "later"
    passed = "passed"
    void = "void"


@dataclass(frozen=True)
class Evidence:
    """What shows that a dossier did a step: the documents it uploads (by step) and the
    statistical forms it submits; with neither, the officer confirms the step."""

    uploads: bool = False
    forms: tuple[str, ...] = ()

    @property
    def confirmable(self) -> bool:
        return not self.uploads and not self.forms


#: The steps whose evidence is a document or a form (docs/procedure.md#the-fps-web-application):
#: the X−60 and X−35 notices, the X notice (later versions after a complaint or a ruling are
#: versions of it), the election PV at Y, and the three statistical forms.
EVIDENCE: dict[str, Evidence] = {
    "X-60": Evidence(uploads=True, forms=("basic",)),
    "X-35": Evidence(uploads=True),
    "X": Evidence(uploads=True, forms=("pre_electoral",)),
    STOP_STEP: Evidence(uploads=True),
    "Y": Evidence(uploads=True, forms=("election",)),
}
CONFIRMATION = Evidence()


def evidence_for(code: str) -> Evidence:
    return EVIDENCE.get(code, CONFIRMATION)


@dataclass(frozen=True)
class Shown:
    """What one dossier has shown: steps with an uploaded document, submitted forms, steps the
    officer confirmed, and whether (and when) it stopped."""

    uploaded: frozenset[str] = field(default_factory=frozenset)
    forms: frozenset[str] = field(default_factory=frozenset)
    confirmed: frozenset[str] = field(default_factory=frozenset)
    stopped_on: date | None = None


def shown_done(code: str, shown: Shown) -> bool:
    """Whether the dossier shows it did step ``code`` (every document and form it asks)."""
    if code == STOP_STEP:
        return shown.stopped_on is not None or code in shown.uploaded
    needed = evidence_for(code)
    if needed.confirmable:
        return code in shown.confirmed
    return (not needed.uploads or code in shown.uploaded) and all(
        form in shown.forms for form in needed.forms
    )


def followed(entry: CalendarEntry) -> bool:
    """A step whose doing the company shows (the FPS reminds it of each)."""
    return entry.step.reminder or entry.code == STOP_STEP


def step_state(entry: CalendarEntry, today: date, shown: Shown, *, due_days: int) -> StepState:
    """The state of one step of one dossier on ``today`` (module docstring)."""
    start = entry.effective_date
    end = entry.period_end or start
    if shown.stopped_on is not None and start > shown.stopped_on:
        return StepState.void
    if followed(entry) and shown_done(entry.code, shown):
        return StepState.done
    if end < today:
        if entry.code == STOP_STEP or not followed(entry):
            return StepState.passed
        return StepState.late
    if start <= today + timedelta(days=due_days):
        return StepState.due
    return StepState.later


def late_steps(calendar: Calendar, today: date, shown: Shown) -> list[str]:
    """The codes of the steps that are late on ``today``, in calendar order (a day Y chosen
    late makes its X−60 and X−35 late at once: the officer is told)."""
    return [
        entry.code
        for entry in calendar.entries
        if step_state(entry, today, shown, due_days=0) is StepState.late
    ]


def late_notice_day(entry: CalendarEntry, working_days: WorkingDays, after: int) -> date:
    """The day a step not done gets its late notice: ``after`` working days of the company
    after its date (the end of its period)."""
    day = entry.period_end or entry.effective_date
    counted = 0
    while counted < after:
        day += timedelta(days=1)
        if working_days.is_working(day):
            counted += 1
    return day
