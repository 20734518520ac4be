"""Settings of the e-Box sandbox (prefix ``SOCELEC_SANDBOX_``), and its fault-injection plan."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class FaultPlan(BaseModel):
    """Faults injected on the e-Box API paths (``/REST/ebox/...``), so clients can be tested.

    ``error_rates``: probability per HTTP status of answering it at once, without handling the
    request. ``drop_after_accept``: probability of handling a publication fully (the message is
    stored) and then closing the connection before the 201 is written: the case that makes
    idempotency keys necessary. ``latency_ms``: added before a request, on the share
    ``latency_share`` of them (1: every request; less: latency spikes).
    ``retry_after_seconds``: the Retry-After header of the injected errors whose status is in
    ``retry_after_statuses`` (RFC 9110 § 10.2.3 and RFC 6585 § 4 define it for 503 and 429).
    ``recipient_statuses``: publications to these enterprise numbers always get this status,
    unhandled (a "poison" company: 404, 413, 415, 422, …; 201 is a 201 without messageId).
    """

    error_rates: dict[int, float] = Field(default_factory=dict)
    drop_after_accept: float = Field(default=0.0, ge=0, le=1)
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    latency_share: float = Field(default=1.0, ge=0, le=1)
    retry_after_seconds: int | None = Field(default=None, ge=0, le=3600)
    retry_after_statuses: list[int] = Field(default_factory=lambda: [429, 503])
    recipient_statuses: dict[str, int] = Field(default_factory=dict)
    seed: int | None = None

    @field_validator("error_rates")
    @classmethod
    def _rates(cls, rates: dict[int, float]) -> dict[int, float]:
        for status, rate in rates.items():
            if not 400 <= status <= 599:
                raise ValueError(f"error_rates: {status} is not a 4xx or 5xx status")
            if not 0 <= rate <= 1:
                raise ValueError(f"error_rates[{status}]: a probability between 0 and 1")
        if sum(rates.values()) > 1:
            raise ValueError("error_rates: the probabilities add up to more than 1")
        return rates

    @field_validator("recipient_statuses")
    @classmethod
    def _recipient_statuses(cls, statuses: dict[str, int]) -> dict[str, int]:
        for number, status in statuses.items():
            if status != 201 and not 400 <= status <= 599:
                raise ValueError(f"recipient_statuses[{number}]: 201 or a 4xx or 5xx status")
        return statuses

    @field_validator("retry_after_statuses")
    @classmethod
    def _retry_after_statuses(cls, statuses: list[int]) -> list[int]:
        wrong = [s for s in statuses if s not in (429, 503)]
        if wrong:
            raise ValueError(
                f"retry_after_statuses: {wrong} — Retry-After is sent with 429 or 503 only"
            )
        return statuses

    @model_validator(mode="after")
    def _total(self) -> FaultPlan:
        if sum(self.error_rates.values()) + self.drop_after_accept > 1:
            raise ValueError("error_rates + drop_after_accept add up to more than 1")
        return self


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SOCELEC_SANDBOX_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(
        default=Path("var"),
        validation_alias=AliasChoices("SOCELEC_SANDBOX_DATA_DIR", "SOCELEC_DATA_DIR"),
    )
    database_path: Path | None = Field(
        default=None, description="The sandbox's SQLite file; default data_dir/ebox-sandbox/."
    )
    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token of the admin API; generated into data_dir if unset."
    )
    host: str = "127.0.0.1"
    port: int = 8790
    token_ttl_seconds: int = Field(default=900, ge=10, description="Access-token lifetime.")
    faults: FaultPlan = Field(default_factory=FaultPlan)

    @property
    def home(self) -> Path:
        return self.data_dir / "ebox-sandbox"

    @property
    def effective_database_path(self) -> Path:
        return self.database_path or self.home / "sandbox.db"

    def admin_token_value(self) -> str:
        """The admin token: from the environment, else from (or newly into) a 0600 file."""
        if self.admin_token:
            return self.admin_token.get_secret_value()
        return read_or_create_secret(self.home / "admin-token")


def read_or_create_secret(path: Path) -> str:
    """Read the secret at ``path``, or create it once (0600); atomic when processes race."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(token)
    try:
        os.link(draft, path)  # fails if another process linked its own first
    except FileExistsError:
        token = path.read_text().strip()
    finally:
        draft.unlink()
    return token
