"""The national results report: one PDF per language, headline figures first.

:func:`render_report` lays out the figures of :mod:`procedure.results` in French, Dutch or
German: the title, the date and whether the figures may still change; per body the coverage
(election forms in, dossiers expected), the turnout and each organisation's vote and seat
shares (beside the previous edition's, when staff loaded them); two charts (seats per
organisation, turnout per region); the tables per college, region, province, sector and joint
committee; the method. It is rendered as the letters are (:mod:`templates.render`): Jinja2 →
HTML → WeasyPrint with :data:`templates.render.PDF_OPTIONS` (PDF/UA-1: tagged, ``/Lang`` from
``<html lang>``, the title shown by viewers), the same Jinja2 environment, font configuration,
lock and ``letter.css`` (DejaVu fonts, the palette), and ``results.css`` for what a report adds:
an outline, page numbers, figure tables, and landscape pages for the breakdowns' eight columns
(each heading's longest word fits its column, so none is hyphenated).

Every figure comes from :meth:`procedure.results.Results.rows`, the rows the open-data CSV
holds, never from the tallies: a suppressed cell has no value there, so the report shows the
marker :data:`SUPPRESSED` where the CSV is empty and cannot print what it hides. Every word is
an entry of the ``results`` domain (``procedure/locale/<lang>/LC_MESSAGES/results.po``), or
the shared names of bodies, colleges, organisations, regions and provinces; numbers and
percentages are written for the Belgian locale by Babel (``12 345`` / ``12.345``, ``42,3 %`` /
``42,3%``), dates by :func:`procedure.i18n.format_date`.

The charts are inline SVG written here (WeasyPrint draws it as vector paths and real text; no
JavaScript, no plotting library): each bar is named and valued in text beside it, so colour
only decorates; every colour keeps 7:1 on white. WeasyPrint tags an inline ``<svg>`` as a
``Figure`` whose ``/Alt`` is the SVG's ``<title>``: that title carries every value of the
chart, so a screen reader reads the same figures as the eye; the ``<figcaption>`` is the
Figure's Caption.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, partial

from babel import Locale
from babel.numbers import format_decimal, format_percent, parse_pattern
from markupsafe import Markup, escape
from weasyprint import CSS, HTML

from procedure.categories import COLLEGE_KEYS
from procedure.i18n import (
    LOCALES,
    body_abbreviation,
    body_name,
    check_language,
    format_date,
    label,
)
from procedure.regions import PROVINCE_REGION, PROVINCES, REGIONS, province_name, region_name
from procedure.results import (
    ALL_COLLEGES,
    BODIES,
    MIN_COMPANIES,
    NATIONAL,
    ORGANISATIONS,
    UNKNOWN,
    Results,
)
from templates.render import (
    DOCUMENTS_DIR,
    PDF_OPTIONS,
    WEASYPRINT_LOCK,
    jinja_environment,
    letter_stylesheet,
    shared_font_config,
)

__all__ = [
    "BAR_COLOURS",
    "FPS_SOURCES",
    "SUPPRESSED",
    "render_report",
]

#: What a suppressed figure shows, in the tables and the charts (explained under each table).
SUPPRESSED = "•"
#: A figure the previous edition's data do not have.
NOT_AVAILABLE = "–"
#: The FPS's own publications of the 2020 results, which the report's method cites.
FPS_SOURCES = (
    "https://emploi.belgique.be/fr/blog/elections-sociales-2020-des-resultats-definitifs-en-2021",
    "https://werk.belgie.be/nl/themas/sociaal-overleg/sociale-verkiezingen-2024/"
    "definitieve-resultaten-sociale-verkiezingen-2020",
)
#: The bar of each organisation in the seats chart: dark tones of the colours the
#: organisations use (red, green, blue), each at 7:1 or more on white
#: (tests/documents/test_results_report.py checks it). The name and value beside each bar say
#: what it is; the colour adds nothing a reader needs.
BAR_COLOURS: dict[str, str] = {
    "abvv_fgtb": "#9b0000",
    "acv_csc": "#1d5a1d",
    "aclvb_cgslb": "#00335e",
    "nck_cnc": "#4b2a7b",
    "cadre_group": "#3d3d3d",
}
#: The turnout bars, one colour: the headings' blue of letter.css.
TURNOUT_COLOUR = "#00335e"
TEXT_COLOUR = "#1a1a1a"
RULE_COLOUR = "#3d3d3d"

#: The figures of each table row, in the order of its columns.
MEASURES = (
    "registered",
    "voters",
    "turnout",
    "blank_share",
    "invalid_share",
    "candidates",
    "elected",
)
SHARES = frozenset({"turnout", "blank_share", "invalid_share", "vote_share", "seat_share"})


# --- Words -------------------------------------------------------------------------------


def organisation_name(organisation: str, lang: str) -> str:
    """ABVV-FGTB, ACV-CSC, ACLVB-CGSLB, NCK-CNC as the forms name them; a group of cadres in
    the reader's language."""
    if organisation == "cadre_group":
        return label("results.organisation_cadre_group", lang)
    return label(f"forms.organisation.{organisation}", lang)


