"""Crash tests: the campaign's worker killed with -9 at chosen points, the e-Box sandbox
restarted mid-run, the SQLite file locked by another process. Each ends, after a re-run, with
every letter in its company's e-Box exactly once, each password in its letter opening its
dossier, and nothing left claimed.

Where a kill lands is not left to timing: the worker (``crash_worker``, this module run in its
own process) wraps one function of socelec so that, the n-th time it gets there, it writes a
marker file and waits; the test sees the marker and kills the whole process group. The points
are the ones a real crash can split: an open transaction (dossiers, password hashes with their
letters), passwords that exist only in memory, a claimed batch, a letter the e-Box accepted
whose row is not updated yet.

Fast variants run in ``scripts/test``; the ten random trials are ``scripts/test-long``
(``pytest -m long tests/reliability/test_crashes.py``).
"""

from __future__ import annotations

import functools
import importlib
import math
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from ebox_sandbox.seed import ebox_status
from flows.open_edition import open_edition
from flows.redeliver import redeliver
from models import Delivery, Dossier, Enterprise, TechnicalUnit
from models.credentials import verify_password
from models.db import get_engine
from models.registry_sample import sample_registry
from models.settings import get_settings
from procedure.documents import ACCESS_CODE
from tasks.delivery import PUBLISH_THREADS, deliver_batch
from tests.factories import load_sample
from tests.flows.helpers import (
    DOSSIER_RE,
    PASSWORD_RE,
    all_messages,
    campaign_worker,
    delivery_states,
    in_threads,
    kill9,
    letter_text,
    seed_sandbox,
    wait_for,
)
from tests.reliability.helpers import audit_deliveries

pytestmark = pytest.mark.integration

EDITION = 2028
LEASE_SECONDS = 5  # the shortest lease settings allow: a dead worker's rows wait this long
SEED = 2028
# The fast tests' campaign: 13 dossiers and 10 brochures, one company without an e-Box user.
SMALL = 10


def socelec_cli():
    """The ``socelec`` command, imported on use: the crash worker imports this module and
    needs none of the CLI."""
    from cli.main import app

    return app


# ----- where the worker stops ------------------------------------------------------------------


def _non_digital(result) -> bool:
    return result.outcome == "not_digital"


@dataclass(frozen=True)
class CrashPoint:
    """Stop the worker ``when`` ("before" or "after") its n-th call of ``target``
    ("module:attribute", resolved in the worker) for which ``counts(result)`` holds."""

    name: str
    target: str
    when: str
    leaves: str  # what the kill leaves behind, for the report
    scale: str  # which count of the campaign bounds n (campaign_size)
    counts: Callable[[object], bool] | None = None

    def install(self, nth: int, marker: Path) -> None:
        module_name, path = self.target.split(":")
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)
        seen = Counter()
        lock = threading.Lock()

        def reached(result=None) -> bool:
            if self.counts is not None and not self.counts(result):
                return False
            with lock:
                seen["calls"] += 1
                return seen["calls"] == nth

        def stop() -> None:
            marker.write_text(self.name)
            threading.Event().wait()  # until kill -9; other threads go on meanwhile

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if self.when == "before" and reached():
                stop()
            result = original(*args, **kwargs)
            if self.when == "after" and reached(result):
                stop()
            return result

        setattr(owner, name, wrapper)


