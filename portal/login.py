"""Checking a dossier number and password, with the defences around it.

- argon2id verification (``models.credentials``); a dossier number that does not exist, or
  has no password yet, is verified against a dummy hash so it costs the same time and an
  attacker cannot tell which numbers exist from the response time;
- one generic message for every wrong pair;
- per-dossier lockout (``portal.lockout``) counted in the Dossier row, so it survives restarts
  and holds across portal processes; the increment is one UPDATE … RETURNING, so two processes
  failing at once both count;
- unknown numbers lock after the same number of failures (in memory), so the lockout message
  does not reveal which numbers exist either; the warning that the next wrong password locks
  (the officer may be typing a password a colleague has since changed) comes on the same
  try for both;
- a per-client-address ceiling on failed attempts (``portal.throttle``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from models.credentials import generate_password, hash_password, needs_rehash, verify_password
from models.dossier import Dossier
from portal import audit
from portal.clock import as_utc
from portal.lockout import lock_until
from portal.settings import PortalSettings
from portal.throttle import FailureThrottle


@functools.cache
def _dummy_hash() -> str:
    return hash_password(generate_password())


@dataclass(frozen=True)
class LoginResult:
    """Exactly one of: the dossier (success), a lock's end, the address's retry time, or
    nothing at all (a wrong pair, reported with the generic message). ``last_try``: a wrong
    pair after which one more wrong password locks the dossier."""

    dossier: Dossier | None = None
    locked_until: datetime | None = None
    retry_at: datetime | None = None
    last_try: bool = False


class LoginGuard:
    """The login defences of one portal process (its in-memory counters live here)."""

    def __init__(self, settings: PortalSettings) -> None:
        self.settings = settings
        self.per_address = FailureThrottle(
            settings.ip_failed_logins, settings.rate_limit_storage, "portal-address"
        )
        self.unknown_numbers = FailureThrottle(
            f"{settings.lockout_threshold} per {settings.lockout_minutes} minutes",
            settings.rate_limit_storage,
            "portal-unknown-dossier",
        )

    def login(
        self, db: Session, number: str, password: str, *, ip: str, now: datetime
    ) -> LoginResult:
        """Check a canonical dossier number and a password. A refusal is committed here (its
        counters must outlive the request); a success is left to the caller, who commits it
        with the session it opens: one transaction, nothing half-done."""
        wait = self.per_address.blocked_for(ip)
        if wait is not None:
            return LoginResult(retry_at=now + wait)
        dossier = db.exec(select(Dossier).where(Dossier.dossier_number == number)).first()
        if dossier is None or dossier.password_hash is None:
            return self._unknown(db, number, password, ip=ip, now=now)
        if dossier.locked_until is not None and as_utc(dossier.locked_until) > now:
            self.per_address.failed(ip)
            audit.record(db, "login_refused_locked", dossier_number=number, ip=ip)
            db.commit()
            return LoginResult(locked_until=as_utc(dossier.locked_until))
        if not verify_password(dossier.password_hash, password):
            return self.wrong_password(db, dossier, ip=ip, now=now, action="login_failed")
        dossier.failed_logins = 0
        dossier.locked_until = None
        if needs_rehash(dossier.password_hash):
            dossier.password_hash = hash_password(password)
        db.add(dossier)
        audit.record(
            db,
            "login",
            dossier_number=number,
            ip=ip,
            first_login=dossier.password_changed_at is None,
        )
        return LoginResult(dossier=dossier)

    def wrong_password(
        self, db: Session, dossier: Dossier, *, ip: str, now: datetime, action: str
    ) -> LoginResult:
        """Count a wrong password for ``dossier`` (a login, or the old password of a change)."""
        self.per_address.failed(ip)
        failures = db.execute(
            update(Dossier)
            .where(Dossier.id == dossier.id)
            .values(failed_logins=Dossier.failed_logins + 1)
            .returning(Dossier.failed_logins)
        ).scalar_one()
        until = lock_until(
            failures,
            now,
            threshold=self.settings.lockout_threshold,
            first_lock=timedelta(minutes=self.settings.lockout_minutes),
            longest_lock=timedelta(hours=self.settings.lockout_max_hours),
        )
        audit.record(db, action, dossier_number=dossier.dossier_number, ip=ip, failures=failures)
        if until is not None:
            db.execute(update(Dossier).where(Dossier.id == dossier.id).values(locked_until=until))
            audit.record(
                db,
                "lockout",
                dossier_number=dossier.dossier_number,
                ip=ip,
                failures=failures,
                until=until.isoformat(),
            )
        db.commit()
        db.refresh(dossier)
        threshold = self.settings.lockout_threshold
        return LoginResult(
            locked_until=until, last_try=until is None and (failures + 1) % threshold == 0
        )

    def _unknown(
        self, db: Session, number: str, password: str, *, ip: str, now: datetime
    ) -> LoginResult:
        wait = self.unknown_numbers.blocked_for(number)
        if wait is None:
            verify_password(_dummy_hash(), password)  # the same work as for a real dossier
            self.unknown_numbers.failed(number)
            wait = self.unknown_numbers.blocked_for(number)
        self.per_address.failed(ip)
        audit.record(db, "login_failed", dossier_number=number, ip=ip, known=False)
        db.commit()
        if wait is not None:
            return LoginResult(locked_until=now + wait)
        return LoginResult(last_try=self.unknown_numbers.remaining(number) == 1)
