"""Portal fixtures: a portal app on the test database with a clock the test controls."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.open_edition import open_edition
from models import Delivery, Dossier, Enterprise, TechnicalUnit
from portal.app import create_app
from portal.settings import PortalSettings
from tests.factories import load_sample
from tests.flows.helpers import access_codes, in_threads, seed_sandbox
from tests.portal.helpers import ManualClock, Officer

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
def campaign_codes(engine, prefect_server, sandbox) -> list[Officer]:
    """Dossier numbers and passwords from a real campaign: ``open_edition`` on the Prefect
    test server delivers the access-code letters to the e-Box sandbox, and the codes are read
    from the letters there, as an officer would. First a French dossier, then a Dutch one."""
    load_sample(engine, 12, seed=2028, open_edition=False)
    seed_sandbox(engine, sandbox)
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    with Session(engine) as session:
        rows = session.exec(
            select(
                Dossier.id,
                Dossier.dossier_number,
                Enterprise.enterprise_number,
                Enterprise.language,
            )
            .select_from(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
            .join(Delivery, Delivery.dossier_id == Dossier.id)
            .where(Delivery.document_kind == "access-code", Delivery.state == "sent")
            .order_by(Dossier.id)
        ).all()
    officers = []
    for language in ("fr", "nl"):
        dossier_id, number, enterprise, _ = next(r for r in rows if r[3] == language)
        officers.append(Officer(dossier_id, number, access_codes(sandbox, enterprise)[number]))
    return officers
