"""Split one tagged (PDF/UA) batch PDF into one PDF per document, keeping the tags.

``render_batch`` uses it where each PDF written pays a costly font subsetting (WeasyPrint
falling back to fontTools, docs/performance.md#font-subsetting): the batch is then written once
and cut here (templates.render).

Why hand-written: pypdf copies pages (``PdfWriter.add_page``) but not the logical structure
tree, and no maintained library splits a tagged PDF. A split that drops the structure tree
loses what makes the letter accessible (headings, tables, reading order, /MarkInfo), and a
split that copies the whole tree leaks every other dossier of the batch into each letter.
So this module rebuilds, for each page range, a structure tree holding exactly the elements
that sit on those pages.

It relies on how WeasyPrint (``weasyprint/pdf/tags.py``) writes tags: one /Document element
whose kids are built page by page, each kid carrying /Pg; a /ParentTree keyed by each page's
/StructParents (MCID → element) and by each link annotation's /StructParent. The catalogue
entries PDF/UA needs (/Lang, /MarkInfo, /ViewerPreferences, /Metadata) are copied; the named
destinations and outline of the batch are not (they point at other dossiers' pages).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

__all__ = ["split_pdf"]

_CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata")


def _name(value: str) -> NameObject:
    return NameObject(value)


class _TreeCopier:
    """Copies the structure elements of some pages of ``reader`` into ``writer``."""

    def __init__(
        self,
        writer: PdfWriter,
        page_map: dict[int, IndirectObject],
        annotation_map: dict[int, IndirectObject],
    ) -> None:
        self.writer = writer
        self.page_map = page_map
        self.annotation_map = annotation_map
        self.element_map: dict[int, IndirectObject] = {}

    def copy(self, element: DictionaryObject, parent: IndirectObject) -> IndirectObject:
        new = DictionaryObject()
        ref = self.writer._add_object(new)
        self.element_map[element.indirect_reference.idnum] = ref
        for key, value in element.items():
            if key not in ("/P", "/K", "/Pg"):
                new[_name(key)] = value.clone(self.writer)
        new[_name("/P")] = parent
        if "/Pg" in element:
            new[_name("/Pg")] = self.page_map[element.raw_get("/Pg").idnum]
        kids = ArrayObject()
        for kid in element.get("/K", ArrayObject()):
            if not isinstance(kid, IndirectObject):
                kids.append(kid)  # a marked-content id on the element's page
                continue
            target = kid.get_object()
            if target.get("/Type") == "/OBJR":  # a link annotation
                kids.append(
                    self.writer._add_object(
                        DictionaryObject(
                            {
                                _name("/Type"): _name("/OBJR"),
                                _name("/Obj"): self.annotation_map[target.raw_get("/Obj").idnum],
                                _name("/Pg"): self.page_map[target.raw_get("/Pg").idnum],
                            }
                        )
                    )
                )
            else:
                kids.append(self.copy(target, ref))
        new[_name("/K")] = kids
        return ref


class _Batch:
    """The parsed batch: its pages, top-level structure elements per page, parent tree."""

    def __init__(self, pdf: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(pdf))
        self.catalog = self.reader.trailer["/Root"]
        page_index = {p.indirect_reference.idnum: i for i, p in enumerate(self.reader.pages)}
        self.top_by_page: dict[int, list[DictionaryObject]] = {}
        self.parent_tree: dict[int, PdfObject] = {}
        tree_root = self.catalog.get("/StructTreeRoot")
        if tree_root is None:
            return
        document = tree_root["/K"][0].get_object()
        for ref in document["/K"]:
            element = ref.get_object()
            page = page_index[element.raw_get("/Pg").idnum]
            self.top_by_page.setdefault(page, []).append(element)
        nums = tree_root["/ParentTree"]["/Nums"]
        self.parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

    def extract(self, start: int, end: int) -> bytes:
        writer = PdfWriter()
        writer.pdf_header = self.reader.pdf_header
        page_map: dict[int, IndirectObject] = {}
        annotation_map: dict[int, IndirectObject] = {}
        for i in range(start, end):
            source = self.reader.pages[i]
            copy = writer.add_page(source)
            if "/StructParents" in source:  # pypdf drops it, as it does not copy the tree
                copy[_name("/StructParents")] = NumberObject(source["/StructParents"])
            page_map[source.indirect_reference.idnum] = copy.indirect_reference
            for old, new in zip(source.get("/Annots", ()), copy.get("/Annots", ()), strict=True):
                annotation_map[old.idnum] = new
        if self.parent_tree:
            self._copy_structure(writer, start, end, page_map, annotation_map)
        catalog = writer._root_object
        for key in _CATALOG_KEYS:
            if key in self.catalog:
                catalog[_name(key)] = self.catalog[key].clone(writer)
        info = self.reader.metadata or {}
        writer.add_metadata({k: v for k, v in info.items() if k in ("/Title", "/Author")})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def _copy_structure(
        self,
        writer: PdfWriter,
        start: int,
        end: int,
        page_map: dict[int, IndirectObject],
        annotation_map: dict[int, IndirectObject],
    ) -> None:
        tree_root = DictionaryObject({_name("/Type"): _name("/StructTreeRoot")})
        root_ref = writer._add_object(tree_root)
        document = DictionaryObject(
            {
                _name("/Type"): _name("/StructElem"),
                _name("/S"): _name("/Document"),
                _name("/P"): root_ref,
            }
        )
        document_ref = writer._add_object(document)
        copier = _TreeCopier(writer, page_map, annotation_map)
        document[_name("/K")] = ArrayObject(
            copier.copy(element, document_ref)
            for page in range(start, end)
            for element in self.top_by_page.get(page, ())
        )
        entries: dict[int, PdfObject] = {}
        for page in range(start, end):
            source = self.reader.pages[page]
            key = int(source["/StructParents"])
            entries[key] = ArrayObject(
                copier.element_map[ref.idnum] for ref in self.parent_tree[key]
            )
            for annotation in source.get("/Annots", ()):
                key = int(annotation.get_object()["/StructParent"])
                entries[key] = copier.element_map[self.parent_tree[key].idnum]
        # A number tree's keys must be sorted (ISO 32000-1, 7.9.7).
        nums = ArrayObject()
        for key in sorted(entries):
            nums += [NumberObject(key), entries[key]]
        tree_root[_name("/K")] = ArrayObject([document_ref])
        tree_root[_name("/ParentTree")] = writer._add_object(
            DictionaryObject({_name("/Nums"): nums})
        )
        writer._root_object[_name("/StructTreeRoot")] = root_ref


def split_pdf(pdf: bytes, page_ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """One PDF per ``(start, end)`` range of pages (end excluded), tags included."""
    batch = _Batch(pdf)
    return [batch.extract(start, end) for start, end in page_ranges]
