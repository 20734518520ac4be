"""The access-code campaign end to end: its time as a ratio to its floor, orchestration, memory.

For each size (default 1,000 and 11,569 dossiers, the 2024 edition), on a fresh SQLite
database and a fresh e-Box sandbox (a real HTTP server on loopback) each time:

- **plain**: the same work with no Prefect at all — open the dossiers, hash + render + store
  each batch in a pool of worker processes, release the letters (the approval ``yes=True``
  skips), deliver each batch with threads sharing one e-Box client. This is the baseline; it
  also measures the CPU seconds spent inside the render and the hash (``render_batch`` and
  ``issue_credentials``, wrapped in each worker) and the sandbox server's CPU seconds per
  message.
- **prefect**: ``open_edition`` (yes=True) on a real Prefect server, which does the same
  through tasks in a ProcessPoolTaskRunner.
- **floor** (bench/cost.py): (render + hash CPU + sandbox CPU per message × messages) ÷ cores,
  both CPU figures from the plain run of the same size: what the work costs with no overhead.

At the first size, ``open_edition`` also runs with one render worker process: the ratio shows
what the second core brings (issue 5: 2 workers must beat 1).

Printed per size, then again as a summary to paste: floor, plain and prefect walls, prefect ÷
floor (target ≤ 1.15), prefect ÷ plain, orchestration share = (prefect − plain) ÷ prefect
(target ≤ 5 %), peak memory, the largest sum of PSS over this process and all its descendants
(render workers, the Prefect server, the sandbox; target < 1.5 GB), and the moonshot: prefect
under 600 s at 11,569 dossiers (scaled to the size).

    PYTHONPATH=. .venv/bin/python bench/campaign.py                  # 1,000 and 11,569
    PYTHONPATH=. .venv/bin/python bench/campaign.py --sizes 1000     # quicker
    PYTHONPATH=. .venv/bin/python bench/campaign.py --skip-plain     # Prefect only, no floor
    PYTHONPATH=. .venv/bin/python bench/campaign.py --no-one-worker  # no 1-worker run

Needs the test extra (it starts the sandbox with tests/ebox/sandbox_server.py). Never asserted
in the test suite: bench/ prints figures (docs/performance.md#benchmarks; its last figures:
docs/performance.md#campaign).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# Prefect reads its settings at import: the test package sets them for a throwaway server.
import tests  # noqa: E402,F401
from bench import cost  # noqa: E402

BATCH = 200
MOONSHOT_SECONDS, FULL_EDITION = 600, 11569
# What the floor counts in a plain render worker: the letters' render and the passwords' hash.
RENDER_AND_HASH = ("templates.batches", ("render_batch", "issue_credentials"))


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


def _render(batch: list[int]) -> tuple[int, float]:
    from models.db import session_scope
    from templates.batches import prepare_access_code_letters

    before = cost.floor_cpu()
    with session_scope() as session:
        letters = len(prepare_access_code_letters(session, batch, actor="bench"))
    return letters, cost.floor_cpu() - before


def _brochures(batch: list[int]) -> tuple[int, float]:
    from models.db import session_scope
    from templates.batches import prepare_documents

    before = cost.floor_cpu()
    with session_scope() as session:
        brochures = len(prepare_documents(session, "brochure", batch, actor="bench"))
    return brochures, cost.floor_cpu() - before


def deliver_rendered(edition_id: int, rows: int, kinds: list[str] | None = None) -> dict:
    """Deliver ``rows`` rendered rows of the edition as the plain baseline does: batches in
    4 threads (as flows.runner.delivery_runner), one batch more than needed, which finds
    nothing left. Returns the count of each outcome."""
    from flows.runner import DELIVERY_THREADS
    from models.db import get_engine
    from tasks.delivery import deliver_claimed

    outcomes: Counter = Counter()
    with ThreadPoolExecutor(DELIVERY_THREADS) as pool:
        for result in pool.map(
            lambda n: deliver_claimed(
                get_engine(), f"bench-{n}-{uuid.uuid4().hex[:6]}", edition_id, BATCH, kinds
            ),
            range(math.ceil(rows / BATCH) + 1),
        ):
            outcomes.update(result)
    return {str(outcome): count for outcome, count in outcomes.items()}


def run_plain(workers: int) -> tuple[dict, float]:
    """The baseline: the flow's work with plain functions and plain pools. Returns the
    delivery outcomes and the CPU seconds the workers spent rendering and hashing."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from models.campaign import open_dossiers
    from models.db import get_engine, session_scope
    from models.dossier import Dossier
    from models.editions import get_edition
    from models.registry import Enterprise, TechnicalUnit
    from tasks.approvals import record_mailing_review, skip_approval

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
    with ProcessPoolExecutor(
        workers, initializer=cost.time_floor_work, initargs=RENDER_AND_HASH
    ) as pool:
        done = list(pool.map(_render, [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]))
        done += pool.map(_brochures, [firsts[i : i + BATCH] for i in range(0, len(firsts), BATCH)])
    phases["render"] = time.perf_counter() - started - sum(phases.values())
    # As open_edition with yes=True: delivery sends no credential letter an approval does not
    # cover (models.approvals).
    review = record_mailing_review.fn(2028, f"bench-{uuid.uuid4()}", "bench")
    skip_approval.fn(review["id"], "bench")
    outcomes = deliver_rendered(edition_id, sum(rows for rows, _ in done))
    phases["deliver"] = time.perf_counter() - started - sum(phases.values())
    print(
        "   plain phases: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()),
        flush=True,
    )
    return outcomes, sum(cpu for _, cpu in done)


