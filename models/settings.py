"""Settings of socelec's core, read from the environment (prefix ``SOCELEC_``) or a ``.env``
file: the database, the data directory, the outbox, the documents, the uploaded evidence and the
delivery.

One object (:func:`get_settings`, read once per process) so the same code talks to SQLite or
PostgreSQL, renders in processes or threads, and keeps its keys where it is told, by
configuration alone. The programs beside the core keep their own settings: the e-Box adapter
(``SOCELEC_EBOX_*``), its sandbox (``SOCELEC_SANDBOX_*``) and the portal (``SOCELEC_PORTAL_*``).
A test that changes the environment clears the cache (``get_settings.cache_clear()``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, computed_field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCELEC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Where the default SQLite file, generated keys, print batches and "
        "specimen letters live.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of socelec's database; default: a SQLite file in data_dir.",
    )
    # Reading the CSV of a whole country fits in memory many times over; a bigger file is a mistake.
    registry_max_bytes: int = 50 * 1024 * 1024
    # A worker's claim on outbox rows; after it expires another worker may send them (the
    # e-Box idempotency key makes that a 409, not a second message).
    delivery_lease_seconds: int = Field(default=300, ge=5)
    # Working days of the company after a step's date before a dossier that has not shown the
    # step done gets its late notice (procedure.mailings).
    late_notice_after_days: int = Field(default=2, ge=0, le=30)
    # Answers a row may get (every answer counts, errors included) before it stays failed.
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)
    # All runs and workers together: e-Box publications in flight, and started per second
    # (Prefect global concurrency limits, created by `socelec serve` or `socelec ebox-limits`).
    ebox_max_in_flight: int = Field(default=16, ge=1, le=1000)
    ebox_max_per_second: int = Field(default=100, ge=1, le=10_000)
    # How long a write waits for another connection's lock on the SQLite file (another worker,
    # a backup, an sqlite3 shell) before it fails with models.db.DatabaseLocked.
    sqlite_busy_timeout: float = Field(default=30, gt=0, le=3600)
    # Four eyes: a deployment run (the Prefect UI) may skip the approval of a national mailing
    # only on a machine configured for training or demos.
    allow_unapproved_mailing: bool = False
    # Who may release a mailing of credential letters (comma-separated names, as the reverse
    # proxy in front of the Prefect UI identifies staff). The requester never approves.
    approvers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # A print batch of access-code letters holds passwords in clear: its file is deleted this many
    # days after it was written (redeliver does it), once the post has had it.
    print_batch_retention_days: int = Field(default=30, ge=1)
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key signing the portal's session cookies (the same on every portal "
        "process); generated into data_dir on first use when unset.",
    )
    outbox_key: SecretStr | None = Field(
        default=None,
        description="Fernet key(s) for credential letters at rest, comma-separated, newest "
        "first; generated into data_dir/outbox.key when unset.",
    )
    evidence_dir: Path | None = Field(
        default=None,
        description="Where the notices and PVs officers upload are kept, one file per digest; "
        "unset: in the database (step_document.content).",
    )
    # Printed on every letter: where election officers log in (the FPS web application of 2020
    # and 2024, docs/procedure.md#the-fps-web-application).
    portal_url: str = "https://www.elections-sociales.belgique.be"
    # Render batches run in worker processes, one per core (WeasyPrint holds the GIL); threads
    # for a one-core machine, or tests that measure no throughput.
    task_runner: Literal["processes", "threads"] = "processes"
    render_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)

    @field_validator("approvers", mode="before")
    @classmethod
    def _approver_list(cls, value):
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @field_validator("evidence_dir", mode="before")
    @classmethod
    def _unset_when_empty(cls, value):
        # SOCELEC_EVIDENCE_DIR= (empty) means the database, not the working directory.
        return None if value == "" else value

    @field_validator("portal_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("portal_url: must start with https:// (or http:// for a test)")
        return value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'socelec.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