def college_name(college: str, lang: str) -> str:
    if college == ALL_COLLEGES:
        return label("results.all_colleges", lang)
    return label(f"forms.college.{college}", lang)


def group_name(dimension: str, group: str, lang: str) -> str:
    """The name a table row gives a group; Brussels, without a province, by its region."""
    if group == UNKNOWN:
        return label("results.unknown", lang)
    if dimension == "national":
        return label("results.belgium", lang)
    if dimension == "region" or (dimension == "province" and group in REGIONS):
        return region_name(group, lang)
    if dimension == "province":
        return province_name(group, lang)
    if dimension == "sector":
        if group == "commercial":
            return label("results.sector_commercial", lang)
        if group == "non_commercial":
            return label("results.sector_non_commercial", lang)
    return group  # a joint committee's number, as the registry gives it ("200", "124")


def body_title(body: str, lang: str) -> str:
    """ "Conseil d'entreprise (CE)", "Comité voor preventie en bescherming op het werk (CPBW)"."""
    name = body_name(body, lang)
    return f"{name[:1].upper()}{name[1:]} ({body_abbreviation(body, lang)})"


def _dimension_words(lang: str) -> dict[str, tuple[str, str]]:
    """Each breakdown's section heading and first column."""
    return {
        "region": (label("results.by_region", lang), label("results.region", lang)),
        "province": (label("results.by_province", lang), label("results.province", lang)),
        "sector": (label("results.by_sector", lang), label("results.sector", lang)),
        "joint_committee": (
            label("results.by_joint_committee", lang),
            label("results.joint_committee", lang),
        ),
    }


def _measure_heads(lang: str) -> list[str]:
    return [
        label("results.registered", lang),
        label("results.voters", lang),
        label("results.turnout", lang),
        label("results.blank_share", lang),
        label("results.invalid_share", lang),
        label("results.candidates", lang),
        label("results.elected", lang),
    ]


# --- Numbers -----------------------------------------------------------------------------


@cache
def _percent_pattern(locale: str):
    """The locale's percent pattern ("#,##0 %", "#,##0%") with exactly one decimal."""
    pattern = parse_pattern(Locale.parse(locale).percent_formats[None].pattern)
    pattern.frac_prec = (1, 1)
    return pattern


@dataclass(frozen=True)
class Numbers:
    """Counts and shares written for one language; None (suppressed) is the marker."""

    lang: str

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def count(self, value: int | float | None) -> str:
        return SUPPRESSED if value is None else format_decimal(value, locale=self.locale)

    def share(self, value: int | float | None) -> str:
        """A percentage (42.3 for 42.3 %), one decimal."""
        if value is None:
            return SUPPRESSED
        fraction = Decimal(str(value)) / 100
        return format_percent(fraction, format=_percent_pattern(self.locale), locale=self.locale)

    def figure(self, measure: str, value: int | float | None) -> str:
        return self.share(value) if measure in SHARES else self.count(value)


