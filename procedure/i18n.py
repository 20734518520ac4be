"""The words of socelec in French, Dutch and German, read from gettext catalogues.

Every text a reader sees (step titles and actions, phases, forms, bodies, the letters' labels,
the e-Box subjects, the portal's pages) is one entry of a catalogue
``procedure/locale/<lang>/LC_MESSAGES/<domain>.po``: its msgctxt is the key the code looks up
(``step_title.X-60``, ``dossier_number``, ``flash.election_day_saved``), its msgid the French
text, so a translator of the Dutch or German file sees the French in any tool, and its msgstr
the text in the file's language. The domains only split the work: ``procedure`` holds the
procedure's words and those the letters and the portal share, ``documents`` the letters'
labels, e-Box subjects and file names, ``portal`` the portal's pages, ``forms`` the
statistical forms' fields, rules and pages (:mod:`procedure.forms`), ``evidence`` the pages
of the notices and PVs officers upload, ``results`` the national results report
(:mod:`templates.results_report`). A key is defined once in
one domain and every part reads it here, so a word has one wording per language everywhere.

The catalogues live in this package because every other part (templates, portal, the e-Box
subjects of :mod:`procedure.documents`) already imports this module for its words, and
``procedure`` imports none of them. They are read once at import with Babel's ``read_po``:
no compile step and no ``.mo`` file, which would be a second copy that can go stale.

There is no fallback on purpose. :func:`read_catalogues` refuses a missing, empty or fuzzy
entry, a Dutch or German entry translated from another French text than the French file's,
and placeholders (``{name}``, ``%(name)s``) that differ from the French; it raises
:class:`CatalogueError` listing every problem, so a forgotten translation stops socelec at
import instead of showing a page or a letter in two languages. A company's language (fr, nl or
de) is the language of every document it receives (e-Box: one language per message,
docs/ebox.md#one-language); a letter in the wrong language breaks the language laws
(docs/ebox.md#one-language).

The wording follows the description of each step in docs/procedure.md#timeline and the
vocabulary of the FPS and practitioners its sources use (avis X / bericht X,
fiche statistique / steekkaart, CE/CPPT / OR/CPBW); ``procedure/locale/termbase.tsv`` lists the
terms each language must use. The German texts use the Belgian terms (Betriebsrat, Ausschuss
für Gefahrenverhütung und Schutz am Arbeitsplatz, Sozialwahlen); no German-language source
about the procedure was found beyond the FPS's German e-Box pages
(docs/procedure.md#abbreviations), so they deserve a check by a German-speaking jurist of the
FPS before the 2028 campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from string import Formatter
from typing import Any, Literal

from babel.dates import format_date as _babel_format_date
from babel.messages.catalog import PYTHON_FORMAT, Message
from babel.messages.pofile import PoFileError, read_po

from procedure.steps import Phase, StepKind, step

__all__ = [
    "DOMAINS",
    "FPS_EMAIL",
    "FPS_PAGE",
    "KEYS",
    "LANGUAGES",
    "LOCALES",
    "LOCALE_DIR",
    "CatalogueError",
    "Language",
    "Translated",
    "UnknownLanguageError",
    "body_abbreviation",
    "body_name",
    "check_language",
    "display_code",
    "document_name",
    "format_date",
    "label",
    "legal_basis",
    "phase_name",
    "placeholders",
    "read_catalogues",
    "step_action",
    "step_title",
    "translated",
    "unit_label",
    "when_phrase",
]

Language = Literal["fr", "nl", "de"]
LANGUAGES: tuple[Language, ...] = ("fr", "nl", "de")
#: Belgian locales, so Babel writes dates the way Belgian readers expect.
LOCALES: dict[str, str] = {"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE"}
#: Where the catalogues are: ``<lang>/LC_MESSAGES/<domain>.po``, the gettext layout.
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAINS = ("procedure", "documents", "portal", "forms", "evidence", "results")
#: The source language: its msgids are the texts the other languages translate.
SOURCE: Language = "fr"


class UnknownLanguageError(ValueError):
    """A language other than fr, nl or de; names the field and the rule."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(f"language: {value!r} is not one of fr, nl, de")


