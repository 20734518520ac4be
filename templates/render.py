"""Rendering documents to PDF: Jinja2 → HTML → one WeasyPrint layout per batch → one PDF each.

Why batches: the layout costs the same per page either way, but every separate WeasyPrint
document pays for its own set-up (HTML parsing, the style cascade) and every PDF written for
its font subsetting: little with HarfBuzz's subsetter, many times more when WeasyPrint falls
back to fontTools because ``libharfbuzz-subset0`` is missing
(docs/performance.md#font-subsetting). A batch is laid out once; :func:`_cut` then writes one
PDF per letter from that layout (HarfBuzz) or writes the batch once and cuts it with pypdf
(fontTools, :mod:`templates.pdfsplit`), whichever costs less on the host.

Isolation: every document of a batch starts on a new page (``letter.css``) and carries an
anchor; the cut follows those anchors exactly, and a batch where a document did not start on
its own page is refused. A letter therefore never holds another dossier's page, nor the
outline or named destinations of other pages.

Accessibility: PDF/UA-1 (``pdf_variant="pdf/ua-1"``): tagged structure, /Lang from
``<html lang>``, the document title shown by viewers, embedded fonts, real text.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import CSS, HTML, Document
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.text.ffi import harfbuzz
from weasyprint.text.fonts import FontConfiguration

from models.registry import format_enterprise_number
from models.settings import get_settings
from procedure import STEPS, step
from procedure.documents import DocumentKind, Family
from procedure.documents import kind as kind_of
from procedure.i18n import (
    body_abbreviation,
    body_name,
    display_code,
    document_name,
    format_date,
    label,
    legal_basis,
    phase_name,
    step_action,
    step_title,
)
from templates.context import DossierDates, EditionInfo, LetterContext
from templates.pdfsplit import split_pdf

__all__ = [
    "PDF_OPTIONS",
    "RenderError",
    "RenderedDocument",
    "cheap_font_subsetting",
    "render_batch",
]

DOCUMENTS_DIR = Path(__file__).parent / "documents"
#: WeasyPrint options of every render: PDF/UA-1 implies tagging and PDF 1.7.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


class RenderError(ValueError):
    """A batch that cannot be rendered as asked; names the dossier and the rule, never a
    password."""


@dataclass(frozen=True)
class RenderedDocument:
    """One dossier's PDF. ``pdf`` may hold a password: it is left out of ``repr``."""

    dossier_id: int | None
    dossier_number: str
    kind: str
    step_code: str
    language: str
    pdf: bytes = field(repr=False)
    sha256: str
    page_count: int

    @property
    def sha256_base64url(self) -> str:
        """The digest as the e-Box wants it: base64url, RFC 4648 § 5
        (docs/ebox.md#restrictions; Digest.digestValue of the v2.1 specification)."""
        return base64.urlsafe_b64encode(bytes.fromhex(self.sha256)).decode("ascii")


