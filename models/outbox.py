"""The outbox: rendered documents waiting for (or done with) their e-Box delivery.

One :class:`~models.delivery.Delivery` row per (dossier, document kind, step). This module
writes those rows and guards what they hold:

- A document that carries a credential (the access-code letter) is stored encrypted with
  Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``), and its bytes are wiped once the
  e-Box confirms delivery; the SHA-256 digest, page count and e-Box messageId stay, so the
  delivery can still be proven (the promise of docs/reliability.md: a password exists in clear
  only in memory and in its delivered letter).
- The argon2id hash of a new password and the letter that carries the password are written in
  the caller's transaction together (:func:`record_access_codes`): a crash leaves both or
  neither, never a hash whose password nobody received, nor a letter whose password does not
  open the dossier.
- Each row gets a deterministic idempotency key (:func:`idempotency_key`) from what identifies
  the delivery in the real world (edition, enterprise number, unit code, body, kind, step),
  never from a database id: a retried e-Box request after a crash or a timeout, a re-run, a
  database restored from a backup, all carry the same key for the same letter, and no other
  company's letter can ever have it.
- An outcome is written only by the worker that holds the row's claim (:func:`record_outcome`),
  with its audit event, in one transaction.

Key management: ``SOCELEC_OUTBOX_KEY`` holds one Fernet key, or several separated by commas,
newest first (``MultiFernet``: the first encrypts, all decrypt, so keys can be rotated). When
it is unset, a key is generated once into ``$SOCELEC_DATA_DIR/outbox.key`` (mode 0600) and a
warning says so; several machines sharing one database must all set the same key.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.base import utcnow
from models.credentials import generate_password, hash_password
from models.delivery import Delivery, DeliveryState
from models.dossier import Dossier, DossierStatus
from models.edition import Edition
from models.files import create_private_file
from models.registry import Enterprise, TechnicalUnit
from models.settings import Settings, get_settings
from procedure.documents import DocumentKind
from procedure.documents import kind as kind_of


class RenderedDocument(Protocol):
    """What the outbox stores of a rendered document (templates.render.RenderedDocument)."""

    dossier_id: int | None
    dossier_number: str
    kind: str
    language: str
    pdf: bytes
    sha256: str
    page_count: int


__all__ = [
    "KEY_FILE_NAME",
    "IssuedCredential",
    "OutboxError",
    "Outcome",
    "document_pdf",
    "dossiers_needing",
    "idempotency_key",
    "issue_credentials",
    "outbox_cipher",
    "record_access_codes",
    "record_outcome",
    "record_rendered",
    "replace_rendered",
    "rotate_outbox_key",
]

log = logging.getLogger("socelec.outbox")

KEY_FILE_NAME = "outbox.key"
# Fixed namespace of socelec's delivery keys: uuid5(NAMESPACE_URL, "urn:socelec:delivery").
_DELIVERY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:socelec:delivery")


class OutboxError(ValueError):
    """A request the outbox refuses; names the dossier or delivery, the field and the rule."""


def _generated_key(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        if path.stat().st_mode & 0o077:
            log.warning("%s is readable by other users; restrict it with chmod 600", path)
        return path.read_bytes().strip()
    if create_private_file(path, Fernet.generate_key()):
        log.warning(
            "generated a new outbox key in %s (mode 0600): back it up, without it the stored "
            "credential letters cannot be read; set SOCELEC_OUTBOX_KEY when several machines "
            "share the database",
            path,
        )
    return path.read_bytes().strip()


def outbox_cipher(settings: Settings | None = None) -> MultiFernet:
    """The cipher for credential letters at rest (module docstring: key management)."""
    settings = settings or get_settings()
    if settings.outbox_key is not None:
        keys = [k.strip() for k in settings.outbox_key.get_secret_value().split(",") if k.strip()]
    else:
        keys = [_generated_key(settings.data_dir).decode("ascii")]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        # Never echo the value: it is a secret, even when malformed.
        raise OutboxError(
            "outbox_key: each key must be 32 url-safe base64-encoded bytes (make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')"
        ) from None


@dataclass(frozen=True)
class DeliveryIdentity:
    """What names a dossier outside socelec's database: edition, company, unit and body."""

    edition_year: int
    enterprise_number: str
    unit_code: str
    body: str


