"""What shows that a dossier did a step: an uploaded notice or PV, a statistical form, a closure
day the officer declared. The confirmation click of a step without a document is
:class:`models.portal.StepConfirmation`.

Nothing here is overwritten: a notice uploaded again, or a form corrected after it was
submitted, is a new version beside the earlier ones (a ``reason`` says why), so the FPS can
always show what the company said when.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import one_of, timestamp_field


class DocumentVariant(StrEnum):
    """Which text of a notice a version is (docs/procedure.md#timeline, rows X and X+14)."""

    original = "original"
    after_complaint = "after_complaint"  # the X notice as modified after a complaint
    after_ruling = "after_ruling"  # ... after a court ruling


class StepDocument(SQLModel, table=True):
    """One version of a PDF an officer uploaded for a step, with its digest."""

    __tablename__ = "step_document"
    __table_args__ = (
        UniqueConstraint("dossier_id", "step_code", "version", name="uq_step_document_version"),
        one_of("variant", DocumentVariant, name="ck_step_document_variant"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="RESTRICT")
    step_code: str = Field(max_length=20)
    version: int
    variant: str = Field(default=DocumentVariant.original, max_length=20)
    reason: str = Field(default="", max_length=500)
    file_name: str = Field(max_length=255)
    size: int
    pages: int
    sha256: str = Field(max_length=64)
    # The bytes, when the evidence lives in the database (the default) ...
    content: bytes | None = Field(default=None, sa_type=LargeBinary)
    # ... or the file's name in SOCELEC_EVIDENCE_DIR.
    stored_as: str | None = Field(default=None, max_length=200)
    uploaded_at: datetime = timestamp_field()
    # The portal session that uploaded it (a digest of its token: no secret).
    uploaded_by: str = Field(max_length=64)


class FormKind(StrEnum):
    """The three statistical forms of the FPS web application
    (docs/procedure.md#statistical-forms)."""

    basic = "basic"  # by X-60
    pre_electoral = "pre_electoral"  # by X
    election = "election"  # by Y, per body


class FormStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"


class StatisticalForm(SQLModel, table=True):
    """One version of a statistical form of a dossier; the submitted one is the step's evidence."""

    __tablename__ = "statistical_form"
    __table_args__ = (
        UniqueConstraint("dossier_id", "form", "version", name="uq_statistical_form_version"),
        one_of("form", FormKind, name="ck_statistical_form_kind"),
        one_of("status", FormStatus, name="ck_statistical_form_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="RESTRICT")
    form: str = Field(max_length=20)
    version: int
    status: str = Field(default=FormStatus.draft, max_length=10)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    submitted_at: datetime | None = timestamp_field(nullable=True)
    saved_by: str = Field(max_length=64)
    # Staff's check of an election form before the national results are final.
    checked_at: datetime | None = timestamp_field(nullable=True)
    checked_by: str | None = Field(default=None, max_length=200)


class ClosureDay(SQLModel, table=True):
    """A day the technical unit does not work (a collective closure, a bridge day), declared
    by its officer: a deadline on it moves to the working day before."""

    __tablename__ = "closure_day"
    __table_args__ = (UniqueConstraint("technical_unit_id", "day", name="uq_closure_day"),)

    id: int | None = Field(default=None, primary_key=True)
    technical_unit_id: int = Field(foreign_key="technical_unit.id", index=True, ondelete="RESTRICT")
    day: date
    declared_at: datetime = timestamp_field()
    declared_by: str = Field(max_length=64)
