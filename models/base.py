"""Shared column helpers for the SQLModel tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_field(*, nullable: bool = False, **kwargs):
    """A timezone-aware timestamp column (UTC); SQLite keeps the text, PostgreSQL a timestamptz."""
    if nullable:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, **kwargs)
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, **kwargs)
