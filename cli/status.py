"""``socelec status``: where an edition stands, with the same numbers as the flow artifacts."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime

import typer
from rich.table import Table

from cli.common import console, database, fail
from models.editions import EditionError, get_edition
from models.progress import step_counts
from models.settings import get_settings
from models.status import edition_status
from procedure.clock import brussels_today
from tasks.summaries import STEP_COLUMNS


def status_command(
    edition: int = typer.Option(2028, "--edition", help="Edition year."),
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Day to report on (default: today, Brussels)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    steps: bool = typer.Option(
        False,
        "--steps",
        help="Per step: dossiers done, late, due in 7 days, later (and per "
        "language), as the daily run's artifact shows them.",
    ),
) -> None:
    """Dossiers per phase, deliveries per state, and the mailings due in the next 14 days."""
    day: date = as_of.date() if as_of else brussels_today()
    try:
        with database() as session:
            found = get_edition(session, edition)
            status = edition_status(
                session, found, day, late_after=get_settings().late_notice_after_days
            )
            counts = step_counts(session, found, day) if steps else []
    except EditionError as exc:
        raise fail(str(exc)) from None
    if as_json:
        body = status.as_dict() | ({"steps": counts} if steps else {})
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return
    if steps:
        print_step_counts(counts, title=f"Edition {edition} on {day}: steps of the open dossiers")
        return
    console.print(
        f"[bold]Edition {edition}[/] on {day}: {status.dossiers} dossiers "
        f"({', '.join(f'{n} {s}' for s, n in sorted(status.dossiers_by_status.items()))})"
        f"; {status.without_election_day} open without a chosen day Y"
    )
    phases = Table(title="Open dossiers per phase")
    for phase in status.open_by_phase:
        phases.add_column(phase, justify="right")
    phases.add_row(*(str(n) for n in status.open_by_phase.values()))
    console.print(phases)
    states = Table(title="Deliveries per state")
    for state in status.deliveries_by_state:
        states.add_column(state, justify="right")
    states.add_row(*(str(n) for n in status.deliveries_by_state.values()))
    console.print(states)
    upcoming = Table(title="Mailings coming due (next 14 days)")
    for column in ("from", "mailing", "dossiers"):
        upcoming.add_column(column)
    for day_due, mailing, count in status.upcoming:
        upcoming.add_row(str(day_due), mailing, str(count))
    console.print(upcoming if status.upcoming else "No mailing comes due in the next 14 days.")


def print_step_counts(counts: list[dict], title: str) -> None:
    table = Table(title=title)
    columns = ("step", *STEP_COLUMNS)
    for column in columns:
        table.add_column(column, justify="left" if column == "step" else "right")
    for row in counts:
        table.add_row(*(str(row[c]) for c in columns))
    console.print(table)
