"""Tasks for what the e-Box could not do: retry failures, print for non-digital recipients."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.db import get_engine, session_scope
from models.delivery import Delivery
from models.delivery_queue import default_max_attempts
from models.dossier import Dossier
from models.editions import get_edition
from models.outbox import document_pdf
from models.registry import Enterprise, TechnicalUnit
from templates.kinds import kind as kind_of
from templates.print_batch import PrintItem, print_batch


def _with_recipient(query, edition_id: int):
    return (query.join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
            .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
            .where(Dossier.edition_id == edition_id))


@task(name="reset-exhausted-deliveries", cache_policy=NO_CACHE)
def reset_exhausted(edition_year: int, actor: str) -> int:
    """Failed rows that used up their tries get a fresh set (staff asked for a redelivery)."""
    with session_scope() as session:
        edition_id = get_edition(session, edition_year).id
        rows = session.exec(_with_recipient(select(Delivery), edition_id).where(
            Delivery.state == "failed", col(Delivery.attempts) >= default_max_attempts())).all()
        for row in rows:
            row.attempts = 0
            session.add(row)
        if rows:
            session.add(AuditEvent(actor=actor, action="delivery.reset", subject=str(edition_year),
                                   detail={"deliveries": [r.id for r in rows]}))
        return len(rows)


@task(name="list-non-digital-recipients", cache_policy=NO_CACHE)
def non_digital_recipients(edition_year: int) -> list[dict]:
    """Every letter the e-Box accepted for a company that never opened its e-Box."""
    with Session(get_engine()) as session:
        edition_id = get_edition(session, edition_year).id
        rows = session.exec(_with_recipient(
            select(Delivery, Dossier.dossier_number, Enterprise), edition_id)
            .where(Delivery.state == "non_digital").order_by(col(Delivery.id))).all()
        return [{"delivery": d.id, "enterprise": e.enterprise_number, "name": e.name,
                 "city": e.city, "dossier": number, "kind": d.document_kind,
                 "printed": d.printed_at.date().isoformat() if d.printed_at else ""}
                for d, number, e in rows]


@task(name="build-print-batch", cache_policy=NO_CACHE)
def build_print_batch(edition_year: int, out_dir: str, actor: str) -> dict:
    """One PDF with every non-digital letter not printed yet, each behind its address sheet.

    The file may hold access codes in clear (it is what the post will carry): it is written
    readable by its owner only, and the rows are marked printed so no letter is posted twice.
    """
    with session_scope() as session:
        edition_id = get_edition(session, edition_year).id
        rows = session.exec(_with_recipient(
            select(Delivery, Dossier.dossier_number, Enterprise), edition_id)
            .where(Delivery.state == "non_digital", col(Delivery.printed_at).is_(None),
                   col(Delivery.pdf).is_not(None))
            .order_by(Enterprise.postal_code, col(Delivery.id))).all()
        if not rows:
            return {"letters": 0, "path": None}
        items = [PrintItem(e.name, e.street, e.postal_code, e.city, d.language or e.language,
                           f"{number} · {kind_of(d.document_kind).code}", document_pdf(d))
                 for d, number, e in rows]
        now = datetime.now(UTC)
        path = Path(out_dir) / f"print-{edition_year}-{now:%Y%m%dT%H%M%S}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(print_batch(items))
        for delivery, _, _ in rows:
            delivery.printed_at = now
            session.add(delivery)
        printed = [d.id for d, _, _ in rows]
        session.add(AuditEvent(actor=actor, action="print.batch", subject=str(edition_year),
                               detail={"path": str(path), "deliveries": printed}))
        return {"letters": len(rows), "path": str(path.resolve())}
