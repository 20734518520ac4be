"""The adapter against the sandbox running as a real server on loopback."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from ebox_adapter import (
    CredentialOutsideSecureClass,
    EboxAuthError,
    EboxClient,
    EboxUnavailable,
    PublicationOutcome,
    SecurityClass,
)
from ebox_adapter.sandbox_link import ensure_sender_key, public_key_pem
from ebox_adapter.settings import PUBLICATION_SCOPE
from tests.ebox.conftest import (
    DIGITAL,
    DIGITAL_2,
    NEVER_LOGGED_IN,
    NOT_IN_CBE,
    SAMPLE_PDF,
    publication,
)

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def no_faults(seeded_sandbox):
    seeded_sandbox.admin.set_faults()
    yield
    seeded_sandbox.admin.set_faults()


def test_credential_letter_is_visible_to_the_access_manager_and_the_officer_only(seeded_sandbox):
    admin = seeded_sandbox.admin
    with EboxClient(seeded_sandbox.settings) as ebox:
        result = ebox.publish(
            publication("visibility-1", enterprise=DIGITAL_2, attention_ssin="85073003328")
        )
    assert result.outcome is PublicationOutcome.published
    seen = {
        user: [m["message_id"] for m in admin.visible_messages(DIGITAL_2, user)]
        for user in ("am", "officer", "clerk")
    }
    assert seen == {"am": [result.message_id], "officer": [result.message_id], "clerk": []}
    message = admin.visible_messages(DIGITAL_2, "officer")[0]
    assert (message["message_type_id"], message["security_level"]) == ("SpfFodSocialElections", 2)
    assert message["attention_ssin"] == "85073003328"
    assert admin.attachment(DIGITAL_2, "officer", result.message_id) == SAMPLE_PDF
    with pytest.raises(Exception, match="404"):
        admin.attachment(DIGITAL_2, "clerk", result.message_id)


def test_a_general_document_is_visible_to_every_user(seeded_sandbox):
    with EboxClient(seeded_sandbox.settings) as ebox:
        result = ebox.publish(
            publication("general-1", carries_credential=False, security_class=SecurityClass.general)
        )
    clerk_sees = seeded_sandbox.admin.visible_messages(DIGITAL, "clerk")
    assert result.message_id in [m["message_id"] for m in clerk_sees]


def test_credential_letter_under_a_non_secure_class_is_refused_before_any_request(seeded_sandbox):
    before = seeded_sandbox.admin.stats()["messages"]
    with EboxClient(seeded_sandbox.settings) as ebox:
        with pytest.raises(CredentialOutsideSecureClass):
            ebox.publish(publication("refused-1", security_class=SecurityClass.general))
        assert ebox.tokens.fetches == 0  # not even a token was asked for
    assert seeded_sandbox.admin.stats()["messages"] == before


def test_answers_map_as_specified(seeded_sandbox):
    settings = seeded_sandbox.settings
    with EboxClient(settings) as ebox:
        published = ebox.publish(publication("map-published"))
        assert (published.outcome, published.http_status) == (PublicationOutcome.published, 201)
        assert published.message_id and published.expiration_date

        not_digital = ebox.publish(publication("map-nodigital", enterprise=NEVER_LOGGED_IN))
        assert (not_digital.outcome, not_digital.code) == (
            PublicationOutcome.not_digital,
            "NO_DIGITAL_USER",
        )

        duplicate = ebox.publish(publication("map-published"))
        assert (duplicate.outcome, duplicate.http_status) == (PublicationOutcome.duplicate, 409)

        rejected = ebox.publish(publication("map-rejected", enterprise=NOT_IN_CBE))
        assert (rejected.outcome, rejected.code, rejected.attempts) == (
            PublicationOutcome.rejected,
            "INVALID_INPUT",
            1,
        )
        assert f"{NOT_IN_CBE} is not a valid company" in rejected.message

    unknown_type = settings.model_copy(update={"secure_message_type_id": "SpfFodUnknown"})
    with EboxClient(unknown_type) as ebox:
        result = ebox.publish(publication("map-sender"))
    assert (result.outcome, result.code) == (PublicationOutcome.rejected, "INVALID_SENDER")


def test_wrong_key_and_missing_scope_are_auth_errors(seeded_sandbox, tmp_path):
    admin, settings = seeded_sandbox.admin, seeded_sandbox.settings
    # A key the sandbox does not know for this client: the token endpoint refuses it.
    stranger = settings.model_copy(
        update={"private_key_file": ensure_sender_key(tmp_path / "other.pem")}
    )
    with EboxClient(stranger) as ebox, pytest.raises(EboxAuthError, match="invalid_client"):
        ebox.publish(publication("auth-1"))
    # A client registered with the preference scope only: publishing answers 403.
    admin.register_client(
        client_id="prefs-only",
        public_key_pem=public_key_pem(settings.private_key_file),
        enterprise_number=settings.sender,
        scopes=["scope:documentmanagement:ebox:enterprise:federation-rest:preference"],
        applications=[settings.secure_application_id],
    )
    narrow = settings.model_copy(update={"client_id": "prefs-only", "scopes": ()})
    with EboxClient(narrow) as ebox, pytest.raises(EboxAuthError) as caught:
        ebox.publish(publication("auth-2"))
    assert caught.value.status == 403


def test_injected_503_and_429_are_retried_until_published(seeded_sandbox):
    admin = seeded_sandbox.admin
    admin.set_faults(error_rates={503: 0.5, 429: 0.3}, retry_after_seconds=0, seed=7)
    with EboxClient(seeded_sandbox.settings) as ebox:
        results = [ebox.publish(publication(f"retry-{i}")) for i in range(20)]
    assert all(r.outcome is PublicationOutcome.published for r in results)
    assert sum(r.attempts for r in results) > 20  # faults did happen
    counts = admin.faults()["counts"]
    assert counts["503"] > 0 and counts["429"] > 0


def test_dropped_after_accept_is_retried_and_ends_as_duplicate(seeded_sandbox):
    admin = seeded_sandbox.admin
    admin.set_faults(drop_after_accept=1.0)  # every 201 is lost on the way back
    with EboxClient(seeded_sandbox.settings) as ebox:
        result = ebox.publish(publication("dropped-1"))
    # The 1st attempt was stored, its answer dropped; the retry with the same key got 409.
    assert (result.outcome, result.attempts) == (PublicationOutcome.duplicate, 2)
    assert admin.faults()["counts"] == {"dropped_after_accept": 1}
    assert len(admin.messages(idempotency_key="dropped-1")) == 1


def test_a_timeout_after_the_e_box_accepted_ends_as_duplicate(seeded_sandbox):
    admin, settings = seeded_sandbox.admin, seeded_sandbox.settings
    admin.set_faults(latency_ms=400)  # the server answers after the client gave up
    slow = settings.model_copy(update={"read_timeout": 0.1, "max_attempts": 2})
    with EboxClient(slow) as ebox, pytest.raises(EboxUnavailable):
        ebox.publish(publication("timeout-1"))
    admin.set_faults()
    deadline = time.monotonic() + 5
    while not admin.messages(idempotency_key="timeout-1") and time.monotonic() < deadline:
        time.sleep(0.02)  # poll until the abandoned request has been handled
    with EboxClient(settings) as ebox:
        result = ebox.publish(publication("timeout-1"))
    assert result.outcome is PublicationOutcome.duplicate
    assert len(admin.messages(idempotency_key="timeout-1")) == 1


def test_exhausted_retries_raise_unavailable(seeded_sandbox):
    seeded_sandbox.admin.set_faults(error_rates={503: 1.0})
    settings = seeded_sandbox.settings.model_copy(update={"max_attempts": 3})
    with EboxClient(settings) as ebox, pytest.raises(EboxUnavailable) as caught:
        ebox.publish(publication("unavailable-1"))
    assert (caught.value.attempts, caught.value.last_status) == (3, 503)
    assert seeded_sandbox.admin.messages(idempotency_key="unavailable-1") == []


def test_preferences_pre_check(seeded_sandbox):
    with EboxClient(seeded_sandbox.settings) as ebox:
        found = ebox.search_preferences([DIGITAL, NEVER_LOGGED_IN, NOT_IN_CBE])
    assert found[DIGITAL].last_connection_date is not None
    assert (
        found[NEVER_LOGGED_IN] is not None and found[NEVER_LOGGED_IN].last_connection_date is None
    )
    assert found[NOT_IN_CBE] is None


def test_html_view_shows_what_each_user_may_read(seeded_sandbox):
    with EboxClient(seeded_sandbox.settings) as ebox:
        ebox.publish(publication("view-1", enterprise=DIGITAL, subject="Lettre secrète 2028"))
    token = seeded_sandbox.process.admin._http.headers["Authorization"][7:]
    with httpx.Client(base_url=seeded_sandbox.base_url, follow_redirects=True) as browser:
        assert browser.get(f"/sandbox/view/{DIGITAL}/officer").status_code == 401
        assert browser.get("/sandbox/login", params={"token": token}).status_code == 200
        officer = browser.get(f"/sandbox/view/{DIGITAL}/officer").text
        clerk = browser.get(f"/sandbox/view/{DIGITAL}/clerk").text
    assert "Lettre secrète 2028" in officer and "level 2" in officer
    assert "Lettre secrète 2028" not in clerk


def test_html_view_shows_times_in_brussels_time_as_the_portal_does(seeded_sandbox):
    with EboxClient(seeded_sandbox.settings) as ebox:
        result = ebox.publish(publication("view-time-1", enterprise=DIGITAL_2))
    stored = next(
        m
        for m in seeded_sandbox.admin.visible_messages(DIGITAL_2, "am")
        if m["message_id"] == result.message_id
    )
    published = datetime.fromisoformat(stored["published_at"]).astimezone(UTC)
    token = seeded_sandbox.process.admin._http.headers["Authorization"][7:]
    with httpx.Client(base_url=seeded_sandbox.base_url, follow_redirects=True) as browser:
        browser.get("/sandbox/login", params={"token": token})
        view = browser.get(f"/sandbox/view/{DIGITAL_2}/am").text
    local = published.astimezone(ZoneInfo("Europe/Brussels"))
    assert local.utcoffset()  # Brussels is never UTC: the two times always differ
    assert f"<td>{local:%Y-%m-%d %H:%M}</td>" in view
    assert f"<td>{published:%Y-%m-%d %H:%M}</td>" not in view


def test_messages_persist_across_a_restart(tmp_path):
    from ebox_sandbox.seed import enterprise_seed
    from tests.ebox.sandbox_server import running_sandbox

    with running_sandbox(tmp_path) as sandbox:
        sandbox.admin.seed([enterprise_seed(DIGITAL, "Persistent SA")])
        with EboxClient(sandbox.settings) as ebox:
            first = ebox.publish(publication("persist-1"))
        sandbox.restart()
        assert [m["message_id"] for m in sandbox.admin.visible_messages(DIGITAL, "am")] == [
            first.message_id
        ]
        with EboxClient(sandbox.settings) as ebox:
            assert ebox.publish(publication("persist-1")).outcome is PublicationOutcome.duplicate


def test_idempotency_keys_are_per_sender_application(seeded_sandbox):
    admin, settings = seeded_sandbox.admin, seeded_sandbox.settings
    admin._json(
        "PUT",
        "/sandbox/admin/message-types/OtherAppType",
        json={"application_id": "other.app.fgov.be", "name": "other", "security_level": 1},
    )
    admin.register_client(
        client_id="two-apps",
        public_key_pem=public_key_pem(settings.private_key_file),
        enterprise_number=settings.sender,
        scopes=[PUBLICATION_SCOPE],
        applications=[settings.secure_application_id, "other.app.fgov.be"],
    )
    other = settings.model_copy(
        update={
            "client_id": "two-apps",
            "scopes": (PUBLICATION_SCOPE,),
            "general_application_id": "other.app.fgov.be",
            "general_message_type_id": "OtherAppType",
        }
    )
    with EboxClient(other) as ebox:
        first = ebox.publish(publication("shared-key", carries_credential=False))
        second = ebox.publish(
            publication(
                "shared-key", carries_credential=False, security_class=SecurityClass.general
            )
        )
        third = ebox.publish(
            publication(
                "shared-key", carries_credential=False, security_class=SecurityClass.general
            )
        )
    assert [r.outcome for r in (first, second, third)] == [
        PublicationOutcome.published,
        PublicationOutcome.published,
        PublicationOutcome.duplicate,
    ]
