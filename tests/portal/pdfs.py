"""PDFs for the evidence tests: a notice as WeasyPrint writes the letters, blank ones built with
pypdf, and each kind of file the portal must refuse (encrypted, too big, too long, with a
script, a launch action or an attached file), built as an attacker would write them."""

from __future__ import annotations

import io
from functools import cache

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

SCRIPT = "app.alert('hello')"


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return _bytes(writer)


@cache
def notice_pdf(title: str = "Avis X−60") -> bytes:
    """A one-page notice rendered by WeasyPrint, the way socelec writes its own letters."""
    from weasyprint import HTML

    return HTML(
        string=f"<html lang='fr'><title>{title}</title><h1>{title}</h1><p>Affiché le 10 "
        "décembre 2027.</p><p><a href='https://emploi.belgique.be/'>SPF Emploi</a></p></html>"
    ).write_pdf(pdf_variant="pdf/ua-1")


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action")})
    action[NameObject("/S")] = NameObject(kind)
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def document_javascript_pdf() -> bytes:
    """Document-level JavaScript: the names tree's /JavaScript, run when the file opens."""
    writer = _one_page()
    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [
                    TextStringObject("greeting"),
                    writer._add_object(_action("/JavaScript", JS=SCRIPT)),
                ]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _bytes(writer)


def annotation_javascript_pdf() -> bytes:
    """A link on page 1 whose action is JavaScript, run on a click."""
    writer = _one_page()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 200, 80)]),
            NameObject("/A"): _action("/JavaScript", JS=SCRIPT),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _bytes(writer)


def launch_pdf() -> bytes:
    """An opening action that launches a program."""
    writer = _one_page()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/Launch", F="C:\\Windows\\System32\\calc.exe")
    )
    return _bytes(writer)


def embedded_file_pdf() -> bytes:
    writer = _one_page()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return _bytes(writer)


def encrypted_pdf() -> bytes:
    """Encrypted with an empty user password: a reader opens it without asking, yet its
    bytes are not the text an auditor could read."""
    writer = _one_page()
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    return _bytes(writer)


def large_pdf(size: int) -> bytes:
    """A valid one-page PDF of at least ``size`` bytes: its page's content is one long comment."""
    writer = _one_page()
    contents = StreamObject()
    contents.set_data(b"%" + b"x" * size + b"\n")
    page = writer.pages[0]
    page[NameObject("/Contents")] = writer._add_object(contents)
    page[NameObject("/Rotate")] = NumberObject(0)
    return _bytes(writer)


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand, object ``n`` being ``objects[n - 1]``, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def disguised_javascript_pdf() -> bytes:
    """JavaScript whose names are written with #-escapes (§ 7.3.5): "/J#61vaScript" is
    /JavaScript to every reader, but the bytes never spell "/JavaScript" or "/JS"."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    )
