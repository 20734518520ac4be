"""Building blocks for tests: a small registry and its dossiers, straight through the models."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from models.campaign import open_dossiers
from models.edition import Edition
from models.evidence import FormStatus, StatisticalForm, StepDocument
from models.portal import StepConfirmation
from models.registry_file import parse_registry
from models.registry_import import import_registry
from models.registry_sample import sample_registry
from procedure.step_state import evidence_for


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


def noon(day: date) -> datetime:
    return datetime.combine(day, time(11), tzinfo=UTC)


def upload(session: Session, dossier_id: int, code: str, day: date) -> None:
    """A document uploaded for step ``code`` (its bytes do not matter to the step rule)."""
    session.add(
        StepDocument(
            dossier_id=dossier_id,
            step_code=code,
            version=1,
            file_name=f"{code}.pdf",
            size=4,
            pages=1,
            sha256="0" * 64,
            content=b"%PDF",
            uploaded_at=noon(day),
            uploaded_by="test",
        )
    )


def do_step(session: Session, dossier_id: int, code: str, day: date) -> None:
    """What the officer does in the portal to show step ``code`` done: upload its document,
    submit its forms, or click "done"."""
    needed = evidence_for(code)
    if needed.confirmable:
        session.add(StepConfirmation(dossier_id=dossier_id, step_code=code, confirmed_at=noon(day)))
    if needed.uploads:
        upload(session, dossier_id, code, day)
    for form in needed.forms:
        submit(session, dossier_id, form, day)


def submit(session: Session, dossier_id: int, form: str, day: date) -> None:
    """A statistical form submitted (its answers do not matter to the step rule)."""
    session.add(
        StatisticalForm(
            dossier_id=dossier_id,
            form=form,
            version=1,
            status=FormStatus.submitted,
            submitted_at=noon(day),
            saved_by="test",
        )
    )
