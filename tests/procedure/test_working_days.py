"""Working days: weekdays, Belgian public holidays (holidays package), closed days."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedure import MONDAY_TO_SATURDAY, WorkingDays, belgian_holiday

MON_FRI = WorkingDays()
MON_SAT = WorkingDays.saturday_worked()


def test_office_company_works_monday_to_friday():
    assert MON_FRI.is_working(date(2024, 5, 14))  # Tuesday
    assert not MON_FRI.is_working(date(2024, 5, 18))  # Saturday
    assert not MON_FRI.is_working(date(2024, 5, 19))  # Sunday


def test_public_holidays_are_not_worked():
    assert belgian_holiday(date(2024, 5, 20)) == "Pentecost Monday"
    assert belgian_holiday(date(2023, 12, 25)) == "Christmas Day"
    assert belgian_holiday(date(2024, 5, 14)) is None
    for working_days in (MON_FRI, MON_SAT):
        assert not working_days.is_working(date(2024, 5, 20))  # Whit Monday
        assert not working_days.is_working(date(2024, 5, 9))  # Ascension
        assert not working_days.is_working(date(2016, 5, 16))  # Whit Monday 2016


def test_saturday_worked_company():
    assert MON_SAT.weekdays == MONDAY_TO_SATURDAY
    assert MON_SAT.is_working(date(2024, 5, 18))
    assert not MON_SAT.is_working(date(2024, 5, 19))  # Sunday still moves
    assert not MON_SAT.is_working(date(2028, 11, 11))  # Armistice on a Saturday


def test_closed_days():
    bridge = date(2024, 5, 10)  # the Friday after Ascension
    company = WorkingDays(closed_days=frozenset({bridge}))
    assert MON_FRI.is_working(bridge)
    assert not company.is_working(bridge)
    assert WorkingDays.saturday_worked([bridge]).closed_days == {bridge}


def test_reasons_name_the_rule():
    assert MON_FRI.reason_not_working(date(2024, 5, 19)) == "Sunday"
    assert MON_FRI.reason_not_working(date(2024, 5, 20)) == (
        "Belgian public holiday: Pentecost Monday"
    )
    assert "Saturday" in MON_FRI.reason_not_working(date(2024, 5, 18))
    closed = WorkingDays(closed_days={date(2024, 5, 10)})
    assert closed.reason_not_working(date(2024, 5, 10)) == "company closed day"
    assert MON_FRI.reason_not_working(date(2024, 5, 14)) is None


def test_securex_x_minus_35_weekend_moves_to_friday():
    # docs/procedure.md#deadlines-on-non-working-days, Securex: X-35 in 2024 on Saturday 13 /
    # Sunday 14 January
    assert MON_FRI.last_working_day_on_or_before(date(2024, 1, 13)) == date(2024, 1, 12)
    assert MON_FRI.last_working_day_on_or_before(date(2024, 1, 14)) == date(2024, 1, 12)
    assert MON_FRI.last_working_day_on_or_before(date(2024, 1, 21)) == date(2024, 1, 19)
    assert MON_SAT.last_working_day_on_or_before(date(2024, 1, 14)) == date(2024, 1, 13)
    assert MON_FRI.last_working_day_on_or_before(date(2024, 1, 12)) == date(2024, 1, 12)
    closed = WorkingDays(closed_days={date(2024, 1, 12)})
    assert closed.last_working_day_on_or_before(date(2024, 1, 14)) == date(2024, 1, 11)


def test_christmas_moves_back_over_the_weekend():
    assert MON_FRI.last_working_day_on_or_before(date(2023, 12, 25)) == date(2023, 12, 22)


def test_input_is_normalised_and_hashable():
    working_days = WorkingDays(weekdays=[0, 1, 2], closed_days=[date(2024, 1, 2)])
    assert working_days.weekdays == frozenset({0, 1, 2})
    assert isinstance(working_days.closed_days, frozenset)
    assert hash(working_days) == hash(WorkingDays({0, 1, 2}, {date(2024, 1, 2)}))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekdays": frozenset()}, "weekdays: a company must work"),
        ({"weekdays": frozenset({0, 6})}, "weekdays: .*Sunday is never a working day"),
        ({"weekdays": frozenset({7})}, "weekdays"),
        ({"closed_days": frozenset({datetime(2024, 1, 2, 9)})}, "closed_days"),
        ({"closed_days": frozenset({"2024-01-02"})}, "closed_days"),
    ],
)
def test_bad_input_names_the_field(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WorkingDays(**kwargs)


DAYS_2024 = st.dates(min_value=date(2023, 10, 1), max_value=date(2024, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    weekdays=st.frozensets(st.integers(0, 5), min_size=1),
    closed=st.frozensets(DAYS_2024, max_size=40),
    day=DAYS_2024,
)
def test_last_working_day_is_the_closest_working_day_on_or_before(weekdays, closed, day):
    working_days = WorkingDays(weekdays=weekdays, closed_days=closed)
    found = working_days.last_working_day_on_or_before(day)
    assert found <= day
    assert working_days.is_working(found)
    gap = (day - found).days
    assert all(not working_days.is_working(found + timedelta(days=n)) for n in range(1, gap + 1))
