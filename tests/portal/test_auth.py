"""Logging in and out: generic errors, lockout, rate limits, CSRF, sessions, headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import portal.login
from models.audit import AuditEvent
from models.credentials import dossier_number
from models.dossier import Dossier
from portal.app import SESSION_COOKIE, create_app
from portal.settings import PortalSettings
from procedure.i18n import FPS_EMAIL, label
from tests.portal.helpers import (
    Officer,
    csrf_of,
    dossier_row,
    log_in,
    officer_dossier,
    post_form,
    text,
)


def test_login_page_sets_a_hardened_session_cookie_and_security_headers(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    headers = page.headers
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["strict-transport-security"].startswith("max-age=")


def test_first_login_rotates_the_session_and_invites_a_password_change(client, engine):
    officer = officer_dossier(engine)
    client.get("/login")
    anonymous_cookie = client.cookies.get(SESSION_COOKIE)
    response = log_in(client, officer)
    assert response.status_code == 303
    assert response.headers["location"] == f"/dossiers/{officer.number}/password"
    assert client.cookies.get(SESSION_COOKIE) != anonymous_cookie
    invitation = client.get(response.headers["location"])
    assert invitation.status_code == 200
    assert "Première connexion" in text(invitation)
    # The pre-login cookie (a fixed session planted by an attacker) grants nothing.
    with TestClient(client.app, base_url="https://testserver") as attacker:
        attacker.cookies.set(SESSION_COOKIE, anonymous_cookie)
        planted = attacker.get(f"/dossiers/{officer.number}", follow_redirects=False)
        assert planted.status_code == 303


def test_login_accepts_the_number_and_password_as_people_type_them(client, engine):
    officer = officer_dossier(engine)
    typed = officer.number.lower().replace("-", " - ", 1)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": typed,
            "password": officer.password.replace("-", "").lower(),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303


def unknown_number() -> str:
    """A well-formed dossier number (valid check digits) that no test dossier has."""
    return dossier_number(2028, "CE", 987_654)


def test_a_wrong_password_and_an_unknown_number_get_the_same_generic_message(client, engine):
    officer = officer_dossier(engine)
    wrong = log_in(client, officer, password="AAAAA-BBBBB-CCCCC")
    page = client.get("/login")
    unknown = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": unknown_number(),
            "password": officer.password,
        },
    )
    assert wrong.status_code == unknown.status_code == 401
    message = "Le numéro de dossier ou le mot de passe est incorrect."
    assert message in text(wrong) and message in text(unknown)
    assert dossier_row(engine, officer).failed_logins == 1


def test_an_unknown_number_costs_a_password_verification_too(client, monkeypatch):
    """Same argon2 work for a number that does not exist: timing does not reveal numbers."""
    calls = []
    real = portal.login.verify_password
    monkeypatch.setattr(portal.login, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": unknown_number(),
            "password": "AAAAA-BBBBB-CCCCC",
        },
    )
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def _as_typed(number: str, way: str) -> str:
    """``28-CPPT-000001-75`` as an officer may type it: the letter says "with or without
    dashes", the login page that case and spaces do not count."""
    year, body, serial, check = number.split("-")
    return {
        "compact": f"{year}{body}{serial}{check}",
        "compact lower case": f"{year}{body}{serial}{check}".lower(),
        "spaces": f"{year} {body} {serial} {check}",
        "spaces lower case": f"{year} {body.lower()} {serial} {check}",
        "dashes lower case": f"{year}-{body.lower()}-{serial}-{check}",
    }[way]


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
@pytest.mark.parametrize(
    "way",
    ["compact", "compact lower case", "spaces", "spaces lower case", "dashes lower case"],
)
def test_the_dossier_number_is_accepted_as_the_letter_says_it_may_be_typed(
    client, engine, language, way
):
    officer = officer_dossier(engine, language=language)
    typed = Officer(officer.dossier_id, _as_typed(officer.number, way), officer.password)
    response = log_in(client, typed)
    assert response.status_code == 303, text(response)
    assert response.headers["location"] == f"/dossiers/{officer.number}/password"


