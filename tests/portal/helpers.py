"""Building portal test data through the models, and driving the portal like a browser form.

``officer_dossier(engine, ...)`` is the single place that makes a dossier an officer can log
into: an enterprise, its technical unit, a dossier with a generated password stored as an
argon2id hash (as the campaign does), and delivery rows in the states the flows record.
"""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy import text as sql
from sqlmodel import Session, select

from models.credentials import dossier_number, generate_password, hash_password
from models.delivery import Delivery
from models.dossier import Dossier
from models.edition import Edition
from models.registry import Enterprise, TechnicalUnit
from portal.clock import BRUSSELS
from procedure.documents import kind as document_kind

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Officer:
    dossier_id: int
    number: str
    password: str


class ManualClock:
    """The portal's clock in tests: a moment that only moves when the test says so."""

    def __init__(self, day: date, hour: int = 10) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set_day(self, day: date, hour: int = 10) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_serial = iter(range(1, 1_000_000))


def officer_dossier(
    engine,
    *,
    language: str = "fr",
    body: str = "CPPT",
    year: int = 2028,
    election_day: date | None = None,
    workers: tuple[int, int, int, int] = (60, 40, 30, 20),
    deliveries: tuple[tuple[str, str, str], ...] = (),
    name: str = "Dupont Logistique SA",
    same_unit_as: Officer | None = None,
    same_enterprise_as: Officer | None = None,
    unit_name: str | None = None,
    working_days: str = "mon-fri",
) -> Officer:
    """A dossier with a fresh password; ``deliveries`` are (document kind, step code, state),
    with the subject the e-Box got for those it accepted (sent, non-digital), as the delivery
    task records it. ``same_unit_as``: the other body of that officer's technical unit,
    instead of a new one; ``same_enterprise_as``: a new unit (named ``unit_name``) of that
    officer's enterprise; ``working_days``: the registry column of a new unit."""
    password = generate_password()
    serial = next(_serial)
    with Session(engine) as session:
        edition = session.exec(select(Edition).where(Edition.year == year)).one()
        if same_unit_as is not None:
            unit = session.get(Dossier, same_unit_as.dossier_id).technical_unit
        else:
            if same_enterprise_as is not None:
                enterprise = session.get(
                    Dossier, same_enterprise_as.dossier_id
                ).technical_unit.enterprise
            else:
                base = 2_000_000 + serial
                enterprise = Enterprise(
                    enterprise_number=f"{base:08d}{97 - base % 97:02d}",
                    name=name,
                    language=language,
                    street="Rue de la Gare 12",
                    postal_code="4000",
                    city="Liège",
                )
            blue, white, young, cadre = workers
            unit = TechnicalUnit(
                enterprise=enterprise,
                code=f"U{serial}",
                name=unit_name or f"Siège {serial}",
                street="Rue de la Gare 12",
                postal_code="4000",
                city="Liège",
                workers_blue_collar=blue,
                workers_white_collar=white,
                workers_young=young,
                workers_cadre=cadre,
                has_cppt=True,
                has_ce=body == "CE",
                working_days=working_days,
            )
            session.add(unit)
            session.flush()
        dossier = Dossier(
            edition_id=edition.id,
            technical_unit_id=unit.id,
            body=body,
            dossier_number=dossier_number(year, body, unit.id),
            password_hash=hash_password(password),
            election_day=election_day,
        )
        session.add(dossier)
        session.flush()
        for kind, step_code, state in deliveries:
            sent = state == "sent"
            in_the_ebox = state in ("sent", "non_digital")
            session.add(
                Delivery(
                    dossier_id=dossier.id,
                    document_kind=kind,
                    step_code=step_code,
                    state=state,
                    idempotency_key=str(uuid.uuid4()),
                    language=language,
                    message_id=f"msg-{uuid.uuid4().hex[:12]}" if sent else None,
                    subject=document_kind(kind).subject(
                        language,
                        edition_year=year,
                        dossier_number=dossier.dossier_number,
                        body=body,
                    )
                    if in_the_ebox
                    else None,
                    sent_at=datetime(2027, 12, 3, 7, tzinfo=UTC) if sent else None,
                    error_code="INVALID_INPUT" if state in ("failed", "rejected") else None,
                )
            )
        session.commit()
        return Officer(dossier.id, dossier.dossier_number, password)


def text(response) -> str:
    """The page as a reader sees it (entities decoded), for assertions on wording."""
    return html.unescape(response.text)


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def log_in(client, officer: Officer, password: str | None = None):
    """Submit the login form as a browser would (CSRF token from the form)."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "dossier_number": officer.number,
            "password": officer.password if password is None else password,
        },
        follow_redirects=False,
    )


def post_form(client, page_url: str, action: str, data: dict, **kwargs):
    """POST ``data`` to ``action`` with the CSRF token of the form on ``page_url``."""
    page = client.get(page_url)
    return client.post(
        action, data={"csrf_token": csrf_of(page.text), **data}, follow_redirects=False, **kwargs
    )


def dossier_row(engine, officer: Officer) -> Dossier:
    with Session(engine) as session:
        return session.get(Dossier, officer.dossier_id)


def table_digests(engine, *, leaving_out: frozenset[str] = frozenset()) -> dict[str, str]:
    """A sha-256 of each table's rows (in primary-key order): equal digests before and after a
    refused request show that it stored nothing, not even part of what it was sent."""
    digests = {}
    with engine.connect() as connection:
        for table in sorted(set(inspect(connection).get_table_names()) - leaving_out):
            rows = connection.execute(sql(f'SELECT * FROM "{table}" ORDER BY 1')).all()
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests
