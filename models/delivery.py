"""The outbox: one row per document the FPS sends to one dossier at one step.

The unique constraint on (dossier, document kind, step) is what makes a second send
impossible: a flow that runs again finds the row and skips or resumes it. The idempotency
key, derived from the same triple, makes a retried HTTP request harmless at the e-Box side.
"""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.base import one_of, timestamp_field

if TYPE_CHECKING:
    from models.dossier import Dossier


class DeliveryState(StrEnum):
    """Where one outbox row stands: pending → rendered → sent | non_digital | rejected | failed,
    or held for staff."""

    pending = "pending"
    rendered = "rendered"
    sent = "sent"  # the e-Box took it (201, or 409: it had it already)
    non_digital = "non_digital"  # taken, but the company never opened its e-Box: to the post
    rejected = "rejected"  # the e-Box refused it (400): final
    failed = "failed"  # no usable answer yet: tried again, up to the maximum of attempts
    # Not sent, waiting for staff: its own data breaks a rule, or the e-Box already holds
    # another letter under its key; `socelec outbox release` sends it once the cause is fixed.
    held = "held"


DELIVERY_STATES = tuple(DeliveryState)
#: A delivery in one of these states needs no further send.
FINAL_STATES = frozenset({DeliveryState.sent, DeliveryState.non_digital, DeliveryState.rejected})
#: The states a worker may claim a row in.
UNSENT_STATES = (DeliveryState.rendered, DeliveryState.failed)
#: The states staff look at: the letters that did not go.
PROBLEM_STATES = (DeliveryState.held, DeliveryState.rejected, DeliveryState.failed)


class Delivery(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("dossier_id", "document_kind", "step_code", name="uq_delivery_once"),
        one_of("state", DeliveryState, name="ck_delivery_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="RESTRICT")
    document_kind: str = Field(max_length=40)
    # The catalogue step the document is about ("X-60", "Y+2"), or the campaign ("access-code").
    step_code: str = Field(max_length=20)
    state: str = Field(default=DeliveryState.pending, max_length=12, index=True)
    idempotency_key: str = Field(unique=True, max_length=100)
    language: str = Field(default="", max_length=2)
    pdf: bytes | None = Field(default=None, sa_type=LargeBinary)
    pdf_encrypted: bool = False
    digest: str | None = Field(default=None, max_length=100)
    page_count: int | None = None
    message_id: str | None = Field(default=None, max_length=100)
    # The subject the message bears in the e-Box, as published: the portal shows it as is, so
    # an officer searching their e-Box for it finds it.
    subject: str | None = Field(default=None, max_length=400)
    # When the e-Box deletes the message (publication + its message type's validity).
    expires_at: datetime | None = timestamp_field(nullable=True)
    error_code: str | None = Field(default=None, max_length=100)
    error_message: str | None = Field(default=None, max_length=2000)
    attempts: int = 0
    # Claims that went on to publish (or may have: a worker that died holding them). A 409 on
    # the first one means the e-Box holds a message under this key that this row never sent.
    claims: int = 0
    # Bumped when staff reissue a letter whose key the e-Box already holds for another one: a
    # key is never reused for a different document (the e-Box does not compare payloads).
    key_generation: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    rendered_at: datetime | None = timestamp_field(nullable=True)
    sent_at: datetime | None = timestamp_field(nullable=True)
    # When a non-digital recipient's letter went into a print batch for the post, and which.
    printed_at: datetime | None = timestamp_field(nullable=True)
    print_batch_id: int | None = Field(
        default=None, foreign_key="print_batch.id", index=True, ondelete="RESTRICT"
    )

    dossier: Optional["Dossier"] = Relationship()  # noqa: UP045 (SQLModel needs it)
