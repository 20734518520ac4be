"""Accessible output: tagged PDF/UA-1, document language and title, embedded real text,
logical headings, contrast (AnySurfer / WCAG 2.1 AA, checked at the stricter 7:1)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from models.credentials import generate_password
from procedure.i18n import LANGUAGES
from templates.render import render_batch
from tests.documents.conftest import CUTS, ELECTION_DAY, context, use_cut

CSS = (Path(__file__).parents[2] / "templates" / "documents" / "letter.css").read_text()


def _walk(node):
    """Every structure element under ``node``."""
    stack = [node]
    while stack:
        element = stack.pop()
        yield element
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject):
                target = kid.get_object()
                if target.get("/Type") != "/OBJR":
                    stack.append(target)


@pytest.fixture(
    scope="module",
    params=[(lang, CUTS[0]) for lang in LANGUAGES] + [("de", CUTS[1])],
    ids=lambda p: "-".join(p),
)
def letters(request):
    lang, cut = request.param
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_cut(cut, monkeypatch)
        access = render_batch(
            "access-code", [context(i, language=lang, password=generate_password()) for i in (1, 2)]
        )
        reminder = render_batch(
            "reminder-X-60", [context(i, language=lang, election_day=ELECTION_DAY) for i in (3, 4)]
        )
        phase = render_batch("phase-candidacy", [context(5, language=lang)])
        brochure = render_batch("brochure", [context(6, language=lang)])
    return lang, [*access, *reminder, *phase, *brochure]


def test_every_document_is_a_tagged_pdf_ua_in_its_language(letters):
    lang, documents = letters
    for document in documents:
        reader = PdfReader(io.BytesIO(document.pdf))
        root = reader.trailer["/Root"]
        assert reader.pdf_header == "%PDF-1.7"
        assert root["/MarkInfo"]["/Marked"].value is True
        assert root["/Lang"] == lang
        assert root["/ViewerPreferences"]["/DisplayDocTitle"]
        assert reader.metadata.title.startswith(
            ("Élections sociales 2028", "Sociale verkiezingen 2028", "Sozialwahlen 2028")
        )
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert re.search(r"pdfuaid:part(>|=\")1", xmp)
        tree = root["/StructTreeRoot"]
        document_element = tree["/K"][0].get_object()
        assert document_element["/S"] == "/Document"
        tags = [e["/S"] for e in _walk(document_element)]
        assert tags.count("/H1") == 1, "one h1 per document"
        assert "/H2" in tags and "/P" in tags


def test_every_marked_content_is_in_the_structure_tree(letters):
    _, documents = letters
    for document in documents:
        reader = PdfReader(io.BytesIO(document.pdf))
        tree = reader.trailer["/Root"]["/StructTreeRoot"]
        nums = tree["/ParentTree"]["/Nums"]
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert list(parents) == sorted(parents)
        for page in reader.pages:
            content = page.get_contents().get_data().decode("latin-1")
            mcids = {int(m) for m in re.findall(r"/MCID (\d+)", content)}
            entry = parents[int(page["/StructParents"])]
            assert len(entry) >= len(mcids)
            for annotation in page.get("/Annots", []):
                assert int(annotation.get_object()["/StructParent"]) in parents


def test_text_is_real_text_in_embedded_fonts_without_images(letters):
    _, documents = letters
    for document in documents:
        reader = PdfReader(io.BytesIO(document.pdf))
        for page in reader.pages:
            resources = page["/Resources"]
            xobjects = resources.get("/XObject", {})
            assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
            for font in resources["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"]
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
                assert "DejaVu" in font["/BaseFont"]
                assert "/ToUnicode" in font  # so copied or read-aloud text is the real text


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_keeps_a_contrast_of_seven_to_one():
    palette = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", CSS))
    assert set(palette) >= {"text", "heading", "muted", "box", "alert"}
    # Colours are only used through the palette.
    assert not re.findall(r"(?<!--[a-z]{3}: )#[0-9a-f]{3,6}\b", CSS.split("}", 1)[1])
    for ink in ("text", "heading", "muted", "alert"):
        for paper in ("#ffffff", palette["box"]):
            assert _contrast(palette[ink], paper) >= 7, (ink, paper)
