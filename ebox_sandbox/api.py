"""What the real e-Box Enterprise API looks like from outside: its paths, scopes and error body.

The sandbox keeps its own copy of these facts (docs/ebox.md) rather than importing the adapter's:
it is an independent stand-in, so an adapter mistake cannot hide in a shared constant.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.responses import JSONResponse

from ebox_sandbox.validation import ApiError

TOKEN_PATH = "/REST/oauth/v5/token"  # noqa: S105 (a URL path)
REGISTRY = "/REST/ebox/enterprise/messageRegistry/v3"
PUBLISH_PATH = REGISTRY + "/ebox/messages"
PREFERENCES_PATH = "/REST/ebox/enterprise/federation/v1/eboxPreferences/search"
PUBLICATION_SCOPE = "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
PREFERENCE_SCOPE = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
REFERENCE_SCOPES = {
    PUBLICATION_SCOPE,
    "scope:document:management:consult:ws-eboxrestentreprise:referencedata",
}
BRUSSELS = ZoneInfo("Europe/Brussels")


def status_message(error: ApiError) -> JSONResponse:
    """The e-Box error body StatusMessage {id, code, message} (docs/ebox.md#answers)."""
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else None
    return JSONResponse(
        {"id": str(uuid.uuid4()), "code": error.code, "message": error.message},
        status_code=error.status,
        headers=headers,
    )


def local_time(value: datetime) -> str:
    """A time as the e-Box writes it: Brussels, with its offset."""
    return value.astimezone(BRUSSELS).isoformat(timespec="seconds")


def duplicate() -> ApiError:
    return ApiError(
        409,
        "DUPLICATE_IDEMPOTENCY_KEY",
        "A message was already published with this Idempotency-Key",
    )
