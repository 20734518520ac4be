"""The mailings one daily run must make: for each document kind, the dossiers that get it.

Only open dossiers are concerned (a stopped procedure gets no further reminders), by their own
calendar (their Y, or the window's earliest dates while Y is not chosen, and their unit's
working days), and only those without a delivery of that kind yet: the outbox row is what
makes a mailing happen once. What each dossier has shown it did decides the rest
(procedure.step_state): no reminder for a step done, one late notice for a step still not done
a few of its working days after its date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, col, select

from models.delivery import Delivery
from models.dossier import Dossier
from models.edition import Edition
from models.progress import CalendarCache, dossier_facts
from procedure.documents import kind
from procedure.mailings import DEFAULT_LATE_AFTER, DueMailing, MailingKind
from procedure.steps import Phase

_PREFIX = {MailingKind.reminder: "reminder", MailingKind.late_notice: "overdue"}


def kind_code(mailing: DueMailing) -> str:
    """The document kind of a mailing (procedure.documents)."""
    if mailing.kind is MailingKind.phase_notice:
        return kind(f"phase-{mailing.phase.value}").code
    return kind(f"{_PREFIX[mailing.kind]}-{mailing.step_code}").code


def due_by_kind(
    session: Session,
    edition: Edition,
    as_of: date,
    phase: Phase,
    lead_days: int,
    late_after: int = DEFAULT_LATE_AFTER,
) -> dict[str, list[int]]:
    """Kind code → ids of the open dossiers that must get it now (mailings of ``phase``)."""
    # Dossiers with the same Y, working days and evidence get the same mailings: an edition
    # has a few hundred such groups, not 11,569 dossiers to plan one by one.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for facts in dossier_facts(session, edition):
        groups[(facts.election_day, facts.working_days, facts.shown)].append(facts.dossier_id)
    calendars = CalendarCache(edition)
    wanted: dict[str, list[int]] = defaultdict(list)
    for (election_day, working_days, shown), ids in groups.items():
        for mailing in calendars.mailings(
            election_day, working_days, shown, as_of, lead_days, late_after
        ):
            if mailing.phase is phase:
                wanted[kind_code(mailing)].extend(ids)
    if not wanted:
        return {}
    done = set(
        session.exec(
            select(Delivery.document_kind, Delivery.dossier_id)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .where(Dossier.edition_id == edition.id, col(Delivery.document_kind).in_(list(wanted)))
        ).all()
    )
    plan = {code: sorted(i for i in ids if (code, i) not in done) for code, ids in wanted.items()}
    return {code: ids for code, ids in sorted(plan.items()) if ids}
