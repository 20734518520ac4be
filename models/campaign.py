"""Opening an edition: one dossier per consultation body of every concerned technical unit.

"Il faut toujours prévoir un dossier par organe de concertation" (docs/procedure.md#dossiers);
one e-Box per legal entity, communication per consultation body
(docs/procedure.md#one-e-box-per-legal-entity). The dossier number is derived
from the edition, the body and the technical unit (models.credentials), so opening an edition
again finds the same dossiers instead of making new ones, and two workers opening it at the
same moment both succeed, each dossier created once (INSERT … ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models.credentials import dossier_number
from models.dossier import Dossier
from models.edition import Edition
from models.registry import Enterprise, TechnicalUnit

# Rows per INSERT: SQLite allows 32,766 bound values per statement, a dossier has 16 columns.
INSERT_CHUNK = 500
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


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
        known = set(
            session.exec(
                select(Enterprise.enterprise_number).where(Enterprise.enterprise_number.in_(wanted))
            )
        )  # type: ignore[attr-defined]
        unknown = tuple(sorted(wanted - known))
    existing = set(
        session.exec(
            select(Dossier.technical_unit_id, Dossier.body).where(Dossier.edition_id == edition.id)
        ).all()
    )
    missing = []
    present = 0
    for unit, _number in session.exec(query.order_by(TechnicalUnit.id)):
        for body in unit.bodies:
            if (unit.id, body) in existing:
                present += 1
                continue
            missing.append(
                Dossier(
                    edition_id=edition.id,
                    technical_unit_id=unit.id,
                    body=body,
                    dossier_number=dossier_number(edition.year, body, unit.id),
                ).model_dump(exclude={"id"})
            )
    created = _insert_new(session, missing)
    return OpenedDossiers(created, present + len(missing) - created, unknown)


def _insert_new(session: Session, rows: list[dict]) -> int:
    """Insert the dossiers no other worker has inserted meanwhile; returns how many were new.

    Another worker opening the same edition may have read "none yet" too: ON CONFLICT DO
    NOTHING skips its dossiers (PostgreSQL waits for its transaction, then skips) instead of
    failing the whole batch on the unique constraint.
    """
    insert = INSERTS[session.get_bind().dialect.name]
    created = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        statement = (
            insert(Dossier)
            .values(rows[start : start + INSERT_CHUNK])
            .on_conflict_do_nothing()
            .returning(col(Dossier.id))
        )
        created += len(session.execute(statement).all())
    return created
