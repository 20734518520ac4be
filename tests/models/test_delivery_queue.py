"""Claiming outbox rows: disjoint between workers, leases expire, final rows never return."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from models import Delivery, Dossier
from models.delivery_queue import claim_deliveries, claimed_elsewhere
from tests.factories import load_sample


def add_rendered(engine, edition) -> list[int]:
    with Session(engine) as session:
        dossiers = session.exec(select(Dossier).where(Dossier.edition_id == edition.id)).all()
        rows = [
            Delivery(
                dossier_id=d.id,
                document_kind="brochure",
                step_code="campaign",
                state="rendered",
                idempotency_key=f"k-{d.id}",
            )
            for d in dossiers
        ]
        session.add_all(rows)
        session.commit()
        return [r.id for r in rows]


def test_open_dossiers_is_idempotent(engine):
    edition = load_sample(engine, 20)
    from models.campaign import open_dossiers

    with Session(engine) as session:
        again = open_dossiers(session, edition)
        unknown = open_dossiers(session, edition, ["0403170701"])
    assert again.created == 0 and again.existing >= 20
    assert unknown.unknown_enterprises == ("0403170701",)


def test_two_workers_claim_disjoint_batches(engine):
    edition = load_sample(engine, 60)
    ids = add_rendered(engine, edition)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        barrier.wait()
        while True:
            with Session(engine) as session:
                batch = claim_deliveries(session, name, edition_id=edition.id, limit=7)
            if not batch:
                return
            claimed[name] += batch

    threads = [threading.Thread(target=worker, args=(n,)) for n in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed["a"] + claimed["b"]) == sorted(ids)
    assert not set(claimed["a"]) & set(claimed["b"])


def test_a_dead_worker_s_lease_expires(engine):
    edition = load_sample(engine, 3)
    ids = add_rendered(engine, edition)
    past = datetime.now(UTC) - timedelta(minutes=10)
    with Session(engine) as session:
        assert claim_deliveries(session, "dead", edition_id=edition.id, limit=100, now=past) == ids
        assert (
            claim_deliveries(
                session, "alive", edition_id=edition.id, limit=100, lease=timedelta(minutes=30)
            )
            == []
        )
        assert claimed_elsewhere(
            session, edition_id=edition.id, lease=timedelta(minutes=30)
        ) == len(ids)
        assert claim_deliveries(session, "alive", edition_id=edition.id, limit=100) == ids


def test_final_and_exhausted_rows_are_not_claimed(engine):
    edition = load_sample(engine, 3)
    ids = add_rendered(engine, edition)
    with Session(engine) as session:
        first, second, *_ = (session.get(Delivery, i) for i in ids)
        first.state = "sent"
        second.state, second.attempts = "failed", 8
        session.commit()
        assert claim_deliveries(session, "w", edition_id=edition.id, limit=100) == ids[2:]
