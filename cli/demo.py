"""``socelec demo``: the main job on the embedded defaults, start to finish, then exit.

The whole story on one machine: the local stack (Prefect server and UI, e-Box sandbox, officer
portal), a sample registry imported through the ``import-registry`` flow, the ``open-edition``
campaign (four-eyes gate skipped: ``yes=True``), then ``advance-procedure`` for one day, all
run against the local Prefect server so every run shows in its UI. It prints what was sent and
where to look. Re-running it on the same data directory sends nothing twice.

It never prints a password: the officer reads it in the access-code letter, in the e-Box.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import typer
from rich.status import Status
from rich.table import Table
from sqlmodel import Session

from cli.common import console, fail
from cli.serve import say
from cli.stack import LocalStack, StackError, local_stack, repeating, stop_on_sigterm
from ebox_adapter.settings import EboxSettings
from models.db import get_engine
from models.delivery import DeliveryState
from models.editions import EditionError, get_edition
from models.election_sample import simulate_election_forms
from models.registry_sample import sample_registry
from models.settings import get_settings
from models.setup import ensure_database
from models.status import dossiers_by_body, first_delivered, letters_by_family
from procedure import compute_calendar, valid_election_days
from procedure.documents import ACCESS_CODE

PROGRESS_SECONDS = 1.0
DELIVERED = (DeliveryState.sent, DeliveryState.non_digital)
FAMILIES = (
    ("access_code", "access-code letters"),
    ("brochure", "brochures"),
    ("phase_notice", "phase notices"),
    ("reminder", "reminders"),
)


def default_day(edition_year: int) -> date:
    """Day X of the earliest day Y of the window: the announcement notice and the reminders of
    that day go out to every dossier still without a chosen Y (procedure.mailings)."""

    with Session(get_engine()) as session:
        window = get_edition(session, edition_year)
        return compute_calendar(window, valid_election_days(window)[0]).x_day


def _counts_now(edition_year: int) -> Counter[tuple[str, str]]:

    with Session(get_engine()) as session:
        return letters_by_family(session, get_edition(session, edition_year))


@contextmanager
def watching(status: Status, stage: str, edition_year: int) -> Iterator[None]:
    """Keep the status line of a long stage current: letters rendered and delivered so far."""
    start = _counts_now(edition_year)

    def delivered(counts: Counter[tuple[str, str]]) -> int:
        return sum(n for (_, state), n in counts.items() if state in DELIVERED)

    def show() -> None:
        now = _counts_now(edition_year)
        status.update(
            f"{stage}: {sum(now.values()) - sum(start.values())} document(s) "
            f"rendered, {delivered(now) - delivered(start)} delivered"
        )

    status.update(stage)
    with repeating(PROGRESS_SECONDS, show, "demo-progress"):
        yield


@dataclass
class Example:
    """A dossier to try in the portal, and where its access manager reads the letter."""

    dossier_number: str
    enterprise_number: str
    enterprise_name: str


def example_dossier(edition_year: int) -> Example | None:
    """The first dossier whose access-code letter reached a company that reads its e-Box."""

    with Session(get_engine()) as session:
        row = first_delivered(session, get_edition(session, edition_year), ACCESS_CODE)
    return Example(*row) if row else None


def write_sample_registry(data_dir: Path, companies: int, seed: int) -> Path:

    path = data_dir / "demo" / f"registry-{companies}-seed{seed}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(sample_registry(companies, seed=seed), encoding="utf-8")
    return path


def _run(flow, what: str, stack: LocalStack, **parameters):
    """Run a flow against the local Prefect server; its result, or a clear error."""
    state = flow(**parameters, return_state=True)
    url = stack.flow_run_url(state.state_details.flow_run_id)
    if not state.is_completed():
        raise fail(f"{what} ended {state.name}: {state.message or ''} (see {url})", code=1)
    return state.result(), url


def demo_command(
    companies: int = typer.Option(
        300, min=1, max=200_000, help="Companies in the sample registry (7402 = 2024 scale)."
    ),
    edition: int = typer.Option(2028, help="Edition to run."),
    as_of: datetime | None = typer.Option(
        None,
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Day of the advance-procedure run (default: day X of the window's first day Y).",
    ),
    seed: int = typer.Option(2028, help="Seed of the sample registry."),
    keep_running: bool = typer.Option(
        False, "--keep-running", help="Keep the stack up to look around; Ctrl-C stops it."
    ),
    prefect_port: int = typer.Option(0, min=0, max=65535, help="Prefect UI port (0: free)."),
    portal_port: int = typer.Option(0, min=0, max=65535, help="Portal port (0: free)."),
    sandbox_port: int = typer.Option(0, min=0, max=65535, help="e-Box sandbox port (0: free)."),
    verbose: bool = typer.Option(False, "--verbose", help="Show the flows' logs here too."),
    results: bool = typer.Option(
        True,
        "--results/--no-results",
        help="Then simulate the election forms and publish the provisional national results.",
    ),
) -> None:
    """Run the whole story on a sample registry: campaign, reminders of a day, and (simulated
    election forms) the national results; then a summary."""
    if not verbose:
        # The flows' INFO logs still reach the Prefect UI; the terminal keeps one status line.
        # Set before prefect is imported, for this process and the render workers.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

    if EboxSettings().base_url:
        raise fail(
            "SOCELEC_EBOX_BASE_URL is set: the demo sends sample letters, so it runs "
            "only against the e-Box sandbox; unset it (or use another .env)"
        )
    data_dir = get_settings().data_dir.resolve()
    console.rule(f"socelec demo: edition {edition}, {companies} companies, data in {data_dir}")
    with console.status("preparing socelec's database") as status:
        ensure_database()
        try:
            day = as_of.date() if as_of else default_day(edition)
        except EditionError as exc:
            raise fail(str(exc)) from None
        registry = write_sample_registry(data_dir, companies, seed)
        before = _counts_now(edition)
        try:
            with (
                stop_on_sigterm(),
                local_stack(
                    data_dir,
                    prefect_port=prefect_port,
                    sandbox_port=sandbox_port,
                    portal_port=portal_port,
                    portal_as_of=day,
                    progress=status.update,
                ) as stack,
            ):
                runs = _story(stack, status, registry, edition, day, seed if results else None)
                status.stop()
                _summary(stack, edition, day, before, runs, data_dir, keep_running)
                if keep_running:
                    _wait_for_interrupt()
        except StackError as exc:
            raise fail(str(exc)) from None


def _story(
    stack: LocalStack,
    status: Status,
    registry: Path,
    edition: int,
    day: date,
    results_seed: int | None,
) -> dict[str, str]:
    """The flows, in order; returns each run's URL in the Prefect UI."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.advance_procedure import advance_procedure
    from flows.import_registry import import_registry
    from flows.open_edition import open_edition
    from flows.publish_results import publish_results

    # The flows run in this process, which waits for them: no crash to detect, and the
    # heartbeat thread delays the end of every (sub)flow run
    # (docs/performance.md#flow-runs-and-heartbeats).
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        status.update(f"import-registry: {registry.name}")
        report, import_url = _run(import_registry, "import-registry", stack, path=str(registry))
        say(
            f"registry: {report['enterprises_created']} enterprises and "
            f"{report['units_created']} technical units created, "
            f"{report['changes']} change(s) in all"
        )
        stack.ebox.seed_from_registry()
        with watching(status, f"open-edition {edition}", edition):
            _, campaign_url = _run(open_edition, "open-edition", stack, edition=edition, yes=True)
        with watching(status, f"advance-procedure {edition} for {day}", edition):
            _, advance_url = _run(
                advance_procedure, "advance-procedure", stack, edition=edition, as_of=day
            )
        runs = {
            "import-registry": import_url,
            "open-edition": campaign_url,
            "advance-procedure": advance_url,
        }
        if results_seed is not None:
            status.update("election forms: simulating the sample companies' results")
            after_window = simulate_results(edition, results_seed)
            status.update(f"publish-results {edition} for {after_window}")
            published, runs["publish-results"] = _run(
                publish_results, "publish-results", stack, edition=edition, as_of=after_window
            )
            say(
                f"results: {published['forms']} election forms (simulated), provisional "
                f"report: {published['report_fr']} (and -nl, -de), open data: {published['csv']}"
            )
    return runs