def idempotency_key(
    identity: DeliveryIdentity, kind: str, step_code: str, generation: int = 0
) -> str:
    """The same UUID for the same delivery on every run, machine and rebuilt database (uuid5).

    ``generation`` counts the reissues staff ordered after the e-Box turned out to hold another
    letter under the key (:func:`models.held.release_held`): the e-Box does not compare payloads
    under one key, so a different letter never reuses one (https://dev.eboxenterprise.be/docs/
    ds/document_sender, "Idempotency").
    """
    i = identity
    name = f"{i.edition_year}/{i.enterprise_number}/{i.unit_code}/{i.body}/{kind}/{step_code}"
    if generation:
        name += f"/reissue-{generation}"
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, name))


@dataclass(frozen=True)
class IssuedCredential:
    """A new password and its argon2id hash, in memory until the letter is stored."""

    dossier_id: int
    password: str = field(repr=False)
    password_hash: str = field(repr=False)


def issue_credentials(dossier_ids: Iterable[int]) -> dict[int, IssuedCredential]:
    """A fresh password per dossier, hashed (models.credentials: argon2id,
    docs/performance.md#password-hashing)."""
    issued = {}
    for dossier_id in dossier_ids:
        password = generate_password()
        issued[dossier_id] = IssuedCredential(dossier_id, password, hash_password(password))
    return issued


def dossiers_needing(session: Session, kind: DocumentKind, dossier_ids: Sequence[int]) -> list[int]:
    """The open dossiers among ``dossier_ids`` that have no delivery of ``kind`` yet, in order.

    A flow that runs again, or two workers given the same dossiers, skip what is done.
    """
    wanted = list(dossier_ids)
    done = set(
        session.exec(
            select(Delivery.dossier_id).where(
                Delivery.dossier_id.in_(wanted),  # type: ignore[attr-defined]
                Delivery.document_kind == kind.code,
                Delivery.step_code == kind.step_code,
            )
        )
    )
    open_ids = set(
        session.exec(
            select(Dossier.id).where(Dossier.id.in_(wanted), Dossier.status == DossierStatus.open)  # type: ignore[union-attr]
        )
    )
    return [i for i in wanted if i in open_ids and i not in done]


def delivery_identities(
    session: Session, dossier_ids: Sequence[int]
) -> dict[int, DeliveryIdentity]:
    rows = session.exec(
        select(
            Dossier.id, Edition.year, Enterprise.enterprise_number, TechnicalUnit.code, Dossier.body
        )
        .join(Edition, col(Dossier.edition_id) == col(Edition.id))
        .join(TechnicalUnit, col(Dossier.technical_unit_id) == col(TechnicalUnit.id))
        .join(Enterprise, col(TechnicalUnit.enterprise_id) == col(Enterprise.id))
        .where(col(Dossier.id).in_(list(dossier_ids)))
    ).all()
    return {dossier_id: DeliveryIdentity(*identity) for dossier_id, *identity in rows}


def record_rendered(
    session: Session,
    documents: Sequence[RenderedDocument],
    *,
    cipher: MultiFernet | None = None,
    actor: str = "socelec",
) -> list[Delivery]:
    """Write one Delivery row (state ``rendered``) per document, in the caller's transaction.

    Credential-carrying documents are encrypted at rest. A delivery exists once per dossier,
    kind and step: a second one raises :class:`OutboxError` (and the caller's transaction
    rolls back, so nothing of the batch is kept).
    """
    if not documents:
        return []
    ids = [d.dossier_id for d in documents if d.dossier_id is not None]
    if len(ids) != len(documents):
        raise OutboxError("dossier_id: every document must belong to a stored dossier")
    identities = delivery_identities(session, ids)
    missing = [d.dossier_number for d in documents if d.dossier_id not in identities]
    if missing:
        raise OutboxError(f"dossier_id: no stored dossier for {', '.join(missing)}")
    now = utcnow()
    if cipher is None and any(kind_of(d.kind).carries_credential for d in documents):
        cipher = outbox_cipher()
    deliveries = []
    for document in documents:
        kind = kind_of(document.kind)
        pdf = document.pdf
        if kind.carries_credential:
            pdf = cipher.encrypt(pdf)
        deliveries.append(
            Delivery(
                dossier_id=document.dossier_id,
                document_kind=kind.code,
                step_code=kind.step_code,
                state=DeliveryState.rendered,
                idempotency_key=idempotency_key(
                    identities[document.dossier_id], kind.code, kind.step_code
                ),
                language=document.language,
                pdf=pdf,
                pdf_encrypted=kind.carries_credential,
                digest=document.sha256,
                page_count=document.page_count,
                rendered_at=now,
            )
        )
    session.add_all(deliveries)
    session.add(
        AuditEvent(
            actor=actor,
            action="documents.rendered",
            subject=documents[0].kind,
            detail={"count": len(documents), "dossiers": [d.dossier_number for d in documents]},
        )
    )
    try:
        session.flush()
    except IntegrityError as error:
        raise OutboxError(
            f"{documents[0].kind}: a delivery of this kind already exists for one of "
            f"{len(documents)} dossiers (one delivery per dossier, kind and step)"
        ) from error
    return deliveries


