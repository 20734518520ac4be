"""The rules a publication must meet before it is sent, and its wire form (no server)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from ebox_adapter import (
    CredentialOutsideSecureClass,
    Document,
    EboxSettings,
    PublicationInvalid,
    SecurityClass,
)
from ebox_adapter.client import parse_retry_after
from ebox_adapter.publication import (
    check_publication,
    format_idempotency_key,
    message_to_publish,
    multipart_files,
    wire_file_name,
)
from tests.ebox.conftest import DIGITAL, SAMPLE_PDF, publication

SENDER = "0999999922"
SETTINGS = EboxSettings(_env_file=None)
SECURE = SETTINGS.route(SecurityClass.secure)


def broken_rules(pub, sender=SENDER) -> list[str]:
    with pytest.raises(PublicationInvalid) as caught:
        check_publication(pub, sender, SETTINGS.route(pub.security_class))
    return [e.field for e in caught.value.errors]


def test_a_good_publication_passes():
    check_publication(publication("k1"), SENDER, SECURE)


def test_credential_outside_the_secure_class_is_refused_as_such():
    pub = publication("k1", security_class=SecurityClass.general)
    with pytest.raises(CredentialOutsideSecureClass, match="access_code carries a credential"):
        check_publication(pub, SENDER, SETTINGS.route(SecurityClass.general))


def test_a_general_document_may_use_either_class():
    for cls in SecurityClass:
        check_publication(
            publication("k", carries_credential=False, security_class=cls),
            SENDER,
            SETTINGS.route(cls),
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "en"}, "language"),
        ({"language": "fr+nl"}, "language"),
        ({"subject": "x" * 401}, "subject"),
        ({"subject": "  "}, "subject"),
        ({"enterprise_number": "0403170702"}, "enterprise_number"),  # wrong check digits
        ({"enterprise_number": "2403170701"}, "enterprise_number"),  # must start with 0 or 1
        ({"enterprise_number": "BE0403170701"}, "enterprise_number"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "clé-é"}, "idempotency_key"),  # RFC 8941: printable ASCII only
        ({"attention_ssin": "84022711080"}, "attention_ssin"),  # the guide's example is invalid
        ({"attention_label": "Jane"}, "attention_label"),  # a label needs an SSIN
        ({"main": Document("x" * 252 + ".pdf", SAMPLE_PDF)}, "main.file_name"),
        ({"main": Document("lettre.docx", SAMPLE_PDF, "application/msword")}, "main.media_type"),
        ({"main": Document("lettre.pdf", b"<html>")}, "main.content"),
        (
            {"attachments": tuple(Document(f"a{i}.pdf", SAMPLE_PDF) for i in range(3))},
            "attachments",
        ),
        ({"attachments": (Document("big.pdf", b"%PDF-" + b"0" * 8 * 1024 * 1024),)}, "attachments"),
    ],
)
def test_each_rule_names_its_field(changes, field):
    assert field in broken_rules(publication("k1", **changes))


def test_every_broken_rule_is_reported_at_once():
    fields = broken_rules(
        publication("k1", language="en", subject="x" * 500, enterprise_number="123")
    )
    assert {"language", "subject", "enterprise_number"} <= set(fields)


def test_the_sender_must_be_configured():
    assert broken_rules(publication("k1"), sender=None) == ["sender"]


def test_file_name_limit_counts_the_percent_encoded_form():
    # 90 "é" are 90 characters but 540 once encoded as %C3%A9.
    assert "main.file_name" in broken_rules(
        publication("k", main=Document("é" * 90 + ".pdf", SAMPLE_PDF))
    )


def test_wire_file_names_are_percent_encoded_like_encode_uri_component():
    assert wire_file_name("lettre.pdf") == "lettre.pdf"
    # The Smals guide's own example (docs/ebox.md#restrictions).
    assert (
        wire_file_name("upfilétéstmichaël123 (1) (1).pdf")
        == "upfil%C3%A9t%C3%A9stmicha%C3%ABl123%20(1)%20(1).pdf"
    )


def test_idempotency_key_is_an_rfc_8941_string():
    assert format_idempotency_key("8e03978e-40d5") == '"8e03978e-40d5"'
    assert format_idempotency_key('a"b\\c') == '"a\\"b\\\\c"'


def test_message_uses_v3_names_one_language_digest_in_base64url_and_no_nulls():
    pub = publication(
        "k1",
        attention_ssin="85073003328",
        attention_label="Jane Doe",
        attachments=(Document("brochure.pdf", SAMPLE_PDF + b"2"),),
    )
    message = message_to_publish(pub, SENDER, SECURE)
    assert message["recipient"] == {"eboxType": "enterprise", "enterpriseNumber": DIGITAL}
    assert message["sender"] == {"eboxType": "enterprise", "enterpriseNumber": SENDER}
    assert list(message["subject"]) == ["fr"]
    assert message["senderApplicationId"] == "db2b.SPFETCS-FODWASO.fgov.be"
    assert message["messageTypeId"] == "SpfFodSocialElections"
    assert message["forTheAttentionOf"] == {"ssin": "85073003328", "label": "Jane Doe"}
    main, extra = message["attachments"]
    assert (main["httpPartName"], main["isMainContent"]) == ("upfile1", True)
    assert (extra["httpPartName"], extra["isMainContent"]) == ("upfile2", False)
    expected = base64.urlsafe_b64encode(hashlib.sha256(SAMPLE_PDF).digest()).decode()
    assert main["digest"] == {"digestMethod": "sha_256", "digestValue": expected}
    assert "null" not in json.dumps(message)
    without_attention = message_to_publish(publication("k2"), SENDER, SECURE)
    assert "forTheAttentionOf" not in without_attention


def test_multipart_parts_link_by_part_name():
    pub = publication("k1")
    files = multipart_files(pub, message_to_publish(pub, SENDER, SECURE))
    assert [name for name, _ in files] == ["messageToPublish", "upfile1"]
    assert files[0][1][0] is None and files[0][1][2] == "application/json"
    assert files[1][1] == ("codes-acces-28-CPPT-000412-51.pdf", SAMPLE_PDF, "application/pdf")


def test_document_bytes_never_show_in_repr():
    assert "PDF" not in repr(publication("k1"))


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import UTC, datetime

    now = datetime(2028, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 01 Mar 2028 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
