"""How a portal page picks its language and writes its words, dates and times.

The words are entries of the catalogues of :mod:`procedure.i18n`: the pages' own in
``procedure/locale/<lang>/LC_MESSAGES/portal.po``, step titles, actions, phase and body names
and the words the letters use too (dossier number, password, …) in ``procedure.po``, so the
portal and the letters word them the same way. A missing translation stops the portal at
import (:class:`procedure.i18n.CatalogueError`); ``tests/i18n`` checks that every key the
templates and the code use exists.

Language of a page (:func:`portal.web.page_language`): the officer's choice (the switcher,
kept in the session), else the browser's Accept-Language among fr/nl/de, else the
enterprise's language (``Enterprise.language``, the language of its letters), else French.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_time

from portal.clock import BRUSSELS, as_utc
from procedure.i18n import LANGUAGES, LOCALES, format_date, label

#: Each language named in itself, for the switcher.
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch"}
DEFAULT_LANGUAGE = "fr"


class Translator:
    """``t(key, **params)`` for one language; dates and times among ``params`` are written
    the way a Belgian reader of that language expects."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: Any) -> str:
        return label(key, self.lang, **{k: self.value(v) for k, v in params.items()})

    def value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return format_moment(value, self.lang)
        if isinstance(value, date):
            return format_date(value, self.lang, "long")
        return value


def format_moment(moment: datetime, lang: str) -> str:
    """A point in time in Brussels time, e.g. "8 mai 2028 à 14:05", "8. Mai 2028 um 14:05 Uhr":
    the date as every other date of the portal and the letters (Babel's long format, so one
    form per language), then the time. A moment without its zone (SQLite) is in UTC."""
    local = as_utc(moment).astimezone(BRUSSELS)
    return label(
        "moment",
        lang,
        day=format_date(local.date(), lang, "long"),
        time=format_time(local, "HH:mm", locale=LOCALES[lang]),
    )


def negotiate(accept_language: str | None) -> str | None:
    """The best of fr/nl/de for an Accept-Language header (RFC 9110 § 12.5.4), or None when
    it asks for none of them.

    Hand-written because no dependency of socelec parses the header (Babel negotiates from a
    ready list; Werkzeug's parser would be a new dependency for ten lines).
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None
