"""How the adapter maps each e-Box answer (docs/ebox.md#mapping), with in-process fakes (respx).

The same mappings are shown against the real sandbox server in test_sandbox_integration.py;
here each answer is forced exactly, including ones the sandbox only gives under faults.
"""

from __future__ import annotations

import json

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives import serialization

from ebox_adapter import (
    EboxAuthError,
    EboxClient,
    EboxConfigurationError,
    EboxProtocolError,
    EboxSettings,
    EboxUnavailable,
    PublicationOutcome,
)
from tests.ebox.conftest import BASE, NEVER_LOGGED_IN, publication

TOKEN_URL = BASE + "/REST/oauth/v5/token"
PUBLISH_URL = BASE + "/REST/ebox/enterprise/messageRegistry/v3/ebox/messages"
PREFERENCES_URL = BASE + "/REST/ebox/enterprise/federation/v1/eboxPreferences/search"


def token_ok(expires_in: int = 600, value: str = "t1") -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": value, "token_type": "Bearer", "expires_in": expires_in}
    )


def error(status: int, code: str, message: str = "m", headers=None) -> httpx.Response:
    return httpx.Response(
        status, json={"id": "err-1", "code": code, "message": message}, headers=headers
    )


CREATED = httpx.Response(201, json={"messageId": "m-1", "expirationDate": "2029-05-01T00:00:00Z"})


@respx.mock
def test_201_is_published_and_the_request_is_the_documented_one(client, settings):
    token = respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(return_value=CREATED)
    result = client.publish(publication("delivery-42"))
    assert (result.outcome, result.message_id, result.attempts) == (
        PublicationOutcome.published,
        "m-1",
        1,
    )

    request = publish.calls.last.request
    assert request.headers["Idempotency-Key"] == '"delivery-42"'
    assert request.headers["Authorization"] == "Bearer t1"
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="messageToPublish"' in request.content
    assert b'name="upfile1"; filename="codes-acces-28-CPPT-000412-51.pdf"' in request.content
    # The client assertion: RS256 with the sender's key, aud = token URL, iss = sub = client.
    form = dict(httpx.QueryParams(token.calls.last.request.content.decode()))
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    public = serialization.load_pem_private_key(
        settings.private_key_file.read_bytes(), None
    ).public_key()
    claims = jwt.decode(form["client_assertion"], public, algorithms=["RS256"], audience=TOKEN_URL)
    assert claims["iss"] == claims["sub"] == "fps:socelec"
    assert claims["exp"] - claims["iat"] == 60 and claims["jti"]
    assert "publicationsender" in form["scope"]


