"""Writing a validated registry into the database: insert new rows, update changed ones in place.

Importing the same file twice changes nothing (and says so); a corrected file updates only the
rows it corrects. Units missing from a newer file are kept and reported, because they may
already carry dossiers, letters and an audit trail: removing one is a staff decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from models.audit import AuditEvent
from models.registry import Enterprise, TechnicalUnit
from models.registry_file import EnterpriseRecord, UnitRecord

ENTERPRISE_FIELDS = ("name", "language", "street", "postal_code", "city", "officer_ssin")
UNIT_FIELDS = (
    "name",
    "street",
    "postal_code",
    "city",
    "workers_blue_collar",
    "workers_white_collar",
    "workers_young",
    "workers_cadre",
    "has_cppt",
    "has_ce",
    "ce_exists",
    "working_days",
    "joint_committee",
    "sector",
)


@dataclass
class ImportReport:
    enterprises_created: int = 0
    enterprises_updated: int = 0
    enterprises_unchanged: int = 0
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    units_not_in_file: int = 0
    changed_fields: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return (
            self.enterprises_created
            + self.enterprises_updated
            + self.units_created
            + self.units_updated
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "enterprises_created": self.enterprises_created,
            "enterprises_updated": self.enterprises_updated,
            "enterprises_unchanged": self.enterprises_unchanged,
            "units_created": self.units_created,
            "units_updated": self.units_updated,
            "units_unchanged": self.units_unchanged,
            "units_not_in_file": self.units_not_in_file,
            "changes": self.changes,
        }


def _apply(row, record, names: tuple[str, ...], report: ImportReport) -> bool:
    changed = False
    for name in names:
        value = getattr(record, name)
        if getattr(row, name) != value:
            setattr(row, name, value)
            report.changed_fields[name] = report.changed_fields.get(name, 0) + 1
            changed = True
    return changed


def import_registry(
    session: Session, units: list[UnitRecord], *, actor: str, source: str = ""
) -> ImportReport:
    """Upsert the validated units; the caller's transaction makes it all-or-nothing."""
    report = ImportReport()
    now = datetime.now(UTC)
    existing = {e.enterprise_number: e for e in session.exec(select(Enterprise))}
    existing_units = {(u.enterprise_id, u.code): u for u in session.exec(select(TechnicalUnit))}

    records: dict[str, EnterpriseRecord] = {}
    for unit in units:
        records.setdefault(unit.enterprise.enterprise_number, unit.enterprise)
    by_number: dict[str, Enterprise] = {}
    for number, record in records.items():
        row = existing.get(number)
        if row is None:
            row = Enterprise(
                enterprise_number=number, **{n: getattr(record, n) for n in ENTERPRISE_FIELDS}
            )
            session.add(row)
            report.enterprises_created += 1
        elif _apply(row, record, ENTERPRISE_FIELDS, report):
            row.updated_at = now
            report.enterprises_updated += 1
        else:
            report.enterprises_unchanged += 1
        by_number[number] = row
    session.flush()

    seen: set[tuple[int, str]] = set()
    for unit in units:
        enterprise = by_number[unit.enterprise.enterprise_number]
        key = (enterprise.id, unit.code)
        seen.add(key)
        row = existing_units.get(key)
        if row is None:
            session.add(
                TechnicalUnit(
                    enterprise_id=enterprise.id,
                    code=unit.code,
                    **{n: getattr(unit, n) for n in UNIT_FIELDS},
                )
            )
            report.units_created += 1
        elif _apply(row, unit, UNIT_FIELDS, report):
            row.updated_at = now
            report.units_updated += 1
        else:
            report.units_unchanged += 1
    report.units_not_in_file = len(existing_units.keys() - seen)
    session.add(
        AuditEvent(actor=actor, action="registry.import", subject=source, detail=report.as_dict())
    )
    session.flush()
    return report
