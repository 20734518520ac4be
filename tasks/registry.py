"""The registry import as a task, for staff who work in the Prefect UI."""

from __future__ import annotations

import hashlib
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.db import session_scope
from models.registry_file import (
    RegistryFileError,
    RowError,
    parse_registry,
    read_registry_file,
)
from models.registry_import import import_registry
from models.settings import get_settings


class RegistryImportFailed(ValueError):
    """The file was refused; ``errors`` lists every bad row. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            f"{len(errors)} error(s); nothing was imported. First: "
            + "; ".join(str(e) for e in errors[:5])
        )


@task(name="import-registry-file", task_run_name="import-{path}", cache_policy=NO_CACHE)
def import_registry_file(path: str, actor: str) -> dict:
    """Validate and load the file: all rows or none; a re-import changes nothing."""
    file = Path(path)
    try:
        data = read_registry_file(file, get_settings().registry_max_bytes)
        units = parse_registry(data)
    except RegistryFileError as exc:
        raise RegistryImportFailed(exc.errors) from None
    with session_scope() as session:
        report = import_registry(
            session,
            units,
            actor=actor,
            source=(f"{file.name} sha256:{hashlib.sha256(data).hexdigest()[:16]}"),
        )
    return report.as_dict()
