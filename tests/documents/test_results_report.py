"""The national results report in French, Dutch and German (templates/results_report.py).

One Results of a few dozen synthetic election forms over the three regions, seven provinces,
both sectors, four joint committees and every college, with a young workers' college of the CE
at one company only: suppressed, and with it the cells that would reveal it by difference. Each
language is rendered once (module fixture); pdftotext reads what a reader sees, pypdf the
structure a screen reader follows.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
from datetime import date

import pytest
from markupsafe import escape
from pypdf import PdfReader

from procedure.i18n import LANGUAGES, body_abbreviation, format_date, label
from procedure.regions import region_name
from procedure.results import (
    ALL_COLLEGES,
    BODIES,
    NATIONAL,
    Coverage,
    FormResult,
    Results,
    compute,
)
from templates.render import DOCUMENTS_DIR
from templates.results_report import (
    BAR_COLOURS,
    FPS_SOURCES,
    SUPPRESSED,
    TURNOUT_COLOUR,
    Numbers,
    organisation_name,
    render_report,
    report_html,
)
from tests.documents.conftest import pdf_text, read_every_page
from tests.documents.test_accessibility import _contrast, _walk

GENERATED_ON = date(2028, 5, 30)
TITLE = {
    "fr": "Élections sociales 2028 — résultats provisoires",
    "nl": "Sociale verkiezingen 2028 — voorlopige resultaten",
    "de": "Sozialwahlen 2028 — vorläufige Ergebnisse",
}
#: The registered workers of the only young workers' college of a CE: a number no other
#: figure of the report has, so finding it in the text would mean it leaked.
HIDDEN_REGISTERED = 4817
#: (region, province or None for Brussels) of the units, companies spread over them.
PLACES = [
    ("brussels", None),
    ("flanders", "antwerp"),
    ("flanders", "east_flanders"),
    ("flanders", "west_flanders"),
    ("flanders", "limburg"),
    ("wallonia", "liege"),
    ("wallonia", "hainaut"),
    ("wallonia", "namur"),
]
LUXEMBOURG = ("wallonia", "luxembourg")
PREVIOUS = {
    ("CE", "acv_csc", "vote_share"): 52.7,
    ("CE", "acv_csc", "seat_share"): 57.9,
    ("CPPT", "abvv_fgtb", "vote_share"): 33.6,
}


def _college(rng: random.Random, organisations: tuple[str, ...], size: int) -> dict:
    registered = size
    voters = int(registered * rng.uniform(0.55, 0.9))
    blank = rng.randint(0, voters // 40)
    invalid = rng.randint(0, voters // 50)
    valid = voters - blank - invalid
    weights = [rng.uniform(0.5, 3) for _ in organisations]
    votes = [int(valid * w / sum(weights)) for w in weights]
    votes[0] += valid - sum(votes)
    mandates = rng.randint(2, 6)
    seats = [round(mandates * v / valid) for v in votes]
    return {
        "registered": registered,
        "voters": voters,
        "valid": valid,
        "blank": blank,
        "invalid": invalid,
        "lists": {
            o: {"candidates": s + rng.randint(1, 4), "votes": v, "seats": s}
            for o, v, s in zip(organisations, votes, seats, strict=True)
        },
    }


def synthetic_forms() -> list[FormResult]:
    rng = random.Random(15)
    unions = ("abvv_fgtb", "acv_csc", "aclvb_cgslb")
    forms = []
    dossier = 0
    for enterprise in range(1, 32):
        # The last company is the only one in Luxembourg: its province is suppressed.
        region, province = PLACES[enterprise % len(PLACES)] if enterprise < 31 else LUXEMBOURG
        sector = ("commercial", "non_commercial", None)[enterprise % 3]
        joint_committee = ("200", "124", "111", "330", None)[enterprise % 5]
        for body in BODIES:
            if body == "CE" and enterprise % 4 == 3:
                continue  # a unit below 100 workers: a CPPT only
            colleges = {
                "blue_collar": _college(rng, unions, rng.randint(60, 400)),
                "white_collar": _college(rng, unions, rng.randint(40, 300)),
            }
            if body == "CE" and enterprise % 3 == 1:
                colleges["cadre"] = _college(
                    rng, (*unions, "nck_cnc", "cadre_group"), rng.randint(12, 60)
                )
            if body == "CPPT" and enterprise % 5 == 2:
                colleges["young"] = _college(rng, unions, rng.randint(25, 40))
            if body == "CE" and enterprise == 6:
                colleges["young"] = _college(rng, unions, HIDDEN_REGISTERED)
            dossier += 1
            forms.append(
                FormResult(
                    dossier_id=dossier,
                    enterprise_id=enterprise,
                    body=body,
                    region=region,
                    province=province,
                    sector=sector,
                    joint_committee=joint_committee,
                    colleges=colleges,
                )
            )
    return forms


@pytest.fixture(scope="module")
def results() -> Results:
    forms = synthetic_forms()
    reported = {body: sum(form.body == body for form in forms) for body in BODIES}
    return compute(forms, [Coverage(body, n + 4, n) for body, n in reported.items()])


@pytest.fixture(scope="module")
def reports(results) -> dict[str, bytes]:
    return {
        lang: render_report(
            results,
            edition_year=2028,
            final=False,
            lang=lang,
            previous=PREVIOUS,
            previous_source="SPF Emploi, résultats définitifs 2024",
            previous_year=2024,
            generated_on=GENERATED_ON,
        )
        for lang in LANGUAGES
    }


@pytest.fixture(scope="module")
def texts(reports) -> dict[str, str]:
    return {lang: pdf_text(pdf) for lang, pdf in reports.items()}


def layout_lines(pdf: bytes) -> list[str]:
    """The lines of ``pdftotext -layout``: a table row on one line, its cells in order."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return [_same_spaces(line) for line in result.stdout.decode("utf-8").splitlines()]


