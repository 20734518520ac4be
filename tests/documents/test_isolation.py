"""A letter never contains another dossier's data, though a batch renders them together."""

import io

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from models.credentials import generate_password
from templates.render import render_batch
from tests.documents.conftest import ELECTION_DAY, context, pdf_text, use_cut


def _struct_pages(reader: PdfReader) -> set[int]:
    """Object numbers of every page the structure tree points at."""
    pages: set[int] = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if "/Pg" in node:
            pages.add(node.raw_get("/Pg").idnum)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject):
                stack.append(kid.get_object())
    return pages


def test_each_split_letter_holds_its_own_dossier_and_nobody_elses(cut):
    contexts = [
        context(
            i,
            language="fr",
            password=generate_password(),
            election_day=ELECTION_DAY if i % 2 else None,
        )
        for i in range(1, 9)
    ]
    documents = render_batch("access-code", contexts)
    texts = [pdf_text(d.pdf) for d in documents]
    for i, (text, ctx) in enumerate(zip(texts, contexts, strict=True)):
        assert ctx.dossier_number in text and ctx.password in text
        assert ctx.enterprise_name in text and ctx.unit_name in text
        for j, other in enumerate(contexts):
            if j != i:
                for secret in (
                    other.password,
                    other.dossier_number,
                    other.enterprise_name,
                    other.unit_name,
                ):
                    assert secret not in text, f"letter {i} shows dossier {j}'s {secret!r}"


def test_a_split_letter_carries_only_its_pages_and_no_batch_navigation(cut):
    contexts = [context(i, password=generate_password()) for i in range(1, 5)]
    documents = render_batch("access-code", contexts)
    for document in documents:
        reader = PdfReader(io.BytesIO(document.pdf))
        own_pages = {p.indirect_reference.idnum for p in reader.pages}
        assert len(own_pages) == document.page_count
        assert _struct_pages(reader) <= own_pages
        root = reader.trailer["/Root"]
        assert "/Outlines" not in root
        for destination in reader.named_destinations.values():  # only its own anchors
            assert destination.page.idnum in own_pages
        title = reader.metadata.title
        assert title == "Élections sociales 2028 – Codes d'accès"
        # The batch is one document; the split must not have kept the others' pages around.
        assert len(reader.pages) == 1
    assert len({d.sha256 for d in documents}) == len(documents)


def test_letters_laid_out_in_several_renders_stay_in_order_and_apart(monkeypatch):
    """With HarfBuzz a batch is laid out LETTERS_PER_LAYOUT letters at a time (memory): the
    letters across those renders, and across languages, come back in the order given."""
    use_cut("write-per-letter", monkeypatch)
    monkeypatch.setattr("templates.render.LETTERS_PER_LAYOUT", 3)
    contexts = [
        context(i, language=("fr", "nl")[i % 3 == 0], password=generate_password())
        for i in range(1, 10)
    ]
    documents = render_batch("access-code", contexts)
    assert [d.language for d in documents] == [c.language for c in contexts]
    for document, ctx in zip(documents, contexts, strict=True):
        text = pdf_text(document.pdf)
        assert ctx.dossier_number in text and ctx.password in text
        others = [c.dossier_number for c in contexts if c is not ctx]
        assert not [number for number in others if number in text]
