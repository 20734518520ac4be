"""An edition of the social elections: the legal window in which every company picks its day Y.

The windows of past editions are history; the next one stays provisional until the law that
fixes it is published, so staff can change it (``socelec edition set-window``).
"""

from datetime import date
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

EDITION_STATUSES = ("provisional", "official")


class Edition(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("window_first <= window_last", name="ck_edition_window_order"),
        CheckConstraint("status IN ('provisional', 'official')", name="ck_edition_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, index=True)
    window_first: date
    window_last: date
    status: str = Field(default="provisional", max_length=16)
    legal_basis: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=2000)
    original_window_first: date | None = None
    original_window_last: date | None = None

    suspensions: list["EditionSuspension"] = Relationship(
        back_populates="edition", sa_relationship_kwargs={"order_by": "EditionSuspension.start"}
    )


class EditionSuspension(SQLModel, table=True):
    """A period during which the procedure stood still (2020: COVID-19, law of 4 May 2020)."""

    __tablename__ = "edition_suspension"
    __table_args__ = (
        UniqueConstraint("edition_id", "start", name="uq_suspension_edition_start"),
        CheckConstraint('start <= "end"', name="ck_suspension_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    start: date
    end: date
    note: str = Field(default="", max_length=1000)
    source: str = Field(default="", max_length=2000)

    edition: Optional["Edition"] = Relationship(back_populates="suspensions")  # noqa: UP045 (SQLModel needs it)
