"""The mailings one daily run must make: for each document kind, the dossiers that get it.

Only open dossiers are concerned (a stopped procedure gets no further reminders, issue 6), by
their own calendar (or the window's earliest dates when Y is not chosen yet), and only those
without a delivery of that kind yet: the outbox row is what makes a mailing happen once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, col, select

from models.delivery import Delivery
from models.dossier import Dossier, DossierStatus
from models.edition import Edition
from models.progress import CalendarCache
from procedure.documents import KINDS
from procedure.mailings import due_mailings
from procedure.steps import Phase

# Reminders and phase notices are found by the step code they are about.
KIND_BY_STEP_CODE = {
    k.step_code: k.code for k in KINDS.values() if k.step is not None or k.phase is not None
}


def due_by_kind(
    session: Session, edition: Edition, as_of: date, phase: Phase, lead_days: int
) -> dict[str, list[int]]:
    """Kind code → ids of the open dossiers that must get it now (mailings of ``phase``)."""
    dossiers = session.exec(
        select(Dossier.id, Dossier.election_day).where(
            Dossier.edition_id == edition.id, Dossier.status == DossierStatus.open
        )
    ).all()
    by_day: dict[date | None, list[int]] = defaultdict(list)
    for dossier_id, election_day in dossiers:
        by_day[election_day].append(dossier_id)
    calendars = CalendarCache(edition)
    wanted: dict[str, list[int]] = defaultdict(list)
    for election_day, ids in by_day.items():
        for mailing in due_mailings(calendars.get(election_day), as_of, lead_days):
            if mailing.phase is phase:
                wanted[KIND_BY_STEP_CODE[mailing.step_code]].extend(ids)
    if not wanted:
        return {}
    done = set(
        session.exec(
            select(Delivery.document_kind, Delivery.dossier_id)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .where(Dossier.edition_id == edition.id, col(Delivery.document_kind).in_(list(wanted)))
        ).all()
    )
    plan = {kind: sorted(i for i in ids if (kind, i) not in done) for kind, ids in wanted.items()}
    return {kind: ids for kind, ids in sorted(plan.items()) if ids}