@pytest.mark.parametrize(
    ("language", "rule"),
    [
        ("fr", "les chiffres de contrôle"),
        ("nl", "de controlecijfers"),
        ("de", "die Prüfziffern"),
    ],
)
def test_a_wrong_check_digit_is_named_as_such_and_counts_nothing(client, engine, language, rule):
    officer = officer_dossier(engine, language=language)
    check = int(officer.number[-2:])
    typo = _as_typed(f"{officer.number[:-2]}{(check + 1) % 100:02d}", "spaces")
    page = client.get("/login", headers={"accept-language": language})
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": typo,
            "password": officer.password,
        },
        headers={"accept-language": language},
    )
    assert response.status_code == 422
    assert rule in text(response)
    assert label("login.number_format", language) not in text(response)
    assert 'aria-invalid="true"' in response.text
    assert dossier_row(engine, officer).failed_logins == 0


def test_a_number_of_another_form_is_refused_with_the_form_and_counts_nothing(client, engine):
    officer = officer_dossier(engine)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": officer.number.replace("CPPT", "OR"),
            "password": officer.password,
        },
    )
    assert response.status_code == 422
    assert "la forme 28-CPPT-000412-51, avec ou sans tirets" in text(response)
    assert dossier_row(engine, officer).failed_logins == 0


def test_wrong_passwords_lock_the_dossier_in_the_database_until_a_stated_time(
    client, engine, clock, portal_settings
):
    officer = officer_dossier(engine)
    for _ in range(portal_settings.lockout_threshold - 1):
        assert log_in(client, officer, password="WRONG-WRONG-WRONG").status_code == 401
    locking = log_in(client, officer, password="WRONG-WRONG-WRONG")
    assert locking.status_code == 423
    assert "verrouillé jusqu'au" in text(locking)
    row = dossier_row(engine, officer)
    assert row.failed_logins == portal_settings.lockout_threshold
    assert row.locked_until is not None
    # The right password is refused while locked, also by a freshly started portal process.
    restarted = create_app(portal_settings, clock=clock)
    with TestClient(restarted, base_url="https://testserver") as fresh:
        assert log_in(fresh, officer).status_code == 423
    clock.advance(minutes=portal_settings.lockout_minutes + 1)
    assert log_in(client, officer).status_code == 303
    assert dossier_row(engine, officer).failed_logins == 0
    with Session(engine) as session:
        actions = [
            e.action
            for e in session.exec(
                select(AuditEvent)
                .where(AuditEvent.subject == officer.number)
                .order_by(AuditEvent.id)
            )
        ]
    assert actions.count("portal.login_failed") == portal_settings.lockout_threshold
    assert "portal.lockout" in actions and "portal.login_refused_locked" in actions
    assert actions[-1] == "portal.login"


LAST_TRY = "au prochain mot de passe erroné, ce dossier sera verrouillé"


@pytest.mark.parametrize("threshold", [5, 3])
def test_the_try_before_the_lockout_warns_that_the_next_one_locks(engine, clock, threshold):
    settings = PortalSettings(lockout_threshold=threshold)
    with TestClient(create_app(settings, clock=clock), base_url="https://testserver") as client:
        officer = officer_dossier(engine)
        unknown = Officer(0, unknown_number(), "WRONG-WRONG-WRONG")
        for who in (officer, unknown):  # a number that does not exist warns the same
            answers = [log_in(client, who, password="WRONG-WRONG-WRONG") for _ in range(threshold)]
            warned = [LAST_TRY in text(answer) for answer in answers]
            assert warned == [False] * (threshold - 2) + [True, False], who.number
            assert [a.status_code for a in answers[-2:]] == [401, 423]
        # After a lock ends, the next series warns before it locks again.
        clock.advance(minutes=settings.lockout_minutes + 1)
        answers = [log_in(client, officer, password="WRONG-WRONG-WRONG") for _ in range(threshold)]
        assert [LAST_TRY in text(a) for a in answers] == [False] * (threshold - 2) + [True, False]


def test_each_new_series_of_failures_locks_longer(client, engine, clock, portal_settings):
    officer = officer_dossier(engine)
    for _ in range(portal_settings.lockout_threshold):
        log_in(client, officer, password="WRONG-WRONG-WRONG")
    first = dossier_row(engine, officer).locked_until
    clock.advance(minutes=portal_settings.lockout_minutes + 1)
    for _ in range(portal_settings.lockout_threshold):
        log_in(client, officer, password="WRONG-WRONG-WRONG")
    second = dossier_row(engine, officer).locked_until
    lock_time = timedelta(minutes=2 * portal_settings.lockout_minutes)
    assert second.replace(tzinfo=None) - first.replace(tzinfo=None) > lock_time


