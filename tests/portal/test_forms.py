"""The three statistical forms in the portal: draft, submission, correction as a new version,
refusals that name the field and the rule and store nothing, CSRF, another dossier's forms."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.evidence import StatisticalForm
from models.progress import shown_of
from procedure.forms import all_fields, organisations_of
from tests.portal.helpers import dossier_row, log_in, officer_dossier, post_form, text
from tests.procedure.test_forms import basic_raw, pre_raw
from tests.reliability.helpers import fingerprint

Y = date(2028, 5, 8)  # X = 8 Feb 2028, X−60 = 10 Dec 2027
BEFORE_X_60 = date(2027, 12, 1)
# pre_raw's mandates per college for a CE of 60 + 40 + 30 workers and 20 cadres.
MANDATES = {"blue_collar": 3, "white_collar": 2, "young": 1, "cadre": 1}


def election_raw(**changes: str) -> dict[str, str]:
    """A count that keeps every rule: in each college 40 registered, 30 voters (28 valid, one
    blank, one invalid), every seat to ABVV-FGTB."""
    raw = {}
    for college, mandates in MANDATES.items():
        numbers = {"registered": 40, "voters": 30, "valid": 28, "blank": 1, "invalid": 1}
        for name, number in numbers.items():
            raw[f"colleges__{college}__{name}"] = str(number)
        for org in organisations_of(college):
            first = org == "abvv_fgtb"
            for name, number in (("candidates", mandates), ("votes", 28), ("seats", mandates)):
                raw[f"colleges__{college}__lists__{org}__{name}"] = str(number if first else 0)
    return {**raw, **changes}


def logged_in(client, engine, clock, day: date = BEFORE_X_60, **kwargs):
    clock.set_day(day)
    officer = officer_dossier(engine, body="CE", election_day=Y, **kwargs)
    assert log_in(client, officer).status_code == 303
    return officer, f"/dossiers/{officer.number}/forms"


def send(client, url: str, data: dict, action: str = "submit", **extra):
    return post_form(client, url, url, {**data, "action": action, **extra})


def rows(engine, officer, kind: str) -> list[StatisticalForm]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(StatisticalForm)
                .where(StatisticalForm.dossier_id == officer.dossier_id)
                .where(StatisticalForm.form == kind)
                .order_by(StatisticalForm.version)
            )
        )


def test_a_draft_a_submission_and_a_correction_as_a_new_version(client, engine, clock):
    officer, forms = logged_in(client, engine, clock)
    url = f"{forms}/basic"
    page = text(client.get(url))
    assert "Rien n'a encore été enregistré." in page
    assert 'value="Dupont Logistique SA"' in page  # the registry's data, to confirm
    assert "Selon le registre : Dupont Logistique SA." in page

    draft = send(client, url, {"contact__name": "Anne Dupont"}, action="draft")
    assert draft.status_code == 303
    [row] = rows(engine, officer, "basic")
    assert (row.version, row.status, row.data["contact"]["name"]) == (1, "draft", "Anne Dupont")
    assert row.data["contact"]["email"] is None
    assert "Brouillon enregistré." in text(client.get(url))

    assert send(client, url, basic_raw()).status_code == 303
    [row] = rows(engine, officer, "basic")  # the draft became the submitted version 1
    assert (row.version, row.status, row.submitted_at is not None) == (1, "submitted", True)
    assert len(row.saved_by) == 64  # the session's token digest
    with Session(engine) as session:
        assert (
            "basic" in shown_of(session, [dossier_row(engine, officer)])[officer.dossier_id].forms
        )
    page = text(client.get(url))
    assert "Version 1, envoyée le" in page and "Envoyer la correction" in page

    before = fingerprint(engine)
    refused = send(client, url, basic_raw(contact__phone="+32 4 999 99 99"))
    assert refused.status_code == 422
    assert "Raison de la correction : une fiche déjà envoyée se corrige" in text(refused)
    assert fingerprint(engine) == before

    corrected = send(client, url, basic_raw(contact__phone="+32 4 999 99 99"), reason="New phone")
    assert corrected.status_code == 303
    first, second = rows(engine, officer, "basic")
    assert first.data["contact"]["phone"] == "+32 4 123 45 67"  # the earlier version stays
    assert (second.version, second.status, second.reason) == (2, "submitted", "New phone")
    assert second.data["contact"]["phone"] == "+32 4 999 99 99"
    page = text(client.get(url))
    assert "Version 2, envoyée le" in page and "New phone" in page

    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action.like("portal.form_%"))  # type: ignore[attr-defined]
        ).all()
    assert [(e.action, e.detail["version"], e.detail["correction"]) for e in events] == [
        ("portal.form_saved", 1, False),
        ("portal.form_submitted", 1, False),
        ("portal.form_submitted", 2, True),
    ]
    # Only what is needed: no contact data, no reason's text.
    assert not any("Anne" in str(e.detail) or "New phone" in str(e.detail) for e in events)


CASES = {
    "basic": [
        (
            {"headcount__young": "-3"},
            "jeunes travailleurs – effectif au jour X−60 : indiquez un nombre entier",
        ),
        (
            {"contact__email": "anne"},
            "Adresse e-mail de la personne de contact : indiquez une adresse",
        ),
        ({"administrative__enterprise_number": "0403170702"}, "pas un numéro d'entreprise valable"),
    ],
    "pre_electoral": [
        ({"categories__blue_collar__mandates": "5"}, "la loi en prévoit 6 pour 130 travailleurs"),
        (
            {"votes__1__date": "2028-06-01"},
            "dans la période électorale, du 8 mai 2028 au 21 mai 2028",
        ),
        ({"categories__cadre__mandates": "2"}, "le CE compte 1 mandat(s) de cadre"),
    ],
    "election": [
        ({"colleges__young__voters": "41"}, "plus de votants que d'électeurs inscrits (40)"),
        ({"colleges__cadre__valid": "29"}, "font 31, mais 30 personnes ont voté"),
        (
            {"colleges__blue_collar__lists__abvv_fgtb__seats": "2"},
            "font 2, mais le collège a 3 mandats",
        ),
    ],
}
GOOD = {"basic": basic_raw, "pre_electoral": pre_raw, "election": election_raw}


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_values_are_refused_naming_field_and_rule_and_nothing_is_stored(
    client, engine, clock, kind
):
    officer, forms = logged_in(client, engine, clock, Y)
    if kind == "election":
        assert send(client, f"{forms}/pre_electoral", pre_raw()).status_code == 303
    url = f"{forms}/{kind}"
    before = fingerprint(engine)
    for changes, rule in CASES[kind]:
        for action in ("submit", "draft") if kind == "basic" else ("submit",):
            refused = send(client, url, GOOD[kind](**changes), action=action)
            assert refused.status_code == 422, changes
            page = text(refused)
            assert rule in page, (changes, page[:2000])
            field = next(iter(changes))
            # The summary links to the field; the field says what is wrong and is marked.
            assert f'href="#{field}"' in page
            assert f'id="{field}-error"' in page and 'aria-invalid="true"' in page
            assert f'value="{changes[field]}"' in page  # what was typed stays for correction
    assert fingerprint(engine) == before
    assert send(client, url, GOOD[kind]()).status_code == 303


def test_the_refusal_is_in_the_page_s_language(client, engine, clock):
    _, forms = logged_in(client, engine, clock, language="nl")
    client.get("/language/nl")
    refused = send(client, f"{forms}/basic", basic_raw(headcount__young="veel"))
    assert "jeugdige werknemers – personeelsbestand op dag X−60: vul een geheel getal in" in text(
        refused
    )


def test_the_election_form_follows_the_pre_electoral_form_and_day_y(client, engine, clock):
    officer, forms = logged_in(client, engine, clock, date(2028, 2, 1))
    url = f"{forms}/election"
    page = text(client.get(url))
    assert "Envoyez d'abord la fiche statistique pré-électorale" in page
    assert 'name="colleges__' not in page

    assert send(client, f"{forms}/pre_electoral", pre_raw()).status_code == 303
    page = text(client.get(url))
    for college in ("Collège des ouvriers", "Collège des employés", "Collège des cadres"):
        assert college in page
    assert "Mandats à pourvoir dans ce collège (fiche pré-électorale) : 3" in page
    assert 'value="58"' in page  # the blue-collar workers' registered voters, pre-filled
    assert "Liste d'un groupe de cadres" in page and "NCK-CNC" in page

    before = fingerprint(engine)
    early = send(client, url, election_raw())
    assert early.status_code == 422
    assert "s'envoie à partir du jour Y (8 mai 2028)" in text(early)
    assert fingerprint(engine) == before

    clock.set_day(Y)
    assert log_in(client, officer).status_code == 303  # three months later: a new session
    assert send(client, url, election_raw()).status_code == 303
    [row] = rows(engine, officer, "election")
    assert row.data["pre_electoral_version"] == 1
    assert row.data["colleges"]["cadre"]["lists"]["abvv_fgtb"] == {
        "candidates": 1,
        "votes": 28,
        "seats": 1,
    }
    assert set(row.data["colleges"]) == set(MANDATES)


def test_above_2000_workers_the_form_is_accepted_with_a_warning(client, engine, clock):
    officer, forms = logged_in(client, engine, clock)
    url = f"{forms}/pre_electoral"
    assert send(client, url, pre_raw(categories__blue_collar__staff="2500")).status_code == 303
    assert rows(engine, officer, "pre_electoral")[0].status == "submitted"
    page = text(client.get(url))
    assert "Attention : ouvriers – Mandats effectifs : 2570 travailleurs au jour X" in page
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "portal.form_submitted")
        ).one()
    assert event.detail["warnings"] == ["mandates_scale_unverified"]


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(client, engine, clock):
    _, forms = logged_in(client, engine, clock)
    before = fingerprint(engine)
    for kind, raw in GOOD.items():
        response = client.post(f"{forms}/{kind}", data={**raw(), "action": "submit"})
        assert response.status_code == 403
        forged = client.post(
            f"{forms}/{kind}", data={**raw(), "action": "submit", "csrf_token": "forged"}
        )
        assert forged.status_code == 403
    assert fingerprint(engine) == before


def test_another_dossier_s_forms_answer_404(client, engine, clock):
    officer, forms = logged_in(client, engine, clock)
    other = officer_dossier(engine, body="CE", election_day=Y)
    assert send(client, f"{forms}/basic", basic_raw()).status_code == 303
    before = fingerprint(engine)
    for kind in GOOD:
        theirs = f"/dossiers/{other.number}/forms/{kind}"
        assert client.get(theirs).status_code == 404
        page = client.get(f"{forms}/{kind}")
        response = client.post(
            theirs,
            data={"csrf_token": page.text.split('name="csrf_token" value="')[1].split('"')[0]},
        )
        assert response.status_code == 404
    assert client.get(f"{forms}/unknown").status_code == 404
    assert fingerprint(engine) == before


def test_the_forms_need_a_session_and_an_open_dossier(client, other_client, engine, clock):
    officer, forms = logged_in(client, engine, clock)
    response = other_client.get(f"{forms}/basic", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]
    dossier_page = text(client.get(f"/dossiers/{officer.number}"))
    for kind in GOOD:
        assert f'href="{forms}/{kind}"' in dossier_page
    with Session(engine) as session:
        row = session.get(type(dossier_row(engine, officer)), officer.dossier_id)
        row.status = "stopped"
        session.add(row)
        session.commit()
    before = fingerprint(engine)
    refused = send(client, f"{forms}/basic", basic_raw())
    assert refused.status_code == 422
    assert "La procédure de ce dossier n'est plus en cours." in text(refused)
    assert fingerprint(engine) == before


def test_every_field_is_declared_in_the_openapi_description(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    for kind, model in (("basic", "BasicForm"), ("election", "ElectionForm")):
        declared = set(schema[model]["properties"])
        assert {f.name for f in all_fields(kind)} | {"csrf_token", "action", "reason"} == declared
