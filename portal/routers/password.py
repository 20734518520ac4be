"""Changing the password (with the current one); the first login is invited here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from models.credentials import hash_password, verify_password
from models.dossier import Dossier
from portal import audit
from portal.clock import as_utc
from portal.deps import (
    SESSION_TOKEN_KEY,
    ClientAddress,
    CsrfForm,
    DbSession,
    Now,
    OfficerDossier,
    csrf_checked,
)
from portal.errors import RuleError
from portal.passwords import MIN_LENGTH, check_new_password
from portal.sessions import close_other_sessions, close_session, open_session
from portal.web import flash, form_errors, render, translator

router = APIRouter(tags=["password"])


class PasswordForm(CsrfForm):
    current_password: str = Field(default="", max_length=200)
    new_password: str = Field(default="", max_length=200)
    confirmation: str = Field(default="", max_length=200)


def _page(
    request: Request,
    dossier: Dossier,
    *,
    errors=None,
    status_code=200,
    locked_until=None,
    last_try=False,
) -> HTMLResponse:
    return render(
        request,
        "password.html",
        status_code=status_code,
        errors=errors or {},
        dossier=dossier,
        first_login=dossier.password_changed_at is None,
        min_length=MIN_LENGTH,
        locked_until=locked_until,
        last_try=last_try,
    )


@router.get("/dossiers/{number}/password", response_class=HTMLResponse, summary="The password form")
def password_form(request: Request, dossier: OfficerDossier) -> HTMLResponse:
    return _page(request, dossier)


@router.post(
    "/dossiers/{number}/password", response_class=HTMLResponse, summary="Change the password"
)
def change_password(
    request: Request,
    dossier: OfficerDossier,
    form: Annotated[PasswordForm, Depends(csrf_checked(PasswordForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    t = translator(request)
    if dossier.locked_until is not None and as_utc(dossier.locked_until) > now:
        return _page(request, dossier, status_code=423, locked_until=as_utc(dossier.locked_until))
    if not verify_password(dossier.password_hash or "", form.current_password):
        # Counted like a wrong login: a stolen session must not become a password oracle.
        result = request.app.state.guard.wrong_password(
            db, dossier, ip=ip, now=now, action="password_change_failed"
        )
        return _page(
            request,
            dossier,
            status_code=422 if result.locked_until is None else 423,
            errors={"current_password": t("error.wrong_current_password")},
            locked_until=result.locked_until,
            last_try=result.last_try,
        )
    try:
        check_new_password(
            form.new_password,
            form.confirmation,
            current_hash=dossier.password_hash or "",
            dossier_number=dossier.dossier_number,
        )
    except RuleError as error:
        return _page(request, dossier, status_code=422, errors=form_errors(request, error))
    first_change = dossier.password_changed_at is None
    dossier.password_hash = hash_password(form.new_password)
    dossier.password_changed_at = now
    dossier.failed_logins = 0
    dossier.updated_at = now
    db.add(dossier)
    # Every other session ends; this one continues under a fresh token.
    old_token = request.session.get(SESSION_TOKEN_KEY, "")
    close_session(db, old_token)
    new_token = open_session(db, dossier.id, now, request.app.state.settings)
    close_other_sessions(db, dossier.id, keep_token=new_token)
    audit.record(
        db,
        "password_change",
        dossier_number=dossier.dossier_number,
        ip=ip,
        first_change=first_change,
    )
    db.commit()
    request.session[SESSION_TOKEN_KEY] = new_token
    flash(request, "flash.password_changed")
    return RedirectResponse(f"/dossiers/{dossier.dossier_number}", status_code=303)
