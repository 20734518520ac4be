"""Seeding the sandbox's CBE and e-Boxes from socelec's registry, deterministically.

Every imported enterprise gets an e-Box whose status follows from its enterprise number, so a
test or a demo can predict each publication's outcome without asking the sandbox:

- the first 8 digits (the number without its check digits) modulo 100 give a bucket;
- bucket 0–1 (about 2 %): ``not_in_cbe``, the company is unknown to the CBE, a publication
  answers 400 INVALID_INPUT "… is not a valid company" (docs/ebox.md#enterprise-numbers);
- bucket 2–7 (about 6 %): ``never_logged_in``, published with 201 + NO_DIGITAL_USER;
- otherwise ``digital``, published with 201.

Each e-Box has three users: ``am`` the access manager (sees everything), ``officer`` the
election officer, granted the social-elections online service (their SSIN from the registry
when known), and ``clerk`` an e-Box user without it (granted DmfA only), who must not see the
secure documents (docs/ebox.md#security-levels, level 2).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from ebox_sandbox.store import SOCIAL_ELECTIONS_SERVICE
from models.registry import Enterprise

ACCESS_MANAGER, OFFICER, CLERK = "am", "officer", "clerk"


def ebox_status(enterprise_number: str) -> str:
    bucket = int(enterprise_number[:8]) % 100
    if bucket < 2:
        return "not_in_cbe"
    if bucket < 8:
        return "never_logged_in"
    return "digital"


def synthetic_ssin(seed: str) -> str:
    """A valid national register number (born 1950–1999) derived from ``seed``: repeatable."""
    h = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    born = datetime(1950, 1, 1) + timedelta(days=h % (50 * 365))
    serial = 1 + (h >> 20) % 997
    base = f"{born:%y%m%d}{serial:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


def enterprise_seed(
    enterprise_number: str, name: str, officer_ssin: str | None = None, status: str | None = None
) -> dict:
    status = status or ebox_status(enterprise_number)
    last = (
        datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=int(enterprise_number[:8]) % 700)
        if status == "digital"
        else None
    )
    return {
        "enterprise_number": enterprise_number,
        "name": name,
        "status": status,
        "exclusively_ebox": status == "digital" and int(enterprise_number[:8]) % 3 == 0,
        "last_connection_at": last,
        "users": [
            {
                "user_id": ACCESS_MANAGER,
                "name": f"Access manager of {name}"[:100],
                "ssin": synthetic_ssin(f"{enterprise_number}:am"),
                "role": "access_manager",
                "services": [],
            },
            {
                "user_id": OFFICER,
                "name": f"Election officer of {name}"[:100],
                "ssin": officer_ssin or synthetic_ssin(f"{enterprise_number}:officer"),
                "role": "user",
                "services": [SOCIAL_ELECTIONS_SERVICE],
            },
            {
                "user_id": CLERK,
                "name": f"Payroll clerk of {name}"[:100],
                "ssin": synthetic_ssin(f"{enterprise_number}:clerk"),
                "role": "user",
                "services": ["dmfa"],
            },
        ],
    }


def seeds_from_registry(session: Session) -> list[dict]:
    """One seed per enterprise of socelec's registry (models.Enterprise)."""
    rows = session.exec(select(Enterprise).order_by(Enterprise.enterprise_number)).all()
    return [enterprise_seed(e.enterprise_number, e.name, e.officer_ssin) for e in rows]
