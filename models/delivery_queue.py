"""Claiming outbox rows for delivery, so that several workers never send the same row at once.

A worker claims a batch with one statement, WITH picked AS MATERIALIZED (SELECT … LIMIT n
FOR UPDATE SKIP LOCKED) UPDATE … WHERE id IN (SELECT id FROM picked): on PostgreSQL concurrent
workers skip each other's rows instead of waiting for them; on SQLite (one writer at a time)
the single statement is atomic by itself and FOR UPDATE is not rendered. The pick is a
materialized CTE, not a subquery of the UPDATE: when PostgreSQL rechecks an UPDATE row that a
concurrent claim changed, it runs such a subquery again, and its LIMIT then lets through rows
beyond the batch (docs/performance.md#claims-beyond-the-batch;
tests/reliability/test_two_workers.py).

A claim is a lease: if the worker dies, the row becomes claimable again once the lease has
expired, and the e-Box idempotency key turns the second send into a 409, which the adapter
reports as already delivered. A live worker renews its lease while its batch works
(:func:`renew_claims`), and every write of an outcome names the claim it holds
(:func:`models.outbox.record_outcome`): a worker whose lease ran out anyway changes nothing,
and nobody clears another worker's claim (:func:`release_unsent`). The database row, not
Prefect, is the system of record.

A row that carries a credential is claimable only when an approved four-eyes review covers it
(:func:`models.approvals.releasable`), whichever flow claims it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from models.approvals import releasable
from models.delivery import UNSENT_STATES, Delivery
from models.dossier import Dossier
from models.settings import get_settings


def default_lease() -> timedelta:
    return timedelta(seconds=get_settings().delivery_lease_seconds)


def default_max_attempts() -> int:
    return get_settings().delivery_max_attempts


def _claimable(now: datetime, lease: timedelta, max_attempts: int):
    return and_(
        col(Delivery.state).in_(UNSENT_STATES),
        col(Delivery.attempts) < max_attempts,
        or_(col(Delivery.claimed_by).is_(None), col(Delivery.claimed_at) < now - lease),
        releasable(),
    )


def claim_deliveries(
    session: Session,
    worker: str,
    *,
    edition_id: int,
    limit: int,
    document_kinds: Iterable[str] | None = None,
    lease: timedelta | None = None,
    max_attempts: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Claim up to ``limit`` deliverable rows of the edition for ``worker``; commit the claim.

    ``worker`` is the claim's token: unique per batch, it is what every later write compares.
    """
    now = now or datetime.now(UTC)
    lease = lease or default_lease()
    max_attempts = max_attempts or default_max_attempts()
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
        .where(col(Delivery.id).in_(select(picked.c.id)), _claimable(now, lease, max_attempts))
        .values(claimed_by=worker, claimed_at=now, claims=Delivery.claims + 1)
        .returning(Delivery.id)
    )
    ids = sorted(session.execute(statement).scalars().all())
    session.commit()
    return ids


def renew_claims(session: Session, worker: str, now: datetime | None = None) -> int:
    """Extend the lease of the rows ``worker`` still holds; returns how many; commits."""
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.claimed_by) == worker)
        .values(claimed_at=now or datetime.now(UTC))
    )
    session.commit()
    return result.rowcount


def release_unsent(session: Session, worker: str, delivery_ids: Iterable[int]) -> int:
    """Give back rows ``worker`` claimed and never tried to publish (a halted or stopped batch),
    so they are claimable at once and their claim does not count; commits. Rows another
    worker holds now are left alone."""
    ids = list(delivery_ids)
    if not ids:
        return 0
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.claimed_by) == worker, col(Delivery.id).in_(ids))
        .values(claimed_by=None, claimed_at=None, claims=Delivery.claims - 1)
    )
    session.commit()
    return result.rowcount


def claimable_count(
    session: Session,
    *,
    edition_id: int,
    document_kinds: Iterable[str] | None = None,
    max_attempts: int | None = None,
    now: datetime | None = None,
) -> int:
    """Rows a worker could claim now."""
    query = (
        select(Delivery.id)
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(
            Dossier.edition_id == edition_id,
            _claimable(
                now or datetime.now(UTC), default_lease(), max_attempts or default_max_attempts()
            ),
        )
    )
    if document_kinds is not None:
        query = query.where(col(Delivery.document_kind).in_(list(document_kinds)))
    return len(session.exec(query).all())


def claimed_elsewhere(
    session: Session,
    *,
    edition_id: int,
    lease: timedelta | None = None,
    now: datetime | None = None,
) -> int:
    """Rows another worker holds under a live lease: wait for them, do not send them."""
    now = now or datetime.now(UTC)
    lease = lease or default_lease()
    return len(
        session.exec(
            select(Delivery.id)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .where(
                Dossier.edition_id == edition_id,
                col(Delivery.state).in_(UNSENT_STATES),
                col(Delivery.claimed_by).is_not(None),
                col(Delivery.claimed_at) >= now - lease,
            )
        ).all()
    )
