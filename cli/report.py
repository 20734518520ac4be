"""``socelec report``: lists for the help desk, from the same rule as the portal and the flows."""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime
from enum import StrEnum

import typer
from rich.table import Table

from cli.common import console, database, fail
from models.editions import EditionError, get_edition
from models.progress import late_dossiers
from procedure import step
from procedure.clock import brussels_today

app = typer.Typer(help="Lists for the help desk.", no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"


@app.command("late")
def late_command(
    step_code: str = typer.Option(..., "--step", help="The step, e.g. X-60, X, Y+2."),
    edition: int = typer.Option(2028, "--edition", help="Edition year."),
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Day to report on (default: today, Brussels)."
    ),
    output: Format = typer.Option(Format.table, "--format", help="table or csv."),
) -> None:
    """The open dossiers late on a step: enterprise, unit, body, language, days late and the
    last message the FPS sent them."""
    try:
        code = step(step_code).code
    except KeyError as exc:
        raise fail(exc.args[0]) from None
    day: date = as_of.date() if as_of else brussels_today()
    try:
        with database() as session:
            rows = late_dossiers(session, get_edition(session, edition), day, code)
    except EditionError as exc:
        raise fail(str(exc)) from None
    columns = ("dossier", "enterprise", "unit", "body", "language", "days_late", "last_fps_message")
    if output is Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table(title=f"Edition {edition} on {day}: {len(rows)} dossier(s) late on {code}")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c]) for c in columns))
    console.print(table)
