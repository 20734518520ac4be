"""compute_calendar: Y validation, moved deadlines, the ranges of the consistency check, JSON.

docs/procedure.md#consistency-check and the "2024 range" column of docs/procedure.md#timeline.
"""

import json
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from procedure import (
    KNOWN_EDITIONS,
    STEPS,
    ElectionDayError,
    Phase,
    StepKind,
    WorkingDays,
    compute_calendar,
    legal_date,
    valid_election_days,
    x_day_for,
)

E2016, E2020, E2024, E2028 = (KNOWN_EDITIONS[y] for y in (2016, 2020, 2024, 2028))
MON_FRI = WorkingDays()
MON_SAT = WorkingDays.saturday_worked()


# --- legal arithmetic: the ranges quoted by the sources -------------------------------------

# The consistency check (against the sources) and the "2024 range" of the timeline, for Y on
# the first and the last day of the window. 26 May 2024 is a Sunday, so it is never a valid Y:
# these are the plain legal arithmetic the sources quote, computed without validating Y.
RANGES_2024 = {
    "X-60": (date(2023, 12, 15), date(2023, 12, 28)),
    "X-35": (date(2024, 1, 9), date(2024, 1, 22)),
    "X-30": (date(2024, 1, 14), date(2024, 1, 27)),
    "X-28": (date(2024, 1, 16), date(2024, 1, 29)),
    "X-5": (date(2024, 2, 8), date(2024, 2, 21)),
    "X": (date(2024, 2, 13), date(2024, 2, 26)),
    "X+7": (date(2024, 2, 20), date(2024, 3, 4)),
    "X+14": (date(2024, 2, 27), date(2024, 3, 11)),
    "X+21": (date(2024, 3, 5), date(2024, 3, 18)),
    "X+28": (date(2024, 3, 12), date(2024, 3, 25)),
    "X+35": (date(2024, 3, 19), date(2024, 4, 1)),
    "X+40": (date(2024, 3, 24), date(2024, 4, 6)),
    "X+47": (date(2024, 3, 31), date(2024, 4, 13)),
    "X+48": (date(2024, 4, 1), date(2024, 4, 14)),
    "X+52": (date(2024, 4, 5), date(2024, 4, 18)),
    "X+54": (date(2024, 4, 7), date(2024, 4, 20)),
    "X+56": (date(2024, 4, 9), date(2024, 4, 22)),
    "X+60": (date(2024, 4, 13), date(2024, 4, 26)),
    "X+61": (date(2024, 4, 14), date(2024, 4, 27)),
    "X+70": (date(2024, 4, 23), date(2024, 5, 6)),
    "X+76": (date(2024, 4, 29), date(2024, 5, 12)),
    "X+77": (date(2024, 4, 30), date(2024, 5, 13)),
    "X+80": (date(2024, 5, 3), date(2024, 5, 16)),
    "Y": (date(2024, 5, 13), date(2024, 5, 26)),
    "Y+1": (date(2024, 5, 14), date(2024, 5, 27)),
    "Y+2": (date(2024, 5, 15), date(2024, 5, 28)),
    "Y+15": (date(2024, 5, 28), date(2024, 6, 10)),
    "Y+25": (date(2024, 6, 7), date(2024, 6, 20)),
    "Y+45": (date(2024, 6, 27), date(2024, 7, 10)),
    "Y+69": (date(2024, 7, 21), date(2024, 8, 3)),
    "Y+84": (date(2024, 8, 5), date(2024, 8, 18)),
    "Y+86": (date(2024, 8, 7), date(2024, 8, 20)),
}

# The consistency check, November 2020 (the resumed procedure, X = Y - 90 on the new window)
RANGES_NOV_2020 = {
    "X+36": (date(2020, 9, 23), date(2020, 10, 6)),
    "X+40": (date(2020, 9, 27), date(2020, 10, 10)),
    "X+47": (date(2020, 10, 4), date(2020, 10, 17)),
    "X+56": (date(2020, 10, 13), date(2020, 10, 26)),
    "X+61": (date(2020, 10, 18), date(2020, 10, 31)),
    "X+76": (date(2020, 11, 2), date(2020, 11, 15)),
}

# docs/procedure.md#editions: the X-60 and X windows of 2016 and of the original 2020 window
RANGES_2016 = {
    "X-60": (date(2015, 12, 11), date(2015, 12, 24)),
    "X": (date(2016, 2, 9), date(2016, 2, 22)),
}
RANGES_MAY_2020 = {
    "X-60": (date(2019, 12, 13), date(2019, 12, 26)),
    "X": (date(2020, 2, 11), date(2020, 2, 24)),
}

TABLES = [
    (E2024.window_first, E2024.window_last, RANGES_2024),
    (E2020.window_first, E2020.window_last, RANGES_NOV_2020),
    (E2016.window_first, E2016.window_last, RANGES_2016),
    (E2020.original_window_first, E2020.original_window_last, RANGES_MAY_2020),
]


