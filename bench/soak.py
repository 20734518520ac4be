"""Soak: the access-code campaign delivered through a faulty e-Box, then through a sound one.

    PYTHONPATH=. .venv/bin/python bench/soak.py                        # 5,000 dossiers
    PYTHONPATH=. .venv/bin/python bench/soak.py --dossiers 1000        # quicker
    PYTHONPATH=. .venv/bin/python bench/soak.py --cache var/bench-soak # render once, keep it

The faults (tests/reliability/helpers.py SOAK_FAULTS, issue 7): 20 % of the e-Box API requests
answer 503 (no Retry-After: the adapter's own backoff), 5 % answer 429 with Retry-After: 1 s
(the adapter must wait it out; the sandbox counts any request that comes back sooner), 5 % are
carried out and then lose their 201 (the connection is cut: the retry gets 409), and 10 % are
held 200 ms first (latency spikes). Retry timings are the production defaults of
``EboxSettings`` (backoff from 0.5 s up to 30 s, 8 tries, Retry-After honoured up to 120 s).

How it runs, on a throwaway Prefect server (as bench/campaign.py):

1. **Render once** (not timed in the comparison): a registry cut to ``--dossiers`` dossiers is
   imported into a fresh SQLite database and ``open_edition(dry_run=True)`` renders every
   access-code letter and one brochure per legal entity into the outbox. Rendering 5,000
   letters takes minutes of the CPU and is not what the soak is about; ``--cache DIR`` keeps
   the rendered database (and its outbox key) for the next run.
2. **Deliver twice**: for each of "faulty" and "fault-free", a copy of the rendered database
   and a fresh sandbox (a real HTTP server on loopback) seeded with the same enterprises; the
   real ``deliver_outbox`` flow sends the campaign's kinds as ``open_edition`` does after the
   approval. **Timed**: that flow run, from call to return (claims, decryption, publication
   with retries, recording each outcome).
3. **Audit** each run (tests/reliability/helpers.py ``audit_deliveries``): every outbox row
   against the sandbox's messages.

Expected e-Box messages = access-code letters + brochures, minus the rows for companies the
CBE does not know (the sandbox's seeding makes ~2 % of them so: their rows end ``rejected``
with a 400 and no message). The report gives that count exactly, the messages found, the
duplicates (two messages under one idempotency key, or for one dossier/kind/step), the lost
rows, the rows not in a final state and the rows whose state disagrees with the e-Box; each
must be 0. Exit status 1 if any is not. Prints progress every 10 s and the machine
(bench/machine.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# Prefect reads its settings at import: the test package sets them for a throwaway server.
import tests  # noqa: E402,F401

EDITION = 2028
PROGRESS_SECONDS = 10.0


@contextmanager
def progress(line: Callable[[], str]) -> Iterator[None]:
    """Print ``line()`` every few seconds while the block runs (the demo's repeating thread)."""
    from cli.stack import repeating

    started = time.monotonic()

    def show() -> None:
        try:
            print(f"  {time.monotonic() - started:6.0f} s  {line()}", flush=True)
        except Exception as exc:  # a progress line must never stop the run
            print(f"  (progress unavailable: {type(exc).__name__})", flush=True)

    with repeating(PROGRESS_SECONDS, show, "soak-progress"):
        yield


def use_database(path: Path) -> None:
    from models.db import get_engine
    from models.settings import get_settings

    os.environ["SOCELEC_DATABASE_URL"] = f"sqlite:///{path}"
    get_settings.cache_clear()
    get_engine.cache_clear()


def row_states() -> dict[str, int]:
    from sqlalchemy import func
    from sqlmodel import Session, select

    from models.db import get_engine
    from models.delivery import Delivery

    with Session(get_engine()) as session:
        return dict(
            session.exec(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
        )


def render(path: Path, dossiers: int, batch_size: int) -> None:
    """A fresh database at ``path`` holding the whole campaign, rendered and not sent."""
    from sqlmodel import Session

    from bench.campaign import registry_for
    from flows.open_edition import open_edition
    from models.db import get_engine
    from models.registry_file import parse_registry
    from models.registry_import import import_registry
    from models.setup import ensure_database

    draft = path.with_suffix(".draft")
    draft.unlink(missing_ok=True)
    use_database(draft)
    ensure_database()
    with Session(get_engine()) as session:
        import_registry(session, parse_registry(registry_for(dossiers).encode()), actor="bench")
        session.commit()
    started = time.perf_counter()
    with progress(
        lambda: (
            f"{sum(row_states().values())} documents rendered and stored "
            "(a batch of letters is stored at once)"
        )
    ):
        summary = open_edition(edition=EDITION, batch_size=batch_size, dry_run=True, yes=True)
    get_engine().dispose()
    draft.rename(path)  # only a complete render is kept
    print(
        f"rendered {summary['letters_rendered']} access-code letters and "
        f"{summary['brochures_rendered']} brochures in {time.perf_counter() - started:.0f} s "
        f"(not part of the comparison)",
        flush=True,
    )


def deliver(
    name: str, rendered: Path, workdir: Path, batch_size: int, faults: dict | None, seed: int
) -> dict:
    """One delivery run on a copy of the rendered outbox and a fresh sandbox; its figures."""
    from ebox_adapter.settings import EboxSettings
    from flows.deliver_outbox import deliver_outbox
    from flows.open_edition import CAMPAIGN_KINDS
    from models.db import get_engine
    from tests.ebox.sandbox_server import FAST_RETRIES, running_sandbox
    from tests.flows.helpers import point_at_sandbox, seed_sandbox
    from tests.reliability.helpers import audit_deliveries

    database = workdir / f"{name}.db"
    shutil.copy(rendered, database)
    use_database(database)
    for variable in [n for n in os.environ if n.startswith("SOCELEC_EBOX_")]:
        del os.environ[variable]  # the previous run's sandbox is gone
    production_retries = {n: EboxSettings.model_fields[n].default for n in FAST_RETRIES}
    with running_sandbox(workdir / f"sandbox-{name}", **production_retries) as sandbox:
        seed_sandbox(get_engine(), sandbox)
        point_at_sandbox(SimpleNamespace(setenv=os.environ.__setitem__), sandbox)
        sandbox.admin.set_faults(**(faults or {}), seed=seed)
        total = sum(row_states().values())
        print(f"{name}: delivering {total} documents", flush=True)

        def line() -> str:
            states = row_states()
            done = sum(v for k, v in states.items() if k in ("sent", "non_digital", "rejected"))
            return (
                f"{name}: {done}/{total} final {states}; e-Box messages "
                f"{sandbox.admin.stats()['messages']}; faults "
                f"{sandbox.admin.faults()['counts']}"
            )

        with progress(line):
            started = time.perf_counter()
            outcomes = deliver_outbox(edition=EDITION, batch_size=batch_size, kinds=CAMPAIGN_KINDS)
            wall = time.perf_counter() - started
        audit = audit_deliveries(get_engine(), sandbox)
        injected = sandbox.admin.faults()["counts"]
    get_engine().dispose()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{name}: {wall:.1f} s, {audit.deliveries / wall:.1f} documents/s (load average now "
        f"{load}); outcomes {outcomes}; faults injected {injected or 'none'}\n"
        f"  audit: {audit.summary()}",
        flush=True,
    )
    for problem in audit.problems():
        print(f"  PROBLEM: {problem}")
    return {"wall": wall, "audit": audit, "faults": injected}


def campaign_counts(rendered: Path) -> dict[str, int]:
    """Rows per kind and how many go to companies unknown to the CBE (no message expected)."""
    from sqlmodel import Session, col, select

    from ebox_sandbox.seed import ebox_status
    from models import Delivery, Dossier, Enterprise, TechnicalUnit
    from models.db import get_engine

    use_database(rendered)
    with Session(get_engine()) as session:
        rows = session.exec(
            select(Delivery.document_kind, Enterprise.enterprise_number)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
            .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        ).all()
        dossiers = len(session.exec(select(Dossier.id)).all())
    get_engine().dispose()
    return {
        "dossiers": dossiers,
        "access_codes": sum(kind == "access-code" for kind, _ in rows),
        "brochures": sum(kind == "brochure" for kind, _ in rows),
        "not_in_cbe": sum(ebox_status(number) == "not_in_cbe" for _, number in rows),
    }


def outbox_key(cache: Path | None) -> str:
    """One Fernet key for the render and both copies (kept with a cached render)."""
    from cryptography.fernet import Fernet

    if cache is None:
        return Fernet.generate_key().decode()
    path = cache / "outbox.key"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2028, help="of the injected faults")
    parser.add_argument("--cache", type=Path, help="keep (and reuse) the rendered outbox here")
    args = parser.parse_args()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from bench.machine import cpu_description
    from models.settings import get_settings
    from tests.reliability.helpers import SOAK_FAULTS

    print(f"machine: {cpu_description()}, Python {platform.python_version()}", flush=True)
    print(f"faults: {SOAK_FAULTS}, seed {args.seed}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp,
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        workdir = Path(tmp)
        os.environ["SOCELEC_DATA_DIR"] = str(workdir / "var")
        os.environ["SOCELEC_OUTBOX_KEY"] = outbox_key(args.cache)
        get_settings.cache_clear()  # read again with this run's data directory and key
        rendered = (args.cache or workdir) / f"rendered-{args.dossiers}.db"
        if rendered.exists():
            print(f"reusing the rendered outbox {rendered}", flush=True)
        else:
            render(rendered, args.dossiers, args.batch_size)
        counts = campaign_counts(rendered)
        expected = counts["access_codes"] + counts["brochures"] - counts["not_in_cbe"]
        print(
            f"campaign: {counts['dossiers']} dossiers; {counts['access_codes']} access-code "
            f"letters + {counts['brochures']} brochures (one per legal entity) = "
            f"{counts['access_codes'] + counts['brochures']} documents; "
            f"{counts['not_in_cbe']} of them to companies unknown to the CBE (rejected, no "
            f"message); expected e-Box messages: {expected}",
            flush=True,
        )
        runs = {
            name: deliver(name, rendered, workdir, args.batch_size, faults, args.seed)
            for name, faults in (("faulty", SOAK_FAULTS), ("fault-free", None))
        }
    faulty, clean = runs["faulty"], runs["fault-free"]
    print(
        f"\n{'run':<11} {'time':>8} {'messages':>9} {'expected':>9} {'duplicates':>11} "
        f"{'lost':>5} {'not final':>10} {'misrecorded':>12}"
    )
    for name, run in runs.items():
        audit = run["audit"]
        print(
            f"{name:<11} {run['wall']:>7.1f}s {audit.messages:>9} {expected:>9} "
            f"{audit.duplicate_keys + audit.duplicate_deliveries:>11} {audit.lost:>5} "
            f"{audit.not_final:>10} {len(audit.misrecorded):>12}"
        )
    print(
        f"faulty / fault-free time: {faulty['wall'] / clean['wall']:.2f}; Retry-After "
        f"ignored: {faulty['faults'].get('retry_after_ignored', 0)}"
    )
    broken = [
        name
        for name, run in runs.items()
        if run["audit"].problems() or run["audit"].expected_messages != expected
    ]
    if faulty["faults"].get("retry_after_ignored"):
        broken.append("faulty (Retry-After not honoured)")
    print("verdict: " + ("every promise kept" if not broken else f"BROKEN in {', '.join(broken)}"))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