@respx.mock
def test_201_no_digital_user_is_published_but_not_digital(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(
        return_value=httpx.Response(
            201,
            json={
                "messageId": "m-2",
                "expirationDate": "2029-05-01T00:00:00Z",
                "code": "NO_DIGITAL_USER",
                "message": "never logged in",
            },
        )
    )
    result = client.publish(publication("k", enterprise=NEVER_LOGGED_IN))
    assert (result.outcome, result.message_id, result.code) == (
        PublicationOutcome.not_digital,
        "m-2",
        "NO_DIGITAL_USER",
    )
    assert result.delivered


@respx.mock
def test_409_is_a_duplicate_treated_as_delivered(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=error(409, "DUPLICATE"))
    result = client.publish(publication("k"))
    assert result.outcome is PublicationOutcome.duplicate
    assert result.delivered


@respx.mock
def test_400_is_rejected_once_with_code_and_message_kept(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(
        return_value=error(400, "INVALID_INPUT", "0100000097 is not a valid company")
    )
    result = client.publish(publication("k"))
    assert (result.outcome, result.code, result.message, result.error_id) == (
        PublicationOutcome.rejected,
        "INVALID_INPUT",
        "0100000097 is not a valid company",
        "err-1",
    )
    assert not result.delivered
    assert publish.call_count == 1


@respx.mock
def test_token_is_cached_across_publications(client):
    token = respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=CREATED)
    for i in range(5):
        client.publish(publication(f"k{i}"))
    assert token.call_count == 1


@respx.mock
def test_token_is_refreshed_shortly_before_expiry(client):
    # expires_in 30 s is inside the 60 s refresh margin: every call fetches a new one.
    token = respx.post(TOKEN_URL).mock(return_value=token_ok(expires_in=30))
    respx.post(PUBLISH_URL).mock(return_value=CREATED)
    client.publish(publication("k1"))
    client.publish(publication("k2"))
    assert token.call_count == 2


@respx.mock
def test_401_refreshes_the_token_once_then_succeeds(client, sleeps):
    token = respx.post(TOKEN_URL).mock(side_effect=[token_ok(value="old"), token_ok(value="new")])
    publish = respx.post(PUBLISH_URL).mock(side_effect=[error(401, "UNAUTHORIZED"), CREATED])
    result = client.publish(publication("k"))
    assert result.outcome is PublicationOutcome.published and result.attempts == 1
    assert token.call_count == 2 and sleeps == []
    assert [c.request.headers["Authorization"] for c in publish.calls] == [
        "Bearer old",
        "Bearer new",
    ]


@respx.mock
def test_401_after_a_refresh_is_an_auth_error(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(return_value=error(401, "UNAUTHORIZED"))
    with pytest.raises(EboxAuthError) as caught:
        client.publish(publication("k"))
    assert caught.value.status == 401 and publish.call_count == 2
    assert "t1" not in str(caught.value)


@respx.mock
def test_403_is_an_auth_error_at_once(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(return_value=error(403, "FORBIDDEN"))
    with pytest.raises(EboxAuthError, match="scope") as caught:
        client.publish(publication("k"))
    assert caught.value.status == 403 and publish.call_count == 1


@respx.mock
def test_token_endpoint_refusal_is_an_auth_error(client):
    respx.post(TOKEN_URL).mock(
        return_value=httpx.Response(
            401, json={"error": "invalid_client", "error_description": "bad signature"}
        )
    )
    with pytest.raises(EboxAuthError, match="invalid_client"):
        client.publish(publication("k"))


@respx.mock
@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_with_the_same_key(client, sleeps, status):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(
        side_effect=[error(status, "BUSY"), error(status, "BUSY"), CREATED]
    )
    result = client.publish(publication("same-key"))
    assert result.outcome is PublicationOutcome.published and result.attempts == 3
    assert {c.request.headers["Idempotency-Key"] for c in publish.calls} == {'"same-key"'}
    assert sleeps == [0.5, 1.0]  # exponential; jitter pinned to its maximum here


@respx.mock
def test_retry_after_is_honoured(client, sleeps):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(
        side_effect=[
            error(429, "TOO_MANY_REQUESTS", headers={"Retry-After": "7"}),
            error(503, "SERVICE_UNAVAILABLE", headers={"Retry-After": "999"}),
            CREATED,
        ]
    )
    client.publish(publication("k"))
    assert sleeps == [7.0, 120.0]  # the second is capped at retry_after_max


@respx.mock
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
def test_timeouts_and_connection_errors_are_retried(client, sleeps, failure):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(side_effect=[failure, CREATED])
    assert client.publish(publication("k")).outcome is PublicationOutcome.published
    assert publish.call_count == 2 and len(sleeps) == 1


@respx.mock
def test_backoff_is_jittered_and_capped(settings):
    sleeps: list[float] = []
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=error(503, "SERVICE_UNAVAILABLE"))
    with (
        EboxClient(
            settings.model_copy(update={"max_attempts": 10}),
            sleep=sleeps.append,
            jitter=lambda: 0.5,
        ) as ebox,
        pytest.raises(EboxUnavailable) as caught,
    ):
        ebox.publish(publication("k"))
    assert caught.value.attempts == 10 and caught.value.last_status == 503
    assert sleeps == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0]


@respx.mock
def test_transient_token_endpoint_failures_are_retried(client):
    respx.post(TOKEN_URL).mock(side_effect=[httpx.Response(503), token_ok()])
    respx.post(PUBLISH_URL).mock(return_value=CREATED)
    assert client.publish(publication("k")).attempts == 2


@respx.mock
def test_an_unexpected_status_is_a_protocol_error_not_a_rejection(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=httpx.Response(404, text="no such path"))
    with pytest.raises(EboxProtocolError):
        client.publish(publication("k"))


@respx.mock
def test_preferences_are_searched_in_batches(settings):
    respx.post(TOKEN_URL).mock(return_value=token_ok())

    def answer(request):
        body = json.loads(request.content)
        assert body["eboxType"] == "ENTERPRISE" and body["eboxIdType"] == "EnterpriseNumber"
        return httpx.Response(
            200,
            json=[
                {
                    "eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": n},
                    "exclusivelyEbox": True,
                    "lastConnectionDate": "2028-01-02T00:00:00+01:00",
                }
                for n in body["eboxIdValueList"]
                if n != "0403170701"
            ],
        )

    search = respx.post(PREFERENCES_URL).mock(side_effect=answer)
    numbers = ["0403170701", "0202239951", "0200065765"]
    with EboxClient(settings.model_copy(update={"preference_batch_size": 2})) as ebox:
        found = ebox.search_preferences(numbers)
    assert search.call_count == 2
    assert found["0403170701"] is None
    assert found["0202239951"].exclusively_ebox is True


def test_missing_settings_are_named(tmp_path):
    with pytest.raises(EboxConfigurationError, match="SOCELEC_EBOX_CLIENT_ID"):
        EboxClient(
            EboxSettings(
                _env_file=None,
                base_url=BASE,
                sender="0999999922",
                private_key_file=tmp_path / "k.pem",
            )
        )
    with pytest.raises(EboxConfigurationError, match="SOCELEC_EBOX_PRIVATE_KEY_FILE"):
        EboxClient(
            EboxSettings(
                _env_file=None,
                base_url=BASE,
                sender="0999999922",
                client_id="c",
                private_key_file=tmp_path / "absent.pem",
            )
        )
