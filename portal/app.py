"""The officer portal's FastAPI application: ``create_app()``.

Server-rendered pages that work without JavaScript; the OpenAPI description stays at
``/openapi.json`` (its forms declare their fields) but the interactive docs are off, since
they need scripts from a CDN that the Content-Security-Policy forbids.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from models.settings import get_settings
from portal.clock import Clock, shifted_clock, system_clock
from portal.csrf import CsrfError
from portal.deps import LoginRequired
from portal.keys import session_secret
from portal.login import LoginGuard
from portal.routers import (
    auth,
    calendar,
    closure_days,
    dossier,
    evidence,
    forms,
    password,
    stop,
)
from portal.settings import PortalSettings, get_portal_settings
from portal.web import flash, render, translator
from procedure.i18n import KEYS

log = logging.getLogger(__name__)

# The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and for
# the whole site, so a sibling subdomain cannot plant or read it.
SESSION_COOKIE = "__Host-socelec-portal"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(settings: PortalSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The portal. ``clock`` returns the current UTC time (tests inject their own); by default
    the system clock, shifted to ``settings.as_of`` in demo mode."""
    settings = settings or get_portal_settings()
    if clock is None:
        clock = shifted_clock(settings.as_of) if settings.as_of else system_clock
    app = FastAPI(
        title="socelec officer portal",
        summary="Election officers' access to their social elections dossier",
        version="1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.guard = LoginGuard(settings)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            # Pages show personal data: no shared or back-button cache may keep them.
            response.headers["Cache-Control"] = "no-store"
        if request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(get_settings()),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=True,
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for router in (
        auth.router,
        dossier.router,
        calendar.router,
        closure_days.router,
        stop.router,
        password.router,
        forms.router,
        evidence.router,
    ):
        app.include_router(router)
    _add_error_pages(app)
    return app


def _error_page(request: Request, status_code: int, *messages: str) -> HTMLResponse:
    title = f"error.title_{status_code}"
    return render(
        request,
        "error.html",
        status_code=status_code,
        title_key=title if title in KEYS else "error.title_400",
        messages=messages,
        back="/",
    )


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired):
        # Nothing of the refused request was kept (the dossier dependency comes first).
        if error.lost_action:
            flash(request, "flash.action_not_saved", warning=True)
        elif error.expired:
            flash(request, "flash.session_expired")
        return RedirectResponse(f"/login?next={quote(error.next_url)}", status_code=303)

    @app.exception_handler(CsrfError)
    async def csrf_refused(request: Request, _error: CsrfError):
        t = translator(request)
        return _error_page(request, 403, t("error.csrf"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        t = translator(request)
        detail = error.detail if isinstance(error.detail, str) else ""
        if error.status_code == 404:
            messages = [t("error.not_found")]
        elif detail in KEYS:
            messages = [t(detail)]
        else:
            messages = []
        return _error_page(request, error.status_code, *messages)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        t = translator(request)
        messages = [
            t(
                "error.field",
                field=".".join(str(part) for part in e["loc"][1:]) or "request",
                rule=e["msg"],
            )
            for e in error.errors()
        ]
        return _error_page(request, 422, *messages)

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception):
        log.exception("portal: unexpected error on %s %s", request.method, request.url.path)
        t = translator(request)
        return _error_page(request, 500, t("error.server"))
