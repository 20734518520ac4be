"""The rules an uploaded notice or PV passes before the portal keeps it (pure, no I/O).

What the officer uploads, step by step, is what the employer uploads to the FPS's web
application (docs/procedure.md#the-fps-web-application): the X−60, X−35 and X notices, the
notice of a complete stop or the PV of a partial stop (X+36 to X+79), the election PV (Y); and,
from 2020, the X notice as modified after a complaint or after a court ruling, which socelec
keeps as a later version of the X notice with its reason (:class:`models.evidence.DocumentVariant`).

A file is kept only when it is a PDF that opens, is not encrypted, holds at most
:data:`MAX_PAGES` pages in at most :data:`MAX_BYTES` bytes (socelec's own limits: a notice runs
to a few pages; no source gives the FPS's), and carries no active content: nothing a reader
would run or open by itself (:func:`active_content`). Each refusal is a
:class:`portal.errors.RuleError` naming the form field and a catalogue key, so the page says
which rule the file broke in the officer's language.

The PDF facts cite ISO 32000-1:2008 (PDF 1.7) in Adobe's public copy,
https://opensource.adobe.com/dc-acrobat-sdk-docs/pdfstandards/PDF32000_2008.pdf (§ numbers
below).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from models.evidence import DocumentVariant
from models.registry_file import HIDDEN_CATEGORIES
from portal.errors import RuleError

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 50
MAX_REASON = 500  # StepDocument.reason's length
MAX_FILE_NAME = 200  # within StepDocument.file_name's 255, room for a browser's long names

#: The form fields a refusal names.
DOCUMENT_FIELD = "document"
VARIANT_FIELD = "variant"
REASON_FIELD = "reason"

#: What the officer uploads at each step, as the step catalogue names it (``Step.documents``
#: of procedure/steps.py; the steps of ``procedure.step_state.EVIDENCE`` that take an upload).
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "X-60": ("X-60 notice",),
    "X-35": ("X-35 notice",),
    "X": ("X notice",),
    "X+36": ("complete stop notice", "partial stop PV"),
    "Y": ("election PV",),
}
#: The later texts of the X notice (docs/procedure.md#the-fps-web-application, "Added in
#: 2020"), named as the catalogue names the X+14 and X+28 documents.
X_NOTICE_STEP = "X"
VARIANT_DOCUMENTS: dict[str, str] = {
    DocumentVariant.after_complaint: "X notice corrected after a complaint",
    DocumentVariant.after_ruling: "X notice corrected after a court ruling",
}


def too_large() -> RuleError:
    """The refusal of a file over :data:`MAX_BYTES` (the portal stops reading one there)."""
    return RuleError(DOCUMENT_FIELD, "evidence.error.too_large", max_mb=MAX_BYTES // 2**20)


def check_pdf(data: bytes) -> int:
    """The page count of ``data`` if it is a PDF the portal keeps, else a :class:`RuleError`
    on the document field naming the first rule it breaks, in this order: size, a PDF that
    opens, not encrypted, pages, active content (:func:`active_content`)."""
    if len(data) > MAX_BYTES:
        raise too_large()
    # § 7.5.2: a PDF starts with its header. Checked at byte 0, stricter than readers that
    # look further: a file that is also something else (HTML, ZIP) is no notice.
    if not data.startswith(b"%PDF-"):
        raise RuleError(DOCUMENT_FIELD, "evidence.error.not_pdf")
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted  # § 7.6: an /Encrypt entry in the trailer
        pages = 0 if encrypted else len(reader.pages)
        found = None if encrypted or pages > MAX_PAGES else active_content(reader)
    except Exception as error:  # pypdf raises anything on a broken file: it is no PDF to keep
        raise RuleError(DOCUMENT_FIELD, "evidence.error.not_pdf", detail=str(error)) from error
    if encrypted:
        raise RuleError(DOCUMENT_FIELD, "evidence.error.encrypted")
    if pages == 0:
        raise RuleError(DOCUMENT_FIELD, "evidence.error.not_pdf", detail="no page")
    if pages > MAX_PAGES:
        raise RuleError(
            DOCUMENT_FIELD, "evidence.error.too_many_pages", pages=pages, max_pages=MAX_PAGES
        )
    if found is not None:
        raise found
    return pages


def active_content(reader: PdfReader) -> RuleError | None:
    """The refusal of the document's first active content, with where it was found (the keys
    that lead to it from the catalog: ``where="/Root/Names/JavaScript"``), or None.

    Every dictionary reachable from the document catalog is read as pypdf parses it (names
    decoded, so ``/J#61vaScript`` is ``/JavaScript``; objects inside compressed object streams
    too), not by searching the bytes. That covers the places the spec puts actions and files:
    the catalog's /OpenAction and /AA, the names tree's /JavaScript and /EmbeddedFiles, pages'
    /AA, annotations' /A and /AA, form fields, bookmarks, and each action's /Next. Refused:

    - JavaScript: an action whose /S is /JavaScript or that carries a /JS script (§ 12.6.4.16;
      a rendition action's /JS, § 12.6.4.13), the names tree's /JavaScript (§ 7.7.4), and an
      XFA form (/XFA, § 12.7.8), whose packets carry scripts pypdf does not read;
    - a launch action (/S /Launch, § 12.6.4.5), which opens another file or program;
    - an embedded file: the names tree's /EmbeddedFiles (§ 7.7.4), a file specification's /EF
      or an embedded file stream (§ 7.11.3, 7.11.4), a file attachment annotation
      (§ 12.5.6.15).
    """
    for where, node in _dictionaries(reader.trailer.raw_get("/Root")):
        action = _name(node, "/S")
        subtype = _name(node, "/Subtype")
        if "/JS" in node or "/JavaScript" in node or "/XFA" in node or action == "/JavaScript":
            return RuleError(DOCUMENT_FIELD, "evidence.error.javascript", where=where)
        if action == "/Launch":
            return RuleError(DOCUMENT_FIELD, "evidence.error.launch", where=where)
        if (
            "/EmbeddedFiles" in node
            or "/EF" in node
            or _name(node, "/Type") == "/EmbeddedFile"
            or subtype == "/FileAttachment"
        ):
            return RuleError(DOCUMENT_FIELD, "evidence.error.embedded_file", where=where)
    return None


def _dictionaries(root) -> Iterator[tuple[str, DictionaryObject]]:
    """Each dictionary reachable from ``root`` once, with the keys that led to it
    ("/Root/Names/JavaScript"). Iterative, so a deep or cyclic file cannot exhaust the stack."""
    seen: set[int] = set()
    stack = [("/Root", root)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, IndirectObject):
            value = value.get_object()
        if not isinstance(value, DictionaryObject | ArrayObject) or id(value) in seen:
            continue
        seen.add(id(value))  # pypdf resolves each object once, so its id stands for it
        if isinstance(value, DictionaryObject):
            yield where, value
            children = [(f"{where}/{key[1:]}", child) for key, child in dict.items(value)]
        else:
            children = [(f"{where}[{i}]", child) for i, child in enumerate(list.__iter__(value))]
        stack.extend(reversed(children))


def _name(node: DictionaryObject, key: str) -> str | None:
    value = node.get(key)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return value if isinstance(value, str) else None


def check_version(code: str, variant: str, reason: str, earlier: int) -> tuple[str, str]:
    """The variant and the reason (spaces folded) of a new version of step ``code``'s
    document, after ``earlier`` versions; else a :class:`RuleError`.

    Only the X notice has modified texts, and they follow a first upload of it. Every version
    after the first says why it was sent again (a corrected scan, the text after the complaint).
    """
    if variant not in tuple(DocumentVariant):
        raise RuleError(VARIANT_FIELD, "evidence.error.variant")
    if variant != DocumentVariant.original and code != X_NOTICE_STEP:
        raise RuleError(VARIANT_FIELD, "evidence.error.variant")
    if variant != DocumentVariant.original and earlier == 0:
        raise RuleError(VARIANT_FIELD, "evidence.error.variant_first")
    reason = " ".join(reason.split())
    if earlier and not reason:
        raise RuleError(REASON_FIELD, "evidence.error.reason_required")
    if len(reason) > MAX_REASON:
        raise RuleError(REASON_FIELD, "evidence.error.reason_too_long", max=MAX_REASON)
    if any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in reason):
        raise RuleError(REASON_FIELD, "evidence.error.reason_hidden")
    return variant, reason


def document_names(code: str, variant: str = DocumentVariant.original) -> tuple[str, ...]:
    """The catalogue's names of the document a version of step ``code`` is."""
    if variant in VARIANT_DOCUMENTS:
        return (VARIANT_DOCUMENTS[variant],)
    return DOCUMENTS[code]


def safe_file_name(name: str) -> str:
    """The name a document is kept and offered under: the last part of what the browser sent
    (some send a whole path), without control or invisible characters (a bidi override would
    show "fdp.exe" as "exe.pdf"), quotes or characters no file system takes, at most
    :data:`MAX_FILE_NAME` characters, ending in ``.pdf`` (the bytes are a PDF, whatever the
    name said); "document.pdf" when nothing is left."""
    base = re.split(r"[\\/]", name)[-1]
    kept = "".join(
        c for c in base if unicodedata.category(c) not in HIDDEN_CATEGORIES and c not in '"<>:|?*'
    )
    kept = " ".join(kept.split()).strip(". ")
    stem = kept[:-4] if kept.lower().endswith(".pdf") else kept
    stem = stem[: MAX_FILE_NAME - 4].rstrip(". ") or "document"
    return f"{stem}.pdf"


def content_disposition(name: str) -> str:
    """``attachment`` with ``name`` twice (RFC 6266 § 4.3,
    https://www.rfc-editor.org/rfc/rfc6266#section-4.3): an ASCII ``filename`` for old clients
    and the exact name as UTF-8 in ``filename*`` (RFC 8187,
    https://www.rfc-editor.org/rfc/rfc8187), which browsers prefer."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._")
    if not ascii_name.lower().endswith(".pdf"):
        ascii_name = "document.pdf"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
