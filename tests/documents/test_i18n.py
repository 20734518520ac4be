"""procedure.i18n: every step, phase, form and body has a text in fr, nl and de; no fallback."""

import re
from datetime import date

import pytest

from procedure import STEPS, Phase, StepKind
from procedure.i18n import (
    LANGUAGES,
    Translated,
    UnknownLanguageError,
    body_abbreviation,
    body_name,
    display_code,
    document_name,
    format_date,
    legal_basis,
    phase_name,
    step_action,
    step_title,
    when_phrase,
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_has_a_title_and_an_action_in_each_language(lang):
    for s in STEPS:
        assert step_title(s.code, lang).strip(), s.code
        assert step_action(s.code, lang).strip(), s.code
        assert legal_basis(s.code, lang).strip(), s.code
        for document in s.documents:
            assert document_name(document, lang).strip(), document


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_phase_and_body_is_named_in_each_language(lang):
    for phase in Phase:
        assert phase_name(phase, lang).strip()
    for body in ("CPPT", "CE"):
        assert body_name(body, lang) and body_abbreviation(body, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_step_title_does_not_repeat_its_own_code(lang):
    # Every place that shows a title puts the code beside it ("Rappel X : …", the e-Box
    # subject, the calendar's rows and events): a title starting "Jour X :" says it twice.
    for s in STEPS:
        for code in {s.code, display_code(s.code)}:
            alone = rf"(?<![\w+\u2212-]){re.escape(code)}(?![\w+\u2212-])"
            assert not re.search(alone, step_title(s.code, lang)), (s.code, lang)


def test_the_three_languages_differ():
    # A copy-pasted French text in the Dutch slot would pass a "not empty" check.
    for s in STEPS:
        titles = {step_title(s.code, lang) for lang in LANGUAGES}
        assert len(titles) == 3, s.code


def test_no_fallback_for_an_unknown_language_or_text():
    with pytest.raises(UnknownLanguageError, match="language: 'en' is not one of fr, nl, de"):
        step_title("X", "en")
    with pytest.raises(KeyError):
        document_name("a form nobody defined", "fr")
    with pytest.raises(ValueError, match="the de text is empty"):
        Translated(fr="a", nl="b", de=" ")


def test_step_codes_accept_the_reference_spelling():
    assert step_title("X−60", "nl") == step_title("X-60", "nl")
    assert display_code("X-60") == "X\u221260"


def test_dates_are_written_for_each_belgian_locale():
    day = date(2028, 5, 8)
    assert format_date(day, "fr") == "lundi 8 mai 2028"
    assert format_date(day, "nl") == "maandag 8 mei 2028"
    assert format_date(day, "de") == "Montag, 8. Mai 2028"


def test_when_phrase_follows_the_step_kind():
    day, end = date(2028, 3, 14), date(2028, 4, 26)
    assert when_phrase(StepKind.deadline, day, "fr") == "au plus tard le mardi 14 mars 2028"
    assert when_phrase(StepKind.earliest_day, day, "nl") == "ten vroegste op dinsdag 14 maart 2028"
    assert when_phrase(StepKind.period, day, "de", end) == (
        "vom Dienstag, 14. März 2028 bis Mittwoch, 26. April 2028"
    )
    with pytest.raises(ValueError, match="period_end"):
        when_phrase(StepKind.period, day, "de")


def test_legal_basis_names_articles_only_where_the_reference_confirms_them():
    assert legal_basis("X+35", "fr").endswith("art. 33 § 1")
    assert "recours judiciaires" in legal_basis("X-28", "fr")
    assert "art." not in legal_basis("X-60", "fr")
