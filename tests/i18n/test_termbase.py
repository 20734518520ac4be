"""The term base: where the French uses a term, the Dutch and German use its forms, never one
it avoids.

``procedure/locale/termbase.tsv`` lists the terms and says how a form is found. This module
checks every catalogue entry, and the text of every per-language letter template against the
French template of its family. Written here because Babel has no term-base check; the CAT
tools' glossaries (Poedit, Weblate) only suggest a term, they refuse nothing.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from jinja2 import Environment

from procedure.documents import Family
from procedure.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    Translated,
    placeholders,
    read_catalogues,
)
from templates.render import DOCUMENTS_DIR
from tests.i18n.conftest import edit_catalogue, entry, po_file

TERMBASE = LOCALE_DIR / "termbase.tsv"
TARGETS = ("nl", "de")


@dataclass(frozen=True)
class Term:
    name: str
    #: What each language writes (first form first), and how each form is found.
    written: dict[str, str]
    forms: dict[str, tuple[re.Pattern[str], ...]]
    avoid: dict[str, tuple[re.Pattern[str], ...]]


def _pattern(form: str) -> re.Pattern[str]:
    """How ``form`` is found (termbase.tsv, header): at the start of a word, anywhere with a
    leading "*", as a whole word in capitals outside a code for an abbreviation."""
    if form.isupper():
        return re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")
    start = "" if form.startswith("*") else r"(?<!\w)"
    return re.compile(start + re.escape(form.removeprefix("*")), re.IGNORECASE)


def _forms(cell: str | None) -> list[str]:
    return [form.strip() for form in (cell or "").split("|") if form.strip()]


def read_termbase(path: Path) -> list[Term]:
    """The terms of ``path``; ``ValueError`` for a row without a form in each language."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(
            csv.DictReader((line for line in file if not line.startswith("#")), delimiter="\t")
        )
    incomplete = [row["term"] for row in rows if not all(_forms(row[lang]) for lang in LANGUAGES)]
    if incomplete:
        raise ValueError(f"{path}: no form in one of fr, nl, de for {incomplete}")
    return [
        Term(
            name=row["term"],
            written={lang: _forms(row[lang])[0] for lang in LANGUAGES},
            forms={lang: tuple(map(_pattern, _forms(row[lang]))) for lang in LANGUAGES},
            avoid={lang: tuple(map(_pattern, _forms(row[f"avoid {lang}"]))) for lang in TARGETS},
        )
        for row in rows
    ]


def _found(
    text: str, forms: list[tuple[Term, tuple[re.Pattern[str], ...]]]
) -> dict[str, tuple[Term, str]]:
    """Each term of ``forms`` one of whose forms is in ``text``, by name, with what matched; a
    longer match hides a shorter one it contains."""
    matches = [
        (match.start(), match.end(), term, match.group())
        for term, patterns in forms
        for pattern in patterns
        for match in pattern.finditer(text)
    ]
    return {
        term.name: (term, matched)
        for start, end, term, matched in matches
        if not any(s <= start and end <= e and e - s > end - start for s, e, _, _ in matches)
    }


def _words(text: str) -> str:
    """``text`` without its placeholders ("{dossier}" is not the word "dossier"), with straight
    apostrophes."""
    for placeholder in placeholders(text):
        text = text.replace(placeholder, "…")
    return text.replace("\u2019", "'")


def term_problems(texts: Mapping[str, Translated], terms: list[Term]) -> list[str]:
    """Where a Dutch or German text leaves out a term its French uses, or uses a form avoided."""
    problems = []
    for key, translation in texts.items():
        text = {lang: _words(translation[lang]) for lang in LANGUAGES}
        used = _found(text["fr"], [(term, term.forms["fr"]) for term in terms])
        for lang in TARGETS:
            problems += [
                f"{key!r} ({lang}): the French says {term.written['fr']!r}, so the {lang} text "
                f"must say {term.written[lang]!r} ({term.name})"
                for term, _ in used.values()
                if not any(pattern.search(text[lang]) for pattern in term.forms[lang])
            ]
            problems += [
                f"{key!r} ({lang}): {matched!r} is avoided for {term.name}; "
                f"say {term.written[lang]!r}"
                for term, matched in _found(
                    text[lang], [(term, term.avoid[lang]) for term in terms]
                ).values()
            ]
    return problems


