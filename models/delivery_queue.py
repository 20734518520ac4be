"""Claiming outbox rows for delivery, so that several workers never send the same row at once.

A worker claims a batch with one statement, WITH picked AS MATERIALIZED (SELECT … LIMIT n
FOR UPDATE SKIP LOCKED) UPDATE … WHERE id IN (SELECT id FROM picked): on PostgreSQL concurrent
workers skip each other's rows instead of waiting for them; on SQLite (one writer at a time)
the single statement is atomic by itself and FOR UPDATE is not rendered. The pick is a
materialized CTE, not a subquery of the UPDATE: when PostgreSQL rechecks an UPDATE row that a
concurrent claim changed, it runs such a subquery again, and its LIMIT then lets through rows
beyond the batch (measured: batches of 10 claimed 30, 47 and 94 rows with four claimers;
tests/reliability/test_two_workers.py).

A claim is a lease: if the worker dies, the row becomes claimable again once the lease has
expired, and the e-Box idempotency key turns the second send into a 409, which the adapter
reports as already delivered. The database row, not Prefect, is the system of record
(prefect-notes § 4.4).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from models.delivery import Delivery
from models.dossier import Dossier
from models.settings import get_settings

CLAIMABLE_STATES = ("rendered", "failed")
DEFAULT_MAX_ATTEMPTS = 8


def default_lease() -> timedelta:
    return timedelta(seconds=get_settings().delivery_lease_seconds)


def _claimable(now: datetime, lease: timedelta, max_attempts: int):
    return and_(
        col(Delivery.state).in_(CLAIMABLE_STATES),
        col(Delivery.attempts) < max_attempts,
        or_(col(Delivery.claimed_by).is_(None), col(Delivery.claimed_at) < now - lease),
    )


def claim_deliveries(
    session: Session,
    worker: str,
    *,
    edition_id: int,
    limit: int,
    document_kinds: Iterable[str] | None = None,
    lease: timedelta | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    now: datetime | None = None,
) -> list[int]:
    """Claim up to ``limit`` deliverable rows of the edition for ``worker``; commit the claim."""
    now = now or datetime.now(UTC)
    lease = lease or default_lease()
    candidates = (
        select(Delivery.id)
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(Dossier.edition_id == edition_id, _claimable(now, lease, max_attempts))
        .order_by(col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True, of=Delivery)
    )
    if document_kinds is not None:
        candidates = candidates.where(col(Delivery.document_kind).in_(list(document_kinds)))
    picked = candidates.cte("picked").prefix_with("MATERIALIZED")
    statement = (
        update(Delivery)
        .where(col(Delivery.id).in_(select(picked.c.id)),
               _claimable(now, lease, max_attempts))
        .values(claimed_by=worker, claimed_at=now)
        .returning(Delivery.id)
    )
    ids = sorted(session.execute(statement).scalars().all())
    session.commit()
    return ids


def release_claim(session: Session, delivery: Delivery) -> None:
    delivery.claimed_by = None
    delivery.claimed_at = None
    session.add(delivery)


def claimable_count(
    session: Session, *, edition_id: int, document_kinds: Iterable[str] | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS, now: datetime | None = None,
) -> int:
    """Rows a worker could claim now."""
    query = select(Delivery.id).join(Dossier, col(Dossier.id) == col(Delivery.dossier_id)).where(
        Dossier.edition_id == edition_id,
        _claimable(now or datetime.now(UTC), default_lease(), max_attempts))
    if document_kinds is not None:
        query = query.where(col(Delivery.document_kind).in_(list(document_kinds)))
    return len(session.exec(query).all())


def claimed_elsewhere(
    session: Session, *, edition_id: int, lease: timedelta | None = None,
    now: datetime | None = None,
) -> int:
    """Rows another worker holds under a live lease: wait for them, do not send them."""
    now = now or datetime.now(UTC)
    lease = lease or default_lease()
    return len(session.exec(
        select(Delivery.id).join(Dossier, col(Dossier.id) == col(Delivery.dossier_id)).where(
            Dossier.edition_id == edition_id,
            col(Delivery.state).in_(CLAIMABLE_STATES),
            col(Delivery.claimed_by).is_not(None),
            col(Delivery.claimed_at) >= now - lease,
        )
    ).all())
