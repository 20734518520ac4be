"""Helpers of the document tests: fictitious dossiers and the text pdftotext sees."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import pytest
from babel.dates import get_month_names
from pypdf import PdfReader

from procedure.i18n import LOCALES, format_date
from templates.context import EditionInfo, LetterContext, sample_context
from templates.render import cheap_font_subsetting

#: The two ways a laid-out batch becomes one PDF per dossier (templates.render._cut).
CUTS = ("write-per-letter", "pypdf-split")

EDITION = EditionInfo(2028, date(2028, 5, 8), date(2028, 5, 21), "provisional")
ELECTION_DAY = date(2028, 5, 9)  # a Tuesday inside the window
ISSUED_ON = date(2027, 11, 15)
#: How a generated password looks (models/credentials.py: 3 groups of 5, no look-alikes).
PASSWORD_SHAPE = re.compile(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5}\b")


def context(
    serial: int = 1,
    *,
    language: str = "fr",
    body: str = "CPPT",
    election_day: date | None = None,
    password: str | None = None,
) -> LetterContext:
    """A fictitious dossier whose names carry its serial, to tell letters apart."""
    base = sample_context(
        EDITION,
        language=language,
        body=body,
        election_day=election_day,
        serial=serial,
        password=password,
        issued_on=ISSUED_ON,
        specimen=False,
    )
    return LetterContext(
        **{
            **base.__dict__,
            "dossier_id": serial,
            "enterprise_name": f"Entreprise Numéro{serial:03d} SA",
            "unit_name": f"Unité Alpha{serial:03d}",
        }
    )


def pdf_text(pdf: bytes) -> str:
    """What pdftotext (poppler) extracts, whitespace collapsed so wrapped lines still match."""
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def read_every_page(pdf: bytes) -> PdfReader:
    """pypdf opens the PDF and extracts text from every page (raises if it cannot)."""
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert page.extract_text().strip()
    return reader


def use_cut(cut: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make render_batch cut batches the given way, whatever this host's font subsetter."""
    if cut == "pypdf-split":
        monkeypatch.setattr("templates.render.cheap_font_subsetting", lambda: False)
    elif not cheap_font_subsetting():
        pytest.skip("WeasyPrint subsets fonts with fontTools here: only the pypdf split runs")


@pytest.fixture(params=CUTS)
def cut(request, monkeypatch) -> str:
    use_cut(request.param, monkeypatch)
    return request.param


def dates_in_another_form(text: str, lang: str) -> list[str]:
    """The dates of ``text`` not written in Babel's long form for ``lang`` ("1 décembre 2028",
    "1 december 2028", "1. Dezember 2028", with or without the weekday): numeric dates, and
    a day and month written otherwise ("1er décembre", "1 Dezember")."""
    months = get_month_names("wide", locale=LOCALES[lang])
    number_of = {name.lower(): number for number, name in months.items()}
    found = re.findall(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b", text)
    written = rf"\b(\d{{1,2}})(\.|er)? ({'|'.join(months.values())}) (\d{{4}})"
    for match in re.finditer(written, text, re.IGNORECASE):
        day = date(int(match[4]), number_of[match[3].lower()], int(match[1]))
        if match[0] != format_date(day, lang, "long"):
            found.append(match[0])
    return found
