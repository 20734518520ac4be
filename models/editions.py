"""Keeping the editions table in step with the known editions of procedure/editions.py.

Known editions are inserted once; after that the table is the truth, because staff change a
provisional window (2028) when the law is published and that change must survive upgrades.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.audit import AuditEvent
from models.dossier import Dossier
from models.edition import Edition, EditionSuspension
from procedure.editions import KNOWN_EDITIONS


class EditionError(ValueError):
    """A request about an edition that breaks a rule; the message names the field and rule."""


def seed_editions(session: Session) -> int:
    """Insert the known editions that are missing; returns how many were added."""
    present = set(session.exec(select(Edition.year)))
    added = 0
    for year, known in sorted(KNOWN_EDITIONS.items()):
        if year in present:
            continue
        edition = Edition(
            year=year,
            window_first=known.window_first,
            window_last=known.window_last,
            status=known.status,
            legal_basis=known.legal_basis,
            source=known.source,
            original_window_first=known.original_window_first,
            original_window_last=known.original_window_last,
        )
        edition.suspensions = [
            EditionSuspension(start=s.start, end=s.end, note=s.note, source=s.source)
            for s in known.suspensions
        ]
        session.add(edition)
        added += 1
    session.flush()
    return added


def all_editions(session: Session) -> list[Edition]:
    return list(session.exec(select(Edition).order_by(Edition.year)))


def get_edition(session: Session, year: int) -> Edition:
    if not date.min.year <= year <= date.max.year:
        # Checked before the query: a number beyond the database's integers would crash it.
        raise EditionError(f"edition: {year} is not a year (1 to 9999)")
    edition = session.exec(select(Edition).where(Edition.year == year)).first()
    if edition is None:
        known = ", ".join(str(y) for y in session.exec(select(Edition.year).order_by(Edition.year)))
        raise EditionError(f"edition: no edition {year} (known: {known})")
    return edition


def set_window(
    session: Session, year: int, first: date, last: date, *, status: str | None, actor: str
) -> Edition:
    """Change an edition's window; refuses a change that would strand a chosen day Y."""
    edition = get_edition(session, year)
    if first > last:
        raise EditionError(f"window: first day {first} is after last day {last}")
    if first.year != year or last.year != year:
        raise EditionError(f"window: {first} – {last} is not in the year {year}")
    if status is not None and status not in ("provisional", "official"):
        raise EditionError("status: must be provisional or official")
    stranded = session.exec(
        select(Dossier.dossier_number).where(
            Dossier.edition_id == edition.id,
            Dossier.election_day.is_not(None),  # type: ignore[union-attr]
            (Dossier.election_day < first) | (Dossier.election_day > last),  # type: ignore[operator]
        )
    ).all()
    if stranded:
        raise EditionError(
            f"window: {len(stranded)} dossier(s) chose a day Y outside {first} – {last} "
            f"(first: {', '.join(stranded[:5])}); they must choose again before the window moves"
        )
    before = {
        "window_first": str(edition.window_first),
        "window_last": str(edition.window_last),
        "status": edition.status,
    }
    edition.window_first, edition.window_last = first, last
    if status is not None:
        edition.status = status
    session.add(
        AuditEvent(
            actor=actor,
            action="edition.set_window",
            subject=str(year),
            detail={
                "before": before,
                "after": {
                    "window_first": str(first),
                    "window_last": str(last),
                    "status": edition.status,
                },
            },
        )
    )
    session.flush()
    return edition