# --- What the template shows -------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]  # the first is the rows' header column
    rows: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def suppressed(self) -> bool:
        return any(SUPPRESSED in cell for _, cells in self.rows for cell in cells)


@dataclass(frozen=True)
class Headline:
    body: str
    title: str
    coverage: str | None
    turnout: str | None  # None: no form in for this body
    table: Table | None
    previous_source: str | None


@dataclass(frozen=True)
class Chart:
    caption: str
    svg: Markup
    suppressed: bool  # a bar shows the marker: the note goes under the chart


@dataclass(frozen=True)
class Section:
    heading: str
    tables: tuple[Table, ...]


class _Figures:
    """The values of :meth:`Results.rows` by (dimension, group, body, college, measure,
    organisation); a suppressed cell's values are None."""

    def __init__(self, results: Results) -> None:
        self.values = {
            (r.dimension, r.group, r.body, r.college, r.measure, r.organisation): r.value
            for r in results.rows()
        }
        self.cells = {(k.dimension, k.group, k.body, k.college) for k in results.cells}
        self.suppressed = {
            (k.dimension, k.group, k.body, k.college)
            for k, c in results.cells.items()
            if c.suppressed
        }

    def has(self, dimension: str, group: str, body: str, college: str = ALL_COLLEGES) -> bool:
        return (dimension, group, body, college) in self.cells

    def value(
        self,
        dimension: str,
        group: str,
        body: str,
        measure: str,
        organisation: str = "",
        college: str = ALL_COLLEGES,
    ) -> int | float | None:
        return self.values[(dimension, group, body, college, measure, organisation)]

    def groups(self, dimension: str, body: str) -> list[str]:
        return sorted(
            {g for d, g, b, c in self.cells if d == dimension and b == body and c == ALL_COLLEGES},
            key=partial(_group_order, dimension),
        )

    def colleges(self, body: str) -> list[str]:
        found = {c for d, g, b, c in self.cells if d == "national" and g == NATIONAL and b == body}
        order = [*COLLEGE_KEYS, ALL_COLLEGES]
        return sorted(found, key=lambda c: (order.index(c) if c in order else len(order), c))


def _group_order(dimension: str, group: str) -> tuple:
    """Regions and provinces in the catalogue's order (Brussels, then the Flemish and the
    Walloon provinces), sectors commercial first, joint committees by number; unknown last."""
    if group == UNKNOWN:
        return (2,)
    if dimension == "region" and group in REGIONS:
        return (0, REGIONS.index(group))
    if dimension == "province":
        if group in REGIONS:  # Brussels
            return (0, REGIONS.index(group), -1)
        if group in PROVINCES:
            return (0, REGIONS.index(PROVINCE_REGION[group]), PROVINCES.index(group))
    if dimension == "sector" and group in ("commercial", "non_commercial"):
        return (0, group != "commercial")
    numbers = tuple(int(part) for part in re.findall(r"\d+", group))
    return (1, numbers, group)


def _shown_organisations(figures: _Figures, body: str, previous: Mapping) -> list[str]:
    """The organisations of a body's headline: those with candidates, votes or seats, or
    with a previous figure; all of them when the body's figure is suppressed (a zero would
    tell something)."""
    if ("national", NATIONAL, body, ALL_COLLEGES) in figures.suppressed:
        return list(ORGANISATIONS)
    return [
        organisation
        for organisation in ORGANISATIONS
        if any(
            figures.value("national", NATIONAL, body, measure, organisation)
            for measure in ("candidates", "votes", "seats")
        )
        or any((body, organisation, m) in previous for m in ("vote_share", "seat_share"))
    ]


