"""``socelec portal``: run the election officers' portal; ``socelec portal unlock``: help desk."""

from __future__ import annotations

from datetime import datetime

import typer

from cli.common import actor, console, database, fail
from models.credentials import is_valid_dossier_number, normalise_dossier_number
from models.portal import unlock_dossier

app = typer.Typer(
    help="The election officers' portal (log in with dossier number and password).",
    invoke_without_command=True,
)


@app.callback()
def portal_command(
    context: typer.Context,
    host: str = typer.Option(
        None, help="Address to listen on (default: SOCELEC_PORTAL_HOST, else 127.0.0.1)."
    ),
    port: int = typer.Option(None, help="Port (default: SOCELEC_PORTAL_PORT, else 8080)."),
    as_of: datetime = typer.Option(
        None,
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Demo or training: behave as if today were this day.",
    ),
) -> None:
    """Start the portal (foreground, until Ctrl+C) on an up-to-date database."""
    if context.invoked_subcommand is not None:
        return
    from portal.server import serve
    from portal.settings import get_portal_settings

    settings = get_portal_settings()
    if as_of is not None:
        settings = settings.model_copy(update={"as_of": as_of.date()})
    with database():
        pass
    url = f"http://{host or settings.host}:{port or settings.port}/"
    console.print(f"officer portal on {url} (Ctrl+C to stop)")
    if settings.as_of:
        console.print(f"[yellow]demo mode: the portal behaves as if today were {settings.as_of}")
    serve(host=host, port=port, settings=settings)


@app.command("unlock")
def unlock_command(
    dossier_number: str = typer.Argument(..., help="The locked dossier, e.g. 28-CPPT-000412-51."),
) -> None:
    """Lift a dossier's lockout after wrong passwords (the officer called the help desk)."""
    number = normalise_dossier_number(dossier_number)
    if not is_valid_dossier_number(number):
        raise fail(
            f"dossier_number: {dossier_number!r} is not a dossier number with valid "
            "check digits (e.g. 28-CPPT-000412-51)"
        )
    with database() as session:
        before = unlock_dossier(session, number, actor())
    if before is None:
        raise fail(f"dossier_number: no dossier {number}")
    console.print(f"{number}: unlocked (it had {before['failed_logins']} wrong passwords in a row)")
