"""Changing the password: the current one is checked, the rules named, other sessions ended."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.audit import AuditEvent
from tests.portal.helpers import dossier_row, log_in, officer_dossier, post_form, text

NEW = "Trois petits chats blancs"


def test_changing_the_password(client, other_client, engine):
    officer = officer_dossier(engine)
    url = f"/dossiers/{officer.number}"
    log_in(client, officer)
    log_in(other_client, officer)  # another browser of the same officer
    response = post_form(
        client,
        f"{url}/password",
        f"{url}/password",
        {"current_password": officer.password, "new_password": NEW, "confirmation": NEW},
    )
    assert response.status_code == 303
    assert "Mot de passe changé" in text(client.get(url))
    assert "Vous utilisez encore le mot de passe" not in text(client.get(url))
    assert other_client.get(url, follow_redirects=False).status_code == 303  # ended
    with TestClient(client.app, base_url="https://testserver") as fresh:
        assert log_in(fresh, officer).status_code == 401
        assert log_in(fresh, officer, password=NEW).status_code == 303
    assert dossier_row(engine, officer).password_changed_at is not None
    with Session(engine) as session:
        details = repr([e.detail for e in session.exec(select(AuditEvent))])
    assert "portal.password_change" in repr(
        [e.action for e in Session(engine).exec(select(AuditEvent))]
    )
    assert NEW not in details and officer.password not in details


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("fr", "elles ne pourront plus se connecter dès que vous l'aurez changé"),
        ("nl", "dan kunnen zij zich niet meer aanmelden zodra u het wijzigt"),
        ("de", "können sie sich nach der Änderung nicht mehr anmelden"),
    ],
)
def test_the_password_form_says_before_the_change_that_it_locks_out_who_shares_it(
    client, engine, language, warning
):
    officer = officer_dossier(engine, language=language)
    log_in(client, officer)
    form = text(client.get(f"/dossiers/{officer.number}/password"))
    assert warning in form
    assert form.index(warning) < form.index('name="new_password"')


def test_password_rules_are_named_and_change_nothing(client, engine):
    officer = officer_dossier(engine)
    url = f"/dossiers/{officer.number}"
    log_in(client, officer)
    before = dossier_row(engine, officer).password_hash
    cases = [
        (
            {"current_password": "WRONG-WRONG-WRONG", "new_password": NEW, "confirmation": NEW},
            "Le mot de passe actuel est incorrect",
        ),
        (
            {
                "current_password": officer.password,
                "new_password": "court",
                "confirmation": "court",
            },
            "au moins 12 caractères",
        ),
        (
            {"current_password": officer.password, "new_password": NEW, "confirmation": NEW + "!"},
            "La confirmation ne correspond pas",
        ),
        (
            {
                "current_password": officer.password,
                "new_password": "aaaa-aaaa-aaaa-aaaa",
                "confirmation": "aaaa-aaaa-aaaa-aaaa",
            },
            "trop simple",
        ),
        (
            {
                "current_password": officer.password,
                "new_password": officer.password.lower(),
                "confirmation": officer.password.lower(),
            },
            "doit différer de l'actuel",
        ),
    ]
    for data, rule in cases:
        response = post_form(client, f"{url}/password", f"{url}/password", data)
        assert response.status_code == 422, data
        assert rule in text(response), data
    row = dossier_row(engine, officer)
    assert row.password_hash == before and row.password_changed_at is None
    assert row.failed_logins == 1  # the wrong current password counts like a wrong login
