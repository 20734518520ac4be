"""Publishing a message and reading the message types, as the v3 Message Registry does
(docs/ebox.md#publication)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.formparsers import MultiPartException

from ebox_sandbox.api import (
    PUBLICATION_SCOPE,
    PUBLISH_PATH,
    REFERENCE_SCOPES,
    REGISTRY,
    duplicate,
    local_time,
)
from ebox_sandbox.deps import get_faults, get_store, granted
from ebox_sandbox.faults import FaultInjector
from ebox_sandbox.oauth import Grant
from ebox_sandbox.store import DuplicateKey, Store
from ebox_sandbox.validation import (
    MAX_FILES,
    ApiError,
    FilePart,
    check_attachments,
    check_languages,
    check_recipient,
    check_sender,
    invalid,
    parse_idempotency_key,
    parse_message,
)

router = APIRouter()
NO_DIGITAL_USER = "NO_DIGITAL_USER"
StoreDep = Annotated[Store, Depends(get_store)]


@router.post(PUBLISH_PATH, status_code=201)
async def publish(
    request: Request,
    store: StoreDep,
    faults: Annotated[FaultInjector, Depends(get_faults)],
    grant: Annotated[Grant, Depends(granted(PUBLICATION_SCOPE))],
):
    key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise invalid("Invalid Schema: a multipart/form-data request is expected")
    text, parts = await read_multipart(request)
    msg = parse_message(text)
    if key is not None and store.key_used(msg.senderApplicationId, key):
        faults.duplicate_refused()
        raise duplicate()
    language = check_languages(msg)
    check_sender(msg, store.client(grant.client_id), store.message_type(msg.messageTypeId))
    recipient = store.enterprise(msg.recipient.enterpriseNumber or "")
    check_recipient(msg, recipient)
    attachments = check_attachments(msg, parts)
    attention = msg.forTheAttentionOf
    try:
        row = store.publish(
            client_id=grant.client_id,
            sender_enterprise=msg.sender.enterpriseNumber,
            application_id=msg.senderApplicationId,
            message_type_id=msg.messageTypeId,
            recipient=recipient,
            idempotency_key=key,
            language=language,
            subject=msg.subject[language],
            attention_ssin=attention.ssin if attention else None,
            attention_label=attention.label if attention else None,
            attachments=attachments,
        )
    except DuplicateKey:  # a concurrent request with the same key won the race
        faults.duplicate_refused()
        raise duplicate() from None
    body = {"messageId": row["message_id"], "expirationDate": local_time(row["expiration_date"])}
    if row["no_digital_user"]:
        body |= {
            "code": "NO_DIGITAL_USER",
            "message": "The recipient has never consulted its e-Box",
        }
    return JSONResponse(body, status_code=201)


@router.get(REGISTRY + "/refData/messageTypes/{message_type_id}")
async def message_type_reference(
    message_type_id: str,
    store: StoreDep,
    _grant: Annotated[Grant, Depends(granted(*REFERENCE_SCOPES))],
):
    kind = store.message_type(message_type_id)
    if kind is None:
        raise ApiError(404, "NOT_FOUND", f"Unknown message type {message_type_id}")
    return {
        "messageTypeId": kind["message_type_id"],
        "messageTypeName": {"fr": kind["name"]},
        "validityPeriod": {
            "validityPeriodNumber": kind["validity_days"],
            "validityPeriodUnit": "day",
        },
        "senderApplicationIds": [kind["application_id"]],
    }


async def read_multipart(request: Request) -> tuple[str | None, list[FilePart]]:
    """The messageToPublish text and the file parts, in the order they came (any order is
    allowed: docs/ebox.md#publication)."""
    try:
        form = await request.form(max_files=MAX_FILES + 4, max_fields=MAX_FILES + 4)
    except MultiPartException as exc:
        raise invalid(f"Invalid Schema: unreadable multipart body ({exc.message})") from None
    try:
        text = None
        parts = []
        for name, value in form.multi_items():
            if isinstance(value, str):
                if name == "messageToPublish":
                    text = value
                else:
                    parts.append(FilePart(name, None, None, value.encode()))
            elif name == "messageToPublish":
                text = (await value.read()).decode("utf-8", "replace")
            else:
                parts.append(FilePart(name, value.filename, value.content_type, await value.read()))
        return text, parts
    finally:
        await form.close()
