"""Letters held for staff, and sending them once the cause is fixed.

A row is ``held`` (tasks.delivery) when its own data breaks a rule of the e-Box before any
request (``INVALID_PUBLICATION``: an invalid officer SSIN, say), when its stored document
cannot be read back (``OUTBOX``), or when the e-Box already holds another letter under its key
(``KEY_ALREADY_USED``: the database was restored from a backup older than the mailing and the
letter rendered again). Nothing about it is final: staff correct the data (a new registry
import), then :func:`release_held` renders each letter again from the data as it is now and
puts it back in the queue.

- A letter whose data still breaks a rule stays held, with the rule (nothing of it changes).
- An access-code letter gets a new password (its hash written with the letter, as always), so
  it waits for the next four-eyes approval like any letter rendered after a review.
- A ``KEY_ALREADY_USED`` letter is reissued under a new key (the e-Box never compares payloads
  under one key); the company then has two letters and the newer one opens the dossier.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import Session, col, select

from ebox_adapter.publication import data_errors
from models.audit import AuditEvent
from models.db import session_scope
from models.delivery import Delivery, DeliveryState
from models.dossier import Dossier
from models.editions import get_edition
from models.outbox import (
    delivery_identities,
    idempotency_key,
    issue_credentials,
    outbox_cipher,
    replace_rendered,
)
from procedure.documents import kind as kind_of
from tasks.delivery import publication_for, with_recipients
from templates.context import load_contexts
from templates.render import render_batch

REISSUE_CODES = frozenset({"KEY_ALREADY_USED"})


@dataclass
class Release:
    released: list[int] = field(default_factory=list)
    still_held: dict[int, str] = field(default_factory=dict)
    reissued: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "released": len(self.released),
            "reissued": len(self.reissued),
            "still_held": len(self.still_held),
        }


def held_rows(session: Session, edition_id: int, delivery_ids: list[int] | None = None):
    query = (
        select(Delivery.id)
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(Dossier.edition_id == edition_id, Delivery.state == DeliveryState.held)
        .order_by(col(Delivery.id))
    )
    if delivery_ids is not None:
        query = query.where(col(Delivery.id).in_(delivery_ids))
    return with_recipients(session, list(session.exec(query)))


def release_held(
    session: Session, edition_id: int, delivery_ids: list[int] | None = None, *, actor: str
) -> Release:
    """Render the held letters again and queue those whose data now passes (module
    docstring); in the caller's transaction."""
    release = Release()
    rows = held_rows(session, edition_id, delivery_ids)
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row[0].document_kind].append(row)
    cipher = outbox_cipher() if any(kind_of(k).carries_credential for k in by_kind) else None
    for kind_code, kind_rows in by_kind.items():
        kind = kind_of(kind_code)
        dossier_ids = [dossier.id for _, dossier, _, _ in kind_rows]
        credentials = issue_credentials(dossier_ids) if kind.carries_credential else {}
        contexts = load_contexts(
            session, dossier_ids, passwords={i: c.password for i, c in credentials.items()}
        )
        documents = {d.dossier_id: d for d in render_batch(kind, contexts)}
        identities = delivery_identities(session, dossier_ids)
        for delivery, dossier, enterprise, edition in kind_rows:
            document = documents[dossier.id]
            errors = data_errors(
                publication_for(delivery, dossier, enterprise, edition, document.pdf)
            )
            if errors:
                delivery.error_message = "; ".join(str(e) for e in errors)
                session.add(delivery)
                release.still_held[delivery.id] = delivery.error_message
                continue
            key = None
            if delivery.error_code in REISSUE_CODES:
                key = idempotency_key(
                    identities[dossier.id], kind.code, kind.step_code, delivery.key_generation + 1
                )
                release.reissued.append(delivery.id)
            replace_rendered(session, delivery, document, cipher=cipher, key=key)
            if kind.carries_credential:
                dossier.password_hash = credentials[dossier.id].password_hash
                dossier.password_changed_at = None
                session.add(dossier)
            release.released.append(delivery.id)
    if rows:
        session.add(
            AuditEvent(
                actor=actor,
                action="delivery.released",
                subject=str(edition_id),
                detail={
                    "released": release.released,
                    "reissued": release.reissued,
                    "still_held": sorted(release.still_held),
                },
            )
        )
    session.flush()
    return release


def held_report(session: Session, edition_id: int) -> list[dict]:
    """Every held letter with its reason, for staff (no document content)."""
    return [
        {
            "delivery": d.id,
            "dossier": dossier.dossier_number,
            "enterprise": enterprise.enterprise_number,
            "kind": d.document_kind,
            "code": d.error_code or "",
            "reason": d.error_message or "",
        }
        for d, dossier, enterprise, _ in held_rows(session, edition_id)
    ]


@task(name="release-held-deliveries", cache_policy=NO_CACHE)
def release_held_deliveries(edition_year: int, actor: str) -> dict:
    """The flow's way to :func:`release_held` every held letter of the edition."""
    with session_scope() as session:
        release = release_held(session, get_edition(session, edition_year).id, actor=actor)
    return release.as_dict()
