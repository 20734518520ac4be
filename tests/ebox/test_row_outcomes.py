"""What each e-Box answer means for an outbox row (tasks.delivery.publish_row), with in-process
fakes (respx): answers the API never gives, and the rules of a 409, forced exactly."""

from __future__ import annotations

import httpx
import pytest
import respx

from ebox_adapter import EboxAuthError, EboxConfigurationError
from tasks.delivery import Outgoing, publish_row
from tests.ebox.conftest import DIGITAL, publication
from tests.ebox.test_client_mapping import (
    CREATED,
    PREFERENCES_URL,
    PUBLISH_URL,
    TOKEN_URL,
    error,
    token_ok,
)


def row(key="row-1", *, first_claim=False, **changes) -> Outgoing:
    return Outgoing(7, publication(key, **changes), first_claim=first_claim)


@pytest.mark.parametrize(
    "answer, code",
    [
        (
            httpx.Response(404, json={"id": "e", "code": "NOT_FOUND", "message": "no route"}),
            "HTTP_404",
        ),
        (httpx.Response(413, text="too large"), "HTTP_413"),
        (httpx.Response(415, text="unsupported"), "HTTP_415"),
        (
            httpx.Response(422, json={"id": "e", "code": "UNPROCESSABLE", "message": "x"}),
            "HTTP_422",
        ),
        (httpx.Response(201, json={"expirationDate": "2029-01-01"}), "HTTP_201"),
    ],
)
@respx.mock
def test_an_answer_the_api_never_gives_fails_the_row_and_keeps_the_answer(client, answer, code):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=answer)
    outcome = publish_row(client, row())
    assert (outcome.state, outcome.error_code) == ("failed", code)
    assert str(answer.status_code) in outcome.error_message


@respx.mock
def test_a_federation_failure_after_a_409_fails_the_row_instead_of_raising(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=httpx.Response(409, json={"id": "e"}))
    respx.post(PREFERENCES_URL).mock(return_value=httpx.Response(500))
    outcome = publish_row(client, row(carries_credential=False))
    assert (outcome.state, outcome.error_code, outcome.duplicate) == ("failed", "FEDERATION", True)


@respx.mock
def test_a_409_is_delivered_unless_a_credential_letter_never_sent_from_here_meets_it(client):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=httpx.Response(409, json={"id": "e"}))
    respx.post(PREFERENCES_URL).mock(
        return_value=httpx.Response(
            200,
            json=[
                {
                    "eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": DIGITAL},
                    "lastConnectionDate": "2026-01-01T00:00:00Z",
                }
            ],
        )
    )
    # A retry of a letter an earlier claim (a dead worker, a lost answer) may have sent.
    assert publish_row(client, row(first_claim=False)).state == "sent"
    # A reminder: whatever letter holds its key, it says the same.
    assert publish_row(client, row(first_claim=True, carries_credential=False)).state == "sent"
    # An access-code letter on its very first try: the e-Box holds another letter (another
    # password) under this key.
    held = publish_row(client, row(first_claim=True))
    assert (held.state, held.error_code) == ("held", "KEY_ALREADY_USED")


@respx.mock
def test_a_row_whose_own_data_breaks_a_rule_is_held_before_any_request(client):
    token = respx.post(TOKEN_URL).mock(return_value=token_ok())
    publish = respx.post(PUBLISH_URL).mock(return_value=CREATED)
    outcome = publish_row(client, row(attention_ssin="12345678901"))
    assert (outcome.state, outcome.error_code) == ("held", "INVALID_PUBLICATION")
    assert "attention_ssin" in outcome.error_message
    assert not publish.called and not token.called


@respx.mock
def test_what_no_row_can_get_past_stops_the_batch(client, settings):
    respx.post(TOKEN_URL).mock(return_value=token_ok())
    respx.post(PUBLISH_URL).mock(return_value=error(403, "FORBIDDEN"))
    with pytest.raises(EboxAuthError):
        publish_row(client, row())
    client.settings = settings.model_copy(update={"sender": "0123"})
    with pytest.raises(EboxConfigurationError, match="sender"):
        publish_row(client, row())
