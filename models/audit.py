"""Append-only audit trail: who did what, when (flow runs, portal logins, deliveries, approvals)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from models.base import timestamp_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field(index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=100, index=True)
    subject: str = Field(default="", max_length=200)
    flow_run_id: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
