"""What the officer portal keeps beside the dossier: login sessions and the officer's checklist.

Sessions live in the database, not only in the signed cookie, so that logging out or changing
the password really ends them on every portal process (a cookie alone stays valid until it
expires). Only a SHA-256 of the session token is stored: a copy of the table
does not let anyone take over a session.

A step confirmation is the officer saying "we did this step" (posted the X notice, sent the
convocations): the portal shows a reminder step as overdue only when its date has passed and
nobody confirmed it.
"""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from models.audit import AuditEvent
from models.base import timestamp_field
from models.dossier import Dossier


class PortalSession(SQLModel, table=True):
    __tablename__ = "portal_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    created_at: datetime = timestamp_field()
    last_seen_at: datetime = timestamp_field()
    # Absolute end, whatever the activity: a stolen session cannot be kept alive forever.
    expires_at: datetime = timestamp_field()


class StepConfirmation(SQLModel, table=True):
    __tablename__ = "step_confirmation"
    __table_args__ = (UniqueConstraint("dossier_id", "step_code", name="uq_step_confirmation"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="RESTRICT")
    step_code: str = Field(max_length=20)
    confirmed_at: datetime = timestamp_field()


def unlock_dossier(session: Session, dossier_number: str, actor: str) -> dict | None:
    """Lift a dossier's lockout (the help desk, after the officer called); audited. The
    lockout as it was, or None when no such dossier exists."""
    dossier = session.exec(select(Dossier).where(Dossier.dossier_number == dossier_number)).first()
    if dossier is None:
        return None
    before = {
        "failed_logins": dossier.failed_logins,
        "locked_until": dossier.locked_until.isoformat() if dossier.locked_until else None,
    }
    dossier.failed_logins = 0
    dossier.locked_until = None
    session.add(dossier)
    session.add(
        AuditEvent(
            actor=actor, action="portal.unlock", subject=dossier_number, detail={"before": before}
        )
    )
    return before
