"""``socelec registry``: import the concerned companies, or write a synthetic registry."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import typer
from rich.table import Table

from cli.common import actor, console, database, err_console, fail
from models.registry_file import RegistryFileError, parse_registry, read_registry_file
from models.registry_import import import_registry
from models.registry_sample import sample_registry
from models.settings import get_settings

app = typer.Typer(
    help="The registry of concerned companies (one CSV row per technical unit).",
    no_args_is_help=True,
)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="CSV file, UTF-8, comma or semicolon separated."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count, write nothing."),
) -> None:
    """Validate FILE and load it: all rows or none. Re-importing the same file changes nothing."""
    try:
        data = read_registry_file(file, get_settings().registry_max_bytes)
        units = parse_registry(data)
    except RegistryFileError as exc:
        if exc.errors[0].line == 0:  # the file itself, not its rows
            raise fail(str(exc.errors[0])) from None
        err_console.print(f"[bold red]{len(exc.errors)} error(s); nothing was imported:[/]")
        for error in exc.errors:
            err_console.print(f"  {error}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    digest = hashlib.sha256(data).hexdigest()
    with database() as session:
        report = import_registry(
            session, units, actor=actor(), source=f"{file.name} sha256:{digest[:16]}"
        )
        if dry_run:
            session.rollback()
    table = Table(title=f"Registry import{' (dry run, nothing written)' if dry_run else ''}")
    for column in ("", "created", "updated", "unchanged"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row(
        "enterprises",
        str(report.enterprises_created),
        str(report.enterprises_updated),
        str(report.enterprises_unchanged),
    )
    table.add_row(
        "technical units",
        str(report.units_created),
        str(report.units_updated),
        str(report.units_unchanged),
    )
    console.print(table)
    if report.units_not_in_file:
        console.print(
            f"{report.units_not_in_file} technical unit(s) in the database are not in "
            "this file; they were kept."
        )
    console.print(f"{report.changes} change(s).")


@app.command("sample")
def sample_command(
    companies: int = typer.Option(300, min=1, max=200_000, help="How many companies."),
    seed: int = typer.Option(2028, help="Same seed, same file."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not stdout."),
) -> None:
    """Write a realistic synthetic registry (valid numbers, the 2024 language and body mix)."""
    text = sample_registry(companies, seed=seed)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {companies} companies to {output}")
