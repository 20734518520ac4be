"""Edition windows (docs/procedure.md#editions) and the 2028 extrapolation."""

from datetime import date, timedelta

import pytest

from procedure import KNOWN_EDITIONS, EditionWindow, legal_date, second_monday_of_may


@pytest.mark.parametrize(
    ("year", "first", "last"),
    [
        (2016, date(2016, 5, 9), date(2016, 5, 22)),
        (2020, date(2020, 11, 16), date(2020, 11, 29)),
        (2024, date(2024, 5, 13), date(2024, 5, 26)),
        (2028, date(2028, 5, 8), date(2028, 5, 21)),
    ],
)
def test_windows_of_section_2(year, first, last):
    edition = KNOWN_EDITIONS[year]
    assert (edition.year, edition.window_first, edition.window_last) == (year, first, last)
    assert edition.window_first.weekday() == 0  # every window opens on a Monday
    assert len(edition.days()) == 14
    assert edition.contains(first) and edition.contains(last)
    assert not edition.contains(first - timedelta(days=1))
    assert not edition.contains(last + timedelta(days=1))


def test_statuses_and_legal_bases():
    assert {y: e.status for y, e in KNOWN_EDITIONS.items()} == {
        2016: "official",
        2020: "official",
        2024: "official",
        2028: "provisional",
    }
    assert "5 June 2023" in KNOWN_EDITIONS[2024].legal_basis
    assert "extrapolat" in KNOWN_EDITIONS[2028].legal_basis
    for edition in KNOWN_EDITIONS.values():
        assert edition.source


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2016, date(2016, 5, 9)),
        (2020, date(2020, 5, 11)),
        (2024, date(2024, 5, 13)),
        (2028, date(2028, 5, 8)),
    ],
)
def test_second_monday_of_may_gives_the_window_starts(year, expected):
    assert second_monday_of_may(year) == expected


def test_2012_does_not_follow_the_pattern():
    # docs/procedure.md#editions, 2012: 7-20 May 2012 started on the *first* Monday; the
    # docstring says so.
    assert second_monday_of_may(2012) == date(2012, 5, 14)


def test_2020_keeps_its_original_window():
    e = KNOWN_EDITIONS[2020]
    assert (e.original_window_first, e.original_window_last) == (
        date(2020, 5, 11),
        date(2020, 5, 24),
    )
    for year in (2016, 2024, 2028):
        assert KNOWN_EDITIONS[year].original_window_first is None
        assert KNOWN_EDITIONS[year].suspensions == ()


def test_2020_suspension_spans_from_after_the_original_x35_to_before_the_new_x36():
    e = KNOWN_EDITIONS[2020]
    (suspension,) = e.suspensions
    original_ys = [e.original_window_first + timedelta(days=n) for n in range(14)]
    new_ys = e.days()
    original_x35 = [legal_date("X+35", y) for y in original_ys]
    new_x36 = [legal_date("X+36", y) for y in new_ys]
    # docs/procedure.md#editions, 2020 postponed: X+35 on 17-30 March, resumption at X+36 on
    # 23 Sep - 6 Oct
    assert (min(original_x35), max(original_x35)) == (date(2020, 3, 17), date(2020, 3, 30))
    assert (min(new_x36), max(new_x36)) == (date(2020, 9, 23), date(2020, 10, 6))
    assert suspension.start == min(original_x35) + timedelta(days=1)
    assert suspension.end == max(new_x36) - timedelta(days=1)
    # the new X+36 is Y-54, and the corrected X notice was due by the new X+29 (16-29 Sep)
    for y in new_ys:
        assert legal_date("X+36", y) == y - timedelta(days=54)
    x29 = [legal_date("X", y) + timedelta(days=29) for y in new_ys]
    assert (min(x29), max(x29)) == (date(2020, 9, 16), date(2020, 9, 29))
    assert "2160" in suspension.note and suspension.source.startswith("https://")


def test_window_refuses_reversed_dates():
    with pytest.raises(ValueError, match="window_first"):
        EditionWindow(2030, date(2030, 5, 20), date(2030, 5, 6), "provisional", "", "")
