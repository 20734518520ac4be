"""``socelec results``: the national results of an edition, as publish-results computes them;
``socelec results check``: staff's check of the election forms; ``socelec results previous``:
the previous edition's figures."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from cli.common import actor, console, database, fail
from models.editions import EditionError, get_edition
from models.previous_results import PreviousResultsError, load_previous_results
from models.results import ResultsError, check_forms, edition_results, require_final
from tasks.results import as_json, headline_table, open_data_csv, status_of

app = typer.Typer(
    help="The national results: figures per body, organisation, region, sector.",
    invoke_without_command=True,
)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.callback()
def results_command(
    context: typer.Context,
    edition: int = typer.Option(2028, "--edition", help="Edition year."),
    final: bool = typer.Option(
        False, "--final", help="Only if every included election form is checked."
    ),
    output: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
) -> None:
    """Print the edition's results now: table (headline per body and organisation), json
    (every figure), csv (the open-data file, one row per figure)."""
    if context.invoked_subcommand is not None:
        return
    try:
        with database() as session:
            the_edition = get_edition(session, edition)
            results = edition_results(session, the_edition)
            if final:
                require_final(results, the_edition)
    except (EditionError, ResultsError) as exc:
        raise fail(str(exc)) from None
    if output is Format.csv:
        sys.stdout.write(open_data_csv(results, edition, final).decode())
    elif output is Format.json:
        sys.stdout.write(json.dumps(as_json(results, edition, final), indent=2) + "\n")
    else:
        table = Table(title=f"Social elections {edition}: {status_of(final)} results")
        rows = headline_table(results)
        columns = list(rows[0]) if rows else ["body", "organisation"]
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(str(row[c]) for c in columns))
        console.print(table)
        for c in results.coverage:
            console.print(f"{c.body}: {c.reported} of {c.expected} dossiers reported ({c.share} %)")
        console.print(f"{results.checked} of {results.forms} election forms checked by staff")


@app.command("check")
def check_command(
    dossier_numbers: list[str] = typer.Argument(
        None, help="Dossiers whose election form was checked (none: with --all)."
    ),
    edition: int = typer.Option(2028, "--edition", help="Edition year."),
    every: bool = typer.Option(False, "--all", help="Every included election form."),
) -> None:
    """Record that you checked these election forms (audited): final figures need them all."""
    if not dossier_numbers and not every:
        raise fail("dossier_numbers: name the dossiers you checked, or pass --all")
    try:
        with database() as session:
            checked = check_forms(
                session, get_edition(session, edition), actor(), dossier_numbers or None
            )
    except (EditionError, ResultsError) as exc:
        raise fail(str(exc)) from None
    console.print(f"{checked} election form(s) of {edition} newly checked by {actor()}")


@app.command("previous")
def previous_command(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV: edition,body,organisation,measure,value,source"
    ),
) -> None:
    """Load the previous edition's national figures, shown beside the new ones."""
    try:
        with database() as session:
            loaded = load_previous_results(session, file.read_bytes(), actor())
    except PreviousResultsError as exc:
        raise fail(str(exc)) from None
    console.print(f"{loaded} figure(s) loaded from {file}")
