"""``socelec outbox``: the letters held for staff, sending them once the cause is fixed, and the
key the stored access-code letters are encrypted with."""

from __future__ import annotations

import typer
from cryptography.fernet import Fernet
from rich.table import Table

from cli.common import actor, console, database, fail
from models.credentials import normalise_dossier_number
from models.editions import EditionError, get_edition
from models.outbox import OutboxError, dossier_messages, rotate_outbox_key
from tasks.held import held_report, release_held

app = typer.Typer(help="The outbox: letters held for staff (tasks/held.py).", no_args_is_help=True)


@app.command("held")
def held_command(edition: int = typer.Option(2028, "--edition", help="Edition year.")) -> None:
    """List the held letters with the reason each is held."""
    try:
        with database() as session:
            rows = held_report(session, get_edition(session, edition).id)
    except EditionError as exc:
        raise fail(str(exc)) from None
    if not rows:
        console.print(f"edition {edition}: no letter is held")
        return
    table = Table(title=f"Edition {edition}: {len(rows)} held letter(s)")
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)


@app.command("release")
def release_command(
    edition: int = typer.Option(2028, "--edition", help="Edition year."),
    delivery: list[int] = typer.Option(
        None, "--delivery", help="Only these held letters (ids of `outbox held`)."
    ),
) -> None:
    """Render the held letters again from the data as it is now and queue those that pass
    (access-code letters then wait for the next approval); the others stay held."""
    try:
        with database() as session:
            release = release_held(
                session, get_edition(session, edition).id, delivery or None, actor=actor()
            )
    except EditionError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"released {len(release.released)} letter(s) "
        f"({len(release.reissued)} under a new key); "
        f"{len(release.still_held)} still held"
    )
    for delivery_id, reason in release.still_held.items():
        console.print(f"  delivery {delivery_id}: {reason}", highlight=False)
    if release.still_held:
        raise typer.Exit(1)


@app.command("new-key")
def new_key_command() -> None:
    """Print a new outbox key (Fernet: 32 random bytes, url-safe base64) for SOCELEC_OUTBOX_KEY.

    To rotate: set SOCELEC_OUTBOX_KEY=NEW,OLD on every machine (the first encrypts, all
    decrypt), run `socelec outbox rotate-key`, then drop OLD."""
    print(Fernet.generate_key().decode("ascii"))


@app.command("rotate-key")
def rotate_key_command() -> None:
    """Encrypt every stored credential letter again under the newest key of SOCELEC_OUTBOX_KEY,
    so the older keys can be dropped (audited; the letters' digests do not change)."""
    try:
        with database() as session:
            count = rotate_outbox_key(session, actor=actor())
    except OutboxError as exc:
        raise fail(str(exc)) from None
    console.print(f"{count} stored letter(s) now encrypted under the newest key")


@app.command("show")
def show_command(dossier_number: str = typer.Argument(..., help="e.g. 28-CPPT-000412-51")) -> None:
    """The help desk's view of a dossier's messages: state, subject, e-Box messageId, times."""
    try:
        with database() as session:
            rows = dossier_messages(session, normalise_dossier_number(dossier_number))
    except LookupError as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Messages of dossier {normalise_dossier_number(dossier_number)}")
    for column in ("kind", "state", "subject", "message_id", "sent", "expires", "error"):
        table.add_column(column, overflow="fold")  # an id is copied whole, never cut
    for row in rows:
        table.add_row(*(str(row[c] or "") for c in row))
    console.print(table)
