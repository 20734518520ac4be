"""The concerned companies: legal entities (enterprises) and their technical units (UTE/TBE).

Loaded from the registry file (``socelec registry import``); dossiers hang off technical units.
"""

from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.base import one_of, timestamp_field

LANGUAGES = ("fr", "nl", "de")
BODIES = ("CPPT", "CE")
EBOX_STATUSES = ("unknown", "digital", "non_digital", "not_found")


class WorkingWeek(StrEnum):
    """The registry's ``working_days``: Monday to Friday (the default) or to Saturday."""

    monday_to_friday = "mon-fri"
    monday_to_saturday = "mon-sat"


class Sector(StrEnum):
    """The registry's ``sector``: the FPS's results split the commercial sector (marchand /
    profit) from the non-commercial one (non marchand / social profit)
    (docs/procedure.md#joint-committees-and-sectors)."""

    commercial = "commercial"
    non_commercial = "non_commercial"


def format_enterprise_number(number: str) -> str:
    """The enterprise number as the CBE prints it, "0403.170.701" (python-stdnum validates
    Belgian enterprise numbers but has no formatter for them)."""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


class Enterprise(SQLModel, table=True):
    """A legal entity, known by its enterprise number (BCE/KBO): the addressee of e-Box messages."""

    __table_args__ = (
        CheckConstraint("language IN ('fr', 'nl', 'de')", name="ck_enterprise_language"),
        CheckConstraint(
            "ebox_status IN ('unknown', 'digital', 'non_digital', 'not_found')",
            name="ck_enterprise_ebox_status",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_number: str = Field(unique=True, index=True, min_length=10, max_length=10)
    name: str = Field(max_length=200)
    language: str = Field(max_length=2)
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=10)
    city: str = Field(max_length=100)
    # SSIN of the election officer, for the e-Box forTheAttentionOf field; optional in the file.
    officer_ssin: str | None = Field(default=None, max_length=11)
    ebox_status: str = Field(default="unknown", max_length=16)
    ebox_checked_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    technical_units: list["TechnicalUnit"] = Relationship(back_populates="enterprise")


class TechnicalUnit(SQLModel, table=True):
    """A technical business unit (UTE/TBE): where a CPPT and possibly a CE are elected.

    The workforce is the average over the reference period (docs/procedure.md#reference-period);
    it decides which bodies exist (docs/procedure.md#thresholds: CPPT from 50, CE from 100, or
    from 50 if a CE exists).
    """

    __tablename__ = "technical_unit"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "code", name="uq_technical_unit_code"),
        CheckConstraint(
            "workers_blue_collar >= 0 AND workers_white_collar >= 0 AND workers_young >= 0"
            " AND workers_cadre >= 0",
            name="ck_technical_unit_workforce",
        ),
        one_of("working_days", WorkingWeek, name="ck_technical_unit_working_days"),
        one_of("sector", Sector, name="ck_technical_unit_sector", nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True, ondelete="RESTRICT")
    code: str = Field(max_length=20)
    name: str = Field(max_length=200)
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=10)
    city: str = Field(max_length=100)
    workers_blue_collar: int = 0
    workers_white_collar: int = 0
    workers_young: int = 0
    workers_cadre: int = 0
    has_cppt: bool = True
    has_ce: bool = False
    ce_exists: bool = False
    # The unit's usual working week: its deadlines move off the days it does not work.
    working_days: str = Field(default=WorkingWeek.monday_to_friday, max_length=10)
    # The joint committee (paritair comité / commission paritaire) as the registry gives it,
    # "200", "118.01"; and the sector. Both optional: the results count a unit without them as
    # "unknown" (docs/procedure.md#joint-committees-and-sectors).
    joint_committee: str | None = Field(default=None, max_length=10)
    sector: str | None = Field(default=None, max_length=16)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()

    enterprise: Optional["Enterprise"] = Relationship(back_populates="technical_units")  # noqa: UP045 (SQLModel needs it)

    @property
    def workforce(self) -> int:
        return self.workers_blue_collar + self.workers_white_collar + self.workers_young

    @property
    def bodies(self) -> tuple[str, ...]:
        return tuple(b for b, on in (("CPPT", self.has_cppt), ("CE", self.has_ce)) if on)
