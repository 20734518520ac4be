"""Delivering outbox rows to the e-Box: claim a batch, publish it, record each outcome.

One task run handles one batch (hundreds of rows): Prefect pays its ~6.5 ms per batch, not
per letter (prefect-notes § 3). Inside the batch a few threads share one pooled e-Box client.
Each outcome is committed on its own as soon as the e-Box has answered, so a crash loses at
most the rows in flight, and those carry an idempotency key that turns a re-send into a 409
(prefect-notes § 4.4, DESIGN.md "exactly-once").
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session, col, select

from ebox_adapter import (
    Document,
    EboxClient,
    EboxSettings,
    EboxUnavailable,
    Publication,
    PublicationInvalid,
    PublicationOutcome,
    SecurityClass,
)
from models.base import utcnow
from models.db import get_engine
from models.delivery import Delivery
from models.delivery_queue import claim_deliveries, release_claim
from models.dossier import Dossier
from models.edition import Edition
from models.outbox import OutboxError, confirm_delivery, document_pdf
from models.registry import Enterprise, TechnicalUnit
from templates.kinds import Family
from templates.kinds import kind as kind_of

# In-batch parallelism: the e-Box answers in tens of milliseconds; a few requests in flight
# per batch hide that latency without flooding the service.
PUBLISH_THREADS = 4


@dataclass(frozen=True)
class Outgoing:
    """What publishing one row needs, read before any request (no ORM objects in threads)."""

    delivery_id: int
    publication: Publication | None
    problem: str | None = None


def security_class_of(kind_code: str) -> SecurityClass:
    """Documents about a dossier go under the secure class: only the people the company
    authorised for social elections read them (reference ebox-enterprise-api § 4.1, level 2).
    Only the edition's brochure, general information, goes to every e-Box user."""
    return SecurityClass.general if kind_of(kind_code).family == Family.brochure \
        else SecurityClass.secure


def _outgoing(session: Session, delivery_ids: list[int]) -> list[Outgoing]:
    rows = session.exec(
        select(Delivery, Dossier, Enterprise, Edition)
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        .join(Edition, col(Edition.id) == col(Dossier.edition_id))
        .where(col(Delivery.id).in_(delivery_ids))
        .order_by(col(Delivery.id))
    ).all()
    outgoing = []
    for delivery, dossier, enterprise, edition in rows:
        kind = kind_of(delivery.document_kind)
        lang = delivery.language or enterprise.language
        try:
            pdf = document_pdf(delivery)
        except OutboxError as exc:
            outgoing.append(Outgoing(delivery.id, None, str(exc)))
            continue
        outgoing.append(Outgoing(delivery.id, Publication(
            enterprise_number=enterprise.enterprise_number,
            language=lang,
            subject=kind.subject(lang, edition_year=edition.year,
                                 dossier_number=dossier.dossier_number, body=dossier.body),
            document_kind=kind.code,
            carries_credential=kind.carries_credential,
            security_class=security_class_of(kind.code),
            main=Document(kind.file_name(lang, dossier.dossier_number), pdf),
            idempotency_key=delivery.idempotency_key,
            attention_ssin=enterprise.officer_ssin,
        )))
    return outgoing


def _state_after_duplicate(client: EboxClient, enterprise_number: str) -> str:
    """The state of a row the e-Box had already (a 409: its 201 was lost, or a worker died).

    A 409 does not repeat the first answer's NO_DIGITAL_USER (reference ebox-enterprise-api
    § 2.5, § 6.4), so the Federation pre-check (§ 6.5) says whether the company ever opened its
    e-Box: if not, the row is ``non_digital`` and redeliver prints the letter for the post, as
    after a 201 NO_DIGITAL_USER. Found by the soak's accepted-then-dropped answers.
    """
    preference = client.search_preferences([enterprise_number])[enterprise_number]
    return "non_digital" if preference is None or preference.last_connection_date is None \
        else "sent"


def _record(engine, item: Outgoing, client: EboxClient) -> str:
    """Publish one row and commit its outcome; returns the state it ended in."""
    error_code = error_message = None
    result = None
    if item.publication is None:
        state, error_code, error_message = "failed", "OUTBOX", item.problem
    else:
        try:
            result = client.publish(item.publication)
            state = result.delivery_state
            if result.outcome is PublicationOutcome.duplicate:
                state = _state_after_duplicate(client, item.publication.enterprise_number)
            if result.outcome is PublicationOutcome.rejected:
                error_code, error_message = result.code, result.message
        except PublicationInvalid as exc:
            # The document breaks a rule: the row fails, the flow goes on.
            state, error_code, error_message = "rejected", "INVALID_PUBLICATION", str(exc)
        except EboxUnavailable as exc:
            state, error_code, error_message = "failed", "UNAVAILABLE", str(exc)
    with Session(engine) as session:
        delivery = session.get(Delivery, item.delivery_id)
        delivery.attempts += 1
        release_claim(session, delivery)
        if state == "sent":
            confirm_delivery(session, delivery, result.message_id,
                             duplicate=result.outcome is PublicationOutcome.duplicate)
        else:
            delivery.state = state
            if result is not None and result.message_id:
                delivery.message_id = result.message_id
            if state == "non_digital":
                delivery.sent_at = delivery.sent_at or utcnow()
            delivery.error_code, delivery.error_message = error_code, error_message
            session.add(delivery)
        session.commit()
    return state


def deliver_claimed(engine, worker: str, edition_id: int, limit: int,
                    kinds: list[str] | None = None,
                    settings: EboxSettings | None = None) -> Counter[str]:
    """Claim up to ``limit`` rows and deliver them; the plain function behind the task."""
    with Session(engine) as session:
        ids = claim_deliveries(session, worker, edition_id=edition_id, limit=limit,
                               document_kinds=kinds)
        if not ids:
            return Counter()
        outgoing = _outgoing(session, ids)
    outcomes: Counter[str] = Counter()
    halted = threading.Event()

    def deliver(item: Outgoing) -> str | None:
        # After the first row whose outcome cannot be recorded (the database locked or gone,
        # the e-Box refusing our credentials), publish no more of the batch: at most the rows
        # already in flight are sent unrecorded, and their idempotency keys make the next
        # run's send a 409. The rest stay claimed until the lease ends.
        if halted.is_set():
            return None
        try:
            return _record(engine, item, client)
        except BaseException:
            halted.set()
            raise

    with EboxClient(settings) as client, ThreadPoolExecutor(PUBLISH_THREADS) as pool:
        for state in pool.map(deliver, outgoing):
            outcomes[state] += 1
    return outcomes


@task(name="deliver-batch", task_run_name="deliver-{edition_year}-{batch_no}",
      retries=2, retry_delay_seconds=[5, 30], cache_policy=NO_CACHE)
def deliver_batch(edition_year: int, batch_no: int, limit: int,
                  kinds: list[str] | None = None) -> dict[str, int]:
    """Claim and deliver one batch of the edition's rendered (or failed) rows."""
    engine = get_engine()
    with Session(engine) as session:
        edition_id = session.exec(select(Edition.id).where(Edition.year == edition_year)).one()
    worker = f"deliver-{edition_year}-{batch_no}-{uuid.uuid4().hex[:8]}"
    outcomes = deliver_claimed(engine, worker, edition_id, limit, kinds)
    get_run_logger().info("batch %s: %s", batch_no, dict(outcomes) or "nothing to deliver")
    return dict(outcomes)
