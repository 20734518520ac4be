"""The document-kind catalogue: one reminder per reminder step, subjects, the credential."""

import pytest

from models.credentials import dossier_number
from models.delivery import Delivery
from models.dossier import Dossier
from models.edition import Edition
from models.registry import BODIES, Enterprise
from procedure import STEPS, Phase
from procedure.documents import ACCESS_CODE, KINDS, SUBJECT_MAX_CHARS, Family, kind
from procedure.i18n import LANGUAGES, body_abbreviation
from tasks.delivery import publication_for


def test_one_reminder_per_step_the_catalogue_marks_for_a_reminder():
    reminders = {k.step.code for k in KINDS.values() if k.family == Family.reminder}
    assert reminders == {s.code for s in STEPS if s.reminder}
    # The issue lists these at least (X+35/X+40: the candidate lists).
    assert {
        "X-60",
        "X-35",
        "X",
        "X+14",
        "X+35",
        "X+40",
        "X+48",
        "X+56",
        "X+77",
        "X+80",
        "Y",
        "Y+2",
        "Y+45",
    } <= reminders


def test_a_phase_notice_for_every_phase_after_preparation():
    notices = {k.phase for k in KINDS.values() if k.family == Family.phase_notice}
    assert notices == set(Phase) - {Phase.preparation}


def test_only_the_access_code_letter_carries_a_credential():
    assert [k.code for k in KINDS.values() if k.carries_credential] == ["access-code"]
    assert ACCESS_CODE.step_code == "access-code"


def test_the_registered_mail_mention_is_on_the_x60_reminder_only():
    assert [k.code for k in KINDS.values() if k.registered_mail] == ["reminder-X-60"]


def test_outbox_keys_are_unique_per_kind():
    keys = [(k.code, k.step_code) for k in KINDS.values()]
    assert len(set(keys)) == len(keys)
    assert all(len(k.code) <= 40 and len(k.step_code) <= 20 for k in KINDS.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_subjects_and_file_names_fit_the_ebox_limits(lang):
    for k in KINDS.values():
        subject = k.subject(
            lang, edition_year=2028, dossier_number="28-CPPT-000412-51", body="CPPT"
        )
        assert 0 < len(subject) <= SUBJECT_MAX_CHARS
        assert "2028" in subject
        name = k.file_name(lang, "28-CPPT-000412-51")
        assert name.isascii() and name.endswith(".pdf") and len(name) <= 255
        assert "+" not in name


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("fr", "phase-annonce-28-CPPT-000412-51.pdf"),
        ("nl", "fase-aankondiging-28-CPPT-000412-51.pdf"),
        ("de", "phase-ankuendigung-28-CPPT-000412-51.pdf"),
    ],
)
def test_a_file_name_is_in_the_letters_language_only(lang, name):
    assert KINDS["phase-announcement"].file_name(lang, "28-CPPT-000412-51") == name
    for k in KINDS.values():
        if k.phase is not None and lang != "fr":
            assert k.phase.value not in k.file_name(lang, "28-CPPT-000412-51"), k.code


def test_a_subject_names_the_dossier_but_never_a_password():
    subject = ACCESS_CODE.subject(
        "nl", edition_year=2028, dossier_number="28-CE-000007-42", body="CE"
    )
    assert subject == "Sociale verkiezingen 2028 – uw toegangscodes – dossier 28-CE-000007-42 (OR)"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("body", BODIES)
def test_the_delivered_subject_names_the_body_as_the_letter_does(lang, body):
    # The subject the e-Box shows is the one the delivery task publishes.
    enterprise = Enterprise(enterprise_number="0403170701", name="Maes SA", language=lang)
    dossier = Dossier(dossier_number=dossier_number(2028, body, 7), body=body)
    delivery = Delivery(document_kind="access-code", step_code="access-code", language=lang)
    edition = Edition(year=2028)
    publication = publication_for(delivery, dossier, enterprise, edition, b"%PDF-1.7")
    assert publication.subject.endswith(f"({body_abbreviation(body, lang)})")
    if lang != "fr":
        assert f"({body})" not in publication.subject


def test_unknown_kind_lists_the_known_ones():
    assert kind("reminder-X\u221260") is KINDS["reminder-X-60"]
    with pytest.raises(KeyError, match="known kinds: access-code, reminder-X-60"):
        kind("reminder-X+68")