class _Report:
    def __init__(
        self,
        results: Results,
        lang: str,
        previous: Mapping[tuple[str, str, str], float],
        previous_source: str | None,
        previous_year: int | None,
    ) -> None:
        self.results = results
        self.lang = lang
        self.t: Callable[..., str] = partial(label, lang=lang)
        self.n = Numbers(lang)
        self.figures = _Figures(results)
        self.previous = previous
        self.previous_source = previous_source
        self.previous_when = (
            str(previous_year) if previous_year else label("results.previous_edition", lang)
        )

    # Headline

    def headlines(self) -> list[Headline]:
        return [self._headline(body) for body in BODIES]

    def _headline(self, body: str) -> Headline:
        t, n = self.t, self.n
        coverage = next((c for c in self.results.coverage if c.body == body), None)
        coverage_line = (
            t(
                "results.coverage",
                reported=n.count(coverage.reported),
                expected=n.count(coverage.expected),
                share=n.share(coverage.share),
            )
            if coverage is not None
            else None
        )
        if not self.figures.has("national", NATIONAL, body):
            return Headline(body, body_title(body, self.lang), coverage_line, None, None, None)
        value = partial(self.figures.value, "national", NATIONAL, body)
        with_previous = any(key[0] == body for key in self.previous)
        head = [
            t("results.organisation"),
            t("results.vote_share"),
            t("results.seats"),
            t("results.seat_share"),
        ]
        if with_previous:
            head += [
                t("results.previous_vote_share", year=self.previous_when),
                t("results.previous_seat_share", year=self.previous_when),
            ]
        rows = []
        for organisation in _shown_organisations(self.figures, body, self.previous):
            cells = [
                n.share(value("vote_share", organisation)),
                n.count(value("seats", organisation)),
                n.share(value("seat_share", organisation)),
            ]
            if with_previous:
                cells += [
                    self._previous(body, organisation, "vote_share"),
                    self._previous(body, organisation, "seat_share"),
                ]
            rows.append((organisation_name(organisation, self.lang), tuple(cells)))
        table = Table(
            t("results.headline_caption", body=body_abbreviation(body, self.lang)),
            tuple(head),
            tuple(rows),
        )
        source = (
            t("results.previous_source", year=self.previous_when, source=self.previous_source)
            if with_previous and self.previous_source
            else None
        )
        return Headline(
            body,
            body_title(body, self.lang),
            coverage_line,
            n.share(value("turnout")),
            table,
            source,
        )

    def _previous(self, body: str, organisation: str, measure: str) -> str:
        found = self.previous.get((body, organisation, measure))
        return NOT_AVAILABLE if found is None else self.n.share(found)

    # Tables

    def sections(self) -> list[Section]:
        t = self.t
        bodies = [b for b in BODIES if self.figures.has("national", NATIONAL, b)]
        sections = [
            Section(
                t("results.by_college"),
                tuple(
                    self._table(
                        body_title(body, self.lang),
                        t("results.college"),
                        [
                            (college_name(college, self.lang), "national", NATIONAL, college)
                            for college in self.figures.colleges(body)
                        ],
                        body,
                    )
                    for body in bodies
                ),
            )
        ]
        for dimension, (heading, first_column) in _dimension_words(self.lang).items():
            tables = tuple(
                self._table(
                    body_title(body, self.lang),
                    first_column,
                    [
                        (group_name(dimension, group, self.lang), dimension, group, ALL_COLLEGES)
                        for group in self.figures.groups(dimension, body)
                    ],
                    body,
                )
                for body in bodies
            )
            sections.append(Section(heading, tables))
        return sections

    def _table(
        self, caption: str, first_column: str, rows: Sequence[tuple[str, str, str, str]], body: str
    ) -> Table:
        return Table(
            caption,
            (first_column, *_measure_heads(self.lang)),
            tuple(
                (
                    name,
                    tuple(
                        self.n.figure(
                            measure,
                            self.figures.value(dimension, group, body, measure, college=college),
                        )
                        for measure in MEASURES
                    ),
                )
                for name, dimension, group, college in rows
            ),
        )

    # Charts

    def charts(self) -> list[Chart]:
        bodies = [b for b in BODIES if self.figures.has("national", NATIONAL, b)]
        if not bodies:
            return []
        return [self._seats_chart(bodies), self._turnout_chart(bodies)]

    def _seats_chart(self, bodies: list[str]) -> Chart:
        caption = self.t("results.chart_seats")
        groups = []
        for body in bodies:
            value = partial(self.figures.value, "national", NATIONAL, body)
            groups.append(
                (
                    body_abbreviation(body, self.lang),
                    [
                        _Bar(
                            organisation_name(organisation, self.lang),
                            value("seats", organisation),
                            _seats_text(
                                self.n,
                                value("seats", organisation),
                                value("seat_share", organisation),
                            ),
                            BAR_COLOURS[organisation],
                        )
                        for organisation in _shown_organisations(self.figures, body, {})
                    ],
                )
            )
        scale = max((bar.length or 0 for _, bars in groups for bar in bars), default=0) or 1
        return _chart(caption, groups, scale, self.t)

    def _turnout_chart(self, bodies: list[str]) -> Chart:
        caption = self.t("results.chart_turnout")
        groups = []
        for body in bodies:
            bars = [self._turnout_bar(body, "national", NATIONAL)]
            bars += [
                self._turnout_bar(body, "region", region)
                for region in self.figures.groups("region", body)
            ]
            groups.append((body_abbreviation(body, self.lang), bars))
        return _chart(caption, groups, 100, self.t)

    def _turnout_bar(self, body: str, dimension: str, group: str) -> _Bar:
        turnout = self.figures.value(dimension, group, body, "turnout")
        return _Bar(
            group_name(dimension, group, self.lang),
            turnout,
            self.n.share(turnout),
            TURNOUT_COLOUR,
            strong=dimension == "national",
        )


