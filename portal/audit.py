"""Audit events written by the portal: who (which dossier's officer, from which address) did what.

Never a password, old or new: only the fact, the dossier number and the client address.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.audit import AuditEvent


def record(db: Session, action: str, *, dossier_number: str | None, ip: str, **detail: Any) -> None:
    db.add(
        AuditEvent(
            actor=f"portal:{dossier_number}" if dossier_number else "portal:anonymous",
            action=f"portal.{action}",
            subject=dossier_number or "",
            detail={"ip": ip, **detail},
        )
    )
