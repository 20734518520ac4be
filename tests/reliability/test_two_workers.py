"""Two worker processes run the same campaign at once on one PostgreSQL database and one e-Box,
as a Prefect work pool with two workers would run the same deployment twice.

Each worker is a real OS process of the session's Prefect server with an e-Box client of its
own, so the sandbox's record of who published each message says which process delivered what.
They meet at a barrier inside a flow run of their own (a file each creates; then one "go" file)
and only then call the campaign's flow or task, so neither finishes before the other starts.

- ``deliver_outbox`` on an outbox already rendered: the rows are shared out by
  ``FOR UPDATE SKIP LOCKED`` claims; both processes send a share, nothing twice.
- ``open_edition`` from an empty edition: both open the dossiers, render and deliver at once.
  Dossier creation inserts with ON CONFLICT DO NOTHING, so the second process finds the
  dossiers instead of failing; a letter batch the other process stored first fails at the
  outbox's unique constraint, its whole transaction (password hashes included) rolls back and
  the task's retry skips what is done. Every password printed in a delivered letter opens its
  dossier.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from ebox_adapter.sandbox_link import ensure_sandbox
from ebox_sandbox.seed import ebox_status
from models import AuditEvent, Delivery, Dossier, Enterprise, TechnicalUnit
from models.credentials import verify_password
from models.delivery_queue import claim_deliveries
from models.editions import get_edition
from tests.factories import load_sample
from tests.flows.helpers import access_codes, campaign_worker, seed_sandbox, wait_for
from tests.reliability.helpers import audit_deliveries, render_outbox

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.skipif(
        os.environ.get("SOCELEC_TEST_POSTGRES") != "1",
        reason="two workers need PostgreSQL: set SOCELEC_TEST_POSTGRES=1",
    ),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
WORKERS = ("one", "two")

BEHIND_A_BARRIER = """
import json, time
from pathlib import Path
from prefect import flow
from {module} import {function}
meeting = Path({meeting!r})

@flow(name="worker-{name}")
def meet_then_run():
    # Inside a flow run already: both start the work itself within milliseconds.
    (meeting / "ready-{name}").touch()
    while not (meeting / "go").exists():
        time.sleep(0.005)
    return {function}(**{arguments!r})

