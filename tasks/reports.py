"""Tasks that read where an edition stands, for progress and summary artifacts.

No cache: Prefect 3 caches a task called twice in one flow run with the same inputs, and these
read a state that changes in between (the counts before and after delivery).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.approvals import count_awaiting_approval
from models.db import get_engine
from models.delivery import PROBLEM_STATES, Delivery
from models.delivery_queue import claimable_count, claimed_elsewhere
from models.dossier import Dossier
from models.editions import get_edition
from models.progress import step_counts
from models.registry import Enterprise, TechnicalUnit
from models.settings import get_settings
from models.status import edition_status
from procedure.mailings import procedure_end


@task(name="count-deliverable", cache_policy=NO_CACHE)
def count_deliverable(edition_year: int, kinds: list[str] | None = None) -> dict[str, int]:
    """Rows a worker may claim now, and rows another worker holds under a live lease."""
    with Session(get_engine()) as session:
        edition_id = get_edition(session, edition_year).id
        return {
            "claimable": claimable_count(session, edition_id=edition_id, document_kinds=kinds),
            "held_elsewhere": claimed_elsewhere(session, edition_id=edition_id),
        }


@task(name="count-awaiting-approval", cache_policy=NO_CACHE)
def awaiting_approval(edition_year: int) -> int:
    """Credential letters no approval covers yet: they wait for the next review."""
    with Session(get_engine()) as session:
        return count_awaiting_approval(session, get_edition(session, edition_year).id)


@task(name="list-messages-expiring-early", cache_policy=NO_CACHE)
def messages_expiring_early(edition_year: int, limit: int = 1000) -> list[dict]:
    """Delivered messages the e-Box deletes before the procedure ends: the message type's
    validity must cover the whole procedure (docs/ebox.md#message-types)."""
    with Session(get_engine()) as session:
        edition = get_edition(session, edition_year)
        end = procedure_end(edition)
        rows = session.exec(
            select(Delivery.document_kind, Delivery.expires_at, Dossier.dossier_number)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .where(
                Dossier.edition_id == edition.id,
                col(Delivery.expires_at) < datetime.combine(end, time(), tzinfo=UTC),
            )
            .order_by(col(Delivery.id))
            .limit(limit)
        ).all()
    return [
        {
            "dossier": number,
            "kind": kind,
            "expires": expires.date().isoformat(),
            "procedure_ends": end.isoformat(),
        }
        for kind, expires, number in rows
    ]


@task(name="count-step-states", task_run_name="steps-{edition_year}-{as_of}", cache_policy=NO_CACHE)
def step_states_report(edition_year: int, as_of: date) -> list[dict]:
    """Per step, the dossiers done, late, due in 7 days, later (the ministry's view)."""
    with Session(get_engine()) as session:
        return step_counts(session, get_edition(session, edition_year), as_of)


@task(name="list-delivery-problems", cache_policy=NO_CACHE)
def delivery_problems(edition_year: int, kinds: list[str] | None = None) -> list[dict]:
    """Held, rejected and failed deliveries with their reasons (no document content)."""
    with Session(get_engine()) as session:
        query = (
            select(Delivery, Dossier.dossier_number, Enterprise.enterprise_number)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
            .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
            .where(
                Dossier.edition_id == get_edition(session, edition_year).id,
                col(Delivery.state).in_(PROBLEM_STATES),
            )
            .order_by(col(Delivery.id))
        )
        if kinds is not None:
            query = query.where(col(Delivery.document_kind).in_(kinds))
        return [
            {
                "delivery": d.id,
                "dossier": number,
                "enterprise": enterprise,
                "kind": d.document_kind,
                "state": d.state,
                "code": d.error_code or "",
                "reason": (d.error_message or "")[:300],
                "attempts": d.attempts,
            }
            for d, number, enterprise in session.exec(query)
        ]


@task(name="count-campaign-letters", cache_policy=NO_CACHE)
def campaign_letters(edition_year: int, kinds: list[str]) -> list[dict]:
    """Letters of the given kinds per language, body and state (the review table)."""
    with Session(get_engine()) as session:
        rows = session.exec(
            select(
                Delivery.document_kind,
                Delivery.language,
                Dossier.body,
                Delivery.state,
                func.count(),
            )
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .where(
                Dossier.edition_id == get_edition(session, edition_year).id,
                col(Delivery.document_kind).in_(kinds),
            )
            .group_by(Delivery.document_kind, Delivery.language, Dossier.body, Delivery.state)
            .order_by(Delivery.document_kind, Delivery.language, Dossier.body, Delivery.state)
        ).all()
    return [
        {"kind": k, "language": lang, "body": body, "state": state, "letters": n}
        for k, lang, body, state, n in rows
    ]


@task(
    name="read-edition-status", task_run_name="status-{edition_year}-{as_of}", cache_policy=NO_CACHE
)
def edition_status_report(edition_year: int, as_of: date) -> dict:
    """The numbers of ``socelec status`` for the flow's summary artifact."""
    with Session(get_engine()) as session:
        found = get_edition(session, edition_year)
        late_after = get_settings().late_notice_after_days
        return edition_status(session, found, as_of, late_after=late_after).as_dict()