class CatalogueError(ValueError):
    """The catalogues cannot be used as they are; ``problems`` lists each, with its file."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("catalogues:\n" + "\n".join(f"- {p}" for p in problems))


def check_language(lang: object) -> Language:
    """Return ``lang`` when it is fr, nl or de; raise :class:`UnknownLanguageError` otherwise."""
    if lang not in LANGUAGES:
        raise UnknownLanguageError(lang)
    return lang  # type: ignore[return-value]


@dataclass(frozen=True)
class Translated:
    """One text in the three languages; building one with a language missing is an error."""

    fr: str
    nl: str
    de: str

    def __post_init__(self) -> None:
        for f in fields(self):
            if not getattr(self, f.name).strip():
                raise ValueError(f"translation: the {f.name} text is empty")

    def __getitem__(self, lang: str) -> str:
        return getattr(self, check_language(lang))


#: The FPS's own page on social elections, in each language: with the portal, the only page
#: socelec sends an officer to (docs/procedure.md#the-fpss-pages-and-contact-addresses).
FPS_PAGE = Translated(
    fr="https://emploi.belgique.be/fr/themes/concertation-sociale/elections-sociales",
    nl="https://werk.belgie.be/nl/themas/sociaal-overleg/sociale-verkiezingen",
    de="https://beschaeftigung.belgien.be/de/themen/sozialer-dialog/sozialwahlen",
)
#: Where an officer writes to the FPS about social elections (same section). No German
#: address was found: the German pages give the French one, on purpose.
FPS_EMAIL = Translated(
    fr="elections.sociales@emploi.belgique.be",
    nl="sociale.verkiezingen@werk.belgie.be",
    de="elections.sociales@emploi.belgique.be",  # NOT FOUND in German: the French address
)


def placeholders(text: str) -> set[str]:
    """The named placeholders of ``text``: ``{name}`` (str.format) and ``%(name)s``.

    Written here on top of the standard library's format parser and Babel's %-format pattern:
    Babel's own checker (``babel.messages.checkers.python_format``) lets a translation leave a
    named placeholder out and has no check for ``{name}``. Raises ``ValueError`` for a text
    that is not a valid format (a lone brace).
    """
    names = {f"{{{field}}}" for _, field, _, _ in Formatter().parse(text) if field is not None}
    return names | {f"%({name})" for name, _, _ in PYTHON_FORMAT.findall(text) if name}


def _read(path: Path, lang: str, problems: list[str]) -> dict[str, Message]:
    """The entries of one .po file by msgctxt; what is wrong with the file goes to ``problems``."""
    try:
        with path.open("rb") as file:
            catalog = read_po(file, abort_invalid=True)
    except (OSError, PoFileError) as error:
        problems.append(f"{path}: cannot be read ({error})")
        return {}
    if str(catalog.locale) != lang:
        problems.append(f"{path}: its Language header says {catalog.locale}, not {lang}")
    if catalog.fuzzy:
        problems.append(f"{path}: the header is marked fuzzy; remove the flag once reviewed")
    entries: dict[str, Message] = {}
    for message in catalog:
        where = f"{path}:{message.lineno}"
        if not message.id:
            continue  # the header
        if not message.context:
            problems.append(f"{where}: no msgctxt; every entry is looked up by its key")
        elif message.context in entries:
            problems.append(f"{where}: the key {message.context!r} is there twice")
        else:
            entries[message.context] = message
    return entries


def _check(path: Path, key: str, message: Message, french: Message, problems: list[str]) -> None:
    where = f"{path}:{message.lineno}: {key!r}"
    if message.id != french.id:
        problems.append(
            f"{where}: translates {message.id!r}, but the French is now {french.id!r}; "
            "copy the new msgid and review the translation"
        )
    if message.fuzzy:
        problems.append(f"{where}: marked fuzzy; review it, then remove the flag")
    if not message.string.strip():
        problems.append(f"{where}: empty")
        return
    try:
        if placeholders(message.string) != placeholders(french.string):
            problems.append(
                f"{where}: placeholders {sorted(placeholders(message.string))} differ from "
                f"the French {sorted(placeholders(french.string))}"
            )
    except ValueError as error:
        problems.append(f"{where}: not a valid format ({error})")


def read_catalogues(directory: Path = LOCALE_DIR) -> dict[str, Translated]:
    """Every entry of the catalogues under ``directory``, by key, once checked.

    The French file of a domain defines its keys (its msgstr must equal its msgid, the text
    translators see); the Dutch and German files must hold the same keys, translated from the
    same French text, complete, not fuzzy, with the French placeholders.
    """
    problems: list[str] = []
    texts: dict[str, dict[str, str]] = {}
    for domain in DOMAINS:
        paths = {lang: directory / lang / "LC_MESSAGES" / f"{domain}.po" for lang in LANGUAGES}
        entries = {lang: _read(paths[lang], lang, problems) for lang in LANGUAGES}
        for key, french in entries[SOURCE].items():
            if key in texts:
                problems.append(f"{paths[SOURCE]}: the key {key!r} is also in another domain")
                continue
            if french.string != french.id:
                problems.append(
                    f"{paths[SOURCE]}:{french.lineno}: {key!r}: the French msgstr differs from "
                    "its msgid; the msgid is the French text, change both"
                )
            texts[key] = {}
            for lang in LANGUAGES:
                message = entries[lang].get(key)
                if message is None:
                    problems.append(f"{paths[lang]}: {key!r} is missing")
                    continue
                _check(paths[lang], key, message, french, problems)
                texts[key][lang] = message.string
        for lang in LANGUAGES:
            problems.extend(
                f"{paths[lang]}: {key!r} is not in the French catalogue {paths[SOURCE]}"
                for key in entries[lang].keys() - entries[SOURCE].keys()
            )
    if problems:
        raise CatalogueError(problems)
    return {key: Translated(**by_lang) for key, by_lang in texts.items()}


_TEXTS = read_catalogues()
#: Every key of the catalogues.
KEYS = frozenset(_TEXTS)


def translated(key: str) -> Translated:
    """The entry ``key`` in the three languages; a ``KeyError`` names the unknown key."""
    try:
        return _TEXTS[key]
    except KeyError:
        raise KeyError(f"catalogue: no entry {key!r} in {LOCALE_DIR}") from None


def label(key: str, lang: str, **values: Any) -> str:
    """The entry ``key`` in ``lang``, with its ``{name}`` placeholders filled from ``values``."""
    text = translated(key)[lang]
    return text.format(**values) if values else text


def display_code(code: str) -> str:
    """A step code as printed: the minus sign (U+2212) the sources use instead of a hyphen."""
    return step(code).code.replace("-", "\u2212")


def unit_label(name: str, code: str, unit_names: Iterable[str] = ()) -> str:
    """A technical unit as the letters and the portal name it: its name, with the registry's
    code of the unit ("Vestiging Leuven (2)") only where another unit of the enterprise
    (``unit_names``: the names of all its units) bears the same name, case and spaces aside.
    The code is the enterprise's own numbering, which tells the officer nothing otherwise."""
    looks = " ".join(name.split()).casefold()
    alike = sum(" ".join(other.split()).casefold() == looks for other in unit_names)
    return f"{name} ({code})" if alike > 1 else name


