"""Synchronizer CSRF tokens (OWASP CSRF cheat sheet): one random token per session, kept in
the signed session cookie and repeated as a hidden field in every form; a POST whose field
does not match is refused before it changes anything."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

SESSION_KEY = "csrf"


class CsrfError(Exception):
    """A form came without the token of its session (forged, or the session expired)."""


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not token:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str) -> None:
    expected = request.session.get(SESSION_KEY)
    if not expected or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise CsrfError
