"""Delivering outbox rows to the e-Box: claim a batch, publish it, record each outcome.

One task run handles one batch (hundreds of rows): Prefect's cost per task run is paid per
batch, not per letter (docs/prefect.md#batching, docs/performance.md#task-runs). Inside the
batch a few threads share one pooled e-Box client. Each outcome is committed on its own, with
its audit event, as soon as the e-Box has answered, so a crash loses at most the rows in
flight, and those carry an idempotency key that turns a re-send into a 409.

What each answer means for the row (:func:`publish_row`):

- 201 → ``sent``, or ``non_digital`` (NO_DIGITAL_USER); 400 → ``rejected`` (final);
- a document whose own data breaks a rule before any request (an invalid officer SSIN, say) →
  ``held`` with the rule: `socelec outbox release` sends it once the data is corrected;
- 409 → the e-Box had it: ``sent`` or ``non_digital`` by the Federation pre-check; except for a
  credential letter on its very first try, which means the e-Box holds *another* letter under
  its key (a database restored from an older backup rendered it again): ``held``, since the
  officer's letter may carry a password that no longer opens the dossier;
- no answer after the retries, or one the API never gives (404, 413, 422, a 201 without
  messageId, a Federation failure after a 409) → ``failed``, tried again by a later round up to
  ``SOCELEC_DELIVERY_MAX_ATTEMPTS`` answers. One bad row never stops the rest of its batch.

What stops a batch is what no row can get past: a configuration the e-Box refuses (checked
before a run changes anything, :func:`check_delivery_configuration`), the database, a stop of
the flow (SIGTERM), or a lease that can no longer be renewed. The rows not tried yet are given
back; those in flight are left to their lease.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ebox_adapter import (
    Document,
    EboxClient,
    EboxConfigurationError,
    EboxProtocolError,
    EboxSettings,
    EboxUnavailable,
    Publication,
    PublicationInvalid,
    PublicationOutcome,
    PublicationResult,
    SecurityClass,
)
from models.approvals import covered_ids
from models.db import get_engine
from models.delivery import Delivery, DeliveryState
from models.delivery_queue import (
    claim_deliveries,
    default_lease,
    release_unsent,
    renew_claims,
)
from models.dossier import Dossier
from models.edition import Edition
from models.editions import get_edition
from models.outbox import OutboxError, Outcome, document_pdf, outbox_cipher, record_outcome
from models.registry import Enterprise, TechnicalUnit
from procedure.documents import Family
from procedure.documents import kind as kind_of
from tasks.ebox_limits import PUBLISH_THREADS, RatePacer, publication_slots, publish_threads

log = logging.getLogger("socelec.delivery")

_stop_signals: dict[str, threading.Event] = {}
_stop_lock = threading.Lock()


def stop_signal(flow_run_id: object) -> threading.Event:
    """The event that tells the delivery batches of one flow run to stop (set by
    ``flows.deliver_outbox`` when the run is interrupted, e.g. by SIGTERM)."""
    with _stop_lock:
        return _stop_signals.setdefault(str(flow_run_id), threading.Event())


class DeliveryStopped(Exception):
    """The flow run stopped while a publication waited to be retried."""


@dataclass(frozen=True)
class Outgoing:
    """What publishing one row needs, read before any request (no ORM objects in threads)."""

    delivery_id: int
    publication: Publication | None
    problem: str | None = None
    # This claim is the row's first: a 409 now cannot answer an earlier send of this row.
    first_claim: bool = False


def security_class_of(kind_code: str) -> SecurityClass:
    """Documents about a dossier go under the secure class: only the people the company
    authorised for social elections read them (docs/ebox.md#security-levels). Only the
    edition's brochure, general information, goes to every e-Box user."""
    return (
        SecurityClass.general
        if kind_of(kind_code).family == Family.brochure
        else SecurityClass.secure
    )


def publication_for(
    delivery: Delivery, dossier: Dossier, enterprise: Enterprise, edition: Edition, pdf: bytes
) -> Publication:
    """The e-Box publication of one outbox row, from the data as it is now."""
    kind = kind_of(delivery.document_kind)
    lang = delivery.language or enterprise.language
    return Publication(
        enterprise_number=enterprise.enterprise_number,
        language=lang,
        subject=kind.subject(
            lang,
            edition_year=edition.year,
            dossier_number=dossier.dossier_number,
            body=dossier.body,
        ),
        document_kind=kind.code,
        carries_credential=kind.carries_credential,
        security_class=security_class_of(kind.code),
        main=Document(kind.file_name(lang, dossier.dossier_number), pdf),
        idempotency_key=delivery.idempotency_key,
        attention_ssin=enterprise.officer_ssin,
    )


def with_recipients(session: Session, delivery_ids: list[int]):
    """(Delivery, Dossier, Enterprise, Edition) of each row, in id order."""
    return session.exec(
        select(Delivery, Dossier, Enterprise, Edition)
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        .join(Edition, col(Edition.id) == col(Dossier.edition_id))
        .where(col(Delivery.id).in_(delivery_ids))
        .order_by(col(Delivery.id))
    ).all()


def _outgoing(session: Session, delivery_ids: list[int]) -> list[Outgoing]:
    outgoing = []
    for delivery, dossier, enterprise, edition in with_recipients(session, delivery_ids):
        try:
            pdf = document_pdf(delivery)
        except OutboxError as exc:
            outgoing.append(Outgoing(delivery.id, None, str(exc)))
            continue
        outgoing.append(
            Outgoing(
                delivery.id,
                publication_for(delivery, dossier, enterprise, edition, pdf),
                first_claim=delivery.claims == 1,
            )
        )
    return outgoing


def _after_duplicate(client: EboxClient, item: Outgoing, result: PublicationResult) -> Outcome:
    """The outcome of a 409: the e-Box already holds a message under this row's key."""
    publication = item.publication
    if publication.carries_credential and item.first_claim and result.attempts == 1:
        return Outcome(
            DeliveryState.held,
            error_code="KEY_ALREADY_USED",
            error_message=(
                "the e-Box already holds a message under this key that this database never sent "
                "(restored from a backup taken before the mailing?): the letter there may carry "
                "another password; `socelec outbox release` reissues it under a new key"
            ),
            duplicate=True,
        )
    # A 409 does not repeat the first answer's NO_DIGITAL_USER: the Federation pre-check says
    # whether the company ever opened its e-Box (docs/ebox.md#409-after-no_digital_user).
    try:
        preference = client.search_preferences([publication.enterprise_number])
    except (EboxUnavailable, EboxProtocolError) as exc:
        return Outcome(
            DeliveryState.failed, error_code="FEDERATION", error_message=str(exc), duplicate=True
        )
    found = preference[publication.enterprise_number]
    digital = found is not None and found.last_connection_date is not None
    state = DeliveryState.sent if digital else DeliveryState.non_digital
    return Outcome(state, message_id=result.message_id, duplicate=True, subject=publication.subject)


def publish_row(client: EboxClient, item: Outgoing) -> Outcome:
    """Publish one row; the outcome it ends in (module docstring). Raises only for what stops
    the whole batch (configuration, credentials, a stopped flow)."""
    if item.publication is None:
        return Outcome(DeliveryState.held, error_code="OUTBOX", error_message=item.problem)
    try:
        result = client.publish(item.publication)
    except PublicationInvalid as exc:
        if exc.is_configuration:
            raise EboxConfigurationError(str(exc)) from None
        return Outcome(DeliveryState.held, error_code="INVALID_PUBLICATION", error_message=str(exc))
    except EboxUnavailable as exc:
        return Outcome(DeliveryState.failed, error_code="UNAVAILABLE", error_message=str(exc))
    except EboxProtocolError as exc:
        return Outcome(
            DeliveryState.failed,
            error_code=f"HTTP_{exc.status}" if exc.status else "PROTOCOL",
            error_message=str(exc),
        )
    if result.outcome is PublicationOutcome.duplicate:
        return _after_duplicate(client, item, result)
    if result.outcome is PublicationOutcome.rejected:
        return Outcome(DeliveryState.rejected, error_code=result.code, error_message=result.message)
    state = (
        DeliveryState.non_digital
        if result.outcome is PublicationOutcome.not_digital
        else DeliveryState.sent
    )
    return Outcome(
        state,
        message_id=result.message_id,
        subject=item.publication.subject,
        expires_at=_expiry(result.expiration_date),
    )


def _expiry(value: str | None) -> datetime | None:
    """The e-Box's expirationDate (ISO 8601 with its offset); None when absent or unreadable."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        log.warning("e-Box expirationDate %r is not ISO 8601", value)
        return None


class LeaseKeeper:
    """Renews a batch's claims every third of the lease while it works, so a slow e-Box never
    lets the lease run out under a live worker. ``lost`` is set when a renewal fails: the
    batch then starts no new publication (another worker may take the rows)."""

    def __init__(self, engine: Engine, worker: str, lease_seconds: float):
        self._engine, self._worker = engine, worker
        self._interval = lease_seconds / 3
        self._done = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{worker}", daemon=True)

    def _run(self) -> None:
        while not self._done.wait(self._interval):
            try:
                with Session(self._engine) as session:
                    renew_claims(session, self._worker)
            except Exception:
                log.exception("claim %s: lease renewal failed; publishing stops", self._worker)
                self.lost.set()
                return

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


def deliver_claimed(
    engine,
    worker: str,
    edition_id: int,
    limit: int,
    kinds: list[str] | None = None,
    settings: EboxSettings | None = None,
    *,
    threads: int = PUBLISH_THREADS,
    pace: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> Counter[str]:
    """Claim up to ``limit`` rows and deliver them; the plain function behind the task.

    ``pace`` is called before each publication (the global rate limit); ``stop`` ends the
    batch early: no new publication starts once it is set. The counts include ``stale``
    (outcomes a lost claim did not let us record) and ``given_back`` (rows never tried).
    """
    stop = stop or threading.Event()
    actor = f"delivery:{worker}"
    with Session(engine) as session:
        ids = claim_deliveries(
            session, worker, edition_id=edition_id, limit=limit, document_kinds=kinds
        )
        if not ids:
            return Counter()
        # The claim already requires an approval for credential letters; checking again here
        # keeps the rule in force for any future way of claiming rows.
        released = covered_ids(session, ids)
        outgoing = _outgoing(session, [i for i in ids if i in released])
    outcomes: Counter[str] = Counter()
    tried: set[int] = set()
    halted = threading.Event()

    def interruptible_sleep(seconds: float) -> None:
        if stop.wait(seconds):
            raise DeliveryStopped(f"claim {worker}: the flow run stopped")

    def deliver(item: Outgoing) -> str | None:
        if halted.is_set() or stop.is_set() or keeper.lost.is_set():
            return None
        try:
            if pace is not None:
                pace()
            tried.add(item.delivery_id)
            outcome = publish_row(client, item)
            with Session(engine) as session:
                recorded = record_outcome(session, item.delivery_id, worker, outcome, actor=actor)
                session.commit()
            return outcome.state if recorded else "stale"
        except DeliveryStopped:
            halted.set()  # the flow run is stopping: this row is left to its lease
            return None
        except BaseException:
            # What no row can get past (the database, the credentials, a stop): publish no
            # more of the batch. The rows in flight are left to their lease.
            halted.set()
            raise

    try:
        with (
            LeaseKeeper(engine, worker, default_lease().total_seconds()) as keeper,
            EboxClient(settings, sleep=interruptible_sleep) as client,
            ThreadPoolExecutor(threads) as pool,
        ):
            # Each publication in a copy of this thread's context: the Prefect settings (which
            # server the rate limit asks) live in context variables, which a plain thread pool
            # does not carry; without them a thread would start an ephemeral server of its own.
            contexts = [contextvars.copy_context() for _ in outgoing]
            for state in pool.map(lambda c, item: c.run(deliver, item), contexts, outgoing):
                if state is not None:
                    outcomes[state] += 1
    finally:
        untried = [i for i in ids if i not in tried]
        if untried:
            try:
                with Session(engine) as session:
                    outcomes["given_back"] += release_unsent(session, worker, untried)
            except Exception:  # the database is what stopped us: the lease frees them
                log.exception("claim %s: %d untried rows left to their lease", worker, len(untried))
    return outcomes


@task(name="check-delivery-configuration", cache_policy=NO_CACHE)
def check_delivery_configuration(edition_year: int) -> int:
    """Before a run changes anything: the e-Box settings (sender, message types, key, token),
    the global e-Box limits, and that the outbox key opens the edition's stored letters.
    Raises naming the setting; returns the publishing threads per batch."""
    with EboxClient() as client:
        client.check_configuration()
    threads = publish_threads()
    with Session(get_engine()) as session:
        sample = session.exec(
            select(Delivery)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .where(
                Dossier.edition_id == get_edition(session, edition_year).id,
                col(Delivery.pdf_encrypted),
                col(Delivery.pdf).is_not(None),
            )
            .limit(1)
        ).first()
        if sample is not None:
            try:
                outbox_cipher().decrypt(sample.pdf)
            except Exception:
                raise OutboxError(
                    "SOCELEC_OUTBOX_KEY: none of the configured keys opens the stored "
                    "credential letters (set the key they were rendered with, newest first "
                    "when rotating)"
                ) from None
    return threads


@task(
    name="deliver-batch",
    task_run_name="deliver-{edition_year}-{batch_no}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=NO_CACHE,
)
def deliver_batch(
    edition_year: int,
    batch_no: int,
    limit: int,
    kinds: list[str] | None = None,
    threads: int = PUBLISH_THREADS,
) -> dict[str, int]:
    """Claim and deliver one batch of the edition's rendered (or failed) rows, within the
    global e-Box limits (tasks.ebox_limits)."""
    engine = get_engine()
    with Session(engine) as session:
        edition_id = session.exec(select(Edition.id).where(Edition.year == edition_year)).one()
    worker = f"deliver-{edition_year}-{batch_no}-{uuid.uuid4().hex[:8]}"
    stop = stop_signal(flow_run.id)
    with publication_slots(threads):
        outcomes = deliver_claimed(
            engine, worker, edition_id, limit, kinds, threads=threads, pace=RatePacer(), stop=stop
        )
    get_run_logger().info("batch %s: %s", batch_no, dict(outcomes) or "nothing to deliver")
    return dict(outcomes)
