"""Security checks: no password where it does not belong, secure letters only for the right
e-Box users, and a portal that slows and locks password guessing.

One campaign serves the first tests (module fixture :func:`campaign`): sample companies, the
e-Box sandbox as a real server, the Prefect test server, ``open-edition`` while the e-Box is
down (every delivery fails after its retries), then ``redeliver`` under faults (503, 429 with
Retry-After, accepted-then-dropped, latency), one company unknown to the CBE (400, rejected).
Every password the campaign generates is recorded as it is made, so the scans look for all
of them, also those of letters that never reached an e-Box.
"""

from __future__ import annotations

import html
import io
import logging
import shutil
import sqlite3
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterTimestamp
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ebox_adapter import EboxClient, PublicationInvalid, SecurityClass
from ebox_sandbox.admin_client import SandboxAdminError
from ebox_sandbox.seed import ebox_status, enterprise_seed
from ebox_sandbox.settings import SandboxSettings
from flows.open_edition import open_edition
from flows.redeliver import redeliver
from models import AuditEvent, Delivery, Dossier, Enterprise, TechnicalUnit, outbox
from models.db import get_engine
from models.settings import get_settings
from portal.app import SESSION_COOKIE, create_app
from portal.settings import PortalSettings
from templates.context import EditionInfo, sample_context
from templates.render import render_batch
from tests.ebox.conftest import publication
from tests.ebox.sandbox_server import RunningSandbox, running_sandbox
from tests.factories import load_sample
from tests.flows.helpers import (
    all_messages,
    assert_no_password,
    delivery_states,
    in_threads,
    point_at_sandbox,
    prefect_stores,
    seed_sandbox,
    sqlite_files,
)
from tests.portal.helpers import CSRF_RE, ManualClock, officer_dossier
from tests.portal.server import running_portal

pytestmark = pytest.mark.integration

SOCELEC_LOGGERS = ("ebox_adapter", "flows", "models", "socelec", "tasks", "templates")
# Seeded faults, frequent enough that each kind happens in the ~40 requests of the redelivery
# (none of them in 40 requests: under 1 in 10,000), rare enough that every row gets through
# within its 40 attempts.
FAULTS = {
    "error_rates": {503: 0.30, 429: 0.20},
    "retry_after_seconds": 1,
    "drop_after_accept": 0.20,
    "latency_ms": 20,
    "seed": 2028,
}


@dataclass
class Campaign:
    engine: Engine
    database_url: str
    sandbox: RunningSandbox
    passwords: list[str]
    log_lines: list[str]
    states_after_outage: dict[str, int] = field(default_factory=dict)
    fault_counts: dict[str, int] = field(default_factory=dict)


