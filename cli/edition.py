"""``socelec edition``: list the editions and change the window of a provisional one."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from cli.common import actor, console, database, fail
from models.editions import EditionError, all_editions, set_window

app = typer.Typer(
    help="Editions of the social elections and their windows for day Y.", no_args_is_help=True
)


@app.command("list")
def list_command() -> None:
    """Show every edition with its window and status."""
    table = Table(title="Editions")
    for column in ("year", "window for Y", "status", "suspensions", "legal basis"):
        table.add_column(column)
    with database() as session:
        for edition in all_editions(session):
            table.add_row(
                str(edition.year),
                f"{edition.window_first} – {edition.window_last}",
                edition.status,
                "; ".join(f"{s.start} – {s.end}" for s in edition.suspensions) or "—",
                edition.legal_basis or "—",
            )
    console.print(table)


@app.command("set-window")
def set_window_command(
    year: int = typer.Argument(..., help="Edition, e.g. 2028."),
    first: datetime = typer.Option(..., "--first", formats=["%Y-%m-%d"], help="First day for Y."),
    last: datetime = typer.Option(..., "--last", formats=["%Y-%m-%d"], help="Last day for Y."),
    official: bool = typer.Option(False, "--official", help="The law fixing it is published."),
) -> None:
    """Change the window of an edition (e.g. when the law for 2028 is published)."""
    try:
        with database() as session:
            edition = set_window(
                session,
                year,
                first.date(),
                last.date(),
                status="official" if official else None,
                actor=actor(),
            )
            console.print(
                f"edition {year}: window {edition.window_first} – "
                f"{edition.window_last} ({edition.status})"
            )
    except EditionError as exc:
        raise fail(str(exc)) from None
