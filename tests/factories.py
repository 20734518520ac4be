"""Building blocks for tests: a small registry and its dossiers, straight through the models."""

from __future__ import annotations

from sqlmodel import Session, select

from models.campaign import open_dossiers
from models.edition import Edition
from models.registry_file import parse_registry
from models.registry_import import import_registry
from models.registry_sample import sample_registry


def load_sample(
    engine, companies: int, seed: int = 2028, edition_year: int = 2028, open_edition: bool = True
) -> Edition:
    """Import ``companies`` sample companies and (unless told not to) open their dossiers."""
    with Session(engine) as session:
        import_registry(
            session, parse_registry(sample_registry(companies, seed).encode()), actor="test"
        )
        edition = session.exec(select(Edition).where(Edition.year == edition_year)).one()
        if open_edition:
            open_dossiers(session, edition)
        session.commit()
        session.refresh(edition)
        return edition