class _Collect(logging.Handler):
    """Every log record of the campaign, formatted with its exception, as a console would."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def campaign(prefect_server, sqlite_template, tmp_path_factory) -> Iterator[Campaign]:
    home = tmp_path_factory.mktemp("security")
    shutil.copy(sqlite_template, home / "socelec.db")
    url = f"sqlite:///{home / 'socelec.db'}"
    passwords: list[str] = []
    lines: list[str] = []
    handler = _Collect(lines)
    # socelec's own loggers, down to DEBUG, each with the collector (Prefect reconfigures the
    # root logger when a flow runs; its run logs are read back from its API instead).
    loggers = [logging.getLogger(name) for name in SOCELEC_LOGGERS]
    levels = [logger.level for logger in loggers]
    # The test harness keeps Prefect's loggers at WARNING; production logs runs at INFO.
    prefect_logger = logging.getLogger("prefect")
    prefect_level = prefect_logger.level
    started = datetime.now(UTC)
    with pytest.MonkeyPatch.context() as patch, running_sandbox(home / "sandbox") as sandbox:
        patch.setenv("SOCELEC_DATABASE_URL", url)
        patch.setenv("SOCELEC_DATA_DIR", str(home / "var"))
        point_at_sandbox(patch, sandbox)
        get_settings.cache_clear()
        get_engine.cache_clear()
        real = outbox.generate_password
        patch.setattr(
            outbox, "generate_password", lambda: passwords.append(real()) or passwords[-1]
        )
        for logger in loggers:
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
        prefect_logger.setLevel(logging.INFO)
        try:
            engine = get_engine(url)
            load_sample(engine, 6, open_edition=False)
            seed_sandbox(engine, sandbox)
            with Session(engine) as session:
                unknown = session.exec(select(Enterprise)).first()
            # One company the CBE does not know: its letters are rejected (400).
            sandbox.admin.seed(
                [enterprise_seed(unknown.enterprise_number, unknown.name, status="not_in_cbe")]
            )
            # The e-Box is down: every delivery fails once its retries are spent.
            sandbox.admin.set_faults(error_rates={503: 1.0})
            patch.setenv("SOCELEC_EBOX_MAX_ATTEMPTS", "2")
            in_threads(open_edition)(edition=2028, batch_size=10, yes=True)
            outage = delivery_states(engine)
            # It comes back, faulty: the redelivery retries through every kind of fault.
            sandbox.admin.set_faults(**FAULTS)
            patch.setenv("SOCELEC_EBOX_MAX_ATTEMPTS", "40")
            in_threads(redeliver)(edition=2028, batch_size=10)
            counts = sandbox.admin.faults()["counts"]
            sandbox.admin.set_faults()
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.removeHandler(handler)
                logger.setLevel(level)
            lines += prefect_run_logs(since=started)
            prefect_logger.setLevel(prefect_level)
        try:
            yield Campaign(engine, url, sandbox, passwords, lines, outage, counts)
        finally:
            get_engine(url).dispose()
            get_engine.cache_clear()
            get_settings.cache_clear()


def prefect_run_logs(since: datetime) -> list[str]:
    """The flow and task run logs the Prefect server stored since ``since`` (the UI's logs)."""
    for handler in logging.getLogger("prefect.flow_runs").handlers:
        handler.flush()  # the API handler sends in batches: send what is pending first
    logs = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_logs(
                log_filter=LogFilter(timestamp=LogFilterTimestamp(after_=since)),
                limit=200,
                offset=len(logs),
            )
            logs += page
            if len(page) < 200:
                return [f"{log.name} {log.level} {log.message}" for log in logs]


def test_the_campaign_met_every_fault_and_ended_delivered_or_rejected(campaign):
    """The setting of the scans below: letters were failed, retried, rejected and delivered."""
    assert len(campaign.passwords) >= 6
    assert {"503", "429", "dropped_after_accept"} <= set(campaign.fault_counts), (
        campaign.fault_counts
    )
    assert campaign.states_after_outage.get("failed", 0) > 0
    assert "sent" not in campaign.states_after_outage, campaign.states_after_outage
    states = delivery_states(campaign.engine)
    assert states.get("rejected", 0) >= 2  # the unknown company's letter and brochure
    assert set(states) <= {"sent", "non_digital", "rejected"}, states


def test_no_password_in_prefects_database_results_or_home(campaign):
    assert_no_password(campaign.passwords, prefect_stores())


def test_no_password_in_socelecs_database(campaign):
    assert_no_password(
        campaign.passwords, {"socelec database": sqlite_files(campaign.database_url)}
    )


def test_no_password_in_any_log_record_of_the_campaign(campaign):
    """socelec's own loggers at DEBUG and the runs' logs in Prefect: retries and errors
    included."""
    text = "\n".join(campaign.log_lines)
    assert "published after" in text  # the adapter's records were collected
    assert "round 1:" in text and "prefect.task_runs" in text  # and the runs' logs
    assert_no_password(campaign.passwords, {"log records": text.encode()})


def sandbox_records(sandbox: RunningSandbox) -> bytes:
    """Every row the sandbox keeps (messages, attachments, clients, e-Boxes, users) but the
    documents' contents, which hold the passwords by design; and its server log."""
    database = sqlite3.connect(
        f"file:{sandbox.data_dir / 'ebox-sandbox' / 'sandbox.db'}?mode=ro", uri=True
    )
    try:
        tables = [
            name
            for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        dump = []
        for table in tables:
            columns = [
                c[1]
                for c in database.execute(f"PRAGMA table_info({table})")
                if not (table == "attachment" and c[1] == "content")
            ]
            dump += database.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
    finally:
        database.close()
    return repr(dump).encode() + sandbox.process.log_path.read_bytes()


def test_no_password_in_the_sandboxs_records_or_log(campaign):
    records = sandbox_records(campaign.sandbox)
    messages = all_messages(campaign.sandbox)
    assert len(messages) >= 6
    assert all(m["subject"].encode() in records for m in messages)  # the dump is complete
    assert_no_password(campaign.passwords, {"sandbox records": records})


def test_no_password_in_the_errors_of_failed_and_rejected_deliveries(campaign):
    with Session(campaign.engine) as session:
        errors = session.exec(
            select(Delivery.error_code, Delivery.error_message).where(
                col(Delivery.error_message).is_not(None)
            )
        ).all()
    assert errors and any(code == "INVALID_INPUT" for code, _ in errors)
    # The adapter's refusals of a real letter: their messages, reprs and tracebacks.
    password = campaign.passwords[0]
    edition = EditionInfo(2028, date(2028, 5, 8), date(2028, 5, 21), "provisional")
    (letter,) = render_batch(
        "access-code", [sample_context(edition, password=password, specimen=False)]
    )
    assert password in "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.pdf)).pages)
    good = publication("leak-check", main=replace(publication("x").main, content=letter.pdf))
    refusals = []
    with EboxClient(campaign.sandbox.settings) as ebox:
        for broken in (
            replace(good, security_class=SecurityClass.general),
            replace(good, subject="x" * 500, language="en"),
        ):
            with pytest.raises(PublicationInvalid) as refused:
                ebox.publish(broken)
            refusals.append("".join(traceback.format_exception(refused.value)))
            refusals.append(repr(broken))
    assert_no_password(
        campaign.passwords,
        {
            "delivery errors": repr(errors).encode(),
            "adapter refusals": "\n".join(refusals).encode(),
        },
    )


def _delivered(
    campaign, kind: str, *, enterprise: str | None = None, other_than: str | None = None
) -> tuple[str, dict]:
    """(enterprise number, e-Box message) of a ``kind`` delivered to a digital e-Box."""
    with Session(campaign.engine) as session:
        rows = session.exec(
            select(Enterprise.enterprise_number, Delivery.idempotency_key)
            .join(TechnicalUnit, col(TechnicalUnit.enterprise_id) == col(Enterprise.id))
            .join(Dossier, col(Dossier.technical_unit_id) == col(TechnicalUnit.id))
            .join(Delivery, col(Delivery.dossier_id) == col(Dossier.id))
            .where(Delivery.document_kind == kind, Delivery.state == "sent")
            .order_by(col(Delivery.id))
        ).all()
    number, key = next(
        (n, k)
        for n, k in rows
        if ebox_status(n) == "digital" and enterprise in (None, n) and n != other_than
    )
    (message,) = campaign.sandbox.admin.messages(idempotency_key=key)
    return number, message


def test_a_secure_letter_is_refused_to_every_e_box_user_without_the_right(campaign):
    """docs/ebox.md#security-levels: a level-2 document is for the access manager and the
    users granted its online service; nobody of another enterprise sees it."""
    admin = campaign.sandbox.admin
    number, letter = _delivered(campaign, "access-code")
    other, _ = _delivered(campaign, "access-code", other_than=number)
    _, brochure = _delivered(campaign, "brochure", enterprise=number)
    message_id = letter["message_id"]
    # Allowed: the access manager and the election officer read the letter, password included.
    for user in ("am", "officer"):
        assert message_id in [m["message_id"] for m in admin.visible_messages(number, user)]
        pdf = admin.attachment(number, user, message_id)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert any(password in text for password in campaign.passwords)
    # Refused: a user of the same enterprise without the social-elections online service (who
    # does see the level-1 brochure)...
    clerk_sees = [m["message_id"] for m in admin.visible_messages(number, "clerk")]
    assert message_id not in clerk_sees and brochure["message_id"] in clerk_sees
    refusals = [
        (number, "clerk"),
        # ...every user of another enterprise, in their own e-Box...
        (other, "am"),
        (other, "officer"),
        (other, "clerk"),
        # ...and a user the enterprise does not have.
        (number, "intruder"),
    ]
    for enterprise, user in refusals:
        with pytest.raises(SandboxAdminError, match="HTTP 404"):
            admin.attachment(enterprise, user, message_id)
    assert message_id not in [m["message_id"] for m in admin.visible_messages(other, "am")]
    # The mailbox pages: the letter is on the access manager's, not on the clerk's.
    token = SandboxSettings(data_dir=campaign.sandbox.data_dir).admin_token_value()
    with httpx.Client(
        base_url=campaign.sandbox.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        assert letter["subject"] in html.unescape(http.get(f"/sandbox/view/{number}/am").text)
        clerk_page = html.unescape(http.get(f"/sandbox/view/{number}/clerk").text)
        assert brochure["subject"] in clerk_page and letter["subject"] not in clerk_page
    # Without the sandbox's credentials, nothing at all.
    path = f"/sandbox/enterprises/{number}/users/am/messages/{message_id}/attachments/1/content"
    assert httpx.get(campaign.sandbox.base_url + path).status_code == 401


# ----- the portal's login over real HTTP ---------------------------------------------------------


class ProxiedBrowser:
    """A browser behind the production reverse proxy: TLS ends at the proxy, which tells the
    portal the scheme and the client's address (X-Forwarded-Proto/-For, trusted from
    127.0.0.1). The session cookie is Secure, so the proxy, not httpx, carries it back."""

    def __init__(self, http: httpx.Client, address: str) -> None:
        self.http = http
        self.headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
        self.cookie: str | None = None

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = dict(self.headers)
        if self.cookie:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.cookie}"
        response = self.http.request(method, url, headers=headers, **kwargs)
        self.cookie = response.cookies.get(SESSION_COOKIE) or self.cookie
        return response

    def log_in(self, number: str, password: str) -> httpx.Response:
        token = CSRF_RE.search(self._send("GET", "/login").text).group(1)
        return self._send(
            "POST",
            "/login",
            data={"csrf_token": token, "dossier_number": number, "password": password},
        )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_portal_brute_force_over_http_is_throttled_locked_and_audited(engine):
    settings = PortalSettings(ip_failed_logins="8 per 15 minutes")  # lock after 5 (default)
    target, neighbour = officer_dossier(engine), officer_dossier(engine)
    portal = create_app(settings, clock=ManualClock(date(2027, 11, 15)))
    with running_portal(portal) as base_url, httpx.Client(base_url=base_url) as http:
        attacker = ProxiedBrowser(http, "198.51.100.7")
        officer = ProxiedBrowser(http, "203.0.113.20")
        guesses = [
            attacker.log_in(target.number, f"AAAAA-BBBBB-{n:05d}").status_code
            for n in range(settings.lockout_threshold)
        ]
        assert guesses == [401] * (settings.lockout_threshold - 1) + [423]
        # Locked: the right password is refused too, from any address, until the stated time.
        locked = officer.log_in(target.number, target.password)
        assert locked.status_code == 423 and "verrouillé jusqu'au" in html.unescape(locked.text)
        assert attacker.log_in(target.number, target.password).status_code == 423
        # The attacker's address has now failed 6 times: 2 more guesses elsewhere, then 429.
        assert attacker.log_in(neighbour.number, "AAAAA-BBBBB-CCCCC").status_code == 401
        assert attacker.log_in(neighbour.number, "AAAAA-BBBBB-DDDDD").status_code == 401
        throttled = attacker.log_in(neighbour.number, neighbour.password)
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
        # The neighbour's own officer, from their own address, is not held back.
        assert officer.log_in(neighbour.number, neighbour.password).status_code == 303
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action).startswith("portal."))
            .order_by(AuditEvent.id)
        ).all()
        target_row = session.get(Dossier, target.dossier_id)
    on_target = [(e.action, e.detail["ip"]) for e in events if e.subject == target.number]
    assert on_target.count(("portal.login_failed", "198.51.100.7")) == 5
    assert ("portal.lockout", "198.51.100.7") in on_target
    assert ("portal.login_refused_locked", "203.0.113.20") in on_target
    assert ("portal.login", "203.0.113.20") in [(e.action, e.detail["ip"]) for e in events]
    assert target_row.failed_logins == 5 and target_row.locked_until is not None
    audit = repr([(e.actor, e.action, e.subject, e.detail) for e in events])
    assert_no_password([target.password, neighbour.password], {"audit trail": audit.encode()})


def test_the_scan_finds_a_password_where_there_is_one():
    """The scans above would see a leak: a password, with or without dashes, in any case."""
    for leaked in (b"log: ABCDE-FGHJK-MNPQR", b"abcdefghjkmnpqr", b"x ABCDEFGHJKMNPQR y"):
        with pytest.raises(AssertionError, match="a password was found in the test haystack"):
            assert_no_password(["ABCDE-FGHJK-MNPQR"], {"test haystack": leaked})