POINTS = {
    point.name: point
    for point in (
        CrashPoint(
            "creating-dossiers",
            "tasks.campaign:open_dossiers",
            "after",
            "the edition's dossiers flushed, not committed",
            "once",
        ),
        CrashPoint(
            "rendering",
            "templates.batches:render_batch",
            "after",
            "a batch's passwords issued and letters rendered, in memory only",
            "render_batches",
        ),
        CrashPoint(
            "storing-letters",
            "templates.batches:record_access_codes",
            "after",
            "a batch's password hashes and letters flushed, not committed",
            "render_batches",
        ),
        CrashPoint(
            "before-delivery",
            "flows.open_edition:deliver_outbox",
            "before",
            "every letter rendered and the mailing approved, nothing claimed",
            "once",
        ),
        CrashPoint(
            "claimed",
            "tasks.delivery:claim_deliveries",
            "after",
            "a batch claimed (committed), none of it sent",
            "delivery_batches",
        ),
        CrashPoint(
            "mid-deliveries",
            "ebox_adapter.client:EboxClient.publish",
            "before",
            "deliveries under way (this one not sent, others in flight)",
            "letters",
        ),
        CrashPoint(
            "accepted-not-recorded",
            "ebox_adapter.client:EboxClient.publish",
            "after",
            "the e-Box answered a letter, its row not updated",
            "letters",
        ),
        CrashPoint(
            "non-digital-not-recorded",
            "ebox_adapter.client:EboxClient.publish",
            "after",
            "the e-Box answered 201 NO_DIGITAL_USER, the row not updated",
            "non_digital_letters",
            _non_digital,
        ),
    )
}


def crash_worker() -> None:
    """The worker process: the campaign, stopping at $CRASH_POINT the $CRASH_NTH time."""
    POINTS[os.environ["CRASH_POINT"]].install(
        int(os.environ["CRASH_NTH"]), Path(os.environ["CRASH_MARKER"])
    )
    open_edition(edition=EDITION, batch_size=int(os.environ["CRASH_BATCH_SIZE"]), yes=True)


# ----- what must hold ----------------------------------------------------------------------------


def campaign_size(engine, batch_size: int) -> dict[str, int]:
    """How many times each crash point's function runs in the campaign of the loaded registry."""
    with Session(engine) as session:
        units = session.exec(
            select(TechnicalUnit, Enterprise.enterprise_number).join(Enterprise)
        ).all()
    dossiers = sum(len(unit.bodies) for unit, _ in units)
    enterprises = {number for _, number in units}
    letters = dossiers + len(enterprises)  # an access-code letter each, a brochure per company
    never_opened = {n for n in enterprises if ebox_status(n) == "never_logged_in"}
    return {
        "once": 1,
        "render_batches": math.ceil(dossiers / batch_size),
        "delivery_batches": math.ceil(letters / batch_size),
        "letters": letters,
        "non_digital_letters": len(never_opened)
        + sum(len(unit.bodies) for unit, number in units if number in never_opened),
    }


def assert_hash_with_its_letter(engine) -> None:
    """A password hash is stored with its letter, in one transaction: both or neither."""
    with Session(engine) as session:
        hashed = set(
            session.exec(select(Dossier.id).where(col(Dossier.password_hash).is_not(None)))
        )
        lettered = set(
            session.exec(
                select(Delivery.dossier_id).where(Delivery.document_kind == ACCESS_CODE.code)
            )
        )
    assert hashed == lettered, (
        f"hash without letter: {sorted(hashed - lettered)}; "
        f"letter without hash: {sorted(lettered - hashed)}"
    )


def assert_delivered_once(engine, sandbox) -> str:
    """Every row final and where its e-Box says (audit_deliveries: no duplicate, nothing lost,
    no stray message), none still claimed, one access-code letter per dossier, and the
    password in each delivered letter opens its dossier. Returns a summary line."""
    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    with Session(engine) as session:
        claimed = session.exec(
            select(Delivery.id).where(col(Delivery.claimed_by).is_not(None))
        ).all()
        dossiers = session.exec(select(Dossier)).all()
        letters = {
            d.dossier_id: d
            for d in session.exec(
                select(Delivery).where(Delivery.document_kind == ACCESS_CODE.code)
            )
        }
    assert not claimed, f"{len(claimed)} rows still claimed after the re-run"
    assert dossiers and set(letters) == {d.id for d in dossiers}, "a dossier has no letter"
    messages = {m["idempotency_key"]: m for m in all_messages(sandbox)}
    verified = 0
    for dossier in dossiers:
        message = messages.get(letters[dossier.id].idempotency_key)
        if message is None:  # rejected: the company is unknown to the CBE
            continue
        text = letter_text(sandbox, message["recipient_enterprise"], message)
        passwords = set(PASSWORD_RE.findall(text))
        assert DOSSIER_RE.findall(text) == [dossier.dossier_number] and len(passwords) == 1
        assert verify_password(dossier.password_hash, passwords.pop()), (
            f"{dossier.dossier_number}: the password in its letter does not open it"
        )
        verified += 1
    assert verified
    return f"{audit.summary()}; {verified} passwords verified"


