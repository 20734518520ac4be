"""The daily run's heaviest day: its time as a ratio to its floor, orchestration, memory.

``advance_procedure`` sends, each day, the reminders and phase notices due that day. Its
heaviest day comes when every dossier of the edition has the same Y and a reminder due: here
Y = the window's first working day for all (2028: 8 May) and the day is the one reminder X
goes out for that Y (X itself: the notice of X is announced on the day), computed with
procedure.calendar and procedure.mailings. That day every dossier also enters the
announcement phase, so it gets two documents: the phase notice and reminder X.

For each size (default 11,569 dossiers, the 2024 edition), on a fresh SQLite database and a
fresh e-Box sandbox each time, set up without timing: the registry imported and the sandbox
seeded (bench/campaign.py ``prepare``), the dossiers opened without access-code letters, Y set,
and what the earlier daily runs sent recorded as sent (the late notices of X−60 and X−35 and
the pre-procedure notice, without their PDFs): so only the day's own mailings are due, as in
an edition where every earlier day ran. Then, timed:

- **plain**: the flow's work with no Prefect: per phase, the same plan
  (``plan_phase_mailings``), the same render (``render_documents``) in a pool of worker
  processes, delivery with threads (bench/campaign.py ``deliver_rendered``), then the two
  reports the flow reads. It also measures the CPU seconds spent inside ``render_batch``
  (wrapped in each worker) and the sandbox server's CPU seconds per message.
- **prefect**: ``advance_procedure(edition=2028, as_of=day)`` on a real Prefect server.
- **floor** (bench/cost.py): (render CPU + sandbox CPU per message × messages) ÷ cores, from
  the plain run: no password is hashed on this day.

Printed per size, then again as a summary to paste: both runs' documents rendered per kind,
outcomes, and whether the database holds the same rows after each; floor, plain and prefect
walls, prefect ÷ floor (target ≤ 1.15), prefect ÷ plain, orchestration share = (prefect −
plain) ÷ prefect (target ≤ 5 %), peak memory (PSS of this process and all its descendants;
target < 1.5 GB).

    PYTHONPATH=. .venv/bin/python bench/daily.py               # 11,569 dossiers
    PYTHONPATH=. .venv/bin/python bench/daily.py --sizes 1000  # quicker

Needs the test extra (the sandbox of tests/ebox/sandbox_server.py). Never asserted in the test
suite: bench/ prints figures (docs/performance.md#benchmarks).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# Imports the test package first: Prefect reads its settings at import (bench/campaign.py).
from bench import cost  # noqa: E402
from bench.campaign import BATCH, deliver_rendered, prepare  # noqa: E402

EDITION = 2028
# What the floor counts in a plain render worker: the letters' render.
RENDER = ("templates.batches", ("render_batch",))


def heaviest_day() -> tuple[date, date]:
    """Y = the window's first working day, and the day reminder X goes out for it."""
    from procedure.calendar import compute_calendar, valid_election_days
    from procedure.editions import KNOWN_EDITIONS
    from procedure.mailings import DEFAULT_LEAD_DAYS, reminder_window

    edition = KNOWN_EDITIONS[EDITION]
    election_day = valid_election_days(edition)[0]
    x = compute_calendar(edition, election_day).entry("X")
    return election_day, reminder_window(x.effective_date, "X", DEFAULT_LEAD_DAYS)[0]


def set_up(workdir: Path, dossiers: int, sandbox, election_day: date, day: date) -> None:
    """Open dossiers with Y set, what the days before ``day`` sent recorded as sent."""
    from sqlmodel import col, update

    from models.campaign import open_dossiers
    from models.db import session_scope
    from models.delivery import Delivery, DeliveryState
    from models.dossier import Dossier
    from models.editions import get_edition
    from models.mailing_plan import due_by_kind
    from models.settings import get_settings
    from procedure.documents import kind
    from procedure.mailings import DEFAULT_LEAD_DAYS
    from procedure.steps import Phase

    prepare(workdir, dossiers, sandbox)
    with session_scope() as session:
        edition = get_edition(session, EDITION)
        open_dossiers(session, edition)
        session.exec(
            update(Dossier)
            .where(col(Dossier.edition_id) == edition.id)
            .values(election_day=election_day)
        )
    # A mailing due the day before was sent by that day's run; what is due only from ``day``
    # on is the day's own work.
    with session_scope() as session:
        edition = get_edition(session, EDITION)
        late_after = get_settings().late_notice_after_days
        for phase in Phase:
            earlier = due_by_kind(
                session, edition, day - timedelta(days=1), phase, DEFAULT_LEAD_DAYS, late_after
            )
            session.add_all(
                Delivery(
                    dossier_id=dossier_id,
                    document_kind=code,
                    step_code=kind(code).step_code,
                    state=DeliveryState.sent,
                    idempotency_key=f"bench-earlier/{code}/{dossier_id}",
                )
                for code, ids in earlier.items()
                for dossier_id in ids
            )


