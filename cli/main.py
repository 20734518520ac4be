"""The ``socelec`` command."""

from __future__ import annotations

from pathlib import Path

import typer

from cli import (
    calendar,
    demo,
    ebox,
    edition,
    outbox,
    portal,
    preview,
    registry,
    report,
    results,
    serve,
    status,
)
from cli.common import console, database, fail

app = typer.Typer(
    help="socelec: the Belgian social elections procedure for the FPS Employment.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold passwords
)
app.add_typer(registry.app, name="registry")
app.add_typer(edition.app, name="edition")
app.add_typer(ebox.app, name="ebox-sandbox")
app.add_typer(portal.app, name="portal")
app.add_typer(outbox.app, name="outbox")
app.add_typer(report.app, name="report")
app.add_typer(results.app, name="results")
app.command("calendar")(calendar.calendar_command)
app.command("demo")(demo.demo_command)
app.command("serve")(serve.serve_command)
app.command("status")(status.status_command)
app.command("preview")(preview.preview_command)

db_app = typer.Typer(help="socelec's own database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema to the newest revision and add missing known editions."""
    with database():
        pass
    console.print("database is up to date")


@db_app.command("backup")
def db_backup(
    destination: Path = typer.Argument(..., help="The backup file to write (new)."),
) -> None:
    """Copy the database while socelec runs: SQLite's online backup, or pg_dump. Keep the
    outbox key with it (README, "Backup and restore")."""
    from models.backup import BackupError, backup_database
    from models.settings import get_settings

    try:
        written = backup_database(get_settings().effective_database_url, destination)
    except BackupError as exc:
        raise fail(str(exc)) from None
    console.print(f"backup written to {written}")


@app.command("ebox-limits")
def ebox_limits(
    in_flight: int = typer.Option(
        None,
        "--in-flight",
        min=1,
        help="Publications in flight at once, all runs and workers "
        "together (default SOCELEC_EBOX_MAX_IN_FLIGHT, 16).",
    ),
    per_second: int = typer.Option(
        None,
        "--per-second",
        min=1,
        help="Publications started per second (default SOCELEC_EBOX_MAX_PER_SECOND, 100).",
    ),
) -> None:
    """Create or update the e-Box limits on the Prefect server at PREFECT_API_URL (once per
    installation; `socelec serve` does it at start)."""
    from models.settings import get_settings
    from tasks.ebox_limits import apply_ebox_limits

    settings = get_settings()
    limits = apply_ebox_limits(
        in_flight or settings.ebox_max_in_flight, per_second or settings.ebox_max_per_second
    )
    for name, value in limits.items():
        console.print(f"{name}: {value}")


if __name__ == "__main__":  # pragma: no cover
    app()
