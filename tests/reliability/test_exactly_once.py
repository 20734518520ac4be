"""Exactly-once without holes (issue 11), on a real Prefect server and a real e-Box sandbox:

- a configuration mistake stops a run before any row changes state;
- a letter whose own data breaks a rule is held, listed, and sent once corrected;
- a company whose answers the API never gives (a "poison" row) never stops the campaign;
- a database restored from a backup sends nothing twice and leaves no stale password unseen;
- all runs together stay under the global e-Box limits;
- a run stopped by SIGTERM ends within seconds and half-records nothing.
(A lease shorter than the e-Box latency with two workers: test_two_workers.py.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter

import psycopg
import pytest
from cryptography.fernet import Fernet
from prefect.client.orchestration import get_client
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from ebox_sandbox.seed import ebox_status
from flows.deliver_outbox import deliver_outbox
from flows.open_edition import open_edition
from flows.redeliver import redeliver
from models import Delivery, Dossier, Enterprise, TechnicalUnit
from models.backup import backup_database
from models.credentials import verify_password
from models.db import get_engine
from models.delivery import DeliveryState
from models.delivery_queue import claimable_count
from models.editions import get_edition
from models.settings import get_settings
from tasks.ebox_limits import IN_FLIGHT_LIMIT, RATE_LIMIT, apply_ebox_limits
from tests.factories import load_sample
from tests.flows.helpers import (
    DOSSIER_RE,
    PASSWORD_RE,
    all_messages,
    campaign_worker,
    enterprise_numbers,
    in_threads,
    letter_text,
    seed_sandbox,
    wait_for,
)
from tests.pg import _bin
from tests.reliability.helpers import audit_deliveries, fingerprint, render_outbox

pytestmark = pytest.mark.integration


def states(engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.exec(select(Delivery.state)))


def publications_seen(sandbox) -> int:
    return sandbox.admin.faults()["pressure"].get("max_in_flight", 0)


# ----- a configuration mistake ------------------------------------------------------------

MISTAKES = {
    "sender": ({"SOCELEC_EBOX_SENDER": "0123456789"}, "SOCELEC_EBOX_SENDER"),
    "message type": (
        {"SOCELEC_EBOX_SECURE_MESSAGE_TYPE_ID": " "},
        "SOCELEC_EBOX_SECURE_MESSAGE_TYPE_ID",
    ),
    "key file": (
        {"SOCELEC_EBOX_PRIVATE_KEY_FILE": "/nonexistent/key.pem"},
        "SOCELEC_EBOX_PRIVATE_KEY_FILE",
    ),
    "client": ({"SOCELEC_EBOX_CLIENT_ID": "nobody-registered-this"}, "SOCELEC_EBOX_CLIENT_ID"),
}


SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_configuration_mistake_stops_the_run_before_any_row_changes(
    prefect_server, engine, sandbox, monkeypatch, mistake
):
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    variables, named = MISTAKES[mistake]
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    before = fingerprint(engine)
    state = in_threads(open_edition)(edition=2028, batch_size=50, yes=True, return_state=True)
    assert state.is_failed()
    assert named in state.message, state.message
    assert fingerprint(engine) == before  # not a dossier, not a password hash
    assert all_messages(sandbox) == [] and publications_seen(sandbox) == 0


@SQLITE
def test_a_wrong_outbox_key_or_a_missing_limit_stops_redeliver_before_any_row_changes(
    prefect_server, engine, sandbox, monkeypatch
):
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    in_threads(open_edition)(edition=2028, batch_size=50, dry_run=True)
    before = fingerprint(engine)
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()
    state = in_threads(redeliver)(edition=2028, return_state=True)
    assert state.is_failed() and "SOCELEC_OUTBOX_KEY" in state.message, state.message
    monkeypatch.delenv("SOCELEC_OUTBOX_KEY")
    get_settings.cache_clear()
    with get_client(sync_client=True) as client:
        client.delete_global_concurrency_limit_by_name(RATE_LIMIT)
    try:
        state = in_threads(redeliver)(edition=2028, return_state=True)
    finally:
        apply_ebox_limits(in_flight=1000, per_second=10_000)
    assert state.is_failed() and RATE_LIMIT in state.message, state.message
    assert fingerprint(engine) == before
    assert all_messages(sandbox) == []


def test_a_letter_whose_own_data_breaks_a_rule_is_held_then_sent_once_corrected(
    prefect_server, engine, sandbox
):
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    number = next(n for n in enterprise_numbers(engine) if ebox_status(n) == "digital")
    with Session(engine) as session:
        enterprise = session.exec(
            select(Enterprise).where(Enterprise.enterprise_number == number)
        ).one()
        enterprise.officer_ssin = "85073003327"  # fails its mod-97 check (an older import)
        session.add(enterprise)
        session.commit()
    summary = in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    with Session(engine) as session:
        held = session.exec(
            select(Delivery)
            .join(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
            .where(Enterprise.enterprise_number == number)
        ).all()
    assert held and {d.state for d in held} == {"held"}
    assert all("attention_ssin" in d.error_message and d.attempts == 1 for d in held)
    assert summary["problems"] >= len(held)  # listed in the run's problems artifact
    assert not [m for m in all_messages(sandbox) if m["recipient_enterprise"] == number]
    assert states(engine)["held"] == len(held)  # only that company's letters

    with Session(engine) as session:  # staff correct the data (a new registry import)
        enterprise = session.exec(
            select(Enterprise).where(Enterprise.enterprise_number == number)
        ).one()
        enterprise.officer_ssin = None
        session.add(enterprise)
        session.commit()
    result = in_threads(redeliver)(edition=2028, release_held=True)
    assert result["released"]["released"] == len(held)
    # The access-code letters were rendered again with new passwords: a new approval.
    assert result["awaiting_approval"] == sum(d.document_kind == "access-code" for d in held)
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    received = [m for m in all_messages(sandbox) if m["recipient_enterprise"] == number]
    assert len(received) == len(held)


# ----- poison rows ----------------------------------------------------------------------------


@SQLITE
@pytest.mark.parametrize("status", [422, 201])
def test_a_company_answered_what_the_api_never_gives_does_not_stop_the_campaign(
    prefect_server, engine, sandbox, monkeypatch, status
):
    monkeypatch.setenv("SOCELEC_DELIVERY_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    poison = next(n for n in enterprise_numbers(engine) if ebox_status(n) == "digital")
    sandbox.admin.set_faults(recipient_statuses={poison: status})
    finished: dict = {}
    started = time.monotonic()
    runner = threading.Thread(
        target=lambda: finished.update(
            in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
        ),
        daemon=True,
    )
    runner.start()
    runner.join(120)
    assert not runner.is_alive(), "the campaign did not finish within 120 s"
    elapsed = time.monotonic() - started
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery, Enterprise.enterprise_number)
            .join(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
        ).all()
    poisoned = [d for d, n in rows if n == poison]
    assert poisoned and all(
        d.state == "failed" and d.attempts == 2 and d.error_code == f"HTTP_{status}"
        for d in poisoned
    )
    others = [d for d, n in rows if n != poison]
    assert {d.state for d in others} <= {"sent", "non_digital", "rejected"}
    # Out of tries: later rounds leave the rows alone.
    with Session(engine) as session:
        assert claimable_count(session, edition_id=get_edition(session, 2028).id) == 0
    print(
        f"\ncampaign with a company answered {status}: {elapsed:.1f} s, "
        f"{len(poisoned)} rows failed after 2 answers, {len(others)} delivered"
    )


# ----- backup and restore -------------------------------------------------------------------


def restore(url: str, backup) -> None:
    """Put the backup back in place of the database, as an operator would after a loss."""
    get_engine(url).dispose()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        with sqlite3.connect(backup) as source, sqlite3.connect(parsed.database) as target:
            source.backup(target)
        return
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{parsed.database}"')
    target = parsed.set(drivername="postgresql").render_as_string(False)
    subprocess.run([_bin("pg_restore"), "--no-owner", "-d", target, str(backup)], check=True)


def access_code_letters(sandbox, numbers) -> list[tuple[str, str, str]]:
    """(dossier number, password, messageId) of every access-code letter in these e-Boxes."""
    found = []
    for number in numbers:
        for message in sandbox.admin.visible_messages(number, "am"):
            text = letter_text(sandbox, number, message)
            if PASSWORD_RE.search(text):
                found.append(
                    (
                        DOSSIER_RE.search(text).group(0),
                        PASSWORD_RE.search(text).group(0),
                        message["message_id"],
                    )
                )
    return found


def test_a_restored_backup_sends_nothing_twice_and_holds_letters_whose_password_went_stale(
    prefect_server, engine, sandbox, database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", f"{os.path.dirname(_bin('pg_dump'))}:{os.environ['PATH']}")
    load_sample(engine, 8, open_edition=False)
    seed_sandbox(engine, sandbox)
    numbers = enterprise_numbers(engine)
    first, later = numbers[:4], numbers[4:]
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True, enterprises=first)
    backup = backup_database(database_url, tmp_path / "socelec.backup")
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    before_restore = all_messages(sandbox)

    restore(database_url, backup)
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)  # the re-run

    audit = audit_deliveries(engine, sandbox)
    assert audit.messages == len(before_restore)  # nothing published twice
    assert audit.duplicate_keys == audit.duplicate_deliveries == audit.stray == 0
    with Session(engine) as session:
        rows = session.exec(
            select(
                Delivery,
                Dossier.dossier_number,
                Dossier.password_hash,
                Enterprise.enterprise_number,
            )
            .join(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
        ).all()
    held = {number for d, number, _, _ in rows if d.state == "held"}
    assert held and all(
        d.error_code == "KEY_ALREADY_USED"
        and d.document_kind == "access-code"
        and enterprise in later
        for d, _, _, enterprise in rows
        if d.state == "held"
    )
    hashes = {number: password_hash for _, number, password_hash, _ in rows}
    # Every officer either holds a password that opens the dossier, or staff see the letter.
    letters = access_code_letters(sandbox, numbers)
    for dossier, password, _ in letters:
        assert verify_password(hashes[dossier], password) or dossier in held, dossier

    # Staff reissue the held letters under new keys; the newest letter opens each dossier.
    from tasks.held import release_held

    with Session(engine) as session:
        release = release_held(session, get_edition(session, 2028).id, actor="test")
        session.commit()
    assert len(release.reissued) == len(held)
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    audit = audit_deliveries(engine, sandbox)
    assert audit.duplicate_keys == audit.duplicate_deliveries == audit.not_final == 0
    # The letters whose password went stale are still in the e-Box under their old keys; each
    # now has a reissued one beside it.
    assert audit.stray == len(held) and audit.messages == len(before_restore) + len(held)
    with Session(engine) as session:
        hashes = dict(session.exec(select(Dossier.dossier_number, Dossier.password_hash)).all())
    newest: dict[str, str] = {}
    for dossier, password, _ in access_code_letters(sandbox, numbers):
        newest.setdefault(dossier, password)  # an e-Box lists the newest message first
    reachable = {
        number for _, number, _, enterprise in rows if ebox_status(enterprise) != "not_in_cbe"
    }
    assert set(newest) == reachable
    assert all(verify_password(hashes[d], p) for d, p in newest.items())


# ----- the global e-Box limits --------------------------------------------------------------


def _fresh_limits(in_flight: int, per_second: int) -> None:
    """The limits made anew: slots that runs killed by earlier tests still hold under the old
    ones (until their lease ends) do not count against these."""
    with get_client(sync_client=True) as client:
        for name in (IN_FLIGHT_LIMIT, RATE_LIMIT):
            client.delete_global_concurrency_limit_by_name(name)
    apply_ebox_limits(in_flight=in_flight, per_second=per_second)


def _set_state(engine, delivery_ids: list[int], state: DeliveryState) -> None:
    with Session(engine) as session:
        session.execute(
            update(Delivery).where(col(Delivery.id).in_(delivery_ids)).values(state=state)
        )
        session.commit()


def _two_runs_at_once(edition: int, batch_size: int) -> None:
    runs = [threading.Thread(target=deliver_outbox, args=(edition, batch_size)) for _ in "ab"]
    for run in runs:
        run.start()
    for run in runs:
        run.join(300)


@SQLITE
def test_two_runs_at_once_stay_under_the_global_e_box_limits(prefect_server, engine, sandbox):
    load_sample(engine, 40)
    seed_sandbox(engine, sandbox)
    render_outbox(engine, access_codes=0)
    rows = sum(states(engine).values())
    try:
        # In flight: 3 at once, each publication 300 ms.
        _fresh_limits(in_flight=3, per_second=10_000)
        sandbox.admin.set_faults(latency_ms=300)
        half = rows // 2
        with Session(engine) as session:  # the second phase keeps half the rows
            later = list(session.exec(select(Delivery.id).order_by(col(Delivery.id)).offset(half)))
        _set_state(engine, later, DeliveryState.pending)
        _two_runs_at_once(2028, 20)
        in_flight = sandbox.admin.faults()["pressure"]
        # Per second: 10, each publication fast, 8 in flight allowed.
        _set_state(engine, later, DeliveryState.rendered)
        _fresh_limits(in_flight=8, per_second=10)
        sandbox.admin.set_faults(latency_ms=0)
        started = time.monotonic()
        _two_runs_at_once(2028, 20)
        elapsed = time.monotonic() - started
        per_second = sandbox.admin.faults()["pressure"]
    finally:
        _fresh_limits(in_flight=1000, per_second=10_000)
    print(
        f"\nin flight at most {in_flight['max_in_flight']} (limit 3); at most "
        f"{per_second['max_per_second']} started in a second (limit 10/s), "
        f"{len(later)} publications in {elapsed:.1f} s"
    )
    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    assert in_flight["max_in_flight"] == 3  # used, never exceeded
    # A rate limit lets its burst (the limit's slots) pass at once, then 10 per second.
    assert per_second["max_per_second"] <= 2 * 10
    assert elapsed >= (len(later) - 10) / 10 * 0.9


# ----- SIGTERM ------------------------------------------------------------------------------


@SQLITE
def test_a_run_stops_within_seconds_of_sigterm_and_half_records_nothing(
    prefect_server, engine, sandbox, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOCELEC_DELIVERY_LEASE_SECONDS", "5")
    get_settings.cache_clear()
    load_sample(engine, 40)
    seed_sandbox(engine, sandbox)
    render_outbox(engine, access_codes=4)
    # A slow e-Box: at SIGTERM the run has many rows left. A stop must cut the work short, not
    # wait for it (the code before the fix sent every row first: 12 s at 3 s a publication).
    sandbox.admin.set_faults(latency_ms=2500)
    log = tmp_path / "worker.log"
    code = (
        "from flows.deliver_outbox import deliver_outbox\n"
        "deliver_outbox(edition=2028, batch_size=20)\n"
    )
    with campaign_worker(code, log=log) as worker:
        wait_for(
            lambda: len(all_messages(sandbox)) >= 8 or worker.poll() is not None,
            120,
            "the first deliveries",
        )
        assert worker.poll() is None, log.read_text()[-3000:]
        worker.send_signal(signal.SIGTERM)  # what systemd's stop and `timeout` send
        stopped = time.monotonic()
        worker.wait(60)
        took = time.monotonic() - stopped
    print(
        f"\nstopped {took:.1f} s after SIGTERM with {len(all_messages(sandbox))} messages "
        f"sent, rows {dict(states(engine))}"
    )
    assert took < 6, f"still running {took:.1f} s after SIGTERM"
    # Nothing half-recorded: a final row has its message; a row with a message that is not
    # final was in flight, and is left to its lease.
    messages = {m["idempotency_key"]: m for m in all_messages(sandbox)}
    with Session(engine) as session:
        rows = session.exec(select(Delivery)).all()
    final = [d for d in rows if d.state in ("sent", "non_digital", "rejected")]
    assert all(d.idempotency_key in messages for d in final if d.state != "rejected")
    in_flight = [d for d in rows if d.state == "rendered" and d.idempotency_key in messages]
    assert all(d.claimed_by for d in in_flight)
    assert len(in_flight) <= 16  # at most the publications under way

    with Session(engine) as session:  # once their lease is over, a re-run sends the rest
        edition_id = get_edition(session, 2028).id
    sandbox.admin.set_faults()
    wait_for(
        lambda: (
            claimable_count(Session(engine), edition_id=edition_id)
            == sum(1 for d in rows if d.state == "rendered")
        ),
        30,
        "the leases to end",
    )
    with campaign_worker(code, log=log) as rerun:
        assert rerun.wait(300) == 0, log.read_text()[-3000:]
    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