def step_title(code: str, lang: str) -> str:
    """The step's short title ("Affichage de l'avis annonçant …") in ``lang``."""
    return label(f"step_title.{step(code).code}", lang)


def step_action(code: str, lang: str) -> str:
    """What happens at the step and what the employer must do, in ``lang``."""
    return label(f"step_action.{step(code).code}", lang)


def phase_name(phase: Phase | str, lang: str) -> str:
    """The phase name (docs/procedure.md#phases) in ``lang``."""
    return label(f"phase_name.{Phase(phase).value}", lang)


def document_name(document: str, lang: str) -> str:
    """A form listed in ``Step.documents`` ("X-60 notice", …), named in ``lang``."""
    return label(f"document_name.{document}", lang)


def body_name(body: str, lang: str) -> str:
    """The consultation body (CPPT or CE) in full, in ``lang``."""
    return label(f"body_name.{body}", lang)


def body_abbreviation(body: str, lang: str) -> str:
    """CPPT/CE as written in ``lang``: CPPT/CE, CPBW/OR, AGS/BR."""
    return label(f"body_abbreviation.{body}", lang)


# The base law and its companion on court appeals (docs/procedure.md#the-laws). Article
# numbers are given only where a source confirms one: art. 3 of the appeals law for X−28 and
# X−5, art. 33 § 1 of the elections law cited for X+35.
_COURT_STEPS = frozenset({"X-28", "X-5", "X+21", "X+52", "X+61", "Y+15", "Y+69", "Y+84", "Y+144"})
_ARTICLES: dict[str, str] = {"X-28": "3", "X-5": "3", "X+35": "33 § 1"}


def legal_basis(code: str, lang: str) -> str:
    """The law a step comes from, with the article where a source confirms one
    (docs/procedure.md#the-laws)."""
    key = step(code).code
    law = label("law.appeals", lang) if key in _COURT_STEPS else label("law.elections", lang)
    article = label("law.article", lang, n=_ARTICLES[key]) if key in _ARTICLES else ""
    return f"{law}, {article}" if article else law


def format_date(day: date, lang: str, format: str = "full") -> str:
    """A date the way a reader of ``lang`` in Belgium writes it (Babel, CLDR data).

    ``format`` is a Babel format name (short, medium, long, full) or pattern; "full" gives
    "lundi 8 mai 2028", "maandag 8 mei 2028", "Montag, 8. Mai 2028".
    """
    return _babel_format_date(day, format=format, locale=LOCALES[check_language(lang)])


def when_phrase(
    kind: StepKind, day: date, lang: str, period_end: date | None = None, format: str = "full"
) -> str:
    """The date of a step worded for its kind, e.g. "au plus tard le lundi 8 mai 2028".

    A deadline is "at the latest", an earliest day "at the earliest", a period spans two days
    (``period_end`` required), a fixed day is just the day (see :class:`StepKind`).
    """
    if kind is StepKind.period:
        if period_end is None:
            raise ValueError("period_end: required for a period step")
        return label(
            "date_span",
            lang,
            first=format_date(day, lang, format),
            last=format_date(period_end, lang, format),
        )
    return label(f"when.{kind.value}", lang, day=format_date(day, lang, format))