# ----- running a campaign that a crash interrupts ----------------------------------------------


def rerun(batch_size: int) -> float:
    """The campaign again, in this process, as staff would start it after a crash."""
    started = time.monotonic()
    in_threads(open_edition)(edition=EDITION, batch_size=batch_size, yes=True)
    return time.monotonic() - started


@pytest.fixture
def short_lease(monkeypatch) -> None:
    monkeypatch.setenv("SOCELEC_DELIVERY_LEASE_SECONDS", str(LEASE_SECONDS))
    get_settings.cache_clear()


def report(capsys, line: str) -> None:
    """Shown even when pytest captures output: the figures docs/reliability.md quotes."""
    with capsys.disabled():
        print(f"\n{line}", flush=True)


def killed_run_state() -> str:
    """The killed worker's flow run, as the Prefect UI shows it (on the session's server)."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"open-edition-{EDITION}"]))
        )
    assert runs, "the worker's flow run is not on the session's Prefect server"
    return max(runs, key=lambda run: run.created).state_name


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crash_trial(engine, sandbox, tmp_path, point: CrashPoint, nth: int, batch_size: int) -> str:
    """Kill the campaign's worker at ``point`` (n-th time), check what the crash left, re-run,
    check everything was delivered exactly once. Returns the trial's report line."""
    marker = tmp_path / "crash-point"
    log = tmp_path / "worker.log"
    started = time.monotonic()
    children_cpu = _children_cpu()
    with campaign_worker(
        "from tests.reliability.test_crashes import crash_worker; crash_worker()",
        env={
            "CRASH_POINT": point.name,
            "CRASH_NTH": str(nth),
            "CRASH_MARKER": str(marker),
            "CRASH_BATCH_SIZE": str(batch_size),
        },
        log=log,
    ) as worker:
        wait_for(
            lambda: marker.exists() or worker.poll() is not None,
            300,
            f"the worker to reach {point.name} #{nth}",
        )
        assert worker.poll() is None, f"the campaign ended before {point.name} #{nth}; see {log}"
        kill9(worker)
    killed_after = time.monotonic() - started
    worker_cpu = _children_cpu() - children_cpu
    states = delivery_states(engine)
    with Session(engine) as session:
        claimed = len(
            session.exec(select(Delivery.id).where(col(Delivery.claimed_by).is_not(None))).all()
        )
        dossiers = len(session.exec(select(Dossier.id)).all())
    in_ebox = len(all_messages(sandbox))
    killed_run = killed_run_state()
    assert_hash_with_its_letter(engine)
    rerun_cpu = time.process_time()
    rerun_seconds = rerun(batch_size)
    rerun_cpu = time.process_time() - rerun_cpu
    outcome = assert_delivered_once(engine, sandbox)
    return (
        f"killed at {point.name} #{nth} ({point.leaves}) after {killed_after:.1f} s "
        f"({worker_cpu:.1f} s CPU): "
        f"{dossiers} dossiers, rows {dict(states) or '{}'}, {claimed} claimed, {in_ebox} "
        f"in the e-Box, the run {killed_run} in Prefect | re-run {rerun_seconds:.1f} s "
        f"({rerun_cpu:.1f} s CPU): {outcome}"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("point", "nth"), [("storing-letters", 2), ("non-digital-not-recorded", 1)]
)
def test_worker_killed_at_a_fixed_point_then_a_rerun_delivers_each_letter_once(
    point, nth, prefect_server, engine, sandbox, short_lease, tmp_path, capsys
):
    load_sample(engine, SMALL, open_edition=False)
    seed_sandbox(engine, sandbox)
    line = crash_trial(engine, sandbox, tmp_path, POINTS[point], nth, batch_size=5)
    report(capsys, f"crash [{engine.dialect.name}] {line}")


