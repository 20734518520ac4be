"""The recipient side: each enterprise's users, what each may open (docs/ebox.md#security-levels),
as JSON and as small HTML views, and the browser sign-in to them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ebox_sandbox.api import BRUSSELS
from ebox_sandbox.deps import ADMIN_COOKIE, ADMIN_ONLY, get_store, is_admin_token
from ebox_sandbox.store import Store

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def brussels_time(moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (UTC) in Brussels time, as the e-Box writes its times
    (:func:`ebox_sandbox.api.local_time`) and the officer portal shows the same message."""
    return moment.astimezone(BRUSSELS).strftime(pattern)


TEMPLATES.env.filters["brussels"] = brussels_time


def mailbox_user(store: Store, number: str, user_id: str) -> dict:
    user = store.user(number, user_id)
    if user is None:
        raise StarletteHTTPException(404, f"no user {user_id} in the e-Box of {number}")
    return user


@router.get("/sandbox/enterprises/{number}/users", dependencies=ADMIN_ONLY)
def users(number: str, store: StoreDep):
    return store.users(number)


@router.get("/sandbox/enterprises/{number}/users/{user_id}/messages", dependencies=ADMIN_ONLY)
def visible_messages(number: str, user_id: str, store: StoreDep):
    """What ``user_id`` sees in the e-Box (an inspection: it does not count as a login)."""
    return store.visible_messages(number, mailbox_user(store, number, user_id))


@router.get(
    "/sandbox/enterprises/{number}/users/{user_id}/messages/{message_id}"
    "/attachments/{position}/content",
    dependencies=ADMIN_ONLY,
)
def attachment_content(number: str, user_id: str, message_id: str, position: int, store: StoreDep):
    user = mailbox_user(store, number, user_id)
    found = store.open_attachment(number, user, message_id, position)
    if found is None:
        raise StarletteHTTPException(404, "no such document for this user")
    return Response(
        found["content"],
        media_type=found["media_type"],
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(found['file_name'])}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/sandbox/login")
def login(token: str, request: Request):
    """Sets the admin cookie for a browser, so the HTML views open without a header."""
    if not is_admin_token(request, token):
        raise StarletteHTTPException(401, "wrong admin token")
    response = RedirectResponse("/sandbox/view", status_code=303)
    response.set_cookie(ADMIN_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.get("/sandbox/view", response_class=HTMLResponse, dependencies=ADMIN_ONLY)
def view_index(request: Request, store: StoreDep, q: str = "", offset: int = Query(0, ge=0)):
    return TEMPLATES.TemplateResponse(
        request,
        "index.html",
        {
            "enterprises": store.enterprises(query=q, offset=offset),
            "q": q,
            "offset": offset,
            "stats": store.stats(),
        },
    )


@router.get(
    "/sandbox/view/{number}/{user_id}", response_class=HTMLResponse, dependencies=ADMIN_ONLY
)
def view_mailbox(request: Request, number: str, user_id: str, store: StoreDep):
    """A user opening their e-Box: from now on the company counts as digital."""
    user = mailbox_user(store, number, user_id)
    store.record_connection(number)
    return TEMPLATES.TemplateResponse(
        request,
        "mailbox.html",
        {
            "enterprise": store.enterprise(number),
            "user": user,
            "users": store.users(number),
            "messages": store.visible_messages(number, user),
        },
    )