def test_unknown_numbers_lock_like_real_ones(client, portal_settings):
    number = unknown_number()
    statuses = []
    for _ in range(portal_settings.lockout_threshold):
        page = client.get("/login")
        statuses.append(
            client.post(
                "/login",
                data={
                    "csrf_token": csrf_of(page.text),
                    "dossier_number": number,
                    "password": "WRONG-WRONG-WRONG",
                },
            ).status_code
        )
    assert statuses[:-1] == [401] * (portal_settings.lockout_threshold - 1)
    assert statuses[-1] == 423


def test_one_address_is_throttled_across_dossiers(engine, clock):
    settings = PortalSettings(ip_failed_logins="3 per 15 minutes")
    first, second = officer_dossier(engine), officer_dossier(engine)
    with TestClient(create_app(settings, clock=clock), base_url="https://testserver") as client:
        for officer in (first, second, first):
            assert log_in(client, officer, password="WRONG-WRONG-WRONG").status_code == 401
        throttled = log_in(client, second)  # even the right password of another dossier
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert "depuis votre réseau" in throttled.text
    assert dossier_row(engine, second).failed_logins == 1  # not counted against the dossier


def test_a_post_without_the_csrf_token_is_refused(client, engine):
    officer = officer_dossier(engine)
    client.get("/login")
    response = client.post(
        "/login", data={"dossier_number": officer.number, "password": officer.password}
    )
    assert response.status_code == 403
    assert "formulaire a expiré" in text(response)
    forged = client.post(
        "/login",
        data={
            "csrf_token": "forged",
            "dossier_number": officer.number,
            "password": officer.password,
        },
    )
    assert forged.status_code == 403
    with Session(engine) as session:
        assert not session.exec(select(AuditEvent).where(AuditEvent.action == "portal.login")).all()


def test_one_dossiers_session_cannot_read_another_dossier(client, engine):
    mine, theirs = officer_dossier(engine), officer_dossier(engine, election_day=None)
    assert log_in(client, mine).status_code == 303
    assert client.get(f"/dossiers/{mine.number}").status_code == 200
    for path in ("", "/calendar.ics", "/stop", "/password"):
        response = client.get(f"/dossiers/{theirs.number}{path}", follow_redirects=False)
        assert response.status_code == 404, path
        assert theirs.number not in response.text.replace(f"/dossiers/{theirs.number}", "")
    refused = post_form(
        client,
        f"/dossiers/{mine.number}",
        f"/dossiers/{theirs.number}/election-day",
        {"election_day": "2028-05-08"},
    )
    assert refused.status_code == 404
    assert dossier_row(engine, theirs).election_day is None


