"""Engine, sessions and schema upgrades for socelec's database (SQLite or PostgreSQL).

The schema is owned by Alembic (models/migrations) so a database made for one edition can be
upgraded in place for the next; ``create_all`` is never used outside throwaway tests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from models.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseLocked(RuntimeError):
    """A write waited longer than the busy timeout for another connection's lock on the SQLite
    file. Its message names the file, the wait and what to do; the transaction rolled back."""


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs to be a safe system of record."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        timeout = get_settings().sqlite_busy_timeout
        engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            # SQLite ignores foreign keys unless asked, per connection.
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL lets the portal read while a flow writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={round(timeout * 1000)}")
            cur.close()

        @event.listens_for(engine, "handle_error")
        def _name_the_lock(context):
            # sqlite3 says only "database is locked": say which file, how long, and what to do.
            error = context.original_exception
            if isinstance(error, sqlite3.OperationalError) and str(error) == "database is locked":
                raise DatabaseLocked(
                    f"database {parsed.database} is locked: another process or connection has "
                    f"held its write lock for more than {timeout:g} s "
                    "(SOCELEC_SQLITE_BUSY_TIMEOUT); this change was rolled back. Let that "
                    "process finish (another socelec run, a backup, an sqlite3 shell: `fuser "
                    f"{parsed.database}` names it), then run again."
                ) from error

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or get_settings().effective_database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: all or nothing."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request."""
    with Session(get_engine()) as session:
        yield session


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_schema(engine: Engine | None = None) -> None:
    """Bring the schema to the newest revision (a no-op when it already is)."""
    engine = engine or get_engine()
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
