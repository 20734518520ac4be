"""The sandbox speaks the real API: raw requests get the documented codes (docs/ebox.md#answers).

These requests are built by hand, not by the adapter, so they can break each rule on purpose.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from ebox_adapter.auth import ASSERTION_TYPE, client_assertion
from ebox_adapter.sandbox_link import ensure_sender_key
from ebox_adapter.settings import PREFERENCE_SCOPE, PUBLICATION_SCOPE, PUBLISH_PATH
from tests.ebox.conftest import DIGITAL, NOT_IN_CBE, SAMPLE_PDF

pytestmark = pytest.mark.integration
DIGEST = base64.urlsafe_b64encode(hashlib.sha256(SAMPLE_PDF).digest()).decode()


@pytest.fixture(scope="module")
def key(seeded_sandbox):
    return serialization.load_pem_private_key(
        seeded_sandbox.settings.private_key_file.read_bytes(), None
    )


def ask_token(sandbox, assertion: str, scope: str = PUBLICATION_SCOPE) -> httpx.Response:
    return httpx.post(
        sandbox.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.settings.client_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": scope,
        },
    )


@pytest.fixture(scope="module")
def http(seeded_sandbox, key):
    answer = ask_token(
        seeded_sandbox,
        client_assertion(seeded_sandbox.settings.client_id, seeded_sandbox.token_url, key),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "Bearer" and answer.json()["expires_in"] > 0
    with httpx.Client(
        base_url=seeded_sandbox.base_url,
        headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
    ) as client:
        yield client


def message(**changes) -> dict:
    body = {
        "recipient": {"eboxType": "enterprise", "enterpriseNumber": DIGITAL},
        "sender": {"eboxType": "enterprise", "enterpriseNumber": "0999999922"},
        "subject": {"nl": "Sociale verkiezingen 2028"},
        "senderApplicationId": "db2b.SPFETCS-FODWASO.fgov.be",
        "messageTypeId": "SpfFodSocialElections",
        "attachments": [
            {
                "httpPartName": "upfile1",
                "isMainContent": True,
                "isAttachmentSigned": False,
                "digest": {"digestMethod": "sha_256", "digestValue": DIGEST},
            }
        ],
        "isReplyAuthorized": False,
    }
    body.update(changes)
    return body


def post(http, body: dict | str, files=None, key: str | None = None) -> httpx.Response:
    text = body if isinstance(body, str) else json.dumps(body)
    parts = [("messageToPublish", (None, text.encode(), "application/json"))]
    parts += (
        files if files is not None else [("upfile1", ("brief.pdf", SAMPLE_PDF, "application/pdf"))]
    )
    headers = {"Idempotency-Key": f'"{key or uuid.uuid4()}"'}
    return http.post(PUBLISH_PATH, files=parts, headers=headers)


def expect(response: httpx.Response, status: int, code: str, text: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"id", "code", "message"} and uuid.UUID(body["id"])
    assert body["code"] == code and text in body["message"]


def test_a_correct_publication_is_created(http):
    response = post(http, message())
    assert response.status_code == 201
    assert set(response.json()) == {"messageId", "expirationDate"}


def test_parts_may_come_in_any_order(http):
    parts = [
        ("upfile1", ("brief.pdf", SAMPLE_PDF, "application/pdf")),
        ("messageToPublish", (None, json.dumps(message()).encode(), "application/json")),
    ]
    response = http.post(PUBLISH_PATH, files=parts, headers={"Idempotency-Key": '"order-1"'})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("changes", "files", "status", "code", "text"),
    [
        (
            {
                "attachments": [
                    {
                        "httpPartName": "upfile1",
                        "isMainContent": True,
                        "digest": {
                            "digestMethod": "sha_256",
                            "digestValue": hashlib.sha256(SAMPLE_PDF).hexdigest(),
                        },
                    }
                ]
            },
            None,
            400,
            "DIGEST_DO_NOT_MATCH",
            "upfile1",
        ),
        (
            {"subject": {"nl": "Verkiezingen", "fr": "Élections"}},
            None,
            400,
            "NOT_IMPLEMENTED",
            "Multiple languages provided when only one expected",
        ),
        (
            {"attachments": [{"httpPartName": "upfile1", "isMainContent": False}]},
            None,
            400,
            "INVALID_INPUT",
            "No main content attachment",
        ),
        (
            {
                "attachments": [
                    {"httpPartName": "upfile1", "isMainContent": True},
                    {"httpPartName": "upfile2", "isMainContent": True},
                ]
            },
            [
                ("upfile1", ("a.pdf", SAMPLE_PDF, "application/pdf")),
                ("upfile2", ("b.pdf", SAMPLE_PDF, "application/pdf")),
            ],
            400,
            "INVALID_INPUT",
            "Too many main content",
        ),
        ({}, [], 400, "INVALID_INPUT", "Json Attachments number is inconsistent"),
        (
            {},
            [("upfile9", ("a.pdf", SAMPLE_PDF, "application/pdf"))],
            400,
            "INVALID_INPUT",
            "Some json attachment info do not match any file upload part",
        ),
        (
            {},
            [("upfile1", ("a.exe", SAMPLE_PDF, "application/x-msdownload"))],
            400,
            "INVALID_INPUT",
            "Attachment mime type is not valid",
        ),
        (
            {"messageTypeId": "SomethingElse"},
            None,
            400,
            "INVALID_SENDER",
            "Invalid message configuration",
        ),
        (
            {"senderApplicationId": "unknown.app.be"},
            None,
            400,
            "INVALID_SENDER",
            "Invalid message configuration",
        ),
        (
            {"sender": {"eboxType": "enterprise", "enterpriseNumber": "0403170701"}},
            None,
            400,
            "INVALID_SENDER",
            "user credentials does not match payload",
        ),
        (
            {"recipient": {"eboxType": "enterprise", "enterpriseNumber": NOT_IN_CBE}},
            None,
            400,
            "INVALID_INPUT",
            f"{NOT_IN_CBE} is not a valid company",
        ),
        (
            {"recipient": {"eboxType": "enterprise", "enterpriseNumber": "0123"}},
            None,
            400,
            "INVALID_INPUT",
            "is not a valid company",
        ),
        ({"subject": {"nl": "x" * 401}}, None, 400, "INVALID_INPUT", "400 characters"),
        ({"isRegisteredMail": None}, None, 400, "INVALID_INPUT", "null value at"),
        (
            {"forTheAttentionOf": {"ssin": "84022711080", "label": "John Doe"}},
            None,
            400,
            "INVALID_INPUT",
            "forTheAttentionOf.ssin",
        ),
        ({"mainContent": True}, None, 400, "INVALID_INPUT", "Invalid Schema"),  # a v2 name
    ],
)
def test_each_documented_error(http, changes, files, status, code, text):
    expect(post(http, message(**changes), files), status, code, text)


def test_non_json_metadata_is_an_invalid_schema(http):
    expect(post(http, "{not json"), 400, "INVALID_INPUT", "Invalid Schema")


def test_a_repeated_key_is_a_conflict_even_with_another_payload(http):
    assert post(http, message(), key="same-key-1").status_code == 201
    changed = message(subject={"nl": "Iets anders"})
    expect(post(http, changed, key="same-key-1"), 409, "DUPLICATE_IDEMPOTENCY_KEY")


def test_a_malformed_idempotency_key_is_refused(http):
    response = http.post(
        PUBLISH_PATH,
        headers={"Idempotency-Key": "not-quoted"},
        files=[
            ("messageToPublish", (None, json.dumps(message()).encode(), "application/json")),
            ("upfile1", ("a.pdf", SAMPLE_PDF, "application/pdf")),
        ],
    )
    expect(response, 400, "INVALID_INPUT", "RFC 8941")


def test_percent_encoded_file_names_are_decoded(http, seeded_sandbox):
    files = [("upfile1", ("lettre%C3%A9lection.pdf", SAMPLE_PDF, "application/pdf"))]
    created = post(http, message(), files)
    assert created.status_code == 201
    stored = seeded_sandbox.admin.visible_messages(DIGITAL, "am")
    names = {a["file_name"] for m in stored for a in m["attachments"]}
    assert "lettreélection.pdf" in names


def test_no_token_or_a_forged_one_is_401(seeded_sandbox):
    for header in ({}, {"Authorization": "Bearer forged.token.value"}):
        response = httpx.post(seeded_sandbox.base_url + PUBLISH_PATH, headers=header)
        expect(response, 401, "UNAUTHORIZED")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_scopes_are_enforced_per_endpoint(seeded_sandbox, key):
    token = ask_token(
        seeded_sandbox,
        client_assertion(seeded_sandbox.settings.client_id, seeded_sandbox.token_url, key),
        scope=PREFERENCE_SCOPE,
    ).json()["access_token"]
    response = httpx.post(
        seeded_sandbox.base_url + PUBLISH_PATH, headers={"Authorization": f"Bearer {token}"}
    )
    expect(response, 403, "FORBIDDEN")


def test_token_endpoint_checks_signature_audience_expiry_and_replay(seeded_sandbox, key, tmp_path):
    client_id, token_url = seeded_sandbox.settings.client_id, seeded_sandbox.token_url
    other_key = serialization.load_pem_private_key(
        ensure_sender_key(tmp_path / "other.pem").read_bytes(), None
    )

    def refused(assertion: str, error: str = "invalid_client", scope=PUBLICATION_SCOPE) -> str:
        response = ask_token(seeded_sandbox, assertion, scope)
        assert response.status_code in (400, 401), response.text
        assert response.json()["error"] == error
        return response.json()["error_description"]

    assert "audience" in refused(client_assertion(client_id, "https://elsewhere/token", key))
    assert "InvalidSignature" in refused(client_assertion(client_id, token_url, other_key))
    assert "expired" in refused(client_assertion(client_id, token_url, key, now=time.time() - 3600))
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "jti": "fixed-jti",
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
    }
    replayed = jwt.encode(claims, key, algorithm="RS256")
    assert ask_token(seeded_sandbox, replayed).status_code == 200
    assert "already used" in refused(replayed)
    assert "not granted" in refused(
        client_assertion(client_id, token_url, key),
        error="invalid_scope",
        scope="scope:not:granted",
    )
    assert "unknown client" in refused(client_assertion("nobody", token_url, key))


def test_reference_data_gives_the_validity_period(http):
    response = http.get(
        "/REST/ebox/enterprise/messageRegistry/v3/refData/messageTypes/SpfFodSocialElections"
    )
    assert response.status_code == 200
    assert response.json()["validityPeriod"] == {
        "validityPeriodNumber": 730,
        "validityPeriodUnit": "day",
    }


def test_admin_api_needs_the_admin_token(seeded_sandbox):
    assert httpx.get(seeded_sandbox.base_url + "/sandbox/admin/stats").status_code == 401
    assert (
        httpx.get(
            seeded_sandbox.base_url + "/sandbox/admin/stats",
            headers={"Authorization": "Bearer wrong"},
        ).status_code
        == 401
    )
