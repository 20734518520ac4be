"""A consistent copy of socelec's database while socelec runs.

SQLite: the online backup API (https://www.sqlite.org/backup.html, Python's
``sqlite3.Connection.backup``) copies the file page by page under a read transaction, so flows
and the portal may keep writing; copying the file with ``cp`` could catch it mid-write and miss
the WAL. PostgreSQL: ``pg_dump --format=custom`` (https://www.postgresql.org/docs/15/app-pgdump
.html), a snapshot of one transaction.

The outbox key (``SOCELEC_OUTBOX_KEY`` or ``$SOCELEC_DATA_DIR/outbox.key``) is not in the
database: without it the stored access-code letters of a restored database cannot be read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup could not be made; names what is missing."""


def backup_database(url: str, destination: Path) -> Path:
    """Write a backup of the database at ``url`` to ``destination`` (a new file)."""
    parsed = make_url(url)
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination}: exists already; a backup never overwrites a file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(destination) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        return destination
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump: not found on PATH (install the PostgreSQL client)")
    # The password goes by environment, not on the command line other users can read.
    libpq = parsed.set(drivername="postgresql", password=None).render_as_string()
    env = os.environ | ({"PGPASSWORD": parsed.password} if parsed.password else {})
    subprocess.run(  # noqa: S603 (our own command line, no shell)
        [pg_dump, "--format=custom", "--file", str(destination), libpq],
        check=True,
        env=env,
    )
    return destination
