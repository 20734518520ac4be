"""The access-code campaign end to end: dossiers per second, orchestration share, peak memory.

For each size (default 1,000 and 11,569 dossiers, the 2024 edition), on a fresh SQLite
database and a fresh e-Box sandbox (a real HTTP server on loopback):

- **plain**: the same work with no Prefect at all — open the dossiers, hash + render + store
  each batch in a pool of worker processes, deliver each batch with threads sharing one e-Box
  client. This is the baseline.
- **prefect**: ``open_edition`` (yes=True) on a real Prefect server, which does the same
  through tasks in a ProcessPoolTaskRunner.

At the first size, ``open_edition`` also runs with one render worker process: the ratio shows
what the second core brings (issue 5: 2 workers must beat 1).

Orchestration share = (prefect wall − plain wall) / prefect wall: what Prefect adds on top of
the work. Peak memory is the largest sum of PSS over this process and all its descendants
(render workers, the Prefect server, the sandbox), sampled every 0.2 s. Targets (issue 5):
11,569 dossiers under 6 minutes, orchestration under 10 % of the wall time, peak memory under
1.5 GB.

    PYTHONPATH=. .venv/bin/python bench/campaign.py                  # 1,000 and 11,569
    PYTHONPATH=. .venv/bin/python bench/campaign.py --sizes 1000     # quicker
    PYTHONPATH=. .venv/bin/python bench/campaign.py --skip-plain     # Prefect only
    PYTHONPATH=. .venv/bin/python bench/campaign.py --no-one-worker  # no 1-worker run

Needs the test extra (it starts the sandbox with tests/ebox/sandbox_server.py). Never asserted
in the test suite: bench/ prints figures (docs/performance.md#benchmarks; its last figures:
docs/performance.md#campaign).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# Prefect reads its settings at import: the test package sets them for a throwaway server.
import tests  # noqa: E402,F401

TARGET_SECONDS, TARGET_SHARE, TARGET_MEMORY = 360, 0.10, 1.5 * 1024**3
BATCH = 200


def _pss(pid: int) -> int:
    """Proportional set size: pages shared by forked workers count once over the tree (a sum
    of RSS counts the parent's pages again in every worker)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


class PeakMemory:
    """Largest memory (PSS) of this process and all its descendants (workers, servers)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, sum(_pss(p) for p in _tree(os.getpid())))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def registry_for(dossiers: int) -> str:
    """A sample registry cut so that it opens ``dossiers`` dossiers (one more at most)."""
    from models.registry_sample import sample_registry

    text = sample_registry(int(dossiers / 1.5) + 50, seed=2024)
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=rows[0].keys(), lineterminator="\n")
    writer.writeheader()
    count, current, keep = 0, None, True
    for row in rows:
        if row["enterprise_number"] != current:
            current = row["enterprise_number"]
            keep = count < dossiers
        if keep:
            writer.writerow(row)
            count += 1 + ("CE" in row["bodies"])
    return out.getvalue()


def prepare(workdir: Path, dossiers: int, sandbox) -> None:
    """A fresh database with the registry imported, the sandbox seeded from it."""
    from sqlmodel import Session

    from ebox_sandbox.seed import seeds_from_registry
    from models.db import get_engine
    from models.registry_file import parse_registry
    from models.registry_import import import_registry
    from models.settings import get_settings
    from models.setup import ensure_database

    os.environ["SOCELEC_DATA_DIR"] = str(workdir / "var")
    os.environ["SOCELEC_DATABASE_URL"] = f"sqlite:///{workdir / 'socelec.db'}"
    get_settings.cache_clear()
    get_engine.cache_clear()
    engine = ensure_database()
    with Session(engine) as session:
        import_registry(session, parse_registry(registry_for(dossiers).encode()), actor="bench")
        session.commit()
        sandbox.admin.seed(seeds_from_registry(session))
    os.environ.update(sandbox.settings.environment())


def _render(batch: list[int]) -> int:
    from models.db import session_scope
    from templates.batches import prepare_access_code_letters

    with session_scope() as session:
        return len(prepare_access_code_letters(session, batch, actor="bench"))


def _brochures(batch: list[int]) -> int:
    from models.db import session_scope
    from templates.batches import prepare_documents

    with session_scope() as session:
        return len(prepare_documents(session, "brochure", batch, actor="bench"))


def run_plain(workers: int) -> Counter:
    """The baseline: the flow's work with plain functions and plain pools."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from models.campaign import open_dossiers
    from models.db import get_engine, session_scope
    from models.dossier import Dossier
    from models.editions import get_edition
    from models.registry import Enterprise, TechnicalUnit
    from tasks.delivery import deliver_claimed

    phases: dict[str, float] = {}
    started = time.perf_counter()
    with session_scope() as session:
        edition = get_edition(session, 2028)
        open_dossiers(session, edition)
    phases["open"] = time.perf_counter() - started
    with Session(get_engine()) as session:
        ids = list(session.exec(select(Dossier.id).order_by(col(Dossier.id))))
        firsts = list(
            session.exec(
                select(func.min(Dossier.id))
                .join(TechnicalUnit)
                .join(Enterprise)
                .group_by(Enterprise.id)
            )
        )
        edition_id = get_edition(session, 2028).id
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_render, [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]))
        list(pool.map(_brochures, [firsts[i : i + BATCH] for i in range(0, len(firsts), BATCH)]))
    phases["render"] = time.perf_counter() - started - sum(phases.values())
    outcomes: Counter = Counter()
    batches = (2 * len(ids)) // BATCH + 2
    with ThreadPoolExecutor(4) as pool:
        for result in pool.map(
            lambda n: deliver_claimed(
                get_engine(), f"bench-{n}-{uuid.uuid4().hex[:6]}", edition_id, BATCH
            ),
            range(batches),
        ):
            outcomes.update(result)
    phases["deliver"] = time.perf_counter() - started - sum(phases.values())
    print(
        "   plain phases: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()),
        flush=True,
    )
    return outcomes