def run_prefect(workers: int) -> tuple[dict, None]:
    from flows.open_edition import open_edition
    from flows.runner import render_runner

    campaign = open_edition.with_options(task_runner=render_runner(workers))
    summary = campaign(edition=2028, batch_size=BATCH, yes=True)
    return {str(outcome): n for outcome, n in summary["delivered_now"].items()}, None


def measure(kind: str, dossiers: int, workers: int) -> cost.Run:
    return cost.measure(
        kind,
        dossiers,
        workers,
        lambda workdir, sandbox: prepare(workdir, dossiers, sandbox),
        (lambda: run_plain(workers)) if kind == "plain" else (lambda: run_prefect(workers)),
    )


def figures(size: int, plain: cost.Run | None, prefect: cost.Run) -> list[str]:
    """The lines of one size: bench/cost.py's comparison and the moonshot."""
    budget = MOONSHOT_SECONDS * size / FULL_EDITION
    return [
        *cost.comparison(plain, prefect, "render + hash CPU"),
        f"moonshot: prefect under {MOONSHOT_SECONDS} s at {FULL_EDITION:,} dossiers, "
        f"{budget:.1f} s at {size:,}: {'met' if prefect.wall < budget else 'missed'}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 11569])
    parser.add_argument("--skip-plain", action="store_true", help="no plain run (so no floor)")
    parser.add_argument(
        "--no-one-worker",
        action="store_true",
        help="skip the Prefect run with 1 render worker at the first size",
    )
    args = parser.parse_args()
    from models.settings import get_settings

    workers = get_settings().render_workers
    machine = cost.machine_line(workers, BATCH)
    print(machine, flush=True)
    summaries = []
    with cost.prefect_server() as limits:
        print(limits, flush=True)
        for size in args.sizes:
            plain = None if args.skip_plain else measure("plain", size, workers)
            prefect = measure("prefect", size, workers)
            lines = figures(size, plain, prefect)
            if size == args.sizes[0] and workers > 1 and not args.no_one_worker:
                one = measure("prefect", size, 1)
                lines.append(
                    f"{workers} render workers vs 1: {one.wall / prefect.wall:.2f}x as fast "
                    f"({prefect.wall:.1f} s vs {one.wall:.1f} s)"
                )
            print("\n".join(f"         {line}" for line in lines), flush=True)
            summaries.append(
                [f"Campaign, {size:,} dossiers ({prefect.messages:,} e-Box messages):", *lines]
            )
    cost.print_summary([machine, limits], summaries)


if __name__ == "__main__":
    main()