@pytest.mark.parametrize(
    ("code", "first_y", "last_y", "expected"),
    [(code, f, last, r) for f, last, table in TABLES for code, r in table.items()],
)
def test_legal_dates_at_both_ends_of_the_window(code, first_y, last_y, expected):
    assert (legal_date(code, first_y), legal_date(code, last_y)) == expected


@pytest.mark.parametrize("working_days", [MON_FRI, MON_SAT], ids=["mon-fri", "mon-sat"])
@pytest.mark.parametrize(
    ("edition", "table"), [(E2024, RANGES_2024), (E2020, RANGES_NOV_2020)], ids=["2024", "2020"]
)
def test_legal_dates_of_every_valid_day_stay_inside_the_quoted_ranges(edition, table, working_days):
    for y in valid_election_days(edition, working_days):
        calendar = compute_calendar(edition, y, working_days)
        for code, (first, last) in table.items():
            assert first <= calendar.entry(code).legal_date <= last, (y, code)


def test_x_is_ninety_days_before_y_across_leap_february():
    assert x_day_for(date(2024, 5, 13)) == date(2024, 2, 13)
    assert x_day_for(date(2016, 5, 9)) == date(2016, 2, 9)
    assert x_day_for(date(2028, 5, 8)) == date(2028, 2, 8)


def test_legal_date_takes_a_step_or_a_code():
    assert legal_date(STEPS[0], date(2024, 5, 13)) == legal_date("X-60", date(2024, 5, 13))


# --- validation of Y -------------------------------------------------------------------------


def test_whit_monday_2024_is_refused_with_field_value_and_rule():
    with pytest.raises(ElectionDayError) as caught:
        compute_calendar(E2024, date(2024, 5, 20))
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.field == "election_day" and error.value == "2024-05-20"
    assert str(error) == (
        "election_day 2024-05-20 is not a working day (Belgian public holiday: Pentecost "
        "Monday); Y must be a working day inside the 2024 window 2024-05-13 – 2024-05-26"
    )


@pytest.mark.parametrize(
    ("day", "working_days", "reason"),
    [
        (date(2024, 5, 18), MON_FRI, "does not usually work on Saturday"),
        (date(2024, 5, 19), MON_SAT, "Sunday"),
        (date(2024, 5, 26), MON_SAT, "Sunday"),
        (date(2024, 5, 12), MON_FRI, "outside the window"),
        (date(2024, 5, 27), MON_FRI, "outside the window"),
        (date(2024, 5, 14), WorkingDays(closed_days={date(2024, 5, 14)}), "company closed day"),
        (date(2016, 5, 16), MON_FRI, "Pentecost Monday"),
    ],
)
def test_invalid_election_days_are_refused(day, working_days, reason):
    edition = KNOWN_EDITIONS[day.year]
    with pytest.raises(ElectionDayError, match=f"^election_day {day.isoformat()} .*{reason}"):
        compute_calendar(edition, day, working_days)


def test_a_datetime_is_not_a_day():
    with pytest.raises(ElectionDayError, match="^election_day .* is not a date"):
        compute_calendar(E2024, datetime(2024, 5, 14, 9))


def test_valid_election_days_of_2024():
    mon_fri = [date(2024, 5, d) for d in (13, 14, 15, 16, 17, 21, 22, 23, 24)]
    assert valid_election_days(E2024) == mon_fri
    assert valid_election_days(E2024, MON_SAT) == sorted(
        [*mon_fri, date(2024, 5, 18), date(2024, 5, 25)]
    )


def test_edition_is_duck_typed():
    row = SimpleNamespace(year=2028, window_first=date(2028, 5, 8), window_last=date(2028, 5, 21))
    assert compute_calendar(row, date(2028, 5, 9)) == compute_calendar(E2028, date(2028, 5, 9))


# --- moved deadlines -------------------------------------------------------------------------


def test_securex_saturday_x_minus_35_moves_to_friday():
    calendar = compute_calendar(E2024, date(2024, 5, 17))  # Friday
    x35 = calendar.entry("X-35")
    assert (x35.legal_date, x35.effective_date, x35.moved) == (
        date(2024, 1, 13),
        date(2024, 1, 12),
        True,
    )
    calendar = compute_calendar(E2024, date(2024, 5, 24))
    assert calendar.entry("X-35").legal_date == date(2024, 1, 20)
    assert calendar.entry("X-35").effective_date == date(2024, 1, 19)


def test_securex_sunday_x_minus_35_moves_to_the_worked_saturday():
    # X-35 falls on a Sunday only when Y is a Saturday, hence only for a Saturday-worked
    # company, whose last working day before is that Saturday.
    calendar = compute_calendar(E2024, date(2024, 5, 18), MON_SAT)
    x35 = calendar.entry("X-35")
    assert (x35.legal_date, x35.effective_date) == (date(2024, 1, 14), date(2024, 1, 13))
    calendar = compute_calendar(E2024, date(2024, 5, 25), MON_SAT)
    assert calendar.entry("X-35").effective_date == date(2024, 1, 20)


