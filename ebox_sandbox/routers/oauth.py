"""The OAuth v5 token endpoint: client credentials with private_key_jwt (docs/ebox.md#oauth)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ebox_sandbox.api import TOKEN_PATH
from ebox_sandbox.oauth import OAuthError, issue_token

router = APIRouter()


@router.post(TOKEN_PATH)
async def token(request: Request):
    form = dict((await request.form()).items())
    state = request.app.state
    audience = f"{request.url.scheme}://{request.url.netloc}{TOKEN_PATH}"
    try:
        body = issue_token(
            form,
            audience=audience,
            client_lookup=state.store.client,
            signing_key=state.signing_key,
            ttl=state.settings.token_ttl_seconds,
            replay=state.replay,
        )
    except OAuthError as exc:
        return JSONResponse(
            {"error": exc.error, "error_description": exc.description}, status_code=exc.status
        )
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
