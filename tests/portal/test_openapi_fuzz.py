"""schemathesis against the portal's OpenAPI on a real server: no input gives a 5xx.

Two passes over every operation: anonymous (what anyone on the internet can send), and as a
logged-in officer whose dossier number and CSRF token are put into the generated requests,
so the generated form values reach the handlers' rules instead of stopping at the CSRF check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from portal.app import SESSION_COOKIE
from tests.portal.helpers import csrf_of, officer_dossier
from tests.portal.server import running_portal

EXAMPLES = 10  # per operation and mode: 11 operations × 2 modes × 2 identities
COOKIE_RE = re.compile(rf"{re.escape(SESSION_COOKIE)}=([^;]+)")


@dataclass
class Officer:
    number: str
    cookie: str
    csrf_token: str


def _session_cookie(response: httpx.Response, current: str) -> str:
    match = COOKIE_RE.search(response.headers.get("set-cookie", ""))
    return match.group(1) if match else current


def _log_in(base_url: str, number: str, password: str) -> Officer:
    # Cookies by hand: http.cookiejar never sends a Secure cookie over plain http.
    with httpx.Client(base_url=base_url) as client:
        page = client.get("/login")
        cookie = _session_cookie(page, "")
        answer = client.post(
            "/login",
            headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
            data={"csrf_token": csrf_of(page.text), "dossier_number": number, "password": password},
        )
        assert answer.status_code == 303
        cookie = _session_cookie(answer, cookie)
        dossier = client.get(
            f"/dossiers/{number}", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}
        )
        assert dossier.status_code == 200
        return Officer(number, _session_cookie(dossier, cookie), csrf_of(dossier.text))


@pytest.fixture
def served(one_backend, app, engine, clock):
    clock.set_day(date(2028, 3, 20))  # inside this dossier's stop window (X+36 … X+79)
    officer = officer_dossier(engine, election_day=date(2028, 5, 8))
    with running_portal(app) as base_url:
        yield base_url, _log_in(base_url, officer.number, officer.password)


def fuzz(base_url: str, call) -> int:
    """Every operation, positive and negative inputs; ``call(case)`` sends one. Returns the
    number of operations, so a test can tell the schema was really read.

    Hypothesis strategies per operation rather than ``schemathesis.pytest.from_fixture``:
    schemathesis 4.32's pytest plugin reads an attribute pytest 9 no longer has.
    """
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ_SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def never_a_server_error(case):
                response = call(case)
                assert response.status_code < 500, (
                    case.method,
                    case.path,
                    case.path_parameters,
                    case.body,
                    response.text[:300],
                )

            try:
                never_a_server_error()
            except Unsatisfiable:
                # No parameters to break (GET /, /healthz): nothing negative to send.
                assert mode is GenerationMode.NEGATIVE, operation.label
    return len(operations)


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_anonymous_requests_never_get_a_server_error(served):
    with requests.Session() as session:
        assert fuzz(served[0], lambda case: case.call(session=session)) >= 11


def test_an_officers_requests_never_get_a_server_error(served):
    base_url, officer = served

    def as_officer(case):
        if case.path_parameters and "number" in case.path_parameters:
            case.path_parameters["number"] = officer.number
        if isinstance(case.body, dict) and case.path != "/logout":
            case.body["csrf_token"] = officer.csrf_token
        return case.call(session=session, headers={"Cookie": f"{SESSION_COOKIE}={officer.cookie}"})

    with requests.Session() as session:
        assert fuzz(base_url, as_officer) >= 11