def test_logout_ends_the_session_on_the_server(client, engine):
    officer = officer_dossier(engine)
    log_in(client, officer)
    logged_in_cookie = client.cookies.get(SESSION_COOKIE)
    response = post_form(client, f"/dossiers/{officer.number}", "/logout", {})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "Vous êtes déconnecté." in text(client.get("/login"))
    with TestClient(client.app, base_url="https://testserver") as replay:
        replay.cookies.set(SESSION_COOKIE, logged_in_cookie)
        after = replay.get(f"/dossiers/{officer.number}", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


def test_an_idle_session_expires(client, engine, clock, portal_settings):
    officer = officer_dossier(engine)
    log_in(client, officer)
    clock.advance(minutes=portal_settings.session_idle_minutes - 1)
    assert client.get(f"/dossiers/{officer.number}").status_code == 200
    clock.advance(minutes=portal_settings.session_idle_minutes + 1)
    response = client.get(f"/dossiers/{officer.number}", follow_redirects=False)
    assert response.status_code == 303
    assert "expir" in client.get(response.headers["location"]).text


def test_a_form_sent_after_the_session_expired_leads_back_to_its_page(client, engine, clock):
    officer = officer_dossier(engine)
    log_in(client, officer)
    url = f"/dossiers/{officer.number}"
    token = csrf_of(client.get(url).text)
    clock.advance(hours=1)
    response = client.post(
        f"{url}/election-day",
        data={"csrf_token": token, "election_day": "2028-05-08"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={url}"
    assert dossier_row(engine, officer).election_day is None


def test_login_goes_back_to_the_requested_page_but_never_to_another_site(client, engine):
    officer = officer_dossier(engine)
    with Session(engine) as session:  # not a first login: no password invitation
        dossier = session.get(Dossier, officer.dossier_id)
        dossier.password_changed_at = dossier.created_at
        session.add(dossier)
        session.commit()
    asked = client.get(f"/dossiers/{officer.number}/stop", follow_redirects=False)
    login_url = asked.headers["location"]
    page = client.get(login_url)
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": officer.number,
            "password": officer.password,
            "next": f"/dossiers/{officer.number}/stop",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/dossiers/{officer.number}/stop"
    client.cookies.clear()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": officer.number,
            "password": officer.password,
            "next": "//evil.example/phish",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/dossiers/{officer.number}"
    assert (
        client.get("/language/nl?next=https://evil.example", follow_redirects=False).headers[
            "location"
        ]
        == "/"
    )


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Votre dossier"),
        ("nl", "Uw dossier"),
        ("de", "Ihr Dossier"),
    ],
)
def test_pages_speak_the_enterprises_language_and_the_switcher_overrides_it(
    client, engine, language, heading
):
    officer = officer_dossier(engine, language=language)
    log_in(client, officer)
    page = client.get(f"/dossiers/{officer.number}")
    assert f'<html lang="{language}">' in page.text and heading in page.text
    other = {"fr": "nl", "nl": "de", "de": "fr"}[language]
    client.get(f"/language/{other}?next=/dossiers/{officer.number}")
    assert f'<html lang="{other}">' in client.get(f"/dossiers/{officer.number}").text


def test_the_browsers_language_comes_before_the_enterprises_and_the_choice_before_both(
    client, engine
):
    french_browser = {"accept-language": "fr-BE,fr;q=0.9,en;q=0.8"}
    officer = officer_dossier(engine, language="nl")
    assert '<html lang="fr">' in client.get("/login", headers=french_browser).text
    log_in(client, officer)
    url = f"/dossiers/{officer.number}"
    for page in (url, f"{url}/password", f"{url}/stop"):
        assert '<html lang="fr">' in client.get(page, headers=french_browser).text, page
    # A browser asking for none of fr/nl/de: the enterprise's language.
    english = client.get(url, headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="nl">' in english.text
    # The officer's choice wins over the browser.
    client.get(f"/language/de?next={url}", headers=french_browser)
    assert '<html lang="de">' in client.get(url, headers=french_browser).text


@pytest.mark.parametrize(
    ("language", "address"),
    [
        ("fr", "elections.sociales@emploi.belgique.be"),
        ("nl", "sociale.verkiezingen@werk.belgie.be"),
        # docs/procedure.md#the-fpss-pages-and-contact-addresses: no German address found.
        ("de", "elections.sociales@emploi.belgique.be"),
    ],
)
def test_every_page_tells_whom_to_write_to(client, engine, language, address):
    officer = officer_dossier(engine, language=language)
    link = f'<a href="mailto:{address}">{address}</a>'
    assert link in client.get("/login", headers={"accept-language": language}).text
    log_in(client, officer)
    assert link in client.get(f"/dossiers/{officer.number}").text
    assert FPS_EMAIL[language] == address


def test_the_login_page_follows_the_browser_language(client):
    page = client.get("/login", headers={"accept-language": "de-BE;q=0.9, en;q=0.8, nl;q=0.5"})
    assert '<html lang="de">' in page.text and "Anmeldung" in page.text


def test_no_password_reaches_the_audit_trail(client, engine):
    officer = officer_dossier(engine)
    log_in(client, officer, password="WRONG-PASS1-WORD2")
    log_in(client, officer)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent)).all()
    dumped = repr([(e.actor, e.action, e.subject, e.detail) for e in events])
    assert "portal.login" in dumped
    for secret in (officer.password, officer.password.replace("-", ""), "WRONG-PASS1-WORD2"):
        assert secret not in dumped


def test_health_and_openapi_are_served(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/dossiers/{number}/election-day" in spec["paths"]