@cache
def jinja_environment() -> Environment:
    """The templates of templates/documents, for the letters and the results report."""
    environment = Environment(
        loader=FileSystemLoader(DOCUMENTS_DIR),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,  # a missing value fails the render, never prints blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return environment


@cache
def letter_stylesheet() -> CSS:
    """The letters' CSS, which the results report builds on."""
    return CSS(filename=DOCUMENTS_DIR / "letter.css", font_config=shared_font_config())


@cache
def shared_font_config() -> FontConfiguration:
    """One font configuration per process: fonts are loaded once."""
    return FontConfiguration()


@cache
def _helpers(lang: str) -> dict[str, Callable[..., Any]]:
    """The functions templates call, bound to one language."""
    return {
        "t": partial(label, lang=lang),
        "fmt": partial(format_date, lang=lang),
        "step_title": partial(step_title, lang=lang),
        "step_action": partial(step_action, lang=lang),
        "legal_basis": partial(legal_basis, lang=lang),
        "document_name": partial(document_name, lang=lang),
        "phase_name": partial(phase_name, lang=lang),
        "body_name": partial(body_name, lang=lang),
        "body_abbreviation": partial(body_abbreviation, lang=lang),
        "display_code": display_code,
        "catalogue_step": step,
        "enterprise_number": format_enterprise_number,
        "steps_with_reminder": [s for s in STEPS if s.reminder],
    }


#: The name of each family in the title of its PDFs: the portal's name of the family, but a
#: shorter one for the access-code letter and the phase notice.
_TITLE_KEYS: dict[str, str] = {
    Family.access_code: "title_access_code",
    Family.reminder: "kind.reminder",
    Family.late_notice: "kind.late_notice",
    Family.phase_notice: "title_phase_notice",
    Family.brochure: "kind.brochure",
}


def _document_title(kind: DocumentKind, lang: str, edition: EditionInfo) -> str:
    family = label(_TITLE_KEYS[kind.family], lang)
    title = f"{label('social_elections', lang)} {edition.year} – {family}"
    about = kind.title(lang)
    return label("title_about", lang, title=title, about=about) if about else title


def _check(kind: DocumentKind, contexts: Sequence[LetterContext]) -> None:
    for context in contexts:
        has_password = bool(context.password)
        if kind.carries_credential and not has_password:
            raise RenderError(
                f"dossier {context.dossier_number}: password: required for a {kind.code} letter"
            )
        if has_password and not kind.carries_credential:
            raise RenderError(
                f"dossier {context.dossier_number}: password: a {kind.code} document must not "
                "carry a credential"
            )


def _article(
    kind: DocumentKind,
    lang: str,
    index: int,
    context: LetterContext | None,
    edition: EditionInfo,
    portal_url: str,
) -> Markup:
    values: dict[str, Any] = {
        **_helpers(lang),
        "kind": kind,
        "lang": lang,
        "index": index,
        "edition": edition,
        "step": kind.step,
        "phase": kind.phase,
        "portal_url": portal_url,
        "specimen": bool(context and context.specimen),
    }
    if context is not None:  # generic documents never see a dossier
        values |= {"c": context, "d": DossierDates(context)}
    template = jinja_environment().get_template(f"{lang}/{kind.family}.html.j2")
    # The template autoescapes every value, so its output is safe HTML to embed as is.
    return Markup(template.render(values))  # noqa: S704


def _layout(
    kind: DocumentKind,
    lang: str,
    edition: EditionInfo,
    articles: list[Markup],
    options: dict[str, Any],
) -> tuple[Document, list[tuple[int, int]]]:
    """One WeasyPrint layout of ``articles``; returns it and each article's page range."""
    html = (
        jinja_environment()
        .get_template("_document.html.j2")
        .render(
            lang=lang,
            title=_document_title(kind, lang, edition),
            articles=articles,
            t=partial(label, lang=lang),
        )
    )
    document = HTML(string=html, base_url=str(DOCUMENTS_DIR)).render(
        stylesheets=[letter_stylesheet()], font_config=shared_font_config(), **options
    )
    starts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("doc-"):
                starts.setdefault(int(anchor[4:]), number)
    first_pages = [starts.get(i, -1) for i in range(len(articles))]
    if first_pages[:1] != [0] or any(b <= a for a, b in pairwise(first_pages)):
        # Each document must start on a fresh page, in order: otherwise a cut would mix two.
        raise RenderError(f"{kind.code}: documents of the batch do not start on their own page")
    return document, list(pairwise([*first_pages, len(document.pages)]))


def cheap_font_subsetting() -> bool:
    """True when WeasyPrint subsets fonts with HarfBuzz rather than with fontTools.

    WeasyPrint (``weasyprint/pdf/fonts.py``) uses HarfBuzz's subsetter when
    ``libharfbuzz-subset`` 4.1 or later loads, else fontTools; the font work per PDF written is
    then a small fraction of fontTools' (docs/performance.md#font-subsetting).
    """
    subsetter = getattr(weasyprint_fonts, "harfbuzz_subset", None)
    return bool(subsetter) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _cut(document: Document, ranges: list[tuple[int, int]], options: dict[str, Any]) -> list[bytes]:
    """One PDF per page range, by the cheaper way on this host.

    Either way the batch is laid out once. With HarfBuzz, writing each letter from the shared
    layout (``Document.copy``) costs less CPU than writing one big PDF and cutting it, and gives
    smaller files, each with WeasyPrint's own tags (docs/performance.md#copy-or-cut). With
    fontTools, each written PDF would pay a costly font subsetting, so the batch is written once
    and cut with pypdf (:mod:`templates.pdfsplit`).
    """
    if len(ranges) == 1:  # a layout of one document is that document: nothing to cut
        return [document.write_pdf(**options)]
    if cheap_font_subsetting():
        return [document.copy(document.pages[a:b]).write_pdf(**options) for a, b in ranges]
    return split_pdf(document.write_pdf(**options), ranges)


def _rendered(
    kind: DocumentKind, context: LetterContext, lang: str, pdf: bytes, pages: int
) -> RenderedDocument:
    return RenderedDocument(
        dossier_id=context.dossier_id,
        dossier_number=context.dossier_number,
        kind=kind.code,
        step_code=kind.step_code,
        language=lang,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        page_count=pages,
    )


# WeasyPrint and the native font code under it (Pango, HarfBuzz subsetting, the shared font
# configuration) are not thread-safe: two renders in two threads of one process corrupt the
# heap (seen here: "realloc(): invalid next size", SIGABRT). Threads would not render faster
# anyway (the GIL); parallel rendering uses processes (flows/runner.py).
WEASYPRINT_LOCK = threading.Lock()


def render_batch(
    kind: DocumentKind | str,
    contexts: Sequence[LetterContext],
    *,
    portal_url: str | None = None,
    pdf_options: dict[str, Any] | None = None,
) -> list[RenderedDocument]:
    """Render ``kind`` for every context: one WeasyPrint render per language and edition (per
    :data:`LETTERS_PER_LAYOUT` letters of them when HarfBuzz subsets fonts).

    Returns one :class:`RenderedDocument` per context, in the order given. A kind that is not
    personalised (the brochure) is rendered once per language and edition and shared.
    ``pdf_options`` adds WeasyPrint options to :data:`PDF_OPTIONS` (bench/render.py measures
    their cost). Raises :class:`RenderError` (a ``ValueError``) on a password where none
    belongs, or a missing one on a credential letter; nothing is rendered then.
    """
    document_kind = kind_of(kind)
    options = {**PDF_OPTIONS, **(pdf_options or {})}
    _check(document_kind, contexts)
    portal_url = portal_url or get_settings().portal_url
    groups: dict[tuple[str, EditionInfo], list[int]] = {}
    for position, context in enumerate(contexts):
        groups.setdefault((context.language, context.edition), []).append(position)
    results: list[RenderedDocument | None] = [None] * len(contexts)
    with WEASYPRINT_LOCK, _fewer_collections():
        _render_groups(document_kind, contexts, groups, portal_url, options, results)
    return [r for r in results if r is not None]


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while WeasyPrint lays out a batch.

    A layout creates and drops hundreds of thousands of small objects (boxes, computed
    styles); at Python's default threshold (700 allocations) the collector runs thousands of
    times per batch, each time also walking the fonts and templates that stay alive. Collecting
    every 50,000 allocations instead saves CPU per letter (docs/performance.md#garbage-collector).
    Reference counting still frees the layout as it goes; the threshold only delays the
    collection of reference cycles.
    """
    previous = gc.get_threshold()
    gc.set_threshold(50_000, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _render_groups(
    document_kind: DocumentKind,
    contexts: Sequence[LetterContext],
    groups: dict[tuple[str, EditionInfo], list[int]],
    portal_url: str,
    options: dict[str, Any],
    results: list[RenderedDocument | None],
) -> None:
    for (lang, edition), group in groups.items():
        if document_kind.personalised:
            for positions in _layouts_of(group):
                articles = [
                    _article(document_kind, lang, i, contexts[p], edition, portal_url)
                    for i, p in enumerate(positions)
                ]
                document, ranges = _layout(document_kind, lang, edition, articles, options)
                pdfs = _cut(document, ranges, options)
                pages = [end - start for start, end in ranges]
                _collect(document_kind, contexts, lang, positions, pdfs, pages, results)
        else:
            article = _article(document_kind, lang, 0, None, edition, portal_url)
            document, ranges = _layout(document_kind, lang, edition, [article], options)
            pdfs = _cut(document, ranges, options) * len(group)
            _collect(
                document_kind,
                contexts,
                lang,
                group,
                pdfs,
                [len(document.pages)] * len(group),
                results,
            )


# Letters laid out together when each is written from the layout (HarfBuzz): the layout of a
# render is held in memory until its last letter is written. 20 hold a fraction of what 200 did,
# for the same CPU per letter; 10 cost more (docs/performance.md#letters-per-layout).
LETTERS_PER_LAYOUT = 20


def _layouts_of(positions: list[int]) -> list[list[int]]:
    """The letters of a group, split into the renders that lay them out.

    With fontTools subsetting every written PDF pays dearly (docs/performance.md#font-subsetting),
    so the whole group is laid out and written once (then cut with pypdf); with HarfBuzz,
    renders of LETTERS_PER_LAYOUT.
    """
    if not cheap_font_subsetting():
        return [positions]
    return [
        positions[i : i + LETTERS_PER_LAYOUT] for i in range(0, len(positions), LETTERS_PER_LAYOUT)
    ]


def _collect(
    document_kind: DocumentKind,
    contexts: Sequence[LetterContext],
    lang: str,
    positions: list[int],
    pdfs: list[bytes],
    pages: list[int],
    results: list[RenderedDocument | None],
) -> None:
    for position, one_pdf, count in zip(positions, pdfs, pages, strict=True):
        results[position] = _rendered(document_kind, contexts[position], lang, one_pdf, count)
