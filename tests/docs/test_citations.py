"""Every fact the code relies on is in the repository: no file cites a document outside it,
and every cited page of docs/ and every anchor in it exists (GitHub's heading anchors)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve()
# The research notes and the design card that the founding sessions read live outside.
OUTSIDE = re.compile(
    r"prefect-notes|reference §|DESIGN\.md|ebox-enterprise-api|shared/reference|\.\./shared"
)
CITED = re.compile(r"(?<![\w/.])docs/([\w-]+\.md)(?:#([\w-]+))?")
LINK = re.compile(r"\]\(([^)\s]*?\.md)?(?:#([\w-]+))?\)")


def repository_texts() -> dict[Path, str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    texts = {}
    for name in listed:
        path = ROOT / name
        if path.is_file() and path.resolve() != THIS:
            try:
                texts[path] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:  # a binary file: nothing cited there
                continue
    return texts


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, seen, fenced = set(), {}, False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        heading = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            base = slug(heading.group(1))
            found.add(base if base not in seen else f"{base}-{seen[base]}")
            seen[base] = seen.get(base, 0) + 1
    return found


def test_no_file_cites_a_document_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path, text in repository_texts().items()
        for number, line in enumerate(text.splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_every_cited_docs_page_and_anchor_exists():
    problems, checked, known = [], 0, {}

    def check(source: Path, number: int, page: Path, anchor: str | None) -> None:
        where = f"{source.relative_to(ROOT)}:{number}"
        if not page.is_file():
            problems.append(f"{where}: no page {page.relative_to(ROOT)}")
        elif (
            anchor and page.suffix == ".md" and anchor not in known.setdefault(page, anchors(page))
        ):
            problems.append(f"{where}: no anchor #{anchor} in {page.relative_to(ROOT)}")

    for path, text in repository_texts().items():
        for number, line in enumerate(text.splitlines(), 1):
            for cited in CITED.finditer(line):
                checked += 1
                check(path, number, ROOT / "docs" / cited.group(1), cited.group(2))
            if path.suffix != ".md":
                continue
            for link in LINK.finditer(line):
                page, anchor = link.group(1), link.group(2)
                if (page and "://" in page) or not (page or anchor):
                    continue
                checked += 1
                check(path, number, (path.parent / page).resolve() if page else path, anchor)
    assert problems == []
    assert checked > 100  # the check itself finds the citations