def simulate_results(edition_year: int, seed: int) -> date:
    """Election forms for the sample dossiers, as if the elections took place; returns the day
    after the voting window, when provisional results are published."""
    with Session(get_engine()) as session:
        edition = get_edition(session, edition_year)
        simulate_election_forms(session, edition, seed=seed)
        session.commit()
        return edition.window_last + timedelta(days=1)


def _summary(
    stack: LocalStack,
    edition: int,
    day: date,
    before: Counter,
    runs: dict[str, str],
    data_dir: Path,
    keep_running: bool,
) -> None:

    after = _counts_now(edition)
    with Session(get_engine()) as session:
        bodies = dossiers_by_body(session, get_edition(session, edition))
    console.rule(f"Edition {edition}, day {day}")
    say(
        f"dossiers: {sum(bodies.values())} "
        f"({', '.join(f'{n} {b}' for b, n in sorted(bodies.items()))})"
    )
    table = Table(
        "documents", "in all", "new now", "delivered", "non-digital", "rejected", "failed"
    )
    for family, label in FAMILIES:

        def total(counts: Counter, fam: str = family) -> int:
            return sum(n for (f, _), n in counts.items() if f == fam)

        table.add_row(
            label,
            str(total(after)),
            str(total(after) - total(before)),
            *(
                str(after[(family, s)])
                for s in (*DELIVERED, DeliveryState.rejected, DeliveryState.failed)
            ),
        )
    console.print(table)
    new = sum(after.values()) - sum(before.values())
    say(
        f"{new} new document(s) in this run"
        + ("" if new else " (all were there already: nothing is sent twice)")
    )
    say()
    say("[bold]Where to look[/]")
    for name, url in runs.items():
        say(f"  Prefect UI, {name} run:  {url}")
    say(f"  officer portal (lives on {day}):  {stack.portal_url}/login")
    example = example_dossier(edition)
    if example and stack.ebox.sandbox_url:
        say(
            f"  e-Box of {example.enterprise_name} ({example.enterprise_number}), "
            f"as its access manager:  {stack.ebox.inbox_url(example.enterprise_number)}"
        )
        say(
            f"  (the sandbox asks for its admin sign-in once: open the link that "
            f"`socelec ebox-sandbox login-url --url {stack.ebox.sandbox_url}` prints)"
        )
        say(
            f"\nTry dossier [bold]{example.dossier_number}[/] in the portal: its "
            "password is in the access-code letter in that e-Box."
        )
    if not keep_running:
        say(
            f"\nThe stack stops now; the data stays in {data_dir}. "
            "`socelec demo --keep-running` keeps it up to look around."
        )


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C (or SIGTERM, see stop_on_sigterm); the caller then stops the stack."""
    say("\nThe stack keeps running: Ctrl-C stops it.")
    with suppress(KeyboardInterrupt):
        threading.Event().wait()
