"""A print batch: the letters of companies without an e-Box user, one PDF for the post.

The file may hold access codes in clear (it is what the post carries), so it is kept only for
a while: ``SOCELEC_PRINT_BATCH_RETENTION_DAYS`` after it was written it is deleted, and the
deletion is audited. The row stays as the record of what was printed, when and where.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import timestamp_field


class PrintBatch(SQLModel, table=True):
    __tablename__ = "print_batch"

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="RESTRICT")
    path: str = Field(max_length=1000)
    letters: int = 0
    holds_credentials: bool = False
    created_at: datetime = timestamp_field()
    # Set once the PDF is complete on disk; a batch claimed but never written is written again.
    written_at: datetime | None = timestamp_field(nullable=True)
    deleted_at: datetime | None = timestamp_field(nullable=True)