def test_company_closed_day_moves_the_deadline_further():
    closed = WorkingDays(closed_days={date(2024, 1, 12)})
    x35 = compute_calendar(E2024, date(2024, 5, 17), closed).entry("X-35")
    assert x35.effective_date == date(2024, 1, 11)


def test_deadline_on_christmas_moves_before_the_weekend():
    x60 = compute_calendar(E2024, date(2024, 5, 23)).entry("X-60")
    assert (x60.legal_date, x60.effective_date) == (date(2023, 12, 25), date(2023, 12, 22))


def test_x_and_y_never_move_even_on_a_sunday():
    calendar = compute_calendar(E2024, date(2024, 5, 18), MON_SAT)  # X is Sunday 18 Feb
    x = calendar.entry("X")
    assert x.legal_date == x.effective_date == calendar.x_day == date(2024, 2, 18)
    assert not x.moved
    y = calendar.entry("Y")
    assert y.effective_date == calendar.y_day == date(2024, 5, 18) and not y.moved


def test_other_kinds_do_not_move():
    calendar = compute_calendar(E2024, date(2024, 5, 17))
    for entry in calendar.entries:
        if entry.step.kind is not StepKind.deadline:
            assert entry.effective_date == entry.legal_date and not entry.moved
    # Y+86 (earliest day) falls on Sunday 11 August 2024 and stays there
    assert calendar.entry("Y+86").effective_date == date(2024, 8, 11)


def test_post_y_deadlines_never_move_before_y():
    calendar = compute_calendar(E2024, date(2024, 5, 17))  # Friday
    assert calendar.entry("Y+1").effective_date == calendar.y_day
    assert calendar.entry("Y+2").effective_date == calendar.y_day


def test_a_company_closed_from_x_keeps_its_first_deadlines_on_x():
    # X is Saturday 17 Feb 2024; closed the whole week after, X+7 (Sat 24 Feb) has no working
    # day between X and its legal date: it stays on X rather than crossing back before it.
    closed = WorkingDays(closed_days={date(2024, 2, 19) + timedelta(days=n) for n in range(5)})
    calendar = compute_calendar(E2024, date(2024, 5, 17), closed)
    x7 = calendar.entry("X+7")
    assert calendar.x_day == date(2024, 2, 17)
    assert (x7.legal_date, x7.effective_date, x7.moved) == (date(2024, 2, 24), calendar.x_day, True)


def test_period_end_is_the_legal_x_plus_79():
    calendar = compute_calendar(E2024, date(2024, 5, 13))
    stop = calendar.entry("X+36")
    assert stop.legal_date == date(2024, 3, 20)  # "from 20 Mar 2024" (the timeline)
    assert stop.period_end == calendar.x_day + timedelta(days=79)
    assert [e.code for e in calendar.entries if e.period_end] == ["X+36"]


# --- calendar helpers ------------------------------------------------------------------------


def test_entries_follow_the_catalogue_and_lookup_works():
    calendar = compute_calendar(E2024, date(2024, 5, 13))
    assert [e.step for e in calendar.entries] == list(STEPS)
    assert calendar.entry("X\u221260") is calendar.entries[0]
    with pytest.raises(KeyError, match="UNVERIFIED"):
        calendar.entry("X+68")


def test_phase_on_a_day():
    calendar = compute_calendar(E2024, date(2024, 5, 13))
    x = calendar.x_day
    assert calendar.phase_on(x - timedelta(days=61)) is Phase.preparation
    assert calendar.phase_on(x - timedelta(days=60)) is Phase.pre_procedure
    assert calendar.phase_on(x) is Phase.announcement
    assert calendar.phase_on(x + timedelta(days=28)) is Phase.announcement
    assert calendar.phase_on(x + timedelta(days=29)) is Phase.candidacy
    assert calendar.phase_on(x + timedelta(days=78)) is Phase.vote
    assert calendar.phase_on(calendar.y_day) is Phase.vote
    assert calendar.phase_on(calendar.y_day + timedelta(days=1)) is Phase.post_electoral


def test_to_dict_is_json_with_iso_dates():
    calendar = compute_calendar(E2024, date(2024, 5, 17))
    data = json.loads(json.dumps(calendar.to_dict()))
    assert (data["edition_year"], data["x_day"], data["y_day"]) == (
        2024,
        "2024-02-17",
        "2024-05-17",
    )
    assert len(data["entries"]) == len(STEPS)
    x35 = next(e for e in data["entries"] if e["code"] == "X-35")
    assert x35 | {"source": None} == {
        "code": "X-35",
        "anchor": "X",
        "offset": -35,
        "offset_from_x": -35,
        "kind": "deadline",
        "phase": "pre_procedure",
        "actor": "employer",
        "title": x35["title"],
        "documents": ["X-35 notice"],
        "web_app": True,
        "reminder": True,
        "source": None,
        "legal_date": "2024-01-13",
        "effective_date": "2024-01-12",
        "moved": True,
        "period_end": None,
    }
    stop = next(e for e in data["entries"] if e["code"] == "X+36")
    assert stop["period_end"] == "2024-05-06"
