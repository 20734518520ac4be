"""Invariants of the legal calendar over every valid Y of every known window.

Exhaustive loops where they are cheap (each window has at most 14 days), hypothesis for what
cannot be enumerated: company closed-day sets and working-weekday sets.
"""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from procedure import (
    KNOWN_EDITIONS,
    Calendar,
    ElectionDayError,
    StepKind,
    WorkingDays,
    compute_calendar,
    valid_election_days,
)

WORKING_DAY_SETS = {"mon-fri": WorkingDays(), "mon-sat": WorkingDays.saturday_worked()}

CASES = [
    pytest.param(edition, working_days, y, id=f"{y.isoformat()}-{name}")
    for edition in KNOWN_EDITIONS.values()
    for name, working_days in WORKING_DAY_SETS.items()
    for y in valid_election_days(edition, working_days)
]


def _floor(calendar: Calendar, offset_from_x: int) -> date | None:
    if offset_from_x > 90:
        return calendar.y_day
    if offset_from_x > 0:
        return calendar.x_day
    return None


def assert_invariants(calendar: Calendar, working_days: WorkingDays) -> None:
    x, y = calendar.x_day, calendar.y_day
    assert x == y - timedelta(days=90)
    for code, anchor in (("X", x), ("Y", y)):
        entry = calendar.entry(code)
        assert entry.legal_date == entry.effective_date == anchor and not entry.moved
    assert working_days.is_working(y)

    previous_legal = None
    previous_deadline = None
    for entry in calendar.entries:
        s = entry.step
        assert entry.legal_date == x + timedelta(days=s.offset_from_x)
        if previous_legal is not None:
            assert entry.legal_date > previous_legal
        previous_legal = entry.legal_date
        assert entry.effective_date <= entry.legal_date
        assert entry.moved == (entry.effective_date != entry.legal_date)
        if s.kind is StepKind.period:
            assert entry.period_end == x + timedelta(days=s.period_end_from_x)
        else:
            assert entry.period_end is None
        if s.kind is not StepKind.deadline:
            assert not entry.moved, s.code
            continue

        floor = _floor(calendar, s.offset_from_x)
        span = (entry.legal_date - entry.effective_date).days
        days_skipped = [entry.effective_date + timedelta(days=n) for n in range(1, span + 1)]
        # moved to the *last* working day: every day skipped is not worked
        assert not any(working_days.is_working(d) for d in days_skipped), s.code
        if not working_days.is_working(entry.effective_date):
            # only when nothing between the anchor and the legal date is worked
            assert floor is not None and entry.effective_date == floor, s.code
        # no deadline crosses X or Y
        if s.offset_from_x > 0:
            assert entry.effective_date >= x, s.code
        if s.offset_from_x > 90:
            assert entry.effective_date >= y, s.code
        if s.offset_from_x < 0:
            assert entry.effective_date < x, s.code
        if s.offset_from_x < 90:
            assert entry.effective_date < y, s.code
        # deadlines keep their legal order
        if previous_deadline is not None:
            assert entry.effective_date >= previous_deadline, s.code
        previous_deadline = entry.effective_date


@pytest.mark.parametrize(("edition", "working_days", "y"), CASES)
def test_every_valid_day_of_every_window(edition, working_days, y):
    calendar = compute_calendar(edition, y, working_days)
    assert calendar.edition_year == edition.year and calendar.y_day == y
    assert_invariants(calendar, working_days)
    # with no closed days, every deadline lands on a working day
    for entry in calendar.entries:
        if entry.step.kind is StepKind.deadline:
            assert working_days.is_working(entry.effective_date), entry.code


def test_every_known_window_has_valid_days_in_both_regimes():
    for edition in KNOWN_EDITIONS.values():
        for working_days in WORKING_DAY_SETS.values():
            assert len(valid_election_days(edition, working_days)) >= 8


@pytest.mark.parametrize("name", list(WORKING_DAY_SETS))
@pytest.mark.parametrize("year", list(KNOWN_EDITIONS))
def test_every_other_day_around_the_window_is_refused(year, name):
    edition, working_days = KNOWN_EDITIONS[year], WORKING_DAY_SETS[name]
    valid = set(valid_election_days(edition, working_days))
    refused = 0
    for n in range(-10, 24):
        day = edition.window_first + timedelta(days=n)
        if day in valid:
            continue
        with pytest.raises(ElectionDayError, match=f"^election_day {day.isoformat()} ") as err:
            compute_calendar(edition, day, working_days)
        assert err.value.field == "election_day"
        refused += 1
    assert refused >= 34 - 14


@st.composite
def company_and_day(draw):
    """An edition, a company's working weekdays and closed days, and a Y valid for them."""
    edition = draw(st.sampled_from(list(KNOWN_EDITIONS.values())))
    weekdays = draw(st.frozensets(st.integers(0, 5), min_size=1))
    origin = edition.window_first - timedelta(days=90)  # X for the first day of the window
    offsets = draw(st.frozensets(st.integers(-75, 250), max_size=40))
    # a collective closure (summer, year end) of up to three weeks
    block_start = draw(st.integers(-75, 250))
    block_length = draw(st.integers(0, 21))
    closed = {origin + timedelta(days=n) for n in offsets}
    closed |= {origin + timedelta(days=block_start + n) for n in range(block_length)}
    working_days = WorkingDays(weekdays=weekdays, closed_days=frozenset(closed))
    valid = valid_election_days(edition, working_days)
    assume(valid)
    return edition, working_days, draw(st.sampled_from(valid))


@settings(max_examples=300, deadline=None)
@given(company_and_day())
def test_invariants_hold_for_any_company(case):
    edition, working_days, y = case
    assert_invariants(compute_calendar(edition, y, working_days), working_days)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_non_working_or_outside_day_is_always_refused(data):
    edition, working_days, _ = data.draw(company_and_day())
    day = data.draw(
        st.dates(
            edition.window_first - timedelta(days=30), edition.window_last + timedelta(days=30)
        )
    )
    assume(
        not (edition.window_first <= day <= edition.window_last) or not working_days.is_working(day)
    )
    with pytest.raises(ElectionDayError, match=f"^election_day {day.isoformat()} "):
        compute_calendar(edition, day, working_days)