(meeting / "result-{name}.json").write_text(json.dumps(meet_then_run(), default=str))
"""


@pytest.fixture(autouse=True)
def short_lease(monkeypatch):
    """The worker that runs out of rows waits a quarter lease (at most 5 s) between looks at
    the other's; 30 s is still several times a batch here (~6 s with the latency below) and
    keeps the test short where the production lease is 300 s."""
    monkeypatch.setenv("SOCELEC_DELIVERY_LEASE_SECONDS", "30")


def client_id(name: str) -> str:
    return f"worker-{name}"


def run_both(tmp_path: Path, sandbox, target: str, arguments: dict) -> dict[str, dict]:
    """Run ``target`` ("module:function", a flow or a task) in both workers, released
    together; the results they returned."""
    module, function = target.split(":")
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    for name in WORKERS:
        ensure_sandbox(
            sandbox.settings.model_copy(update={"base_url": None, "client_id": client_id(name)}),
            data_dir=sandbox.data_dir,
        )
    logs = {name: tmp_path / f"worker-{name}.log" for name in WORKERS}
    with ExitStack() as stack:
        workers = {
            name: stack.enter_context(
                campaign_worker(
                    BEHIND_A_BARRIER.format(
                        module=module,
                        function=function,
                        meeting=str(meeting),
                        name=name,
                        arguments=arguments,
                    ),
                    env={"SOCELEC_EBOX_CLIENT_ID": client_id(name)},
                    log=logs[name],
                )
            )
            for name in WORKERS
        }
        wait_for(
            lambda: (
                all((meeting / f"ready-{n}").exists() for n in WORKERS)
                or any(w.poll() is not None for w in workers.values())
            ),
            120,
            "both workers",
        )
        (meeting / "go").touch()
        for worker in workers.values():
            worker.wait(120)
    for name, worker in workers.items():
        assert worker.returncode == 0, f"worker {name}:\n{logs[name].read_text()[-3000:]}"
    return {name: json.loads((meeting / f"result-{name}.json").read_text()) for name in WORKERS}


def test_two_workers_share_one_outbox_and_send_nothing_twice(
    prefect_server, engine, sandbox, tmp_path
):
    load_sample(engine, 120)
    seed_sandbox(engine, sandbox)
    render_outbox(engine, access_codes=12)
    # One worker alone needs ~18 s (193 messages, 16 publications at once, 1.5 s each): the
    # other starts well within that even on a loaded machine. At 250 ms the whole run took
    # ~3 s and a CI run saw the second process start after the first had sent everything.
    sandbox.admin.set_faults(latency_ms=1500)

    results = run_both(
        tmp_path,
        sandbox,
        "flows.deliver_outbox:deliver_outbox",
        {"edition": 2028, "batch_size": 10},
    )

    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    assert audit.messages == audit.expected_messages > 150
    shares = {name: audit.by_client[client_id(name)] for name in WORKERS}
    print(f"\nmessages published per worker: {shares}; flow outcomes {results}")
    assert all(shares.values()), shares  # both delivered
    assert sum(shares.values()) == audit.messages
    assert sum(sum(r.values()) for r in results.values()) == audit.deliveries


def test_two_workers_open_the_same_edition_at_once(prefect_server, engine, sandbox, tmp_path):
    load_sample(engine, 10, open_edition=False)
    seed_sandbox(engine, sandbox)

    results = run_both(
        tmp_path,
        sandbox,
        "flows.open_edition:open_edition",
        {"edition": 2028, "batch_size": 6, "yes": True},
    )

    with Session(engine) as session:
        bodies = sum(len(unit.bodies) for unit in session.exec(select(TechnicalUnit)))
        dossiers = session.exec(select(Dossier)).all()
        numbers = session.exec(select(Enterprise.enterprise_number)).all()
        letters_delivered = len(
            session.exec(
                select(Delivery.id).where(
                    Delivery.document_kind == "access-code",
                    col(Delivery.state).in_(["sent", "non_digital"]),
                )
            ).all()
        )
    assert len(dossiers) == len({d.dossier_number for d in dossiers}) == bodies
    assert sum(r["dossiers_created"] for r in results.values()) == bodies
    assert sum(r["letters_rendered"] for r in results.values()) == bodies
    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    # The password in each delivered letter opens its dossier: no render overwrote a hash.
    hashes = {d.dossier_number: d.password_hash for d in dossiers}
    codes = {
        dossier: password
        for number in numbers
        if ebox_status(number) != "not_in_cbe"
        for dossier, password in access_codes(sandbox, number).items()
    }
    assert len(codes) == letters_delivered > 0
    assert all(verify_password(hashes[dossier], password) for dossier, password in codes.items())
    # Who did what depends on which process the machine served first: reported, not asserted
    # (the barrier is before the flow starts; the dossier race has its own test below).
    shares = {name: audit.by_client[client_id(name)] for name in WORKERS}
    print(f"\nper worker: {results}; messages published {shares}")


def bodies_of(engine) -> int:
    with Session(engine) as session:
        return sum(len(unit.bodies) for unit in session.exec(select(TechnicalUnit)))


def test_two_workers_open_the_same_dossiers_at_once(prefect_server, engine, sandbox, tmp_path):
    """The open-dossiers task of both campaigns at the same moment, on a registry big enough
    that both read "no dossier yet" before either commits."""
    load_sample(engine, 400, open_edition=False)

    results = run_both(
        tmp_path, sandbox, "tasks.campaign:open_edition_dossiers", {"edition_year": 2028}
    )

    with Session(engine) as session:
        dossiers = session.exec(select(Dossier.dossier_number)).all()
    print(f"\nper worker: {results}")
    assert len(dossiers) == len(set(dossiers)) == bodies_of(engine) > 500
    assert sum(r["created"] for r in results.values()) == len(dossiers)


def test_concurrent_claims_never_take_more_than_their_batch(engine):
    """Four claimers at once, batches of 10: each claim holds at most 10 rows, none twice.
    (Claiming through a subquery of the UPDATE let PostgreSQL hand out 30 to 94.)"""
    load_sample(engine, 120)
    render_outbox(engine, access_codes=0)
    with Session(engine) as session:
        edition_id = get_edition(session, 2028).id
        rows = len(session.exec(select(Delivery.id)).all())
    claims: list[list[int]] = []
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        start.wait()
        while True:
            with Session(engine) as session:
                claimed = claim_deliveries(session, name, edition_id=edition_id, limit=10)
            if not claimed:
                return
            claims.append(claimed)

    threads = [threading.Thread(target=claimer, args=(f"claimer-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sizes = Counter(len(claim) for claim in claims)
    assert max(sizes) <= 10, sizes
    claimed_ids = [i for claim in claims for i in claim]
    assert len(claimed_ids) == len(set(claimed_ids)) == rows


def test_a_lease_shorter_than_the_e_box_latency_sends_and_records_each_letter_once(
    prefect_server, engine, sandbox, tmp_path, monkeypatch
):
    """Each publication takes 6 s, the lease 5 s. The first worker claims every row in one
    batch; the second starts once they are claimed and finds them held. The first renews its
    lease while it works, so the second never takes a row from under it: every row published
    once (no 409 at all), claimed once, recorded once, by the worker that published it."""
    monkeypatch.setenv("SOCELEC_DELIVERY_LEASE_SECONDS", "5")
    load_sample(engine, 6)
    seed_sandbox(engine, sandbox)
    render_outbox(engine, access_codes=2)
    sandbox.admin.set_faults(latency_ms=6000)
    for name in WORKERS:
        ensure_sandbox(
            sandbox.settings.model_copy(update={"base_url": None, "client_id": client_id(name)}),
            data_dir=sandbox.data_dir,
        )
    code = (
        "import json; from flows.deliver_outbox import deliver_outbox\n"
        "print('RESULT', json.dumps(deliver_outbox(edition=2028, batch_size=100)))\n"
    )
    logs = {name: tmp_path / f"worker-{name}.log" for name in WORKERS}
    with ExitStack() as stack:
        first = stack.enter_context(
            campaign_worker(code, env={"SOCELEC_EBOX_CLIENT_ID": client_id("one")}, log=logs["one"])
        )
        with Session(engine) as session:
            rows = len(session.exec(select(Delivery.id)).all())

        def all_claimed() -> bool:
            with Session(engine) as session:
                return (
                    len(
                        session.exec(
                            select(Delivery.id).where(col(Delivery.claimed_by).is_not(None))
                        ).all()
                    )
                    == rows
                )

        wait_for(lambda: all_claimed() or first.poll() is not None, 60, "the first worker's claim")
        second = stack.enter_context(
            campaign_worker(code, env={"SOCELEC_EBOX_CLIENT_ID": client_id("two")}, log=logs["two"])
        )
        for worker in (first, second):
            worker.wait(180)
    for name, worker in zip(WORKERS, (first, second), strict=True):
        assert worker.returncode == 0, f"worker {name}:\n{logs[name].read_text()[-3000:]}"

    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    pressure = sandbox.admin.faults()["pressure"]
    print(
        f"\nlease 5 s, 6 s per publication: {audit.summary()}; per worker "
        f"{dict(audit.by_client)}; e-Box {pressure}"
    )
    assert pressure.get("duplicates", 0) == 0  # nobody re-sent a row another still held
    assert audit.by_client[client_id("one")] == rows
    with Session(engine) as session:
        claims = Counter(session.exec(select(Delivery.claims)).all())
        outcomes = Counter(
            session.exec(
                select(AuditEvent.subject).where(col(AuditEvent.action).like("delivery.%"))
            ).all()
        )
    assert claims == {1: rows}  # each row claimed once
    assert len(outcomes) == rows and set(outcomes.values()) == {1}  # recorded once
