"""A dossier: one consultation body (CE or CPPT) of one technical unit in one edition.

"Il faut toujours prévoir un dossier par organe de concertation" (docs/procedure.md#dossiers).
The dossier number and password give the election officer access to the portal; only the
password's argon2id hash is stored.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.base import one_of, timestamp_field

if TYPE_CHECKING:
    from models.edition import Edition
    from models.registry import TechnicalUnit


class DossierStatus(StrEnum):
    """``open`` while the procedure runs; ``stopped`` after a complete stop (no candidate list:
    no more reminders); ``closed`` when the edition is over."""

    open = "open"
    stopped = "stopped"
    closed = "closed"


class StopKind(StrEnum):
    """A stop of the procedure: ``complete`` (no list at all) or ``partial`` (some categories)."""

    complete = "complete"
    partial = "partial"


DOSSIER_STATUSES = tuple(DossierStatus)


class Dossier(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("edition_id", "technical_unit_id", "body", name="uq_dossier_body"),
        CheckConstraint("body IN ('CPPT', 'CE')", name="ck_dossier_body"),
        one_of("status", DossierStatus, name="ck_dossier_status"),
        one_of("stop_kind", StopKind, name="ck_dossier_stop", nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="RESTRICT")
    technical_unit_id: int = Field(foreign_key="technical_unit.id", index=True, ondelete="RESTRICT")
    body: str = Field(max_length=4)
    dossier_number: str = Field(unique=True, index=True, max_length=32)
    password_hash: str | None = Field(default=None, max_length=200)
    password_changed_at: datetime | None = timestamp_field(nullable=True)
    election_day: date | None = None
    # Bumped whenever the dossier's calendar changes (a new day Y): the ICS SEQUENCE, so an
    # agenda that imported the events before moves them instead of keeping the old dates.
    calendar_revision: int = 0
    status: str = Field(default=DossierStatus.open, max_length=10)
    stop_kind: str | None = Field(default=None, max_length=10)
    stopped_categories: str = Field(default="", max_length=200)
    stopped_at: datetime | None = timestamp_field(nullable=True)
    failed_logins: int = 0
    locked_until: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    technical_unit: Optional["TechnicalUnit"] = Relationship()  # noqa: UP045 (SQLModel needs it)
    edition: Optional["Edition"] = Relationship()  # noqa: UP045 (SQLModel needs it)
