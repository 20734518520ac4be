"""Login, logout, the language switcher and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy import text

from models.credentials import DossierNumberCheckError, DossierNumberError, check_dossier_number
from models.dossier import Dossier
from portal import audit
from portal.deps import (
    SESSION_TOKEN_KEY,
    ClientAddress,
    CsrfForm,
    DbSession,
    Now,
    Settings,
    csrf_checked,
)
from portal.i18n import LANGUAGE_NAMES
from portal.sessions import active_session, close_session, open_session
from portal.web import LANGUAGE_KEY, flash, render, translator

router = APIRouter(tags=["auth"])


class LoginForm(CsrfForm):
    dossier_number: str = Field(default="", max_length=40)
    password: str = Field(default="", max_length=200)
    next: str = Field(default="", max_length=200, description="Where to go after login")


def safe_next(url: str | None) -> str | None:
    """Only a path of this site: never an open redirect to another host."""
    if url and url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return None


def _dossier_url(number: str) -> str:
    return f"/dossiers/{number}"


@router.get("/", response_class=HTMLResponse, summary="Home: the dossier or the login page")
def home(request: Request, db: DbSession, now: Now, settings: Settings) -> RedirectResponse:
    token = request.session.get(SESSION_TOKEN_KEY)
    row = active_session(db, token, now, settings) if token else None
    if row is None:
        return RedirectResponse("/login", status_code=303)
    dossier = db.get(Dossier, row.dossier_id)
    return RedirectResponse(_dossier_url(dossier.dossier_number), status_code=303)


@router.get("/login", response_class=HTMLResponse, summary="The login form")
def login_page(request: Request, next: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    return render(request, "login.html", errors={}, dossier_number="", next=safe_next(next) or "")


@router.post(
    "/login", response_class=HTMLResponse, summary="Log in with dossier number and password"
)
def login(
    request: Request,
    form: Annotated[LoginForm, Depends(csrf_checked(LoginForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    t = translator(request)
    errors: dict[str, str] = {}
    try:
        number = check_dossier_number(form.dossier_number)
    except DossierNumberCheckError:
        errors["dossier_number"] = t("login.number_check_digits")
    except DossierNumberError:
        errors["dossier_number"] = t("login.number_format")
    if not form.password:
        errors["password"] = t("login.password_required")
    if errors:
        return _login_again(request, form, errors, status_code=422)
    result = request.app.state.guard.login(db, number, form.password, ip=ip, now=now)
    if result.retry_at is not None:
        seconds = max(int((result.retry_at - now).total_seconds()), 1)
        return _login_again(
            request,
            form,
            {},
            status_code=429,
            retry_at=result.retry_at,
            headers={"Retry-After": str(seconds)},
        )
    if result.dossier is None:
        return _login_again(
            request,
            form,
            {"password": t("login.invalid")},
            status_code=401 if result.locked_until is None else 423,
            locked_until=result.locked_until,
            last_try=result.last_try,
        )
    # Read before the commit, which would expire the row and read it again.
    dossier_id, home = result.dossier.id, _dossier_url(result.dossier.dossier_number)
    first_login = result.dossier.password_changed_at is None
    old_token = request.session.get(SESSION_TOKEN_KEY)
    if old_token:
        close_session(db, old_token)
    _restart_session(request)
    request.session[SESSION_TOKEN_KEY] = open_session(
        db, dossier_id, now, request.app.state.settings
    )
    db.commit()  # the login's record and its session, together
    if first_login:
        return RedirectResponse(f"{home}/password", status_code=303)
    target = safe_next(form.next)
    if not target or not target.startswith(home):
        target = home
    return RedirectResponse(target, status_code=303)


def _restart_session(request: Request) -> None:
    """Session rotation: nothing of the old session (its token, its CSRF token) survives but
    the chosen language."""
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if language:
        request.session[LANGUAGE_KEY] = language


def _login_again(
    request: Request,
    form: LoginForm,
    errors: dict[str, str],
    *,
    status_code: int,
    headers: dict[str, str] | None = None,
    **context,
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        status_code=status_code,
        headers=headers,
        errors=errors,
        dossier_number=form.dossier_number,
        next=safe_next(form.next) or "",
        **context,
    )


@router.post("/logout", response_class=HTMLResponse, summary="End the session")
def logout(
    request: Request,
    form: Annotated[CsrfForm, Depends(csrf_checked(CsrfForm))],
    db: DbSession,
    ip: ClientAddress,
    now: Now,
    settings: Settings,
) -> RedirectResponse:
    token = request.session.get(SESSION_TOKEN_KEY)
    row = active_session(db, token, now, settings) if token else None
    if row is not None:
        dossier = db.get(Dossier, row.dossier_id)
        close_session(db, token)
        audit.record(db, "logout", dossier_number=dossier.dossier_number, ip=ip)
        db.commit()
    _restart_session(request)
    flash(request, "flash.logged_out")
    return RedirectResponse("/login", status_code=303)


@router.get("/language/{lang}", response_class=HTMLResponse, summary="Switch the page language")
def switch_language(
    request: Request, lang: str, next: Annotated[str, Query(max_length=200)] = "/"
) -> RedirectResponse:
    if lang not in LANGUAGE_NAMES:
        raise HTTPException(status_code=404)
    request.session[LANGUAGE_KEY] = lang
    return RedirectResponse(safe_next(next) or "/", status_code=303)


@router.get("/healthz", summary="Readiness: the portal answers and reaches its database")
def health(db: DbSession) -> dict[str, str]:
    db.execute(text("SELECT 1"))
    return {"status": "ok"}