def record_access_codes(
    session: Session,
    documents: Sequence[RenderedDocument],
    credentials: Mapping[int, IssuedCredential],
    *,
    cipher: MultiFernet | None = None,
    actor: str = "socelec",
) -> list[Delivery]:
    """Store each dossier's new password hash with its encrypted access-code letter.

    Both go into the caller's session, so one commit (``session_scope``) writes both or, on
    any error, neither. The documents and the credentials must cover the same dossiers.
    """
    letters = {d.dossier_id: d for d in documents}
    if set(letters) != set(credentials) or len(letters) != len(documents):
        raise OutboxError(
            "credentials: every access-code letter needs exactly one issued credential and "
            "every credential its letter"
        )
    wrong = [d.dossier_number for d in documents if d.kind != "access-code"]
    if wrong:
        raise OutboxError(f"kind: not an access-code letter for {', '.join(wrong)}")
    dossiers = session.exec(
        select(Dossier).where(Dossier.id.in_(list(letters)))  # type: ignore[union-attr]
    ).all()
    now = utcnow()
    for dossier in dossiers:
        dossier.password_hash = credentials[dossier.id].password_hash
        # password_changed_at stays unset: it records the officer's own change, and the
        # portal invites that change at the first login with the issued password.
        dossier.password_changed_at = None
        dossier.updated_at = now
        session.add(dossier)
    return record_rendered(session, documents, cipher=cipher, actor=actor)


def dossier_messages(session: Session, dossier_number: str) -> list[dict]:
    """Every outbox row of a dossier as the help desk reads it (no document content); raises
    LookupError naming the number when no such dossier exists."""
    dossier = session.exec(select(Dossier).where(Dossier.dossier_number == dossier_number)).first()
    if dossier is None:
        raise LookupError(f"dossier_number: no dossier {dossier_number}")
    rows = session.exec(
        select(Delivery).where(Delivery.dossier_id == dossier.id).order_by(col(Delivery.id))
    ).all()
    return [
        {
            "kind": d.document_kind,
            "state": d.state,
            "subject": d.subject,
            "message_id": d.message_id,
            "sent": d.sent_at and d.sent_at.isoformat(timespec="minutes"),
            "expires": d.expires_at and d.expires_at.date().isoformat(),
            "error": d.error_code,
        }
        for d in rows
    ]


def rotate_outbox_key(session: Session, *, actor: str, cipher: MultiFernet | None = None) -> int:
    """Encrypt every stored credential letter again under the newest key (``MultiFernet.rotate``),
    in the caller's transaction; returns how many. The older keys can then be dropped."""
    cipher = cipher or outbox_cipher()
    rows = session.exec(
        select(Delivery).where(col(Delivery.pdf_encrypted), col(Delivery.pdf).is_not(None))
    ).all()
    for delivery in rows:
        try:
            delivery.pdf = cipher.rotate(delivery.pdf)
        except InvalidToken:
            raise OutboxError(
                f"delivery {delivery.id}: outbox_key: none of the configured keys decrypts it"
            ) from None
        session.add(delivery)
    session.add(AuditEvent(actor=actor, action="outbox.key_rotated", detail={"letters": len(rows)}))
    return len(rows)