def trial_point(trial: int, size: dict[str, int]) -> tuple[CrashPoint, int]:
    """Trial ``trial``'s crash point, seeded: the first trials cover every point once in a
    shuffled order, later ones draw again among the points reached many times; n is drawn
    within the campaign's count."""
    order = sorted(POINTS)
    random.Random(SEED).shuffle(order)
    rng = random.Random(SEED * 1000 + trial)
    point = POINTS[
        order[trial]
        if trial < len(order)
        else rng.choice([name for name in order if POINTS[name].scale != "once"])
    ]
    return point, rng.randint(1, size[point.scale])


@pytest.mark.long
@pytest.mark.parametrize("trial", range(10))
def test_worker_killed_at_a_random_point_then_a_rerun_delivers_each_letter_once(
    trial, prefect_server, engine, sandbox, short_lease, tmp_path, capsys
):
    batch_size = 10
    load_sample(engine, 30, open_edition=False)
    seed_sandbox(engine, sandbox)
    point, nth = trial_point(trial, campaign_size(engine, batch_size))
    line = crash_trial(engine, sandbox, tmp_path, point, nth, batch_size)
    report(capsys, f"crash trial {trial} [{engine.dialect.name}] {line}")


# ----- the e-Box sandbox restarted during the deliveries ---------------------------------------

# The restart and lock tests: the small campaign rendered in one batch (rendering is most of
# the cost), delivered by one batch of PUBLISH_THREADS threads that slow answers stretch to
# seconds.
ONE_BATCH, SLOW_MS = 40, 300


@contextmanager
def campaign_in_background() -> Iterator[dict]:
    """The campaign in a thread of this process; ``result["state"]`` is its final state."""
    result: dict = {}
    runner = threading.Thread(
        target=lambda: result.update(
            state=in_threads(open_edition)(
                edition=EDITION, batch_size=ONE_BATCH, yes=True, return_state=True
            )
        )
    )
    result["thread"] = runner
    runner.start()
    try:
        yield result
    finally:
        runner.join(300)


def deliveries_under_way(engine, run: dict, sent: int) -> None:
    """Wait until ``sent`` rows are recorded sent, with the campaign still delivering."""
    wait_for(
        lambda: delivery_states(engine)["sent"] >= sent or not run["thread"].is_alive(),
        240,
        f"{sent} deliveries",
    )
    assert run["thread"].is_alive(), "the campaign ended before it could be interrupted"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("outage", ["ridden-out", "rows-failed"])
def test_sandbox_restarted_mid_run_loses_nothing_and_sends_nothing_twice(
    outage, prefect_server, engine, sandbox, short_lease, monkeypatch, capsys
):
    load_sample(engine, SMALL, open_edition=False)
    seed_sandbox(engine, sandbox)
    if outage == "ridden-out":
        # Retries that outlast a restart (~40 tries up to 0.5 s apart), as in production.
        monkeypatch.setenv("SOCELEC_EBOX_BACKOFF_MAX", "0.5")
        monkeypatch.setenv("SOCELEC_EBOX_MAX_ATTEMPTS", "40")
    sandbox.admin.set_faults(latency_ms=SLOW_MS)
    failed_during_outage: list[str] = []

    def until_rows_fail() -> None:
        wait_for(lambda: delivery_states(engine)["failed"], 120, "a delivery to fail")
        with Session(engine) as session:
            failed_during_outage.extend(
                session.exec(select(Delivery.error_code).where(Delivery.state == "failed"))
            )

    with campaign_in_background() as run:
        deliveries_under_way(engine, run, sent=3)
        before = {m["message_id"] for m in all_messages(sandbox)}
        started = time.monotonic()
        sandbox.restart(
            same_port=True, while_down=until_rows_fail if outage == "rows-failed" else None
        )
        down = time.monotonic() - started
        assert before <= {m["message_id"] for m in all_messages(sandbox)}  # kept its data
    states = delivery_states(engine)
    assert run["state"].is_completed(), run["state"]
    if outage == "ridden-out":
        assert not states["failed"], states
    else:
        # Cut off, rows end failed (retryable), never rejected or lost: redeliver sends them.
        assert set(failed_during_outage) == {"UNAVAILABLE"}, failed_during_outage
        in_threads(redeliver)(edition=EDITION, batch_size=ONE_BATCH, print_letters=False)
    line = assert_delivered_once(engine, sandbox)
    report(
        capsys,
        f"sandbox restart [{outage}] down {down:.1f} s, rows after the run "
        f"{dict(states)}, {len(failed_during_outage)} failed during the outage | "
        f"{line}",
    )


