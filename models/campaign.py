"""Opening an edition: one dossier per consultation body of every concerned technical unit.

Reference § 6: "Il faut toujours prévoir un dossier par organe de concertation"; § 5: one
e-Box per legal entity, communication per consultation body. The dossier number is derived
from the edition, the body and the technical unit (models.credentials), so opening an edition
again finds the same dossiers instead of making new ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models.credentials import dossier_number
from models.dossier import Dossier
from models.edition import Edition
from models.registry import Enterprise, TechnicalUnit


@dataclass(frozen=True)
class OpenedDossiers:
    created: int
    existing: int
    unknown_enterprises: tuple[str, ...]


def open_dossiers(
    session: Session, edition: Edition, enterprise_numbers: list[str] | None = None
) -> OpenedDossiers:
    """Create the missing dossiers of the edition (optionally for some enterprises only)."""
    query = select(TechnicalUnit, Enterprise.enterprise_number).join(Enterprise)
    unknown: tuple[str, ...] = ()
    if enterprise_numbers is not None:
        wanted = set(enterprise_numbers)
        query = query.where(Enterprise.enterprise_number.in_(wanted))  # type: ignore[attr-defined]
        known = set(session.exec(select(Enterprise.enterprise_number).where(
            Enterprise.enterprise_number.in_(wanted))))  # type: ignore[attr-defined]
        unknown = tuple(sorted(wanted - known))
    existing = set(session.exec(
        select(Dossier.technical_unit_id, Dossier.body).where(Dossier.edition_id == edition.id)
    ).all())
    created = present = 0
    for unit, _number in session.exec(query.order_by(TechnicalUnit.id)):
        for body in unit.bodies:
            if (unit.id, body) in existing:
                present += 1
                continue
            session.add(Dossier(edition_id=edition.id, technical_unit_id=unit.id, body=body,
                                dossier_number=dossier_number(edition.year, body, unit.id)))
            created += 1
    session.flush()
    return OpenedDossiers(created, present, unknown)
