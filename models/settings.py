"""Settings of socelec, read from the environment (prefix ``SOCELEC_``) or a ``.env`` file.

One object serves every part (CLI, flows, portal, sandbox) so the same code talks to SQLite or
PostgreSQL, to the e-Box sandbox or the real e-Box, by configuration alone.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, computed_field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCELEC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Where the default SQLite files, outbox exports and keys live.",
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
        description="Key for signing portal sessions and encrypting outbox secrets; "
        "generated into data_dir on first use when unset.",
    )

    @field_validator("approvers", mode="before")
    @classmethod
    def _approver_list(cls, value):
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
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