def _same_spaces(text: str) -> str:
    """As pdf_text writes it: every run of spaces (no-break ones too) one plain space."""
    return " ".join(text.split())


def test_the_data_hide_the_young_college_of_the_ce(results):
    young = results.cell("national", NATIONAL, "CE", "young")
    assert young.suppressed and young.tally.registered == HIDDEN_REGISTERED
    shown = [row.value for row in results.rows() if not row.suppressed]
    assert HIDDEN_REGISTERED not in shown
    # Secondary suppression hid more than the one cell, so the data test what they should.
    assert sum(cell.suppressed for cell in results.cells.values()) > 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_is_a_tagged_pdf_in_its_language(reports, lang):
    reader = read_every_page(reports[lang])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == lang
    assert reader.metadata.title == TITLE[lang]
    tree = root["/StructTreeRoot"]
    tags = [element.get("/S") for element in _walk(tree["/K"][0].get_object())]
    assert tags.count("/H1") == 1
    assert {"/H2", "/H3", "/Table", "/TH", "/Caption", "/L"} <= set(tags)
    assert len(reader.pages) >= 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_headline_figures_come_first_in_the_language(reports, texts, results, lang):
    text = texts[lang]
    lines = layout_lines(reports[lang])
    n = Numbers(lang)
    assert text.startswith(label("fps", lang))  # the sender, then the title
    assert TITLE[lang] in text
    assert format_date(GENERATED_ON, lang, "long") in text
    assert _same_spaces(label("results.status_provisional", lang)) in text
    first_table = text.index(_same_spaces(label("results.by_college", lang)))
    for body in BODIES:
        coverage = next(c for c in results.coverage if c.body == body)
        line = label(
            "results.coverage",
            lang,
            reported=n.count(coverage.reported),
            expected=n.count(coverage.expected),
            share=n.share(coverage.share),
        )
        assert _same_spaces(line) in text
        cell = results.cell("national", NATIONAL, body)
        turnout = label("results.turnout_line", lang, turnout=n.share(_turnout(cell)))
        assert 0 <= text.index(_same_spaces(turnout)) < first_table
        rows = {(r.measure, r.organisation): r.value for r in results.rows() if _national(r, body)}
        for organisation in ("abvv_fgtb", "acv_csc", "aclvb_cgslb"):
            share = n.share(rows["vote_share", organisation])
            row = _same_spaces(f"{organisation_name(organisation, lang)} {share} ")
            assert any(line.startswith(row) for line in lines), (body, organisation)
    # The previous edition's figures, beside this edition's, with their source.
    acv_csc = _same_spaces(f"{organisation_name('acv_csc', lang)} ")
    ce_row = next(line for line in lines if line.startswith(acv_csc))  # the CE's table first
    assert ce_row.endswith(_same_spaces(f"{n.share(52.7)} {n.share(57.9)}"))
    assert "SPF Emploi, résultats définitifs 2024" in text


def _turnout(cell) -> float:
    return round(100 * cell.tally.voters / cell.tally.registered, 1)


