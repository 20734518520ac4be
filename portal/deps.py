"""FastAPI dependencies: the database session, the clock, the client, the logged-in dossier,
and forms whose CSRF token is checked before the handler runs.

No ``from __future__ import annotations`` here: FastAPI must see the real form model in the
annotation that :func:`csrf_checked` builds at run time.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Form, HTTPException, Path, Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from models.credentials import normalise_dossier_number
from models.db import get_session
from models.dossier import Dossier
from portal.csrf import check_csrf
from portal.sessions import active_session
from portal.settings import PortalSettings

SESSION_TOKEN_KEY = "sid"  # noqa: S105 (a session key name, not a secret)

DbSession = Annotated[Session, Depends(get_session)]


def get_now(request: Request) -> datetime:
    return request.app.state.clock()


def get_settings(request: Request) -> PortalSettings:
    return request.app.state.settings


def client_address(request: Request) -> str:
    """The client's address (uvicorn rewrites it from X-Forwarded-For for trusted proxies)."""
    return request.client.host if request.client else "unknown"


Now = Annotated[datetime, Depends(get_now)]
Settings = Annotated[PortalSettings, Depends(get_settings)]
ClientAddress = Annotated[str, Depends(client_address)]


class LoginRequired(Exception):
    """No live session: the handler sends the browser to the login page, saying so when the
    session ended or when what the browser sent (a form: ``lost_action``) was not kept."""

    def __init__(self, next_url: str, *, expired: bool, lost_action: bool) -> None:
        self.next_url = next_url
        self.expired = expired
        self.lost_action = lost_action


def officer_dossier(
    number: Annotated[str, Path(max_length=40, description="The dossier number")],
    request: Request,
    db: DbSession,
    now: Now,
    settings: Settings,
) -> Dossier:
    """The dossier of the session, which must be the one in the path (else 404: a session
    never learns whether another dossier exists)."""
    token = request.session.get(SESSION_TOKEN_KEY)
    row = active_session(db, token, now, settings) if token else None
    if row is None:
        request.session.pop(SESSION_TOKEN_KEY, None)
        # After login, come back to the page; a form's target cannot be opened with GET.
        page = (
            request.url.path
            if request.method == "GET"
            else (f"/dossiers/{normalise_dossier_number(number)}")
        )
        raise LoginRequired(page, expired=token is not None, lost_action=request.method != "GET")
    dossier = db.get(Dossier, row.dossier_id)
    if dossier is None or dossier.dossier_number != normalise_dossier_number(number):
        raise HTTPException(status_code=404)
    request.state.dossier = dossier
    # Who saved a form: the session's token digest (no secret), as the evidence rows keep it.
    request.state.session_hash = row.token_hash
    # Read now: error pages render after the database session is closed.
    request.state.enterprise_language = dossier.technical_unit.enterprise.language
    return dossier


OfficerDossier = Annotated[Dossier, Depends(officer_dossier)]


class CsrfForm(BaseModel):
    csrf_token: str = Field(default="", max_length=100, description="The form's CSRF token")


FormT = TypeVar("FormT", bound=CsrfForm)


def csrf_checked(model: type[FormT]) -> Callable[..., FormT]:
    """A dependency that parses ``model`` from the form and checks its CSRF token first."""

    def dependency(request: Request, form: Annotated[model, Form()]) -> FormT:
        check_csrf(request, form.csrf_token)
        return form

    return dependency