def template_texts(directory: Path = DOCUMENTS_DIR) -> dict[str, Translated]:
    """The words of each family's per-language templates (what Jinja2 prints as it is)."""
    lexer = Environment()

    def words(lang: str, family: str) -> str:
        source = (directory / lang / f"{family}.html.j2").read_text(encoding="utf-8")
        return " ".join(value for _, token, value in lexer.lex(source) if token == "data")

    return {
        f"templates/documents/<lang>/{family}.html.j2": Translated(
            **{lang: words(lang, family) for lang in LANGUAGES}
        )
        for family in Family
    }


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    return read_termbase(TERMBASE)


def test_the_term_base_names_the_procedure_s_terms(terms):
    names = {term.name for term in terms}
    assert {"dossier number", "password", "works council", "technical unit", "day X"} <= names
    dossier_number = next(term for term in terms if term.name == "dossier number")
    assert dossier_number.written["de"] == "Dossiernummer"


def test_every_catalogue_entry_uses_the_terms(terms):
    assert not term_problems(read_catalogues(), terms)


def test_every_letter_template_uses_the_terms(terms):
    assert not term_problems(template_texts(), terms)


def test_an_avoided_form_in_a_catalogue_is_refused(locale_copy, terms):
    edit_catalogue(
        po_file(locale_copy, "de", "procedure"),
        lambda catalog: setattr(entry(catalog, "dossier_number"), "string", "Aktenzeichen"),
    )
    assert term_problems(read_catalogues(locale_copy), terms) == [
        "'dossier_number' (de): the French says 'numéro de dossier', so the de text must say "
        "'Dossiernummer' (dossier number)",
        "'dossier_number' (de): 'Aktenzeichen' is avoided for dossier number; say 'Dossiernummer'",
    ]


def test_a_term_left_out_of_a_translation_is_refused(locale_copy, terms):
    def forget_the_password(catalog):
        message = entry(catalog, "login.password_required")
        message.string = message.string.replace("wachtwoord", "code")

    edit_catalogue(po_file(locale_copy, "nl", "portal"), forget_the_password)
    assert term_problems(read_catalogues(locale_copy), terms) == [
        "'login.password_required' (nl): the French says 'mot de passe', so the nl text must "
        "say 'wachtwoord' (password)"
    ]


def test_an_avoided_form_in_a_letter_template_is_refused(tmp_path, terms):
    copy = tmp_path / "documents"
    shutil.copytree(DOCUMENTS_DIR, copy)
    letter = copy / "de" / "access_code.html.j2"
    letter.write_text(
        letter.read_text().replace("füllen Sie", "geben Sie Ihr Kennwort ein und füllen Sie")
    )
    assert term_problems(template_texts(copy), terms) == [
        "'templates/documents/<lang>/access_code.html.j2' (de): 'Kennwort' is avoided for "
        "password; say 'Passwort'"
    ]


def test_a_term_without_a_german_form_is_refused(tmp_path):
    def without_german(line: str) -> str:
        if not line.startswith("password\t"):
            return line
        term, fr, nl, _de, *rest = line.split("\t")
        return "\t".join([term, fr, nl, "", *rest])

    broken = tmp_path / "termbase.tsv"
    broken.write_text("".join(map(without_german, TERMBASE.read_text().splitlines(keepends=True))))
    with pytest.raises(ValueError, match=r"no form in one of fr, nl, de for \['password'\]"):
        read_termbase(broken)
