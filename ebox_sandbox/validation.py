"""Checking a publication request the way e-Box Enterprise does (docs/ebox.md#publication).

Pure functions over the parsed multipart: they return the validated message or an ``ApiError``
with the status, code and message the real service documents, so tests of a client against the
sandbox meet the errors they would meet in production. Written independently of
``ebox_adapter`` on purpose: sharing the adapter's digest or encoding code would hide its bugs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from stdnum.be import ssn

from ebox_sandbox.store import Attachment

# docs/ebox.md#restrictions: attachment media types (the v2.1 Attachment.mediaType enum).
MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "text/csv",
        "text/html",
        "text/plain",
        "text/xml",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
LANGUAGES = frozenset({"fr", "nl", "de"})
SUBJECT_MAX, FILE_NAME_MAX, BUSINESS_VALUE_MAX, ATTENTION_LABEL_MAX = 400, 255, 256, 100
MAX_FILES = 6  # v2 upfile1..6; v3 says "one or several"
ENTERPRISE_NUMBER_RE = re.compile(r"^[01]\d{9}$")
# RFC 8941 § 3.3.3 sf-string: DQUOTE *( unescaped / "\" ( DQUOTE / "\" ) ) DQUOTE
SF_STRING_RE = re.compile(r'^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$')


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status = status
        self.code = code
        self.message = message
        super().__init__(f"{status} {code}: {message}")


def invalid(message: str) -> ApiError:
    return ApiError(400, "INVALID_INPUT", message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EboxId(_Strict):
    eboxType: Literal["enterprise", "citizen"]
    enterpriseNumber: str | None = None
    ssin: str | None = None


class SenderId(_Strict):
    eboxType: Literal["enterprise"]
    enterpriseNumber: str


class Digest(_Strict):
    digestMethod: Literal["sha_256"]
    digestValue: str


class AttachmentToPublish(_Strict):
    httpPartName: str
    isMainContent: bool
    isAttachmentSigned: bool = False
    attachmentTitle: dict[str, str] | None = None
    digest: Digest | None = None


class BusinessData(_Strict):
    key: str
    values: list[dict[str, str]]
    name: dict[str, str] | None = None
    description: dict[str, str] | None = None


class ForTheAttentionOf(_Strict):
    ssin: str
    label: str | None = None


class MessageToPublish(_Strict):
    """v3 names (docs/ebox.md#v3-renames); v2 names are unknown properties here."""

    recipient: EboxId
    sender: SenderId
    subject: dict[str, str]
    senderApplicationId: str
    messageTypeId: str
    attachments: list[AttachmentToPublish] = Field(default_factory=list)
    isBodyMainContent: bool = False
    bodyContent: dict[str, str] | None = None
    businessDataList: list[BusinessData] = Field(default_factory=list)
    forTheAttentionOf: ForTheAttentionOf | None = None
    isReplyAuthorized: bool = False
    originalMessageId: str | None = None
    expirationDate: str | None = None  # ignored, as Smals does (docs/ebox.md#message-types)
    isRegisteredMail: bool | None = None


@dataclass(frozen=True)
class FilePart:
    name: str
    file_name: str | None
    media_type: str | None
    content: bytes


def parse_idempotency_key(header: str | None) -> str | None:
    """The key inside an RFC 8941 sf-string; None when the header is absent."""
    if header is None:
        return None
    match = SF_STRING_RE.match(header.strip())
    if not match or not match.group(1):
        raise invalid('Idempotency-Key must be a non-empty RFC 8941 string, e.g. "<uuid>"')
    return re.sub(r'\\(["\\])', r"\1", match.group(1))


def parse_message(text: str | None) -> MessageToPublish:
    if text is None:
        raise invalid("Invalid Schema: the messageToPublish part is missing")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise invalid(f"Invalid Schema: messageToPublish is not JSON ({exc.msg})") from None
    null_at = _find_null(raw, "messageToPublish")
    if null_at:
        raise invalid(f"Invalid Schema: null value at {null_at}; leave the property out instead")
    try:
        return MessageToPublish.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise invalid(f"Invalid Schema: {where}: {first['msg']}") from None


def _find_null(value, path: str) -> str | None:
    if value is None:
        return path
    items = (
        value.items()
        if isinstance(value, dict)
        else (enumerate(value) if isinstance(value, list) else ())
    )
    for key, item in items:
        found = _find_null(item, f"{path}.{key}")
        if found:
            return found
    return None


def check_languages(msg: MessageToPublish) -> str:
    """The one language of the message (docs/ebox.md#restrictions: several give NOT_IMPLEMENTED)."""
    texts = [msg.subject, msg.bodyContent or {}]
    texts += [a.attachmentTitle or {} for a in msg.attachments]
    texts += [value for data in msg.businessDataList for value in data.values]
    languages = {lang for text in texts for lang in text}
    if len(languages) > 1:
        raise ApiError(400, "NOT_IMPLEMENTED", "Multiple languages provided when only one expected")
    if not languages or not languages <= LANGUAGES:
        raise invalid("Invalid Schema: subject must be given in one of fr, nl, de")
    language = languages.pop()
    if not msg.subject[language].strip():
        raise invalid("Invalid Schema: subject must not be empty")
    if len(msg.subject[language]) > SUBJECT_MAX:
        raise invalid(f"subject is longer than {SUBJECT_MAX} characters")
    for data in msg.businessDataList:
        if any(len(v) > BUSINESS_VALUE_MAX for value in data.values for v in value.values()):
            raise invalid(f"business data value longer than {BUSINESS_VALUE_MAX} characters")
    return language


def check_sender(msg: MessageToPublish, client: dict, kind: dict | None) -> None:
    """INVALID_SENDER for a payload the client's certificate or onboarding does not cover."""
    if msg.sender.enterpriseNumber != client["enterprise_number"]:
        raise ApiError(
            400, "INVALID_SENDER", "Invalid sender: user credentials does not match payload"
        )
    if (
        msg.senderApplicationId not in client["applications"].split()
        or kind is None
        or kind["application_id"] != msg.senderApplicationId
        or msg.recipient.eboxType != "enterprise"
    ):
        raise ApiError(400, "INVALID_SENDER", "Invalid message configuration")


def check_recipient(msg: MessageToPublish, recipient: dict | None) -> None:
    number = msg.recipient.enterpriseNumber or ""
    if (
        not ENTERPRISE_NUMBER_RE.match(number)
        or recipient is None
        or recipient["status"] == "not_in_cbe"
    ):
        raise invalid(f"{number} is not a valid company")
    attention = msg.forTheAttentionOf
    if attention is not None:
        if not ssn.is_valid(attention.ssin):
            raise invalid("forTheAttentionOf.ssin is not a valid national register number")
        if attention.label is not None and len(attention.label) > ATTENTION_LABEL_MAX:
            raise invalid(
                f"forTheAttentionOf.label is longer than {ATTENTION_LABEL_MAX} characters"
            )
    if msg.businessDataList:
        raise invalid(
            f"business data key {msg.businessDataList[0].key} is not defined for "
            f"message type {msg.messageTypeId}"
        )


def check_attachments(msg: MessageToPublish, parts: list[FilePart]) -> list[Attachment]:
    """Match JSON attachments to file parts, check main content, media types and digests."""
    mains = sum(a.isMainContent for a in msg.attachments) + msg.isBodyMainContent
    if mains == 0:
        raise invalid("No main content attachment. Exactly one is expected")
    if mains > 1:
        raise invalid("Too many main content. Exactly one is expected")
    if msg.isBodyMainContent and not msg.bodyContent:
        raise invalid("isBodyMainContent is true but there is no bodyContent")
    if len(parts) != len(msg.attachments):
        raise invalid("Json Attachments number is inconsistent with number of parts")
    if len(parts) > MAX_FILES:
        raise invalid(f"At most {MAX_FILES} attachments")
    by_name = {p.name: p for p in parts}
    if len(by_name) != len(parts) or {a.httpPartName for a in msg.attachments} != set(by_name):
        raise invalid("Some json attachment info do not match any file upload part")
    stored = []
    for info in msg.attachments:
        part = by_name[info.httpPartName]
        if not part.file_name or not part.media_type:
            raise invalid("Missing mediaType or fileName in part")
        media_type = part.media_type.split(";")[0].strip().lower()
        if media_type not in MEDIA_TYPES:
            raise invalid(f"Attachment mime type is not valid: {media_type}")
        file_name = unquote(part.file_name)  # senders percent-encode non-ISO-8859-1 names
        if len(file_name) > FILE_NAME_MAX:
            raise invalid(f"file name of {part.name} is longer than {FILE_NAME_MAX} characters")
        digest = hashlib.sha256(part.content).digest()
        if info.digest is not None and not _digest_matches(info.digest.digestValue, digest):
            raise ApiError(
                400,
                "DIGEST_DO_NOT_MATCH",
                f"Digest of {part.name} does not match its content (sha_256, base64url)",
            )
        stored.append(
            Attachment(
                part_name=part.name,
                file_name=file_name,
                media_type=media_type,
                is_main=info.isMainContent,
                digest=base64.urlsafe_b64encode(digest).decode("ascii"),
                content=part.content,
            )
        )
    return stored


def _digest_matches(value: str, digest: bytes) -> bool:
    """base64url (RFC 4648 § 5), padded or not; hex or '+/' base64 do not match
    (docs/ebox.md#restrictions)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        return False
    try:
        return (
            base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
            == digest
        )
    except ValueError:
        return False
