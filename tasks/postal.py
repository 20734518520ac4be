"""Tasks for what the e-Box could not do: retry failures, print for non-digital recipients."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import update
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.db import get_engine, session_scope
from models.delivery import Delivery, DeliveryState
from models.delivery_queue import default_max_attempts
from models.dossier import Dossier
from models.edition import Edition
from models.editions import get_edition
from models.files import create_private_file, delete_private_file
from models.outbox import document_pdf
from models.print_batch import PrintBatch
from models.registry import Enterprise, TechnicalUnit
from models.settings import get_settings
from procedure.documents import kind as kind_of
from templates.print_batch import PrintItem, print_batch


def _with_recipient(query, edition_id: int):
    return (
        query.join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        .where(Dossier.edition_id == edition_id)
    )


@task(name="reset-exhausted-deliveries", cache_policy=NO_CACHE)
def reset_exhausted(edition_year: int, actor: str) -> int:
    """Failed rows that used up their tries get a fresh set (staff asked for a redelivery)."""
    with session_scope() as session:
        edition_id = get_edition(session, edition_year).id
        rows = session.exec(
            _with_recipient(select(Delivery), edition_id).where(
                Delivery.state == DeliveryState.failed,
                col(Delivery.attempts) >= default_max_attempts(),
            )
        ).all()
        for row in rows:
            row.attempts = 0
            session.add(row)
        if rows:
            session.add(
                AuditEvent(
                    actor=actor,
                    action="delivery.reset",
                    subject=str(edition_year),
                    detail={"deliveries": [r.id for r in rows]},
                )
            )
        return len(rows)


@task(name="list-non-digital-recipients", cache_policy=NO_CACHE)
def non_digital_recipients(edition_year: int) -> list[dict]:
    """Every letter the e-Box accepted for a company that never opened its e-Box."""
    with Session(get_engine()) as session:
        edition_id = get_edition(session, edition_year).id
        rows = session.exec(
            _with_recipient(select(Delivery, Dossier.dossier_number, Enterprise), edition_id)
            .where(Delivery.state == DeliveryState.non_digital)
            .order_by(col(Delivery.id))
        ).all()
        return [
            {
                "delivery": d.id,
                "enterprise": e.enterprise_number,
                "name": e.name,
                "city": e.city,
                "dossier": number,
                "kind": d.document_kind,
                "printed": d.printed_at.date().isoformat() if d.printed_at else "",
            }
            for d, number, e in rows
        ]


@task(name="build-print-batch", cache_policy=NO_CACHE)
def build_print_batch(
    edition_year: int, out_dir: str, actor: str, now: datetime | None = None
) -> dict:
    """Print every non-digital letter not printed yet: one PDF, each letter behind its address
    sheet. Returns the letters and the batches this run recorded as written.

    Two runs at once never print a letter twice: a batch first claims its rows (one
    transaction), then its file is written, then the batch is recorded as written and its rows
    as printed. A batch claimed by a run that died before recording it is written by the next
    run, at the same path and for the same rows; never a second batch for them. The file may
    hold access codes in clear: it is readable by its owner only and deleted after a while
    (:func:`delete_expired_print_batches`).
    """
    now = now or datetime.now(UTC)
    with session_scope() as session:
        edition_id = get_edition(session, edition_year).id
        unwritten = list(
            session.exec(
                select(PrintBatch)
                .where(PrintBatch.edition_id == edition_id, col(PrintBatch.written_at).is_(None))
                .order_by(col(PrintBatch.id))
            )
        )
    claimed = _claim_print_batch(edition_id, edition_year, Path(out_dir).resolve(), now)
    recorded = [
        batch
        for batch in unwritten + claimed
        if _write_print_batch(batch, edition_year, actor, now)
    ]
    return {
        "letters": sum(b.letters for b in recorded),
        "batches": [{"path": b.path, "letters": b.letters} for b in recorded],
    }


def _claim_print_batch(
    edition_id: int, edition_year: int, out_dir: Path, now: datetime
) -> list[PrintBatch]:
    """A new batch holding every letter to print that no batch holds yet; [] when none.

    The UPDATE's ``print_batch_id IS NULL`` makes the claim safe against a concurrent one: on
    PostgreSQL the second waits for the first's row locks, then rechecks the condition on the
    rows it changed and skips them; SQLite runs one writing transaction at a time.
    """
    with session_scope() as session:
        batch = PrintBatch(edition_id=edition_id, path="", created_at=now)
        session.add(batch)
        session.flush()
        kinds = (
            session.execute(
                update(Delivery)
                .where(
                    col(Delivery.dossier_id).in_(
                        select(Dossier.id).where(Dossier.edition_id == edition_id)
                    ),
                    Delivery.state == DeliveryState.non_digital,
                    col(Delivery.print_batch_id).is_(None),
                    col(Delivery.printed_at).is_(None),
                    col(Delivery.pdf).is_not(None),
                )
                .values(print_batch_id=batch.id)
                .returning(Delivery.document_kind)
            )
            .scalars()
            .all()
        )
        if not kinds:
            session.rollback()
            return []
        batch.path = str(out_dir / f"print-{edition_year}-{now:%Y%m%dT%H%M%S}-{batch.id}.pdf")
        batch.letters = len(kinds)
        batch.holds_credentials = any(kind_of(k).carries_credential for k in kinds)
        session.add(batch)
        return [batch]


def _write_print_batch(batch: PrintBatch, edition_year: int, actor: str, now: datetime) -> bool:
    """Write the batch's file unless it is on disk already, then record it as written. True if
    this call recorded it (another run may have been writing the same batch)."""
    path = Path(batch.path)
    if not path.exists():
        with Session(get_engine()) as session:
            rows = session.exec(
                _with_recipient(
                    select(Delivery, Dossier.dossier_number, Enterprise), batch.edition_id
                )
                .where(Delivery.print_batch_id == batch.id)
                .order_by(Enterprise.postal_code, col(Delivery.id))
            ).all()
            items = [
                PrintItem(
                    e.name,
                    e.street,
                    e.postal_code,
                    e.city,
                    d.language or e.language,
                    f"{number} · {kind_of(d.document_kind).code}",
                    document_pdf(d),
                )
                for d, number, e in rows
            ]
        create_private_file(path, print_batch(items))
    with session_scope() as session:
        recorded = session.execute(
            update(PrintBatch)
            .where(col(PrintBatch.id) == batch.id, col(PrintBatch.written_at).is_(None))
            .values(written_at=now)
        ).rowcount
        if not recorded:
            return False
        printed = (
            session.execute(
                update(Delivery)
                .where(col(Delivery.print_batch_id) == batch.id)
                .values(printed_at=now)
                .returning(Delivery.id)
            )
            .scalars()
            .all()
        )
        session.add(
            AuditEvent(
                actor=actor,
                action="print.batch",
                subject=str(edition_year),
                detail={"batch": batch.id, "path": batch.path, "deliveries": sorted(printed)},
            )
        )
        return True


@task(name="delete-expired-print-batches", cache_policy=NO_CACHE)
def delete_expired_print_batches(actor: str, now: datetime | None = None) -> int:
    """Delete the print files that hold passwords in clear once they are older than
    ``SOCELEC_PRINT_BATCH_RETENTION_DAYS``: the post has had them, and a password should not
    outlive its use on a disk. The row stays as the record of what was printed; each deletion
    is audited. Every edition's batches: the retention is about the files, not one campaign.
    """
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=get_settings().print_batch_retention_days)
    deleted = 0
    with session_scope() as session:
        expired = session.exec(
            select(PrintBatch, Edition.year)
            .join(Edition)
            .where(
                col(PrintBatch.holds_credentials),
                col(PrintBatch.deleted_at).is_(None),
                col(PrintBatch.written_at) < cutoff,
            )
            .order_by(col(PrintBatch.id))
        ).all()
        for batch, year in expired:
            # The file before the row: a crash between leaves a row the next run marks, never
            # a file the row says is gone.
            delete_private_file(Path(batch.path))
            if session.execute(
                update(PrintBatch)
                .where(col(PrintBatch.id) == batch.id, col(PrintBatch.deleted_at).is_(None))
                .values(deleted_at=now)
            ).rowcount:
                session.add(
                    AuditEvent(
                        at=now,
                        actor=actor,
                        action="print.batch.deleted",
                        subject=str(year),
                        detail={
                            "batch": batch.id,
                            "path": batch.path,
                            "letters": batch.letters,
                            "written_at": batch.written_at.isoformat(),
                        },
                    )
                )
                deleted += 1
    return deleted
