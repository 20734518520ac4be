"""Tasks that open an edition and render its documents, a batch of dossiers at a time."""

from __future__ import annotations

from collections import Counter
from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.campaign import open_dossiers
from models.db import get_engine, session_scope
from models.delivery import Delivery, DeliveryState
from models.dossier import Dossier, DossierStatus
from models.editions import get_edition
from models.mailing_plan import due_by_kind
from models.outbox import dossiers_needing
from models.registry import Enterprise, TechnicalUnit
from models.settings import get_settings
from procedure.documents import BROCHURE, kinds_of_phase
from procedure.documents import kind as kind_of
from procedure.steps import Phase
from templates.batches import prepare_access_code_letters, prepare_documents


def batches_of(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


@task(name="open-dossiers", task_run_name="open-dossiers-{edition_year}", cache_policy=NO_CACHE)
def open_edition_dossiers(edition_year: int, enterprises: list[str] | None = None) -> dict:
    """Create the edition's missing dossiers; returns counts (no secret in them)."""
    with session_scope() as session:
        opened = open_dossiers(session, get_edition(session, edition_year), enterprises)
    if opened.unknown_enterprises:
        get_run_logger().warning("not in the registry: %s", ", ".join(opened.unknown_enterprises))
    return {
        "created": opened.created,
        "existing": opened.existing,
        "unknown_enterprises": list(opened.unknown_enterprises),
    }


def _counts(deliveries: list[Delivery], session: Session) -> dict:
    bodies = (
        dict(
            session.exec(
                select(Dossier.id, Dossier.body).where(
                    col(Dossier.id).in_([d.dossier_id for d in deliveries])
                )
            ).all()
        )
        if deliveries
        else {}
    )
    return {
        "rendered": len(deliveries),
        "by_language": dict(Counter(d.language for d in deliveries)),
        "by_body": dict(Counter(bodies[d.dossier_id] for d in deliveries)),
    }


@task(
    name="render-access-code-letters",
    task_run_name="render-access-codes-{batch_no}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=NO_CACHE,
)
def render_access_code_letters(
    batch_no: int, dossier_ids: list[int], actor: str, issued_on: date | None = None
) -> dict:
    """New passwords, their hashes and their letters for one batch, in one transaction.

    The passwords exist only inside this call; the result holds counts only.
    """
    with session_scope() as session:
        deliveries = prepare_access_code_letters(
            session, dossier_ids, actor=actor, issued_on=issued_on
        )
        return _counts(deliveries, session)


@task(
    name="render-documents",
    task_run_name="render-{kind_code}-{batch_no}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=NO_CACHE,
)
def render_documents(
    kind_code: str, batch_no: int, dossier_ids: list[int], actor: str, issued_on: date | None = None
) -> dict:
    """Reminders, phase notices or brochures of one kind for one batch of dossiers."""
    with session_scope() as session:
        deliveries = prepare_documents(
            session, kind_code, dossier_ids, actor=actor, issued_on=issued_on
        )
        return _counts(deliveries, session)


@task(name="find-dossiers-without-document", cache_policy=NO_CACHE)
def dossiers_without_kind(
    edition_year: int, kind_code: str, enterprises: list[str] | None, batch_size: int
) -> list[list[int]]:
    """The open dossiers that have no delivery of ``kind_code`` yet, in batches."""
    with Session(get_engine()) as session:
        query = (
            select(Dossier.id)
            .join(TechnicalUnit)
            .join(Enterprise)
            .where(Dossier.edition_id == get_edition(session, edition_year).id)
            .order_by(col(Dossier.id))
        )
        if enterprises is not None:
            query = query.where(col(Enterprise.enterprise_number).in_(enterprises))
        ids = dossiers_needing(session, kind_of(kind_code), list(session.exec(query)))
    return batches_of(ids, batch_size)


@task(name="plan-phase-mailings", task_run_name="plan-{phase}-{as_of}", cache_policy=NO_CACHE)
def plan_phase_mailings(
    edition_year: int, as_of: date, phase: str, lead_days: int, batch_size: int
) -> dict[str, list[list[int]]]:
    """Kind code → batches of open dossiers that must get that reminder, late notice or phase
    notice now."""
    with Session(get_engine()) as session:
        plan = due_by_kind(
            session,
            get_edition(session, edition_year),
            as_of,
            Phase(phase),
            lead_days,
            get_settings().late_notice_after_days,
        )
    return {kind: batches_of(ids, batch_size) for kind, ids in plan.items()}


@task(name="find-undelivered-mailings", cache_policy=NO_CACHE)
def undelivered_kinds(edition_year: int, phase: str) -> list[str]:
    """The phase's kinds with rows rendered but not sent: a phase that failed between its
    rendering and its delivery left them, and no later plan names them again (they exist)."""
    with Session(get_engine()) as session:
        edition_id = get_edition(session, edition_year).id
        return sorted(
            session.exec(
                select(Delivery.document_kind)
                .distinct()
                .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
                .where(
                    Dossier.edition_id == edition_id,
                    col(Delivery.document_kind).in_(kinds_of_phase(Phase(phase))),
                    col(Delivery.state).in_([DeliveryState.rendered, DeliveryState.failed]),
                )
            ).all()
        )


@task(name="find-enterprises-without-brochure", cache_policy=NO_CACHE)
def enterprises_without_brochure(
    edition_year: int, enterprises: list[str] | None, batch_size: int
) -> list[list[int]]:
    """One dossier per enterprise that has had no brochure yet, in batches.

    The brochure is general information, the same for every body: it goes once to each
    legal entity's e-Box (docs/procedure.md#one-e-box-per-legal-entity), on its first dossier.
    """
    with Session(get_engine()) as session:
        edition_id = get_edition(session, edition_year).id
        served = (
            select(TechnicalUnit.enterprise_id)
            .join(Dossier, col(Dossier.technical_unit_id) == col(TechnicalUnit.id))
            .join(Delivery, col(Delivery.dossier_id) == col(Dossier.id))
            .where(Dossier.edition_id == edition_id, Delivery.document_kind == BROCHURE.code)
        )
        query = (
            select(func.min(Dossier.id))
            .join(TechnicalUnit)
            .join(Enterprise)
            .where(
                Dossier.edition_id == edition_id,
                Dossier.status == DossierStatus.open,
                col(Enterprise.id).not_in(served),
            )
            .group_by(Enterprise.id)
            .order_by(func.min(Dossier.id))
        )
        if enterprises is not None:
            query = query.where(col(Enterprise.enterprise_number).in_(enterprises))
        ids = list(session.exec(query))
    return batches_of(ids, batch_size)