def _render(job: tuple[str, int, list[int], date]) -> tuple[int, float]:
    from tasks.campaign import render_documents

    kind_code, batch_no, dossier_ids, day = job
    before = cost.floor_cpu()
    counts = render_documents.fn(kind_code, batch_no, dossier_ids, "bench", day)
    return counts["rendered"], cost.floor_cpu() - before


def run_plain(day: date, workers: int) -> tuple[dict, float]:
    """The flow's work with plain functions and plain pools: the task functions themselves
    (``.fn``), phase by phase. The flow's configuration check (e-Box settings, limits on the
    Prefect server) and its artifacts are left out: no work for the letters."""
    from sqlmodel import Session

    from flows.advance_procedure import PHASES
    from models.db import get_engine
    from models.editions import get_edition
    from procedure.mailings import DEFAULT_LEAD_DAYS
    from tasks.campaign import plan_phase_mailings, undelivered_kinds
    from tasks.reports import edition_status_report, step_states_report

    with Session(get_engine()) as session:
        edition_id = get_edition(session, EDITION).id
    rendered: Counter = Counter()
    delivered: Counter = Counter()
    render_cpu = 0.0
    with ProcessPoolExecutor(workers, initializer=cost.time_floor_work, initargs=RENDER) as pool:
        for phase in PHASES:
            plan = plan_phase_mailings.fn(EDITION, day, phase.value, DEFAULT_LEAD_DAYS, BATCH)
            for kind_code, batches in plan.items():
                jobs = [(kind_code, n, batch, day) for n, batch in enumerate(batches)]
                for count, cpu in pool.map(_render, jobs):
                    rendered[kind_code] += count
                    render_cpu += cpu
            kinds = sorted(set(plan) | set(undelivered_kinds.fn(EDITION, phase.value)))
            if kinds:
                rows = sum(rendered[k] for k in plan)
                delivered.update(deliver_rendered(edition_id, rows, kinds))
    edition_status_report.fn(EDITION, day)
    step_states_report.fn(EDITION, day)
    return {"rendered": dict(rendered), "delivered": dict(delivered)}, render_cpu


def run_prefect(day: date) -> tuple[dict, None]:
    from flows.advance_procedure import advance_procedure

    summary = advance_procedure(edition=EDITION, as_of=day, batch_size=BATCH)
    delivered = {str(outcome): n for outcome, n in summary["delivered"].items()}
    return {"rendered": summary["rendered"], "delivered": delivered}, None


def rows_of_the_day() -> dict[str, int]:
    """The rows the run rendered, by kind and state (set-up rows have no rendering time)."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from models.db import get_engine
    from models.delivery import Delivery

    with Session(get_engine()) as session:
        rows = session.exec(
            select(Delivery.document_kind, Delivery.state, func.count())
            .where(col(Delivery.rendered_at).is_not(None))
            .group_by(Delivery.document_kind, Delivery.state)
            .order_by(Delivery.document_kind, Delivery.state)
        ).all()
    return {f"{kind_code} {state}": count for kind_code, state, count in rows}


def measure(kind: str, dossiers: int, workers: int, election_day: date, day: date) -> cost.Run:
    return cost.measure(
        kind,
        dossiers,
        workers,
        lambda workdir, sandbox: set_up(workdir, dossiers, sandbox, election_day, day),
        (lambda: run_plain(day, workers)) if kind == "plain" else (lambda: run_prefect(day)),
        rows_of_the_day,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[11569])
    args = parser.parse_args()
    from models.settings import get_settings

    workers = get_settings().render_workers
    machine = cost.machine_line(workers, BATCH)
    print(machine, flush=True)
    election_day, day = heaviest_day()
    heaviest = f"heaviest day {day.isoformat()}: reminder X for Y = {election_day.isoformat()}"
    print(heaviest, flush=True)
    summaries = []
    with cost.prefect_server() as limits:
        print(limits, flush=True)
        for size in args.sizes:
            plain = measure("plain", size, workers, election_day, day)
            prefect = measure("prefect", size, workers, election_day, day)
            same = plain.check == prefect.check and (
                plain.outcomes["rendered"] == prefect.outcomes["rendered"]
            )
            lines = [
                f"rows of the day, plain: {plain.check}",
                f"rows of the day, prefect: {prefect.check}",
                f"same documents rendered and delivered: {'yes' if same else 'NO'}",
                *cost.comparison(plain, prefect, "render CPU"),
            ]
            print("\n".join(f"         {line}" for line in lines), flush=True)
            summaries.append(
                [
                    f"Daily run, heaviest day, {size:,} dossiers "
                    f"({prefect.messages:,} e-Box messages):",
                    *lines,
                ]
            )
    cost.print_summary([machine, heaviest, limits], summaries)


if __name__ == "__main__":
    main()
