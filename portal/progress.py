"""Where a dossier's procedure stands, step by step, as the officer sees it (pure).

Each step's state is the one rule of :func:`procedure.step_state.step_state` (done, late,
due, later, passed, void), the same the reminders, the late notices, the ministry's view and
``socelec status`` apply. What the page adds: whether the officer may mark the step done by a
click (a step without a document or form, once its date is near: a step months ahead cannot
be "done" yet), and the FPS's messages about it: when each was delivered to the e-Box and the
subject it bears there, or why there is none (not yet due, non-digital recipient sent by post,
failed, rejected, stopped).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from models.delivery import Delivery, DeliveryState
from procedure import Calendar, CalendarEntry
from procedure.mailings import DEFAULT_LEAD_DAYS, reminder_window
from procedure.step_state import STOP_STEP, Shown, StepState, evidence_for, followed, step_state


def confirmable(entry: CalendarEntry, state: StepState) -> bool:
    """The officer may mark (or unmark) this step done by a click: a followed step whose
    evidence is a confirmation, not yet void, and no further ahead than "due"."""
    return (
        followed(entry)
        and evidence_for(entry.code).confirmable
        and state in (StepState.done, StepState.late, StepState.due)
    )


@dataclass(frozen=True)
class MessageNote:
    """One line about the FPS's message for a step.

    ``reason`` is a key of the portal's strings: ``delivered``, ``in_progress``,
    ``non_digital``, ``failed``, ``rejected``, or, without a delivery, ``not_yet_due``,
    ``stopped`` or ``not_sent``.
    """

    reason: str
    kind: str | None = None
    at: datetime | None = None
    error: str | None = None
    due_from: date | None = None
    #: The subject in the e-Box and its language; None until the e-Box accepted the message.
    subject: str | None = None
    language: str | None = None


_REASON_BY_STATE = {
    DeliveryState.sent: "delivered",
    DeliveryState.pending: "in_progress",
    DeliveryState.rendered: "in_progress",
    # Held for the FPS's staff (data to correct, a letter to reissue): still on its way.
    DeliveryState.held: "in_progress",
    DeliveryState.non_digital: "non_digital",
    DeliveryState.failed: "failed",
    DeliveryState.rejected: "rejected",
}


def delivery_note(delivery: Delivery) -> MessageNote:
    failed = (DeliveryState.failed, DeliveryState.rejected)
    error = delivery.error_code if delivery.state in failed else None
    return MessageNote(
        reason=_REASON_BY_STATE[delivery.state],
        kind=delivery.document_kind,
        at=delivery.sent_at or delivery.rendered_at or delivery.created_at,
        error=error,
        subject=delivery.subject,
        language=delivery.language or None,
    )


def message_notes(
    entry: CalendarEntry, deliveries: Iterable[Delivery], today: date, *, stopped: bool
) -> list[MessageNote]:
    """What the FPS sent about this step, or why nothing (reminder steps only).

    A reminder is due from ``procedure.mailings``' lead time before the step, as the daily
    flow sends it; ``stopped`` says the procedure stopped before this step.
    """
    notes = [delivery_note(d) for d in deliveries]
    if notes or not entry.step.reminder:
        return notes
    if stopped:
        return [MessageNote(reason="stopped")]
    due_from, _ = reminder_window(entry.effective_date, entry.code, DEFAULT_LEAD_DAYS)
    if due_from > today:
        return [MessageNote(reason="not_yet_due", due_from=due_from)]
    return [MessageNote(reason="not_sent")]


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of a step's evidence: its document (``what`` = "document") or one of its
    statistical forms (``what`` = the form's kind), and whether the dossier has it."""

    what: str
    present: bool


def evidence_items(entry: CalendarEntry, shown: Shown) -> list[EvidenceItem]:
    """What the officer sends to show the step done, each with a link on the dossier page.
    The stop's notice or PV (X+36) only once a stop is declared: without one there is none."""
    needed = evidence_for(entry.code)
    if not followed(entry) or (entry.code == STOP_STEP and shown.stopped_on is None):
        return []
    items = [EvidenceItem("document", entry.code in shown.uploaded)] if needed.uploads else []
    return items + [EvidenceItem(form, form in shown.forms) for form in needed.forms]


@dataclass(frozen=True)
class StepRow:
    entry: CalendarEntry
    status: StepState
    confirmed: bool
    confirmable: bool
    evidence: list[EvidenceItem]
    notes: list[MessageNote]


def step_rows(
    calendar: Calendar,
    deliveries: Iterable[Delivery],
    shown: Shown,
    today: date,
    *,
    due_days: int,
) -> list[StepRow]:
    by_step: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_step.setdefault(delivery.step_code, []).append(delivery)
    rows = []
    for entry in calendar.entries:
        state = step_state(entry, today, shown, due_days=due_days)
        rows.append(
            StepRow(
                entry=entry,
                status=state,
                confirmed=entry.code in shown.confirmed,
                confirmable=confirmable(entry, state),
                evidence=[] if state is StepState.void else evidence_items(entry, shown),
                notes=message_notes(
                    entry, by_step.get(entry.code, ()), today, stopped=state is StepState.void
                ),
            )
        )
    return rows
