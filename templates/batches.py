"""One batch of dossiers, from the database to rendered documents in the outbox.

These are the calls a Prefect task makes for a batch (hundreds of dossiers): they skip what
is already done, render once per language, and write everything in the caller's session, so
the task's ``session_scope`` commits the whole batch or nothing::

    with session_scope(engine) as session:
        deliveries = prepare_access_code_letters(session, dossier_ids, actor=f"flow:{run_id}")

Rendering happens before the first write, so the database transaction that takes the write
lock stays short (the few milliseconds of the inserts), not the seconds of the render.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cryptography.fernet import MultiFernet
from sqlmodel import Session

from models.delivery import Delivery
from models.outbox import (
    dossiers_needing,
    issue_credentials,
    record_access_codes,
    record_rendered,
)
from procedure.documents import ACCESS_CODE, DocumentKind
from procedure.documents import kind as kind_of
from templates.context import load_contexts
from templates.render import render_batch

__all__ = ["prepare_access_code_letters", "prepare_documents"]


def prepare_access_code_letters(
    session: Session,
    dossier_ids: Sequence[int],
    *,
    cipher: MultiFernet | None = None,
    issued_on: date | None = None,
    portal_url: str | None = None,
    actor: str = "socelec",
) -> list[Delivery]:
    """New passwords for the dossiers that have no access-code letter yet, their letters
    rendered and stored (encrypted) with the passwords' hashes. Returns the new deliveries.

    The passwords live only in memory, in this call.
    """
    ids = dossiers_needing(session, ACCESS_CODE, dossier_ids)
    if not ids:
        return []
    credentials = issue_credentials(ids)
    contexts = load_contexts(
        session,
        ids,
        passwords={i: c.password for i, c in credentials.items()},
        issued_on=issued_on,
    )
    documents = render_batch(ACCESS_CODE, contexts, portal_url=portal_url)
    return record_access_codes(session, documents, credentials, cipher=cipher, actor=actor)


def prepare_documents(
    session: Session,
    kind: DocumentKind | str,
    dossier_ids: Sequence[int],
    *,
    issued_on: date | None = None,
    portal_url: str | None = None,
    actor: str = "socelec",
) -> list[Delivery]:
    """Reminders, phase notices or brochures for the dossiers that have not had this one yet.

    The credential letter has its own call (:func:`prepare_access_code_letters`).
    """
    document_kind = kind_of(kind)
    if document_kind.carries_credential:
        raise ValueError(
            f"kind: {document_kind.code} carries a credential; use prepare_access_code_letters"
        )
    ids = dossiers_needing(session, document_kind, dossier_ids)
    if not ids:
        return []
    contexts = load_contexts(session, ids, issued_on=issued_on)
    documents = render_batch(document_kind, contexts, portal_url=portal_url)
    return record_rendered(session, documents, actor=actor)
