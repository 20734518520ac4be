"""Every kind in every language renders to a PDF that shows the expected fields.

pdftotext (poppler) reads what a reader sees, pypdf reads every page; the dates are the
dossier's own (with a day Y) or the window's span (without one).
"""

import hashlib
import re
from datetime import date

import pytest
from sqlmodel import Session

from models.credentials import generate_password
from models.dossier import Dossier
from procedure.documents import KINDS, Family
from procedure.i18n import (
    LANGUAGES,
    body_name,
    document_name,
    format_date,
    label,
    legal_basis,
    phase_name,
    step_action,
    step_title,
)
from templates.context import DossierDates, LetterContext, load_contexts
from templates.render import RenderError, render_batch
from tests.documents.conftest import (
    EDITION,
    ELECTION_DAY,
    PASSWORD_SHAPE,
    context,
    dates_in_another_form,
    pdf_text,
    read_every_page,
)
from tests.portal.helpers import officer_dossier

# Words that only the right language's letter contains: a template falling back to another
# language fails here.
GREETING = {"fr": "Madame, Monsieur", "nl": "Geachte mevrouw", "de": "Sehr geehrte Damen"}
GREETING_BROCHURE = {
    "fr": "ce que l'employeur doit savoir",
    "nl": "wat de werkgever moet weten",
    "de": "Was der Arbeitgeber wissen muss",
}


def _expected(kind, ctx, lang):
    """The fields a reader must find in ``kind`` for ``ctx``."""
    if kind.family == Family.brochure:
        return [
            GREETING_BROCHURE[lang],
            format_date(EDITION.window_first, lang),
            step_title("X+35", lang),
        ]
    fields = [
        GREETING[lang],
        ctx.dossier_number,
        ctx.enterprise_name,
        ctx.unit_name,
        body_name(ctx.body, lang),
        label("fps", lang),
        "0123.456.749",
    ]
    dates = DossierDates(ctx)
    if kind.family == Family.access_code:
        fields += [
            ctx.password,
            "https://www.elections-sociales.belgique.be",
            format_date(EDITION.window_first, lang),
            step_title("X-60", lang),
            dates.when("X-60"),
        ]
    elif kind.family in (Family.reminder, Family.late_notice):
        code = kind.step.code
        fields += [
            step_title(code, lang),
            step_action(code, lang),
            legal_basis(code, lang)[1:],
            dates.when(code),
        ]
        fields += [document_name(d, lang) for d in kind.step.documents]
        if kind.registered_mail:
            fields.append(label("registered_mail", lang))
    else:
        fields += [phase_name(kind.phase, lang), dates.phase_start(kind.phase)]
        fields += [step_title(code, lang) for code in dates.steps_in(kind.phase)]
    if ctx.election_day is None and kind.family != Family.access_code:
        fields.append(label("choose_y_title", lang))
    return fields


def _squeeze(text: str) -> str:
    return "".join(text.replace("-", "").split())


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", list(KINDS))
def test_each_kind_in_each_language_shows_its_fields(code, lang):
    kind = KINDS[code]
    password = generate_password() if kind.carries_credential else None
    contexts = [
        context(1, language=lang, election_day=ELECTION_DAY, password=password),
        context(2, language=lang, body="CE", password=password),
    ]
    documents = render_batch(kind, contexts)
    assert [d.dossier_number for d in documents] == [c.dossier_number for c in contexts]
    for document, ctx in zip(documents, contexts, strict=True):
        assert document.language == lang and document.kind == code
        reader = read_every_page(document.pdf)
        assert len(reader.pages) == document.page_count
        assert document.sha256 == hashlib.sha256(document.pdf).hexdigest()
        text = pdf_text(document.pdf)
        # pdftotext joins a word hyphenated at a line end ("pre-|electorale" → "preelectorale",
        # "Leitungs- |und" → "Leitungs-und"): compare without hyphens and spaces.
        squeezed = _squeeze(text)
        for field in _expected(kind, ctx, lang):
            assert _squeeze(field) in squeezed, f"{code} {lang}: {field!r} missing"
        if kind.family != Family.access_code:
            assert not PASSWORD_SHAPE.search(text)
        if ctx.election_day is not None and kind.family != Family.brochure:
            assert label("choose_y_title", lang) not in text


LETTERS = [code for code, kind in KINDS.items() if kind.family != Family.brochure]


