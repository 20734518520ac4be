"""``socelec calendar``: the legal calendar of one election day, as a table, JSON or ICS."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum

import typer
from rich.table import Table

from cli.common import console, database, fail
from models.editions import EditionError, get_edition
from procedure import ElectionDayError, WorkingDays, calendar_to_ics, compute_calendar


class Format(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


def calendar_command(
    edition: int = typer.Option(..., "--edition", help="Edition year, e.g. 2028."),
    election_day: datetime = typer.Option(
        ..., "--election-day", formats=["%Y-%m-%d"], help="Day Y, a working day inside the window."
    ),
    saturday_worked: bool = typer.Option(
        False, "--saturday-worked", help="The company works on Saturdays."
    ),
    output_format: Format = typer.Option(Format.table, "--format", help="table, json or ics."),
) -> None:
    """Print every step from X-60 to Y+144 with its legal and effective date."""
    working_days = WorkingDays.saturday_worked() if saturday_worked else WorkingDays()
    try:
        with database() as session:
            calendar = compute_calendar(
                get_edition(session, edition), election_day.date(), working_days
            )
    except (EditionError, ElectionDayError) as exc:
        raise fail(str(exc)) from None
    if output_format is Format.json:
        sys.stdout.write(json.dumps(calendar.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    if output_format is Format.ics:
        sys.stdout.buffer.write(calendar_to_ics(calendar))
        return
    table = Table(title=f"Social elections {edition}: X = {calendar.x_day}, Y = {calendar.y_day}")
    for column in ("step", "legal date", "effective date", "phase", "what", "reminder"):
        table.add_column(column)
    for entry in calendar.entries:
        effective = str(entry.effective_date)
        if entry.moved:
            effective = f"[bold]{effective}[/] (moved)"
        table.add_row(
            entry.step.code,
            str(entry.legal_date),
            effective,
            entry.step.phase.value,
            entry.step.title,
            "yes" if entry.step.reminder else "",
        )
    console.print(table)
