"""Which mailings are due when: each reminder and phase notice once over a whole edition."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from procedure import KNOWN_EDITIONS, STEPS, Phase, compute_calendar
from procedure.mailings import (
    MailingKind,
    due_mailings,
    phase_notice_code,
    planning_calendar,
)

EDITION_2028 = KNOWN_EDITIONS[2028]


def days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


def first_due_days(calendar, lead_days=7):
    """Simulate one daily run per day; the outbox keeps the first day each mailing was due."""
    sent: dict[str, date] = {}
    counts: Counter[str] = Counter()
    for day in days(calendar.x_day - timedelta(days=90), calendar.y_day + timedelta(days=60)):
        for mailing in due_mailings(calendar, day, lead_days):
            counts[mailing.step_code] += 1
            sent.setdefault(mailing.step_code, day)
    return sent, counts


def test_every_reminder_and_phase_notice_is_due_over_the_edition():
    calendar = compute_calendar(EDITION_2028, date(2028, 5, 8))
    sent, _ = first_due_days(calendar)
    reminders = {s.code for s in STEPS if s.reminder}
    notices = {phase_notice_code(p) for p in Phase if p is not Phase.preparation}
    assert set(sent) == reminders | notices


def test_reminders_come_a_week_ahead_and_x_and_y_on_the_day():
    calendar = compute_calendar(EDITION_2028, date(2028, 5, 8))
    sent, _ = first_due_days(calendar)
    assert sent["X"] == calendar.x_day and sent["Y"] == calendar.y_day
    x35 = calendar.entry("X-35").effective_date
    assert sent["X-35"] == x35 - timedelta(days=7)
    assert sent[phase_notice_code(Phase.announcement)] == calendar.x_day
    assert sent[phase_notice_code(Phase.post_electoral)] == calendar.y_day + timedelta(days=1)


def test_nothing_is_due_before_the_first_window():
    calendar = compute_calendar(EDITION_2028, date(2028, 5, 8))
    assert due_mailings(calendar, calendar.x_day - timedelta(days=80)) == []


def test_a_missed_day_is_caught_up_within_the_window():
    calendar = compute_calendar(EDITION_2028, date(2028, 5, 8))
    deadline = calendar.entry("X+14").effective_date
    codes = {m.step_code for m in due_mailings(calendar, deadline)}
    assert "X+14" in codes
    after = {m.step_code for m in due_mailings(calendar, deadline + timedelta(days=1))}
    assert "X+14" not in after


def test_without_a_chosen_day_the_window_s_earliest_dates_are_used():
    calendar, provisional = planning_calendar(EDITION_2028, None)
    assert provisional and calendar.y_day == date(2028, 5, 8)
    chosen, provisional = planning_calendar(EDITION_2028, date(2028, 5, 19))
    assert not provisional and chosen.y_day == date(2028, 5, 19)


def test_kinds_and_bad_lead():
    calendar = compute_calendar(EDITION_2028, date(2028, 5, 8))
    kinds = {m.kind for m in due_mailings(calendar, calendar.x_day)}
    assert kinds == {MailingKind.reminder, MailingKind.phase_notice}
    with pytest.raises(ValueError, match="lead_days"):
        due_mailings(calendar, calendar.x_day, lead_days=-1)
