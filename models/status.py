"""Where an edition stands: dossiers per phase, deliveries per state, the next mailings due.

One function serves ``socelec status`` and the flows' summary artifacts, so staff see the same
numbers in the terminal and in the Prefect UI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.delivery import DELIVERY_STATES, Delivery, DeliveryState
from models.dossier import Dossier
from models.edition import Edition
from models.progress import CalendarCache, dossier_facts
from models.registry import Enterprise, TechnicalUnit
from procedure.documents import DocumentKind
from procedure.documents import kind as kind_of
from procedure.mailings import DEFAULT_LATE_AFTER, MailingKind
from procedure.steps import Phase


@dataclass
class EditionStatus:
    edition: int
    as_of: date
    dossiers: int = 0
    dossiers_by_status: dict[str, int] = field(default_factory=dict)
    open_by_phase: dict[str, int] = field(default_factory=dict)
    without_election_day: int = 0
    deliveries_by_state: dict[str, int] = field(default_factory=dict)
    deliveries_by_kind: dict[str, int] = field(default_factory=dict)
    upcoming: list[tuple[date, str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "edition": self.edition,
            "as_of": self.as_of.isoformat(),
            "dossiers": self.dossiers,
            "dossiers_by_status": self.dossiers_by_status,
            "open_by_phase": self.open_by_phase,
            "without_election_day": self.without_election_day,
            "deliveries_by_state": self.deliveries_by_state,
            "deliveries_by_kind": self.deliveries_by_kind,
            "upcoming": [
                {"date": d.isoformat(), "mailing": m, "dossiers": n} for d, m, n in self.upcoming
            ],
        }


def edition_status(
    session: Session,
    edition: Edition,
    as_of: date,
    horizon_days: int = 14,
    *,
    late_after: int = DEFAULT_LATE_AFTER,
) -> EditionStatus:
    status = EditionStatus(edition=edition.year, as_of=as_of)
    rows = session.exec(
        select(Dossier.status, Dossier.election_day).where(Dossier.edition_id == edition.id)
    ).all()
    status.dossiers = len(rows)
    status.dossiers_by_status = dict(Counter(s for s, _ in rows))
    calendars = CalendarCache(edition)
    # Open dossiers with the same Y, working days and evidence share their calendar and
    # mailings (models.mailing_plan plans the same way).
    groups: Counter[tuple] = Counter(
        (f.election_day, f.working_days, f.shown) for f in dossier_facts(session, edition)
    )
    by_phase: Counter[str] = Counter()
    upcoming: Counter[tuple[date, str]] = Counter()
    for (election_day, working_days, shown), count in groups.items():
        calendar = calendars.get(election_day, working_days)
        by_phase[calendar.phase_on(as_of).value] += count
        for offset in range(1, horizon_days + 1):
            day = as_of + timedelta(days=offset)
            for mailing in calendars.mailings(
                election_day, working_days, shown, day, late_after=late_after
            ):
                if mailing.due_from == day:
                    late = mailing.kind is MailingKind.late_notice
                    upcoming[(day, f"late:{mailing.step_code}" if late else mailing.step_code)] += (
                        count
                    )
    status.open_by_phase = {p.value: by_phase.get(p.value, 0) for p in Phase}
    status.without_election_day = sum(n for (y, _, _), n in groups.items() if y is None)
    delivery_query = (
        select(Delivery.state, Delivery.document_kind, func.count())
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(Dossier.edition_id == edition.id)
        .group_by(Delivery.state, Delivery.document_kind)
    )
    by_state: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for state, kind, count in session.exec(delivery_query):
        by_state[state] += count
        by_kind[kind] += count
    status.deliveries_by_state = {s: by_state.get(s, 0) for s in DELIVERY_STATES}
    status.deliveries_by_kind = dict(sorted(by_kind.items()))
    status.upcoming = sorted((d, m, n) for (d, m), n in upcoming.items())
    return status


def letters_by_family(session: Session, edition: Edition) -> Counter[tuple[str, str]]:
    """(document family, delivery state) → deliveries of the edition (the demo's table)."""
    rows = session.exec(
        select(Delivery.document_kind, Delivery.state, func.count())
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(Dossier.edition_id == edition.id)
        .group_by(Delivery.document_kind, Delivery.state)
    ).all()
    counts: Counter[tuple[str, str]] = Counter()
    for code, state, n in rows:
        counts[(kind_of(code).family, state)] += n
    return counts


def dossiers_by_body(session: Session, edition: Edition) -> Counter[str]:
    return Counter(session.exec(select(Dossier.body).where(Dossier.edition_id == edition.id)))


def first_delivered(
    session: Session, edition: Edition, document: DocumentKind
) -> tuple[str, str, str] | None:
    """(dossier number, enterprise number, enterprise name) of the first dossier whose
    ``document`` reached a company that reads its e-Box."""
    return session.exec(
        select(Dossier.dossier_number, Enterprise.enterprise_number, Enterprise.name)
        .join(Delivery, col(Delivery.dossier_id) == col(Dossier.id))
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        .where(
            Dossier.edition_id == edition.id,
            Delivery.document_kind == document.code,
            Delivery.state == DeliveryState.sent,
        )
        .order_by(col(Dossier.id))
        .limit(1)
    ).first()
