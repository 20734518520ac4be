"""The four-eyes release of a mailing of credential letters, recorded in socelec's database.

A campaign run counts the access-code letters waiting in the outbox and records that review as
a :class:`MailingApproval` (status ``requested``) with one :class:`ApprovalCoverage` row per
letter counted, the letter's digest included. A second person then approves or refuses it.
Delivery sends a credential letter only when an approved approval covers that row *with the
digest it has now* (:mod:`models.approvals`): a letter rendered after the review, or rendered
again since, waits for the next approval, whichever flow asks to send it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from models.base import one_of, timestamp_field


class ApprovalStatus(StrEnum):
    requested = "requested"  # the review is recorded; the second person has not answered
    approved = "approved"
    refused = "refused"


class MailingApproval(SQLModel, table=True):
    __tablename__ = "mailing_approval"
    __table_args__ = (one_of("status", ApprovalStatus, name="ck_mailing_approval_status"),)

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="RESTRICT")
    # The run that made the review; a resumed run finds its review again by this id.
    flow_run_id: str = Field(default="", max_length=64, index=True)
    requested_by: str = Field(max_length=200)
    requested_at: datetime = timestamp_field()
    status: str = Field(default=ApprovalStatus.requested, max_length=10)
    approver: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = timestamp_field(nullable=True)
    comment: str = Field(default="", max_length=500)
    # ``yes=True`` (scripts, demo, tests, or a machine that allows it): no second person.
    skipped: bool = False
    # What the reviewer saw: letters per kind, language, body (models.approvals.review_counts).
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    letters: int = 0


class ApprovalCoverage(SQLModel, table=True):
    """One letter an approval covers, as it was when counted (its digest)."""

    __tablename__ = "approval_delivery"

    approval_id: int = Field(
        foreign_key="mailing_approval.id", primary_key=True, ondelete="CASCADE"
    )
    delivery_id: int = Field(
        foreign_key="delivery.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    digest: str = Field(max_length=100)
