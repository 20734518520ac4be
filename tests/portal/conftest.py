"""Portal fixtures: a portal app on the test database with a clock the test controls."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.settings import PortalSettings
from tests.portal.helpers import ManualClock

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
