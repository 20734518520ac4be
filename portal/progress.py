"""Where a dossier's procedure stands, step by step (pure).

Each step of the computed calendar gets a status for the officer:

- ``done``: a reminder step the officer confirmed, or any other step whose date has passed
  (nothing is left to do for it);
- ``overdue``: a reminder step whose date has passed without the officer's confirmation;
- ``due_soon``: its date (or, for a period, any day of it) is within the next
  ``due_soon_days`` days;
- ``later``: further ahead;
- ``void``: after a complete stop, the steps that would have come next no longer apply.

Reminder steps (``Step.reminder``) are the employer's acts the FPS writes about, hence the
ones the officer confirms. For them, the FPS's message is shown too: when it was delivered to
the e-Box and its kind, or why there is none (not yet due, non-digital recipient sent by post,
failed, rejected, stopped), with the subject it bears in the e-Box
once the e-Box has it (``Delivery.subject``, as published: the officer searches the e-Box for
that text, in the letter's language, whatever the page's). The e-Box's messageId is not
shown: it means nothing to an officer; staff find it in the outbox row
(``Delivery.message_id``) and its ``delivery.sent`` audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from models.delivery import Delivery, DeliveryState
from procedure import Calendar, CalendarEntry
from procedure.mailings import DEFAULT_LEAD_DAYS, reminder_window


class StepStatus(StrEnum):
    done = "done"
    overdue = "overdue"
    due_soon = "due_soon"
    later = "later"
    void = "void"


def step_status(
    entry: CalendarEntry,
    today: date,
    *,
    confirmed: bool,
    stopped_on: date | None,
    due_soon_days: int,
) -> StepStatus:
    start = entry.effective_date
    end = entry.period_end or start
    if stopped_on is not None and start > stopped_on:
        return StepStatus.void
    if entry.step.reminder and confirmed:
        return StepStatus.done
    if end < today:
        return StepStatus.overdue if entry.step.reminder else StepStatus.done
    if start <= today + timedelta(days=due_soon_days):
        return StepStatus.due_soon
    return StepStatus.later


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
class StepRow:
    entry: CalendarEntry
    status: StepStatus
    confirmed: bool
    notes: list[MessageNote]


def step_rows(
    calendar: Calendar,
    deliveries: Iterable[Delivery],
    confirmed_codes: set[str],
    today: date,
    *,
    stopped_on: date | None,
    due_soon_days: int,
) -> list[StepRow]:
    by_step: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_step.setdefault(delivery.step_code, []).append(delivery)
    return [
        StepRow(
            entry=entry,
            status=step_status(
                entry,
                today,
                confirmed=entry.code in confirmed_codes,
                stopped_on=stopped_on,
                due_soon_days=due_soon_days,
            ),
            confirmed=entry.code in confirmed_codes,
            notes=message_notes(
                entry,
                by_step.get(entry.code, ()),
                today,
                stopped=stopped_on is not None and entry.effective_date > stopped_on,
            ),
        )
        for entry in calendar.entries
    ]
