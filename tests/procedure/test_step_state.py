"""The one rule of a step's state (procedure.step_state), on real calendars of 2028."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from procedure import compute_calendar
from procedure.editions import KNOWN_EDITIONS
from procedure.step_state import Shown, StepState, late_notice_day, shown_done, step_state
from procedure.working_days import WorkingDays

EDITION = KNOWN_EDITIONS[2028]
CALENDAR = compute_calendar(EDITION, date(2028, 5, 10))


def state(code: str, today: date, shown: Shown = Shown(), due_days: int = 7) -> StepState:
    return step_state(CALENDAR.entry(code), today, shown, due_days=due_days)


def test_a_step_that_is_not_the_employers_act_passes_it_is_never_done():
    after = CALENDAR.entry("X-28").effective_date + timedelta(days=1)
    assert state("X-30", after) is StepState.passed
    assert state("X-28", after) is StepState.passed
    # The same date for an employer's step not shown: late.
    assert state("X-35", after) is StepState.late


def test_a_document_step_is_done_with_its_documents_and_forms_only():
    day = CALENDAR.entry("X-60").effective_date + timedelta(days=3)
    assert state("X-60", day) is StepState.late
    notice_only = Shown(uploaded=frozenset({"X-60"}))
    assert state("X-60", day, notice_only) is StepState.late  # the basic form is missing
    both = Shown(uploaded=frozenset({"X-60"}), forms=frozenset({"basic"}))
    assert state("X-60", day, both) is StepState.done
    # A confirmation click does not stand in for a document.
    assert not shown_done("X-35", Shown(confirmed=frozenset({"X-35"})))


def test_a_step_without_a_document_is_done_by_its_confirmation():
    entry = CALENDAR.entry("X+35")
    assert state("X+35", entry.effective_date + timedelta(days=1)) is StepState.late
    confirmed = Shown(confirmed=frozenset({"X+35"}))
    assert state("X+35", entry.effective_date - timedelta(days=30), confirmed) is StepState.done


@pytest.mark.parametrize("days_before, expected", [(0, "due"), (7, "due"), (8, "later")])
def test_due_within_the_horizon_later_beyond(days_before, expected):
    entry = CALENDAR.entry("X+40")
    assert state("X+40", entry.effective_date - timedelta(days=days_before)) == expected


def test_a_period_is_due_while_open_and_the_optional_stop_passes():
    stop = CALENDAR.entry("X+36")
    assert state("X+36", stop.effective_date + timedelta(days=10)) is StepState.due
    assert state("X+36", stop.period_end + timedelta(days=1)) is StepState.passed
    stopped = Shown(stopped_on=stop.effective_date + timedelta(days=2))
    assert state("X+36", stop.period_end + timedelta(days=1), stopped) is StepState.done
    # After a complete stop, what would have come next no longer applies.
    assert state("Y", CALENDAR.y_day + timedelta(days=1), stopped) is StepState.void


def test_the_late_notice_counts_the_companys_working_days():
    entry = CALENDAR.entry("X-35")  # its date, moved to a working day
    monday_to_friday = late_notice_day(entry, WorkingDays(), after=2)
    assert WorkingDays().is_working(monday_to_friday)
    closed = WorkingDays(closed_days=frozenset({monday_to_friday}))
    assert late_notice_day(entry, closed, after=2) > monday_to_friday
