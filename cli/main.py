"""The ``socelec`` command."""

from __future__ import annotations

import typer

from cli import calendar, demo, ebox, edition, portal, preview, registry, serve, status
from cli.common import console, database

app = typer.Typer(
    help="socelec: the Belgian social elections procedure for the FPS Employment.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold passwords
)
app.add_typer(registry.app, name="registry")
app.add_typer(edition.app, name="edition")
app.add_typer(ebox.app, name="ebox-sandbox")
app.add_typer(portal.app, name="portal")
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


if __name__ == "__main__":  # pragma: no cover
    app()
