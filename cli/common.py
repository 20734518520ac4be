"""Shared helpers of the ``socelec`` commands: console, errors, the database, the actor."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlmodel import Session

from models.db import DatabaseLocked, session_scope
from models.setup import ensure_database

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a clear error and return the Exit to raise (``raise fail(...)``)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def actor() -> str:
    """Who runs the command, for the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@contextmanager
def database() -> Iterator[Session]:
    """A session on an up-to-date database; commits on success, rolls back on error."""
    try:
        engine = ensure_database()
        with session_scope(engine) as session:
            yield session
    except DatabaseLocked as exc:
        raise fail(str(exc)) from None
