"""A copy of the catalogues to break, and a way to change one entry as a translator would."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from procedure.i18n import LOCALE_DIR


def po_file(locale: Path, lang: str, domain: str) -> Path:
    return locale / lang / "LC_MESSAGES" / f"{domain}.po"


def edit_catalogue(path: Path, change: Callable[[Catalog], object]) -> None:
    """Read ``path`` with Babel, let ``change`` alter the catalogue, write it back."""
    with path.open("rb") as file:
        catalog = read_po(file)
    change(catalog)
    with path.open("wb") as file:
        write_po(file, catalog, width=100)


def entry(catalog: Catalog, key: str) -> Message:
    """The entry whose msgctxt is ``key``."""
    return next(message for message in catalog if message.context == key)


@pytest.fixture
def locale_copy(tmp_path) -> Path:
    """The catalogues copied to a temporary directory, to break without touching the real ones."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    return copy