def document_pdf(delivery: Delivery, cipher: MultiFernet | None = None) -> bytes:
    """The stored PDF, decrypted when needed and checked against its digest."""
    if delivery.pdf is None:
        raise OutboxError(
            f"delivery {delivery.id}: pdf: no bytes stored (state {delivery.state}; a credential "
            "letter is wiped once the e-Box confirms delivery, its digest is kept)"
        )
    pdf = delivery.pdf
    if delivery.pdf_encrypted:
        try:
            pdf = (cipher or outbox_cipher()).decrypt(pdf)
        except InvalidToken:
            raise OutboxError(
                f"delivery {delivery.id}: outbox_key: none of the configured keys decrypts it"
            ) from None
    if delivery.digest and hashlib.sha256(pdf).hexdigest() != delivery.digest:
        raise OutboxError(f"delivery {delivery.id}: digest: the stored PDF does not match it")
    return pdf


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt ended in, for :func:`record_outcome`.

    ``state``: ``sent``, ``non_digital``, ``rejected``, ``failed`` or ``held``. ``duplicate``:
    the e-Box answered 409 for the row's key (it had the message already).
    """

    state: str
    message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    duplicate: bool = False
    subject: str | None = None  # as published
    expires_at: datetime | None = None  # as the e-Box answered

    def __post_init__(self) -> None:
        if self.state == DeliveryState.sent and not self.message_id and not self.duplicate:
            raise OutboxError("message_id: required for a sent delivery (unless a duplicate)")


def record_outcome(
    session: Session,
    delivery_id: int,
    worker: str,
    outcome: Outcome,
    *,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Write ``outcome`` on the row ``worker`` holds, with its audit event; False, changing
    nothing, when ``worker`` no longer holds the claim (its lease ran out and another worker
    took the row). The caller commits.

    Every answer counts as an attempt. A sent credential letter's bytes are wiped (its digest,
    page count and messageId stay); a sent or non-digital row keeps the time the e-Box took it.
    """
    now = now or utcnow()
    values: dict = {
        "state": outcome.state,
        "attempts": Delivery.attempts + 1,
        "claimed_by": None,
        "claimed_at": None,
        "error_code": outcome.error_code,
        "error_message": (outcome.error_message or None) and outcome.error_message[:2000],
    }
    if outcome.message_id:
        values["message_id"] = outcome.message_id
    if outcome.subject:
        values["subject"] = outcome.subject
    if outcome.expires_at:
        values["expires_at"] = outcome.expires_at
    if outcome.state in (DeliveryState.sent, DeliveryState.non_digital):
        values["sent_at"] = func.coalesce(Delivery.sent_at, now)
    if outcome.state == DeliveryState.sent:
        values["pdf"] = case((col(Delivery.pdf_encrypted), None), else_=Delivery.pdf)
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.claimed_by) == worker)
        .values(**values)
    )
    if result.rowcount != 1:
        log.warning(
            "delivery %s: outcome %s not recorded: claim %s no longer holds it",
            delivery_id,
            outcome.state,
            worker,
        )
        return False
    session.add(
        AuditEvent(
            actor=actor,
            action=f"delivery.{outcome.state}",
            subject=str(delivery_id),
            detail={
                "delivery": delivery_id,
                "state": outcome.state,
                "message_id": outcome.message_id,
                "error_code": outcome.error_code,
                "duplicate": outcome.duplicate,
            },
        )
    )
    return True


def replace_rendered(
    session: Session,
    delivery: Delivery,
    document: RenderedDocument,
    *,
    cipher: MultiFernet | None = None,
    key: str | None = None,
) -> Delivery:
    """Put a newly rendered ``document`` in place of a held row's, ready to be sent again
    (state ``rendered``, tries reset); ``key``: a new idempotency key (a reissue)."""
    kind = kind_of(document.kind)
    delivery.pdf = (
        (cipher or outbox_cipher()).encrypt(document.pdf)
        if kind.carries_credential
        else document.pdf
    )
    delivery.pdf_encrypted = kind.carries_credential
    delivery.digest, delivery.page_count = document.sha256, document.page_count
    delivery.state, delivery.attempts = DeliveryState.rendered, 0
    delivery.rendered_at = utcnow()
    delivery.error_code = delivery.error_message = None
    if key is not None:
        delivery.idempotency_key, delivery.claims = key, 0
        delivery.key_generation += 1
    session.add(delivery)
    return delivery