# ----- the SQLite file locked by another process -----------------------------------------------

# Holds the write lock of a SQLite file until its stdin closes, as an sqlite3 shell or a backup
# script would; says "locked" once it has it.
LOCKER = (
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)\n"
    "db.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.read()\n"
    "db.execute('ROLLBACK')\n"
)
BUSY_TIMEOUT = 2


@contextmanager
def locked_by_another_process(path: Path) -> Iterator[None]:
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout.readline().strip() == "locked", "the locker did not get the lock"
        yield
    finally:
        locker.stdin.close()
        locker.wait(30)


@pytest.fixture
def short_busy_timeout(database_url, monkeypatch) -> None:
    monkeypatch.setenv("SOCELEC_SQLITE_BUSY_TIMEOUT", str(BUSY_TIMEOUT))
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_database_locked_by_another_process_short_lock_waited_out_long_lock_fails_clearly(
    prefect_server,
    short_busy_timeout,
    engine,
    database_url,
    sandbox,
    short_lease,
    monkeypatch,
    tmp_path,
    capsys,
):
    path = Path(database_url.split("///", 1)[1])
    load_sample(engine, SMALL, open_edition=False)
    seed_sandbox(engine, sandbox)
    sandbox.admin.set_faults(latency_ms=SLOW_MS)
    # Production retries a batch 5 and 30 s later; the long lock outlasts every try either way.
    monkeypatch.setattr(deliver_batch, "retry_delay_seconds", [0.1, 0.1])
    registry = tmp_path / "registry.csv"
    registry.write_text(sample_registry(SMALL + 5, seed=7), encoding="utf-8")
    with campaign_in_background() as run:
        deliveries_under_way(engine, run, sent=2)
        with locked_by_another_process(path):  # shorter than the busy timeout
            short = delivery_states(engine)
            time.sleep(BUSY_TIMEOUT / 3)  # the lock's own duration
            assert delivery_states(engine) == short  # nothing could be recorded meanwhile
            assert run["thread"].is_alive()
        deliveries_under_way(engine, run, sent=short["sent"] + 3)  # waited out, going on
        with locked_by_another_process(path):  # longer than the busy timeout
            long = delivery_states(engine)
            wait_for(lambda: not run["thread"].is_alive(), 120, "the campaign to give up")
            cli = CliRunner().invoke(socelec_cli(), ["registry", "import", str(registry)])
    state = run["state"]
    # The run fails, its message naming the file and the lock; so does the CLI, without a
    # traceback, and the import it refused changed nothing.
    assert state.is_failed(), state
    for message in (state.message, cli.output):
        assert str(path) in message and "locked" in message, message
    assert cli.exit_code == 2 and "Traceback" not in cli.output, cli.output
    with Session(engine) as session:
        assert len(session.exec(select(Enterprise.id)).all()) == SMALL
    # Published but not recorded: at most the letters in flight when the lock came (one
    # delivery batch, so PUBLISH_THREADS); the rest of the batch waits for the next run.
    states = delivery_states(engine)
    unrecorded = len(all_messages(sandbox)) - states["sent"] - states["non_digital"]
    assert 0 <= unrecorded <= PUBLISH_THREADS < long["rendered"], (unrecorded, states, long)
    rerun_seconds = rerun(batch_size=ONE_BATCH)
    line = assert_delivered_once(engine, sandbox)
    report(
        capsys,
        f"short lock ({BUSY_TIMEOUT / 3:.1f} s < busy timeout {BUSY_TIMEOUT} s) at "
        f"{dict(short)}: waited out | long lock at {dict(long)}: run {state.name} "
        f"({state.message}); {unrecorded} sent but not recorded | re-run "
        f"{rerun_seconds:.1f} s: {line}",
    )
