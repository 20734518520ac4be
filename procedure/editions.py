"""Editions of the social elections and their legal windows for day Y.

Each edition's law fixes a window of 14 days in which every company picks its own election
day Y (docs/procedure.md#the-election-window). The windows below are the rows of
docs/procedure.md#editions, with their sources.

2020 is the odd one: the procedure was suspended after X+35 because of COVID-19 and resumed
towards a new window in November, so the record keeps both the original and the new window
and the suspension facts. 2028 has no law yet; its window is an extrapolation that FPS staff
are expected to replace (the database copy is the one they edit).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = [
    "KNOWN_EDITIONS",
    "EditionStatus",
    "EditionWindow",
    "Suspension",
    "second_monday_of_may",
]

EditionStatus = Literal["official", "provisional"]

#: Every known window runs from a Monday to the Sunday of the following week
#: (docs/procedure.md#editions).
WINDOW_DAYS = 14


def second_monday_of_may(year: int) -> date:
    """The second Monday of May: the first day of the 2016, 2020 (original) and 2024 windows.

    It is a pattern, not a rule of law. 2012 does not follow it (7 May 2012 was the first
    Monday, docs/procedure.md#editions); "the first Monday on or after 7 May" fits all four
    editions and gives the same day for 2028.
    """
    mondays = [
        week[_stdlib_calendar.MONDAY]
        for week in _stdlib_calendar.monthcalendar(year, 5)
        if week[_stdlib_calendar.MONDAY]
    ]
    return date(year, 5, mondays[1])


@dataclass(frozen=True)
class Suspension:
    """A span during which running procedures stood still (2020: COVID-19).

    ``start`` and ``end`` are the first and last suspended day across all companies; the
    per-company days depend on each company's own X and are explained in ``note``.
    """

    start: date
    end: date
    note: str
    source: str


@dataclass(frozen=True)
class EditionWindow:
    """The legal window for day Y of one edition (docs/procedure.md#editions).

    ``original_window_first``/``original_window_last`` are only set when the window was moved
    after the procedure had started (2020).
    """

    year: int
    window_first: date
    window_last: date
    status: EditionStatus
    legal_basis: str
    source: str
    suspensions: tuple[Suspension, ...] = ()
    original_window_first: date | None = None
    original_window_last: date | None = None

    def __post_init__(self) -> None:
        if self.window_first > self.window_last:
            raise ValueError(
                f"edition {self.year}: window_first {self.window_first} is after "
                f"window_last {self.window_last}"
            )

    def contains(self, day: date) -> bool:
        """True when ``day`` lies inside the window (both ends included)."""
        return self.window_first <= day <= self.window_last

    def days(self) -> list[date]:
        """Every calendar day of the window, in order."""
        span = (self.window_last - self.window_first).days
        return [self.window_first + timedelta(days=n) for n in range(span + 1)]


_2028_FIRST = second_monday_of_may(2028)

KNOWN_EDITIONS: dict[int, EditionWindow] = {
    2016: EditionWindow(
        year=2016,
        window_first=date(2016, 5, 9),
        window_last=date(2016, 5, 22),
        status="official",
        legal_basis="not given by the sources found (docs/procedure.md#editions)",
        source=(
            "https://www.easypay-group.com/fr_BE/EASYPAY_GROUP/sur_nous/news/detail/Pr%EAt-pour-la-premiere-etape-des-elections-sociales---?id=4782"
            " ; "
            "https://www.easypay-group.com/nl_BE/EASYPAY_GROUP/news/detail/Dag-X%3A-een-overzicht-van-de-te-vervullen-formaliteiten-en-aandachtspunten?id=4873"
        ),
    ),
    2020: EditionWindow(
        year=2020,
        window_first=date(2020, 11, 16),
        window_last=date(2020, 11, 29),
        status="official",
        legal_basis=(
            "Law of 4 April 2019 (original window, published 30 April 2019); law of 4 May 2020 "
            "(suspension, published 13 May 2020); Royal Decree of 15 July 2020 (resumption)"
        ),
        source=(
            "http://www.horvalwvl.be/2019/05/20/periode-van-sociale-verkiezingen-is-gekend/"
            " ; "
            "https://leglobal.law/2020/05/15/belgium-social-elections-officially-postponed-due-to-coronavirus/"
            " ; "
            "https://reliancelaw.be/nl/rechtspraak-thema/koninklijk-besluit-tot-regeling-van-de-herneming-van-de-procedure-sociale-verkiezingen-2020-ingevolge-het-coronavirus-vandaag-gepubliceerd/"
        ),
        suspensions=(
            Suspension(
                # Day after the earliest original X+35 (17 March) to the day before the
                # latest new X+36 (6 October).
                start=date(2020, 3, 18),
                end=date(2020, 10, 5),
                note=(
                    "Suspended after X+35 (original X+35: 17-30 March 2020) following National "
                    "Labour Council advice no. 2160 (law of 4 May 2020). Resumed at the new "
                    "X+36 (= Y-54): 23 September - 6 October 2020 (Royal Decree of 15 July "
                    "2020). The new Y derives from the original Y but may be chosen freely "
                    "inside 16-29 November 2020. A corrected X notice had to be posted by the "
                    "new X+29 (16-29 September 2020)."
                ),
                source=(
                    "https://leglobal.law/2020/05/15/belgium-social-elections-officially-postponed-due-to-coronavirus/"
                    " ; "
                    "https://www.eversheds-sutherland.com/global/en/what/articles/index.page?ArticleID=en/global/belgium/en/Resumption_of_the_social_election_procedures_2020_Are_you_ready"
                    " ; "
                    "https://reliancelaw.be/nl/rechtspraak-thema/koninklijk-besluit-tot-regeling-van-de-herneming-van-de-procedure-sociale-verkiezingen-2020-ingevolge-het-coronavirus-vandaag-gepubliceerd/"
                    " ; "
                    "https://katholiekonderwijs.vlaanderen/nieuws/herinnering-hervatting-sociale-verkiezingen"
                    " ; "
                    "https://www.unisoc.be/articles/fr/public/suspension-de-la-procedure-des-elections-sociales"
                ),
            ),
        ),
        original_window_first=date(2020, 5, 11),
        original_window_last=date(2020, 5, 24),
    ),
    2024: EditionWindow(
        year=2024,
        window_first=date(2024, 5, 13),
        window_last=date(2024, 5, 26),
        status="official",
        legal_basis=(
            "Law of 5 June 2023 (Moniteur belge 30 June 2023), after the National Labour "
            "Council's unanimous advice of 20 December 2022"
        ),
        source=(
            "https://sotra.be/news/588-les-prochaines-elections-sociales-auront-lieu-du-13-au-26-mai-2024?locale=fr"
            " ; "
            "https://www.groups.be/fr/actualites/articles-juridiques/elections-sociales-de-2024-la-nouvelle-loi-ete-publiee"
            " ; "
            "https://concordes.be/fr/loi-du-5-juin-2023-m-b-30-06-2023-fixant-les-regles-pour-la-procedure-des-elections-sociales-de-2024/"
        ),
    ),
    # No law yet (docs/procedure.md#editions: NOT FOUND). The second Monday of May, as in 2016, 2020
    # (original) and 2024, for 14 days: an extrapolation, not law.
    2028: EditionWindow(
        year=2028,
        window_first=_2028_FIRST,
        window_last=_2028_FIRST + timedelta(days=WINDOW_DAYS - 1),
        status="provisional",
        legal_basis=(
            "none yet: extrapolated from the 2016/2020/2024 pattern (second Monday of May, "
            "14 days); replace when the law is published"
        ),
        source="none: no 2028 window published yet (docs/procedure.md#editions)",
    ),
}