def run_prefect(workers: int) -> Counter:
    from flows.open_edition import open_edition
    from flows.runner import render_runner

    campaign = open_edition.with_options(task_runner=render_runner(workers))
    summary = campaign(edition=2028, batch_size=BATCH, yes=True)
    return Counter(summary["delivered_now"])


def measure(kind: str, dossiers: int, workers: int) -> dict:
    from tests.ebox.sandbox_server import running_sandbox

    for name in [n for n in os.environ if n.startswith("SOCELEC_EBOX_")]:
        del os.environ[name]  # the previous run's sandbox and key are gone
    with tempfile.TemporaryDirectory(prefix=f"bench-campaign-{kind}-") as tmp:
        workdir = Path(tmp)
        with running_sandbox(workdir / "sandbox") as sandbox:
            prepare(workdir, dossiers, sandbox)
            with PeakMemory() as memory:
                start = time.perf_counter()
                outcomes = run_plain(workers) if kind == "plain" else run_prefect(workers)
                wall = time.perf_counter() - start
            messages = sandbox.admin.stats()["messages"]
    run = {
        "kind": kind,
        "dossiers": dossiers,
        "wall": wall,
        "outcomes": dict(outcomes),
        "messages": messages,
        "peak": memory.peak,
    }
    print(
        f"{kind:>8} {dossiers:>6} dossiers, {workers} render worker(s): {wall:7.1f} s, "
        f"{dossiers / wall:6.1f} dossiers/s, "
        f"{messages} e-Box messages, outcomes {dict(outcomes)}, "
        f"peak memory {memory.peak / 1024**2:,.0f} MB",
        flush=True,
    )
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 11569])
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument(
        "--no-one-worker",
        action="store_true",
        help="skip the Prefect run with 1 render worker at the first size",
    )
    args = parser.parse_args()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from bench.machine import cpu_description
    from models.settings import get_settings

    workers = get_settings().render_workers
    print(
        f"machine: {cpu_description()}, Python "
        f"{platform.python_version()}; {workers} render workers, batches of {BATCH}"
    )
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        for size in args.sizes:
            runs = [] if args.skip_plain else [measure("plain", size, workers)]
            runs.append(measure("prefect", size, workers))
            prefect = runs[-1]
            verdict = "meets" if prefect["wall"] < TARGET_SECONDS * size / 11569 else "misses"
            print(
                f"         time target (scaled to {size}): {verdict}; memory target "
                f"{'met' if prefect['peak'] < TARGET_MEMORY else 'missed'}"
            )
            if not args.skip_plain:
                share = (prefect["wall"] - runs[0]["wall"]) / prefect["wall"]
                print(
                    f"         orchestration share: {share:.1%} of the wall time "
                    f"(prefect/plain = {prefect['wall'] / runs[0]['wall']:.2f}); target "
                    f"under {TARGET_SHARE:.0%}"
                )
            if size == args.sizes[0] and workers > 1 and not args.no_one_worker:
                one = measure("prefect", size, 1)
                print(
                    f"         {workers} render workers vs 1: "
                    f"{one['wall'] / prefect['wall']:.2f}x as fast "
                    f"({prefect['wall']:.1f} s vs {one['wall']:.1f} s)"
                )


if __name__ == "__main__":
    main()
