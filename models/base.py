"""Shared column helpers for the SQLModel tables."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(
    column: str, values: type[StrEnum], *, name: str, nullable: bool = False
) -> CheckConstraint:
    """A CHECK that ``column`` holds one of the enum's values (or NULL): the database keeps the
    rule the code names (the column stays text, so no native enum type to migrate on
    PostgreSQL)."""
    quoted = ", ".join(f"'{value}'" for value in values)
    allowed = f"{column} IN ({quoted})"
    return CheckConstraint(f"{column} IS NULL OR {allowed}" if nullable else allowed, name=name)


def timestamp_field(*, nullable: bool = False, **kwargs):
    """A timezone-aware timestamp column (UTC); SQLite keeps the text, PostgreSQL a timestamptz."""
    if nullable:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, **kwargs)
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, **kwargs)