def _long_names(ctx):
    """The context with names as long as a registry commonly gives (~100 characters)."""
    return LetterContext(
        **{
            **ctx.__dict__,
            "enterprise_name": "Société Coopérative Intercommunale de Gestion et d'Exploitation "
            "des Services Hospitaliers SCRL",
            "unit_name": "Centre Hospitalier Régional de la Haute-Senne, site Saint-Vincent",
        }
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_letter_fits_one_a4_page(lang):
    """Access codes, reminders, phase and late notices: one page, with or without Y, in a
    works council and a committee, with long names: cheaper to render and to print
    (docs/performance.md#one-page-letters)."""
    longer = []
    for code in LETTERS:
        password = generate_password() if KINDS[code].carries_credential else None
        contexts = [
            context(1, language=lang, election_day=ELECTION_DAY, password=password),
            _long_names(context(2, language=lang, body="CE", password=password)),
        ]
        longer += [
            f"{code} ({'with' if c.election_day else 'without'} Y): {d.page_count} pages"
            for c, d in zip(contexts, render_batch(code, contexts), strict=True)
            if d.page_count != 1
        ]
    assert longer == []


def test_a_deadline_on_a_non_working_day_shows_the_legal_and_the_effective_date():
    # Y = Friday 12 May 2028: X+14 = Y−76 is Saturday 26 February, not worked in a
    # Monday-to-Friday company, so the act is due on Friday 25 February.
    ctx = context(1, language="fr", election_day=date(2028, 5, 12))
    entry = DossierDates(ctx).calendar.entry("X+14")
    assert (entry.legal_date, entry.effective_date) == (date(2028, 2, 26), date(2028, 2, 25))
    text = pdf_text(render_batch("reminder-X+14", [ctx])[0].pdf)
    assert "au plus tard le vendredi 25 février 2028" in text
    assert "Date légale : samedi 26 février 2028" in text


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fr", "Rappel X : Affichage de l'avis annonçant la date des élections"),
        ("nl", "Herinnering X: Aanplakking van het bericht met de datum van de verkiezingen"),
        ("de", "Erinnerung X: Aushang der Bekanntmachung des Wahldatums"),
    ],
)
def test_a_reminders_title_names_its_step_once(lang, title):
    text = pdf_text(render_batch("reminder-X", [context(1, language=lang)])[0].pdf)
    assert title in text
    assert not re.search(r"(Rappel|Herinnering|Erinnerung) X ?: (Jour|Dag|Tag) X", text)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "code", ["phase-pre_procedure", "phase-candidacy", "reminder-X-35", "access-code"]
)
def test_every_date_of_a_letter_is_written_one_way(lang, code):
    password = generate_password() if code == "access-code" else None
    contexts = [
        context(1, language=lang, election_day=ELECTION_DAY, password=password),
        context(2, language=lang, password=password),  # without Y: spans of dates
    ]
    for document in render_batch(code, contexts):
        assert dates_in_another_form(pdf_text(document.pdf), lang) == []


def test_the_unit_is_named_as_in_the_portal_with_its_code_only_to_tell_it_apart(engine):
    leuven = officer_dossier(engine, language="nl", unit_name="Vestiging Leuven")
    gent = officer_dossier(engine, same_enterprise_as=leuven, unit_name="Vestiging Gent")

    def letters(*officers):
        with Session(engine) as session:
            contexts = load_contexts(session, [o.dossier_id for o in officers])
            codes = [session.get(Dossier, o.dossier_id).technical_unit.code for o in officers]
        documents = render_batch("reminder-X-35", contexts)
        return [pdf_text(d.pdf) for d in documents], codes

    (first, second), (code, _) = letters(leuven, gent)
    assert "Technische bedrijfseenheid: Vestiging Leuven, Rue de la Gare 12" in first
    assert f"({code})" not in first and "Vestiging Gent, Rue de la Gare 12" in second
    twin = officer_dossier(engine, same_enterprise_as=leuven, unit_name="Vestiging Leuven")
    (first, second), (code, twin_code) = letters(leuven, twin)
    assert f"Vestiging Leuven ({code}), Rue de la Gare 12" in first
    assert f"Vestiging Leuven ({twin_code}), Rue de la Gare 12" in second


def test_a_phase_notice_says_when_the_phase_starts():
    # Y = Tuesday 9 May 2028 → X = Wednesday 9 February; the candidacy phase opens at X+29.
    ctx = context(1, language="de", election_day=ELECTION_DAY)
    text = pdf_text(render_batch("phase-candidacy", [ctx])[0].pdf)
    assert "tritt am Donnerstag, 9. März 2028 in die Phase „Kandidaturen“ ein" in text


def test_without_y_the_dates_span_the_window_earliest_first():
    ctx = context(1, language="nl")
    text = pdf_text(render_batch("reminder-X-60", [ctx])[0].pdf)
    # First possible Y: Monday 8 May 2028 → X−60 = Friday 10 December 2027;
    # last possible Y: Friday 19 May 2028 → X−60 = Tuesday 21 December 2027.
    assert (
        "ten vroegste op vrijdag 10 december 2027, ten laatste op dinsdag 21 december "
        "2027, naargelang de gekozen dag Y"
    ) in text
    assert "Kies uw dag Y" in text


def test_the_brochure_is_rendered_once_per_language_and_holds_no_dossier():
    contexts = [context(i, language=lang) for i in range(1, 4) for lang in ("fr", "de")]
    documents = render_batch("brochure", contexts)
    by_lang = {d.language: d.sha256 for d in documents}
    assert len(by_lang) == 2
    assert all(d.sha256 == by_lang[d.language] for d in documents)
    text = pdf_text(documents[0].pdf)
    assert all(c.dossier_number not in text and c.enterprise_name not in text for c in contexts)


def test_languages_of_one_batch_keep_their_order():
    contexts = [context(i, language=lang) for i, lang in enumerate(["de", "fr", "de", "nl"], 1)]
    documents = render_batch("phase-vote", contexts)
    assert [(d.dossier_number, d.language) for d in documents] == [
        (c.dossier_number, c.language) for c in contexts
    ]


def test_a_credential_letter_needs_a_password_and_no_other_document_takes_one():
    with pytest.raises(RenderError, match=r"dossier 28-CPPT-000001-75: password: required"):
        render_batch("access-code", [context(1)])
    secret = generate_password()
    with pytest.raises(RenderError, match="must not carry a credential") as caught:
        render_batch("reminder-X", [context(1, password=secret)])
    assert secret not in str(caught.value)


def test_the_digest_is_given_in_hex_and_in_base64url():
    document = render_batch("reminder-Y", [context(1)])[0]
    import base64

    assert base64.urlsafe_b64decode(document.sha256_base64url) == bytes.fromhex(document.sha256)
    assert "pdf=" not in repr(document)
