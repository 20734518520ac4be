"""Rendering the portal's pages: the Jinja2 environment and what every page receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from portal.csrf import csrf_token
from portal.errors import RuleError
from portal.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, Translator, format_moment, negotiate
from portal.i18n import format_date as _format_date
from procedure import CalendarEntry
from procedure.i18n import (
    FPS_EMAIL,
    KEYS,
    display_code,
    phase_name,
    step_action,
    step_title,
    when_phrase,
)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
FLASH_KEY = "flash"
LANGUAGE_KEY = "lang"


def _session(request: Request) -> dict:
    # The 500 page is rendered outside the session middleware: no session there.
    return request.session if "session" in request.scope else {}


def page_language(request: Request) -> str:
    """The officer's choice, else the browser's language, else the enterprise's, else French.

    The browser's comes before the enterprise's: it is the language of the person at the
    screen, the same before and after login, while the enterprise's language is the one of its
    letters (docs/ebox.md#one-language), which the portal does not change.
    """
    chosen = _session(request).get(LANGUAGE_KEY)
    if chosen in LANGUAGE_NAMES:
        return chosen
    browser_language = negotiate(request.headers.get("accept-language"))
    if browser_language is not None:
        return browser_language
    enterprise_language = getattr(request.state, "enterprise_language", None)
    if enterprise_language in LANGUAGE_NAMES:
        return enterprise_language
    return DEFAULT_LANGUAGE


def translator(request: Request) -> Translator:
    """``t(key, **params)`` in the page's language."""
    return Translator(page_language(request))


def form_errors(request: Request, error: RuleError) -> dict[str, str]:
    """A refused rule as the form shows it: the field and the message in the page's language."""
    return {error.field: translator(request)(error.rule, **error.params)}


def flash(request: Request, key: str, *, warning: bool = False, **params: str) -> None:
    """Show ``key`` (a catalogue key, filled with ``params``) once, on the next page
    (post/redirect/get); ``warning`` for what the officer should act on."""
    assert key in KEYS, key
    message = {"key": key, "params": params, "warning": warning}
    request.session[FLASH_KEY] = [*request.session.get(FLASH_KEY, []), message]


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    t = translator(request)
    lang = t.lang

    def when(entry: CalendarEntry) -> str:
        return when_phrase(
            entry.step.kind, entry.effective_date, lang, entry.period_end, format="long"
        )

    session = _session(request)
    flashes = session.pop(FLASH_KEY, []) if FLASH_KEY in session else []
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": t,
            "languages": list(LANGUAGE_NAMES.items()),
            "here": request.url.path,
            "csrf_token": csrf_token(request) if "session" in request.scope else "",
            "officer": getattr(request.state, "dossier", None),
            "as_of": request.app.state.settings.as_of,
            "fps_email": FPS_EMAIL[lang],
            "flashes": flashes,
            "format_date": lambda day, lang, fmt="full": _format_date(day, lang, fmt),
            "format_moment": format_moment,
            "when": when,
            "display_code": display_code,
            "step_title": step_title,
            "step_action": step_action,
            "phase_name": phase_name,
            **context,
        },
        status_code=status_code,
        headers=headers,
    )
