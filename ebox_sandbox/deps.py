"""FastAPI dependencies of the sandbox: its store, settings, the caller's OAuth grant, the admin.

What the app holds (``app.state``: store, settings, signing key, replay guard, fault injector)
is set once by :func:`ebox_sandbox.app.create_app`; the routers reach it through these.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi import Depends, Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from ebox_sandbox.faults import FaultInjector
from ebox_sandbox.oauth import Grant, verify_access_token
from ebox_sandbox.settings import SandboxSettings
from ebox_sandbox.store import Store
from ebox_sandbox.validation import ApiError

ADMIN_COOKIE = "sandbox_admin"


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> SandboxSettings:
    return request.app.state.settings


def get_faults(request: Request) -> FaultInjector:
    return request.app.state.faults


def granted(*scopes: str) -> Callable[[Request], Grant]:
    """A dependency: the caller's bearer token, valid and holding one of ``scopes``, as the
    real API answers (401 without a valid token of a known client, 403 without the scope)."""
    wanted = set(scopes)

    def check(request: Request) -> Grant:
        store = get_store(request)
        grant = verify_access_token(
            request.headers.get("Authorization"), request.app.state.signing_key
        )
        if grant is None or store.client(grant.client_id) is None:
            raise ApiError(401, "UNAUTHORIZED", "Token invalid, expired or missing")
        if not grant.scopes & wanted:
            raise ApiError(403, "FORBIDDEN", "Token valid, scope missing: " + " ".join(wanted))
        return grant

    return check


def is_admin_token(request: Request, given: str) -> bool:
    return secrets.compare_digest(given.encode(), request.app.state.admin_token.encode())


def admin(request: Request) -> None:
    """The admin API and views: the bearer token, or the cookie of /sandbox/login."""
    header = request.headers.get("Authorization", "")
    given = header[7:] if header.startswith("Bearer ") else request.cookies.get(ADMIN_COOKIE, "")
    if not is_admin_token(request, given):
        raise StarletteHTTPException(401, "admin token required (Authorization: Bearer …)")


ADMIN_ONLY = [Depends(admin)]
