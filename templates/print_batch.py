"""The print batch for recipients the e-Box cannot reach (never logged in: NO_DIGITAL_USER).

Such a company still has to receive its letters, so they go by post: one merged PDF, each
letter preceded by an address sheet laid out for a window envelope. The address sheets of a
whole batch are one WeasyPrint render (each render pays its font work, a page almost nothing:
docs/performance.md#font-subsetting), then pypdf interleaves them with the stored letters.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from procedure.i18n import translated

PRINT_DIR = Path(__file__).parent / "print"

ATTENTION = translated("attention")


@dataclass(frozen=True)
class PrintItem:
    enterprise_name: str
    street: str
    postal_code: str
    city: str
    lang: str
    reference: str  # dossier number and document, so the post room can check the pairing
    letter: bytes

    @property
    def attention(self) -> str:
        return ATTENTION[self.lang]


def address_sheets(items: list[PrintItem]) -> bytes:
    """One page per item, rendered in one pass; Jinja2 escapes every registry value."""
    environment = Environment(
        loader=FileSystemLoader(PRINT_DIR), autoescape=select_autoescape(["html", "j2"])
    )
    html = environment.get_template("address_sheets.html.j2").render(
        lang=items[0].lang, title="Print batch", sheets=items
    )
    return HTML(string=html).write_pdf()


def print_batch(items: list[PrintItem]) -> bytes:
    """Address sheet, letter, address sheet, letter, … in one PDF."""
    if not items:
        raise ValueError("items: a print batch needs at least one letter")
    sheets = PdfReader(io.BytesIO(address_sheets(items)))
    if len(sheets.pages) != len(items):
        raise ValueError(f"address sheets: {len(sheets.pages)} pages for {len(items)} letters")
    writer = PdfWriter()
    for sheet, item in zip(sheets.pages, items, strict=True):
        writer.add_page(sheet)
        writer.append(PdfReader(io.BytesIO(item.letter)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
