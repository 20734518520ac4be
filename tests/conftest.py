"""Shared fixtures: a fresh, migrated database per test on SQLite and, when
SOCELEC_TEST_POSTGRES=1, on a real PostgreSQL server started for the session."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import Engine

from models.db import get_engine, make_engine
from models.settings import get_settings
from models.setup import ensure_database
from tests.pg import PostgresServer

# rich fixes a console's width when it is created, from COLUMNS: whichever test imports the CLI
# first in a worker process, its output must not wrap at 80 columns (tests read it unwrapped).
os.environ.setdefault("COLUMNS", "200")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("SOCELEC_TEST_POSTGRES") == "1" else [])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """Migrating once and copying the file is much faster than migrating per test
    (docs/performance.md#test-database-template)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    ensure_database(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:
    with psycopg.connect(postgres_server.url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("CREATE DATABASE socelec_template")
    engine = make_engine(postgres_server.url("socelec_template"))
    ensure_database(engine)
    engine.dispose()
    return "socelec_template"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    """The URL of a fresh, migrated socelec database, also set as SOCELEC_DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path / "socelec.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_template")
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = server.url(name)
    monkeypatch.setenv("SOCELEC_DATABASE_URL", url)
    monkeypatch.setenv("SOCELEC_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield url
    get_engine(url).dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def engine(database_url) -> Engine:
    return get_engine(database_url)


@pytest.fixture(scope="session")
def prefect_server():
    """One real (ephemeral) Prefect server for every test of the session that asks for it."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from tasks.ebox_limits import apply_ebox_limits

    # No heartbeat thread: each flow run otherwise waits for it (docs/prefect.md#test-harness).
    with (
        prefect_test_harness(server_startup_timeout=90),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        # Limits far above what a test sends; tests of the limits set their own.
        apply_ebox_limits(in_flight=1000, per_second=10_000)
        yield


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A real e-Box sandbox on loopback; its settings exported for the flows' workers."""
    from tests.ebox.sandbox_server import running_sandbox
    from tests.flows.helpers import point_at_sandbox

    with running_sandbox(tmp_path / "sandbox") as running:
        point_at_sandbox(monkeypatch, running)
        yield running
