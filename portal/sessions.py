"""Server-side login sessions (``models.portal.PortalSession``).

The browser holds a random token inside the signed session cookie; the table holds its SHA-256
with the dossier, the last activity and the absolute end. A session ends after
``session_idle_minutes`` without a request, after ``session_hours`` in any case, on logout,
and (for the other sessions of the dossier) when the password changes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, select

from models.portal import PortalSession
from portal.clock import as_utc
from portal.settings import PortalSettings

# Writing last_seen_at on every request would turn each page view into a write.
_TOUCH_EVERY = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """What the database keeps of a session token (and what an upload names its session by)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Session, dossier_id: int, now: datetime, settings: PortalSettings) -> str:
    """Start a session for ``dossier_id``; returns the token for the cookie (not stored)."""
    idle = timedelta(minutes=settings.session_idle_minutes)
    db.execute(
        delete(PortalSession).where(
            or_(PortalSession.expires_at <= now, PortalSession.last_seen_at <= now - idle)
        )
    )
    token = secrets.token_urlsafe(32)
    db.add(
        PortalSession(
            token_hash=token_digest(token),
            dossier_id=dossier_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_hours),
        )
    )
    return token


def active_session(
    db: Session, token: str, now: datetime, settings: PortalSettings
) -> PortalSession | None:
    """The live session of ``token``, or None (an ended session is removed)."""
    row = db.exec(
        select(PortalSession).where(PortalSession.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    last_seen = as_utc(row.last_seen_at)
    if (
        as_utc(row.expires_at) <= now
        or last_seen + timedelta(minutes=settings.session_idle_minutes) <= now
    ):
        db.delete(row)
        db.commit()
        return None
    if now - last_seen >= _TOUCH_EVERY:
        row.last_seen_at = now
        db.add(row)
        db.commit()
    return row


def close_session(db: Session, token: str) -> None:
    db.execute(delete(PortalSession).where(PortalSession.token_hash == token_digest(token)))


def close_other_sessions(db: Session, dossier_id: int, keep_token: str) -> None:
    db.execute(
        delete(PortalSession).where(
            PortalSession.dossier_id == dossier_id,
            PortalSession.token_hash != token_digest(keep_token),
        )
    )
