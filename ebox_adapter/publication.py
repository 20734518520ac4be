"""What socelec publishes, the rules it must meet before it is sent, and its wire form.

Every rule here is checked before any request, so a bad document never costs a call to the
e-Box nor a retry loop, and the error names the field and the rule. The rules come from the
Smals sender guide (docs/ebox.md#restrictions) plus socelec's own policy: PDF only, at most 3
files and 8 MB in all (the limits quoted for e-Box Citizen, docs/ebox.md#citizen-limits, which
we apply to ourselves so a letter displays everywhere).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from stdnum.be import ssn, vat

from ebox_adapter.errors import (
    CONFIGURATION_FIELDS,
    CredentialOutsideSecureClass,
    FieldError,
    PublicationInvalid,
)
from ebox_adapter.settings import ClassRoute, SecurityClass

LANGUAGES = ("fr", "nl", "de")  # docs/ebox.md#one-language: one of these, only one
SUBJECT_MAX = 400  # docs/ebox.md#restrictions: maximum lengths
FILE_NAME_MAX = 255
ATTENTION_LABEL_MAX = 100
MAX_FILES = 3  # socelec policy (see the module docstring)
MAX_TOTAL_BYTES = 8 * 1024 * 1024
IDEMPOTENCY_KEY_MAX = 255
ENTERPRISE_NUMBER_RE = re.compile(r"^[01]\d{9}$")  # docs/ebox.md#enterprise-numbers
# RFC 8941 § 3.3.3: an sf-string holds printable ASCII only.
SF_STRING_RE = re.compile(r"^[\x20-\x7e]+$")
# encodeURIComponent's unreserved set, as the Smals guide asks for file names
# (docs/ebox.md#restrictions).
URI_COMPONENT_SAFE = "-_.!~*'()"


@dataclass(frozen=True)
class Document:
    """One file of a publication. ``content`` is kept out of repr: a letter may hold a password."""

    file_name: str
    content: bytes = field(repr=False)
    media_type: str = "application/pdf"

    @property
    def digest(self) -> str:
        """SHA-256 in base64url (RFC 4648 § 5, padded): the e-Box rejects hex and plain base64
        (docs/ebox.md#restrictions)."""
        return base64.urlsafe_b64encode(hashlib.sha256(self.content).digest()).decode("ascii")


@dataclass(frozen=True)
class Publication:
    """One document for one enterprise's e-Box, as the outbox hands it to the adapter.

    ``idempotency_key`` is computed by the outbox row, deterministic per delivery, so a retry,
    a re-run or a second worker sends the same key and the e-Box answers 409 instead of
    publishing twice. ``carries_credential`` comes from the document kind's catalogue entry.
    """

    enterprise_number: str
    language: str
    subject: str
    document_kind: str
    carries_credential: bool
    security_class: SecurityClass
    main: Document
    idempotency_key: str
    attachments: tuple[Document, ...] = ()
    attention_ssin: str | None = None
    attention_label: str | None = None

    @property
    def documents(self) -> tuple[Document, ...]:
        return (self.main, *self.attachments)


def is_valid_enterprise_number(number: str) -> bool:
    return bool(ENTERPRISE_NUMBER_RE.match(number)) and vat.is_valid(number)


def wire_file_name(name: str) -> str:
    """The file name as sent: percent-encoded like encodeURIComponent when not plain ASCII.

    The Smals guide asks it for names outside ISO-8859-1 "(so french accents etc)"; httpx writes
    header parameters in UTF-8, which an ISO-8859-1 reader would garble, so any non-ASCII name is
    encoded (docs/ebox.md#restrictions).
    """
    if name.isascii() and name.isprintable():
        return name
    return quote(name, safe=URI_COMPONENT_SAFE)


def format_idempotency_key(key: str) -> str:
    """RFC 8941 sf-string (quoted, with ``\\`` and ``"`` escaped), as docs/ebox.md#idempotency
    requires."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_publication(publication: Publication, sender: str | None, route: ClassRoute) -> None:
    """Raise ``PublicationInvalid`` listing every broken rule; return quietly when all hold.

    A credential-carrying document outside the secure class raises the dedicated
    ``CredentialOutsideSecureClass`` first: that is a security refusal, not a typo.
    """
    if publication.carries_credential and publication.security_class is not SecurityClass.secure:
        raise CredentialOutsideSecureClass(publication.document_kind, publication.security_class)
    errors = list(_field_errors(publication, sender, route))
    if errors:
        raise PublicationInvalid(publication.idempotency_key, errors)


def data_errors(publication: Publication) -> list[FieldError]:
    """The rules the document and its recipient break, leaving out socelec's own settings:
    what staff must correct in the data before a held letter can go."""
    return [
        e
        for e in _field_errors(publication, None, ClassRoute("", ""))
        if e.field not in CONFIGURATION_FIELDS
    ]


def _field_errors(publication: Publication, sender: str | None, route: ClassRoute):
    p = publication
    if not sender or not is_valid_enterprise_number(sender):
        yield FieldError("sender", "SOCELEC_EBOX_SENDER must be a valid 10-digit enterprise number")
    if not is_valid_enterprise_number(p.enterprise_number):
        yield FieldError(
            "enterprise_number", "10 digits starting with 0 or 1, with valid mod-97 check digits"
        )
    if p.language not in LANGUAGES:
        yield FieldError("language", "exactly one language among fr, nl, de")
    if not p.subject.strip():
        yield FieldError("subject", "must not be empty")
    elif len(p.subject) > SUBJECT_MAX:
        yield FieldError("subject", f"at most {SUBJECT_MAX} characters (got {len(p.subject)})")
    if not p.idempotency_key or len(p.idempotency_key) > IDEMPOTENCY_KEY_MAX:
        yield FieldError("idempotency_key", f"1 to {IDEMPOTENCY_KEY_MAX} characters")
    elif not SF_STRING_RE.match(p.idempotency_key):
        yield FieldError("idempotency_key", "printable ASCII only (RFC 8941 string)")
    if not route.application_id or not route.message_type_id:
        yield FieldError(
            "security_class", f"no application/message type set for {p.security_class}"
        )
    if p.attention_ssin is not None and not ssn.is_valid(p.attention_ssin):
        yield FieldError("attention_ssin", "a valid national register or BIS number (11 digits)")
    if p.attention_label is not None and (
        p.attention_ssin is None or len(p.attention_label) > ATTENTION_LABEL_MAX
    ):
        yield FieldError(
            "attention_label", f"only with attention_ssin, at most {ATTENTION_LABEL_MAX} characters"
        )
    yield from _document_errors(p.documents)


def _document_errors(documents: tuple[Document, ...]):
    if len(documents) > MAX_FILES:
        yield FieldError("attachments", f"at most {MAX_FILES} files with the main document")
    total = sum(len(d.content) for d in documents)
    if total > MAX_TOTAL_BYTES:
        yield FieldError("attachments", f"at most 8 MB in all (got {total} bytes)")
    for index, document in enumerate(documents):
        where = "main" if index == 0 else f"attachments[{index - 1}]"
        if not document.file_name.strip():
            yield FieldError(f"{where}.file_name", "must not be empty")
        elif len(wire_file_name(document.file_name)) > FILE_NAME_MAX:
            yield FieldError(
                f"{where}.file_name", f"at most {FILE_NAME_MAX} characters once percent-encoded"
            )
        if document.media_type != "application/pdf" or not document.file_name.lower().endswith(
            ".pdf"
        ):
            yield FieldError(f"{where}.media_type", "PDF only (application/pdf, a .pdf name)")
        if not document.content.startswith(b"%PDF-"):
            yield FieldError(f"{where}.content", "not a PDF (no %PDF- header)")


def message_to_publish(publication: Publication, sender: str, route: ClassRoute) -> dict:
    """The ``messageToPublish`` JSON part in v3 names (docs/ebox.md#v3-renames).

    Optional properties are left out rather than set to null: the e-Box rejects nulls.
    """
    p = publication
    message: dict = {
        "recipient": {"eboxType": "enterprise", "enterpriseNumber": p.enterprise_number},
        "sender": {"eboxType": "enterprise", "enterpriseNumber": sender},
        "subject": {p.language: p.subject},
        "senderApplicationId": route.application_id,
        "messageTypeId": route.message_type_id,
        "attachments": [
            {
                "httpPartName": part_name(index),
                "isMainContent": index == 0,
                "isAttachmentSigned": False,
                "digest": {"digestMethod": "sha_256", "digestValue": document.digest},
            }
            for index, document in enumerate(p.documents)
        ],
        "isReplyAuthorized": False,
    }
    if p.attention_ssin:
        attention = {"ssin": p.attention_ssin}
        if p.attention_label:
            attention["label"] = p.attention_label
        message["forTheAttentionOf"] = attention
    assert_no_nulls(message)
    return message


def part_name(index: int) -> str:
    return f"upfile{index + 1}"


def multipart_files(publication: Publication, message: dict) -> list[tuple[str, tuple]]:
    """httpx ``files=``: the JSON part first, then one part per document."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    files: list[tuple[str, tuple]] = [("messageToPublish", (None, body, "application/json"))]
    for index, document in enumerate(publication.documents):
        files.append(
            (
                part_name(index),
                (wire_file_name(document.file_name), document.content, document.media_type),
            )
        )
    return files


def assert_no_nulls(value, path: str = "messageToPublish") -> None:
    """A guard against a future optional field slipping through as null
    (docs/ebox.md#restrictions)."""
    if value is None:
        raise PublicationInvalid("", [FieldError(path, "null is not allowed on the wire")])
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_nulls(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_no_nulls(item, f"{path}[{index}]")
