"""Tasks of the four-eyes review: record what a run asks to release, and the answer."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from models.approval import MailingApproval
from models.approvals import ApprovalError, decide, record_review, skip
from models.audit import AuditEvent
from models.db import session_scope
from models.editions import get_edition
from models.settings import get_settings


@task(name="record-mailing-review", cache_policy=NO_CACHE)
def record_mailing_review(edition_year: int, flow_run_id: str, requested_by: str) -> dict | None:
    """This run's review of the credential letters waiting for approval (found again after
    a resume): its id, status, letters and counts; None when none waits."""
    with session_scope() as session:
        review = record_review(
            session,
            get_edition(session, edition_year),
            flow_run_id=flow_run_id,
            requested_by=requested_by,
        )
        if review is None:
            return None
        return {
            "id": review.id,
            "status": review.status,
            "letters": review.letters,
            "requested_by": review.requested_by,
            "counts": review.counts["letters"],
        }


@task(name="record-approval", cache_policy=NO_CACHE)
def record_approval(
    review_id: int, approver: str, approved: bool, comment: str, attempt_key: str
) -> str | None:
    """The second person's answer: None when recorded, else why it cannot count (the refusal
    is audited once per form submitted)."""
    with session_scope() as session:
        review = session.get(MailingApproval, review_id)
        try:
            decide(
                session,
                review,
                approver=approver,
                approved=approved,
                comment=comment,
                approvers=get_settings().approvers,
            )
        except ApprovalError as exc:
            refusals = session.exec(
                select(AuditEvent).where(
                    AuditEvent.action == "mailing.approval.refused_form",
                    AuditEvent.flow_run_id == review.flow_run_id,
                )
            ).all()
            seen = any(e.detail.get("form") == attempt_key for e in refusals)
            if not seen:
                session.add(
                    AuditEvent(
                        actor=f"prefect-ui:{approver}",
                        action="mailing.approval.refused_form",
                        subject=str(review.edition_id),
                        flow_run_id=review.flow_run_id,
                        detail={"approval": review_id, "form": attempt_key, "reason": str(exc)},
                    )
                )
            return str(exc)
    return None


@task(name="skip-approval", cache_policy=NO_CACHE)
def skip_approval(review_id: int, actor: str) -> None:
    with session_scope() as session:
        skip(session, session.get(MailingApproval, review_id), actor)