def _seats_text(n: Numbers, seats: int | float | None, share: int | float | None) -> str:
    return SUPPRESSED if seats is None else f"{n.count(seats)} ({n.share(share)})"


# --- SVG ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    name: str
    length: int | float | None  # None: suppressed, no bar
    text: str
    colour: str
    strong: bool = False


#: The chart's geometry, in CSS px (the SVG's user units): 640 px is the 170 mm of the text
#: column of letter.css's A4 page.
_WIDTH = 640
_FONT = 11
_ROW = 21
_BAR = 14
_GROUP_GAP = 10
_VALUE_ROOM = 96


def _chart(
    caption: str, groups: list[tuple[str, list[_Bar]]], scale: float, t: Callable[..., str]
) -> Chart:
    suppressed = any(bar.length is None for _, bars in groups for bar in bars)
    return Chart(caption, _bar_chart(caption, groups, scale, t), suppressed)


def _text_width(text: str, size: float = _FONT) -> float:
    """A generous estimate of ``text``'s width in DejaVu Sans (its glyphs average about 0.6 em
    in mixed case, up to 0.75 in capitals): enough to place a right-aligned label."""
    return sum(0.72 if ch.isupper() else 0.6 for ch in text) * size


def _bar_chart(
    title: str,
    groups: Iterable[tuple[str, Sequence[_Bar]]],
    scale: float,
    t: Callable[..., str],
) -> Markup:
    """A horizontal bar chart: per group a bold heading, then a row per bar with its name
    right-aligned before it and its value after it."""
    groups = list(groups)
    names = [bar.name for _, bars in groups for bar in bars]
    label_room = min(max((_text_width(name) for name in names), default=0) + 12, 300)
    bar_room = _WIDTH - label_room - _VALUE_ROOM
    parts: list[str] = []
    alt: list[str] = []
    y = 0.0
    for heading, bars in groups:
        y += _FONT + 4
        parts.append(
            f'<text x="0" y="{y:.1f}" font-weight="bold" fill="{TEXT_COLOUR}">'
            f"{escape(heading)}</text>"
        )
        y += 6
        top = y
        for bar in bars:
            middle = y + _ROW / 2
            weight = ' font-weight="bold"' if bar.strong else ""
            parts.append(
                f'<text x="{label_room - 8:.1f}" y="{middle + _FONT * 0.35:.1f}" '
                f'text-anchor="end" fill="{TEXT_COLOUR}"{weight}>{escape(bar.name)}</text>'
            )
            end = label_room
            if bar.length:
                width = max(bar_room * bar.length / scale, 1.5)
                parts.append(
                    f'<rect x="{label_room:.1f}" y="{middle - _BAR / 2:.1f}" width="{width:.1f}" '
                    f'height="{_BAR}" fill="{bar.colour}"/>'
                )
                end += width
            parts.append(
                f'<text x="{end + 6:.1f}" y="{middle + _FONT * 0.35:.1f}" fill="{TEXT_COLOUR}">'
                f"{escape(bar.text)}</text>"
            )
            y += _ROW
        parts.append(
            f'<line x1="{label_room:.1f}" y1="{top:.1f}" x2="{label_room:.1f}" y2="{y:.1f}" '
            f'stroke="{RULE_COLOUR}" stroke-width="1"/>'
        )
        values = ", ".join(f"{bar.name} {bar.text}" for bar in bars)
        alt.append(t("results.alt_group", group=heading, values=values))
        y += _GROUP_GAP
    height = y
    description = f"{title}. {'; '.join(alt)}."
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {_WIDTH} {height:.0f}" font-family="DejaVu Sans" font-size="{_FONT}" '
        f'role="img" aria-label="{escape(description)}">'
        f"<title>{escape(description)}</title>{''.join(parts)}</svg>"
    )
    return Markup(svg)  # noqa: S704 - every text in it went through escape()


