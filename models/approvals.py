"""The four-eyes rule on credential letters: what a review covers and what delivery may send.

Two promises rest here. No credential letter leaves unless a second person released it, and
that release covers exactly the letters counted in the review that person read:

- :func:`record_review` counts the credential letters waiting in the outbox and records them,
  each with its digest, under a ``requested`` :class:`~models.approval.MailingApproval`. A run
  resumed after its approval (Prefect reruns a suspended flow from the top) finds its review
  again by flow run id, so letters rendered meanwhile are not in it: they wait for the next
  review.
- :func:`decide` records the second person's answer. The approver must be one of the
  configured approvers (``SOCELEC_APPROVERS``) and must not be the person who asked.
- :func:`releasable` is the SQL condition every claim of outbox rows applies: a row that
  carries a credential is deliverable only when an *approved* approval covers it with the
  digest it has now. A dry-run's letters sent later by ``redeliver``, a letter rendered again
  after its approval: none is covered, whichever flow asks.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, col, select

from models.approval import ApprovalCoverage, ApprovalStatus, MailingApproval
from models.audit import AuditEvent
from models.base import utcnow
from models.delivery import UNSENT_STATES, Delivery
from models.dossier import Dossier
from models.edition import Edition
from procedure.documents import KINDS

#: The document kinds that carry a credential (the access-code letter): they need approval.
CREDENTIAL_KINDS = tuple(sorted(k.code for k in KINDS.values() if k.carries_credential))


class ApprovalError(ValueError):
    """An approval that cannot be accepted; names the field and the rule."""


def same_person(a: str | None, b: str | None) -> bool:
    """Names compared as people type them: case and spacing do not make another person."""
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def approved_coverage():
    """SQL: an approved approval covers this Delivery row with its current digest."""
    return exists().where(
        ApprovalCoverage.delivery_id == Delivery.id,
        ApprovalCoverage.digest == Delivery.digest,
        ApprovalCoverage.approval_id == MailingApproval.id,
        MailingApproval.status == ApprovalStatus.approved,
    )


def releasable():
    """SQL: the row needs no approval, or an approved one covers it as it is now."""
    return or_(col(Delivery.document_kind).not_in(CREDENTIAL_KINDS), approved_coverage())


def awaiting_approval(edition_id: int):
    """SQL query of the ids of the edition's credential letters that no approval covers yet."""
    return (
        select(Delivery.id)
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(
            Dossier.edition_id == edition_id,
            col(Delivery.document_kind).in_(CREDENTIAL_KINDS),
            col(Delivery.state).in_(UNSENT_STATES),
            ~approved_coverage(),
        )
    )


def count_awaiting_approval(session: Session, edition_id: int) -> int:
    return len(session.exec(awaiting_approval(edition_id)).all())


def review_of_run(session: Session, flow_run_id: str) -> MailingApproval | None:
    if not flow_run_id:
        return None
    return session.exec(
        select(MailingApproval)
        .where(MailingApproval.flow_run_id == flow_run_id)
        .order_by(col(MailingApproval.id))
    ).first()


def record_review(
    session: Session, edition: Edition, *, flow_run_id: str, requested_by: str
) -> MailingApproval | None:
    """The review of this run: found again after a resume, else made now over the letters
    waiting for approval. None when no letter waits (nothing to approve)."""
    review = review_of_run(session, flow_run_id)
    if review is not None:
        return review
    rows = session.exec(
        select(
            Delivery.id, Delivery.digest, Delivery.document_kind, Delivery.language, Dossier.body
        )
        .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
        .where(col(Delivery.id).in_(awaiting_approval(edition.id)))
        .order_by(col(Delivery.id))
    ).all()
    if not rows:
        return None
    counts = Counter((kind, language, body) for _, _, kind, language, body in rows)
    review = MailingApproval(
        edition_id=edition.id,
        flow_run_id=flow_run_id,
        requested_by=requested_by,
        letters=len(rows),
        counts={
            "letters": [
                {"kind": k, "language": lang, "body": b, "letters": n}
                for (k, lang, b), n in sorted(counts.items())
            ]
        },
    )
    session.add(review)
    session.flush()
    session.add_all(
        ApprovalCoverage(approval_id=review.id, delivery_id=delivery_id, digest=digest or "")
        for delivery_id, digest, *_ in rows
    )
    session.add(
        AuditEvent(
            actor=requested_by,
            action="mailing.review",
            subject=str(edition.year),
            flow_run_id=flow_run_id,
            detail={"approval": review.id, "letters": len(rows)},
        )
    )
    session.flush()
    return review


def check_approver(review: MailingApproval, approver: str, approvers: list[str]) -> None:
    """Raise :class:`ApprovalError` unless ``approver`` may release ``review``."""
    if not any(same_person(approver, allowed) for allowed in approvers):
        raise ApprovalError(
            f"approver: {approver!r} is not one of the configured approvers (SOCELEC_APPROVERS)"
        )
    if same_person(approver, review.requested_by):
        raise ApprovalError(
            f"approver: {approver!r} requested this mailing; a second person must approve it"
        )


def decide(
    session: Session,
    review: MailingApproval,
    *,
    approver: str,
    approved: bool,
    comment: str,
    approvers: list[str],
) -> MailingApproval:
    """Record the second person's answer on ``review`` (audited). Deciding again with the same
    answer changes nothing: a resumed run replays the answer it was given."""
    if review.status != ApprovalStatus.requested:
        if (
            same_person(review.approver, approver)
            and (review.status == ApprovalStatus.approved) == approved
        ):
            return review
        raise ApprovalError(f"approval {review.id}: already {review.status} by {review.approver}")
    check_approver(review, approver, approvers)
    review.status = ApprovalStatus.approved if approved else ApprovalStatus.refused
    review.approver, review.comment, review.decided_at = approver, comment, utcnow()
    session.add(review)
    session.add(
        AuditEvent(
            actor=f"prefect-ui:{approver}",
            action="mailing.approval",
            subject=str(review.edition_id),
            flow_run_id=review.flow_run_id,
            detail={
                "approval": review.id,
                "approved": approved,
                "approver": approver,
                "requested_by": review.requested_by,
                "letters": review.letters,
                "comment": comment,
            },
        )
    )
    session.flush()
    return review


def skip(session: Session, review: MailingApproval, actor: str) -> MailingApproval:
    """``yes=True``: release the review without a second person (scripts, demo, tests, or a
    training machine that allows it); recorded as skipped."""
    if review.status == ApprovalStatus.requested:
        review.status, review.skipped = ApprovalStatus.approved, True
        review.decided_at = utcnow()
        session.add(review)
        session.add(
            AuditEvent(
                actor=actor,
                action="mailing.approval",
                subject=str(review.edition_id),
                flow_run_id=review.flow_run_id,
                detail={
                    "approval": review.id,
                    "approved": True,
                    "skipped": "yes",
                    "letters": review.letters,
                },
            )
        )
        session.flush()
    return review


def covered_ids(session: Session, delivery_ids: list[int]) -> set[int]:
    """Of ``delivery_ids``, those delivery may send now (no approval needed, or covered)."""
    if not delivery_ids:
        return set()
    return set(
        session.exec(
            select(Delivery.id).where(and_(col(Delivery.id).in_(delivery_ids), releasable()))
        )
    )
