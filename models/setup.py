"""Making a database ready to use: newest schema, known editions present."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from models.db import get_engine, session_scope, upgrade_schema
from models.editions import seed_editions


def ensure_database(engine: Engine | None = None) -> Engine:
    engine = engine or get_engine()
    upgrade_schema(engine)
    with session_scope(engine) as session:
        seed_editions(session)
    return engine