# --- Rendering ---------------------------------------------------------------------------


@cache
def _report_stylesheet() -> CSS:
    return CSS(filename=DOCUMENTS_DIR / "results.css", font_config=shared_font_config())


def report_title(edition_year: int, final: bool, lang: str) -> str:
    if final:
        return label("results.title_final", lang, year=edition_year)
    return label("results.title_provisional", lang, year=edition_year)


def report_html(
    results: Results,
    *,
    edition_year: int,
    final: bool,
    lang: str,
    previous: Mapping[tuple[str, str, str], float] | None = None,
    previous_source: str | None = None,
    previous_year: int | None = None,
    generated_on: date,
) -> str:
    """The report's HTML (what :func:`render_report` lays out)."""
    lang = check_language(lang)
    report = _Report(results, lang, previous or {}, previous_source, previous_year)
    t = report.t
    title = report_title(edition_year, final, lang)
    environment = jinja_environment()
    article = environment.get_template("results_report.html.j2").render(
        t=t,
        title=title,
        generated_on=format_date(generated_on, lang, "long"),
        status=t("results.status_final") if final else t("results.status_provisional"),
        final=final,
        headlines=report.headlines(),
        charts=report.charts(),
        sections=report.sections(),
        suppressed_note=t("results.suppressed_note", marker=SUPPRESSED, min=MIN_COMPANIES),
        marker=SUPPRESSED,
        min_companies=MIN_COMPANIES,
        unknown=label("results.unknown", lang),
        sources=FPS_SOURCES,
    )
    return environment.get_template("_document.html.j2").render(
        lang=lang,
        title=title,
        articles=[Markup(article)],  # noqa: S704 - the template autoescapes every value
        t=t,
    )


def render_report(
    results: Results,
    *,
    edition_year: int,
    final: bool,
    lang: str,
    previous: Mapping[tuple[str, str, str], float] | None = None,
    previous_source: str | None = None,
    previous_year: int | None = None,
    generated_on: date,
) -> bytes:
    """The results report of ``results`` in ``lang`` (fr, nl or de) as one tagged PDF/UA-1.

    ``final`` says whether the figures are the validated ones; ``previous`` gives the previous
    edition's national shares by (body, organisation, "vote_share" or "seat_share"), shown
    beside this edition's with ``previous_source`` and ``previous_year`` (or "the previous
    edition" without a year). Raises :class:`procedure.i18n.UnknownLanguageError` (a
    ValueError) for another language.
    """
    html = report_html(
        results,
        edition_year=edition_year,
        final=final,
        lang=lang,
        previous=previous,
        previous_source=previous_source,
        previous_year=previous_year,
        generated_on=generated_on,
    )
    with WEASYPRINT_LOCK:  # WeasyPrint is not thread-safe (templates/render.py)
        return HTML(string=html, base_url=str(DOCUMENTS_DIR)).write_pdf(
            stylesheets=[letter_stylesheet(), _report_stylesheet()],
            font_config=shared_font_config(),
            **PDF_OPTIONS,
        )
