"""Portal fixtures: a portal app on the test database with a clock the test controls."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.settings import PortalSettings
from tests.portal.helpers import ManualClock, Officer, officer_dossier

# Well before the 2028 window's earliest X−60 (10 Dec 2027): every Y can still be chosen.
BEFORE_PROCEDURE = date(2027, 11, 15)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(BEFORE_PROCEDURE)


@pytest.fixture
def portal_settings() -> PortalSettings:
    return PortalSettings()


@pytest.fixture
def app(engine, clock, portal_settings):
    return create_app(portal_settings, clock=clock)


@pytest.fixture
def client(app):
    # https: the session cookie is Secure, so a client on http would never send it back.
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def other_client(app):
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def one_backend(database_url) -> None:
    """For the slow end-to-end tests (browser, fuzzing): their requests reach the database
    through the same code the TestClient tests run on both backends, so one backend is
    enough and keeps the suite within its time budget."""
    if not database_url.startswith("sqlite"):
        pytest.skip("end-to-end portal test: run on SQLite; the unit tests cover PostgreSQL")


@pytest.fixture
def campaign_codes(engine) -> list[Officer]:
    """The dossier numbers and passwords a campaign hands out, with its delivery records.

    Stand-in until the campaign flow (issue 5) exists: this fixture is the one place to swap
    for a real ``open_edition`` run against the e-Box sandbox, returning the codes read from
    the delivered access-code letters. The browser test uses only ``.number`` and
    ``.password`` and expects each dossier's access-code letter to be recorded as sent.
    """
    return [
        officer_dossier(engine, language=language, body=body,
                        deliveries=(("access-code", "access-code", "sent"),))
        for language, body in (("fr", "CPPT"), ("nl", "CE"))
    ]