def _national(row, body: str) -> bool:
    return (row.dimension, row.body, row.college) == ("national", body, ALL_COLLEGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_two_charts_are_drawn_with_their_labels_and_text_alternative(
    reports, texts, results, lang
):
    reader = PdfReader(io.BytesIO(reports[lang]))
    text = texts[lang]
    captions = [label("results.chart_seats", lang), label("results.chart_turnout", lang)]
    for caption in captions:
        assert _same_spaces(caption) in text
    n = Numbers(lang)
    for body in BODIES:
        cell = results.cell("national", NATIONAL, body)
        seats = sum(cell.tally.seats.values())
        for organisation, won in cell.tally.seats.items():
            if won:  # the value beside the bar, only the chart writes it so
                share = n.share(round(100 * won / seats, 1))
                assert _same_spaces(f"{n.count(won)} ({share})") in text, (body, organisation)
        for region in ("brussels", "flanders", "wallonia"):
            assert _same_spaces(region_name(region, lang)) in text
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    figures = [e for e in _walk(root["/K"][0].get_object()) if e.get("/S") == "/Figure"]
    assert len(figures) == 2
    alternatives = sorted(str(figure["/Alt"]) for figure in figures)
    for caption in captions:
        assert any(alt.startswith(caption) for alt in alternatives)
    seats_alt = next(alt for alt in alternatives if alt.startswith(captions[0]))
    for body in BODIES:
        assert body_abbreviation(body, lang) in seats_alt
    assert organisation_name("acv_csc", lang) in seats_alt


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_suppressed_cell_shows_the_marker_never_its_number(reports, texts, results, lang):
    text = texts[lang]
    assert SUPPRESSED in text
    note = label("results.suppressed_note", lang, marker=SUPPRESSED, min=3)
    assert _same_spaces(note) in text
    hidden = _same_spaces(Numbers(lang).count(HIDDEN_REGISTERED))
    assert hidden not in text and str(HIDDEN_REGISTERED) not in text
    # The row of the CE's young workers: the marker in each of its seven columns.
    html = report_html(
        results, edition_year=2028, final=False, lang=lang, generated_on=GENERATED_ON
    )
    row = f'<th scope="row">{escape(label("forms.college.young", lang))}</th>'
    young_rows = re.findall(rf"{re.escape(row)}((?:<td>[^<]*</td>)*)", html)
    assert young_rows[0] == f"<td>{SUPPRESSED}</td>" * 7  # the CE's table comes first


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_breakdowns_and_the_method_close_the_report(reports, texts, lang):
    text = texts[lang]
    headings = ["by_college", "by_region", "by_province", "by_sector", "by_joint_committee"]
    positions = [text.index(_same_spaces(label(f"results.{h}", lang))) for h in headings]
    assert positions == sorted(positions)
    method = text.index(_same_spaces(label("results.method", lang)), positions[-1])
    assert _same_spaces(label("results.unknown", lang)) in text[positions[3] : method]
    assert _same_spaces(label("results.sector_non_commercial", lang)) in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(reports[lang])).pages
        for annotation in page.get("/Annots", [])
    ]
    assert list(dict.fromkeys(links)) == list(FPS_SOURCES)  # one per line of a link
    for source in FPS_SOURCES:  # printed too: a long address wraps, a hyphen may go
        assert source.replace("-", "") in text.replace(" ", "").replace("-", "")
    # Brussels has no province: its row of the provinces' table names the region.
    provinces = text[positions[2] : positions[3]]
    assert _same_spaces(region_name("brussels", lang)) in provinces


def test_a_final_report_says_the_figures_are_validated(results):
    text = pdf_text(
        render_report(results, edition_year=2028, final=True, lang="de", generated_on=GENERATED_ON)
    )
    assert "Sozialwahlen 2028 — endgültige Ergebnisse" in text
    assert _same_spaces(label("results.status_final", "de")) in text
    assert label("results.previous_vote_share", "de", year=2024) not in text


def test_the_chart_colours_keep_seven_to_one_on_white():
    for colour in [*BAR_COLOURS.values(), TURNOUT_COLOUR]:
        assert _contrast(colour, "#ffffff") >= 7, colour


def test_another_language_is_refused(results):
    with pytest.raises(ValueError, match="language: 'en'"):
        render_report(results, edition_year=2028, final=False, lang="en", generated_on=GENERATED_ON)


def test_the_text_is_real_text_in_embedded_fonts_without_images(reports):
    for pdf in reports.values():
        for page in PdfReader(io.BytesIO(pdf)).pages:
            resources = page["/Resources"]
            xobjects = resources.get("/XObject", {}).values()
            assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects)
            for font in resources["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
                assert "DejaVu" in font["/BaseFont"]
                assert "/ToUnicode" in font


def test_every_marked_content_is_in_the_structure_tree(reports):
    for pdf in reports.values():
        reader = PdfReader(io.BytesIO(pdf))
        nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in reader.pages:
            content = page.get_contents().get_data().decode("latin-1")
            mcids = {int(m) for m in re.findall(r"/MCID (\d+)", content)}
            assert len(parents[int(page["/StructParents"])]) >= len(mcids)
            for annotation in page.get("/Annots", []):
                assert int(annotation.get_object()["/StructParent"]) in parents


def test_a_body_without_forms_says_so_and_has_no_figures():
    forms = [f for f in synthetic_forms() if f.body == "CPPT"]
    results = compute(forms, [Coverage("CE", 12, 0), Coverage("CPPT", len(forms), len(forms))])
    html = report_html(
        results, edition_year=2028, final=False, lang="nl", generated_on=GENERATED_ON
    )
    assert escape(label("results.no_forms", "nl")) in html
    assert html.count("<svg") == 2 and html.count("<caption>") == 6  # CPPT only: 1 + 5 tables
    empty = compute([], [])
    html = report_html(empty, edition_year=2028, final=False, lang="de", generated_on=GENERATED_ON)
    assert html.count(escape(label("results.no_forms", "de"))) == 2
    assert "<svg" not in html and "<table" not in html


def test_the_report_css_has_no_colour_of_its_own():
    css = (DOCUMENTS_DIR / "results.css").read_text()
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", css)  # letter.css's palette only
