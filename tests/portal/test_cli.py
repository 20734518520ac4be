"""``socelec portal`` starts a real server; ``socelec portal unlock`` lifts a lockout."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models.audit import AuditEvent
from tests.portal.helpers import dossier_row, officer_dossier, text

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_socelec_portal_serves_until_interrupted(one_backend, database_url, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SOCELEC_DATABASE_URL": database_url,
        "SOCELEC_DATA_DIR": str(tmp_path / "var"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "portal", "--port", str(port), "--as-of", "2028-03-20"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # poll readiness
            assert process.poll() is None, process.stdout.read()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "socelec portal did not start in 30 s"
                time.sleep(0.05)
        login = httpx.get(f"http://127.0.0.1:{port}/login")
        assert "Mode démonstration" in text(login) and "20 mars 2028" in text(login)
        assert "server" not in login.headers  # no version banner
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    # uvicorn shuts down cleanly, then exits as interrupted (128 + SIGINT), like Ctrl+C.
    assert process.returncode == 130 and "Finished server process" in output, output
    assert f"officer portal on http://127.0.0.1:{port}/" in output
    assert (tmp_path / "var" / "portal_secret_key").exists()


def test_unlock_lifts_a_lockout_and_is_audited(engine):
    officer = officer_dossier(engine)
    with Session(engine) as session:
        dossier = session.get(type(dossier_row(engine, officer)), officer.dossier_id)
        dossier.failed_logins, dossier.locked_until = 5, datetime.now(UTC) + timedelta(hours=1)
        session.add(dossier)
        session.commit()
    result = CliRunner().invoke(app, ["portal", "unlock", officer.number.lower()])
    assert result.exit_code == 0, result.output
    assert "unlocked (it had 5 wrong passwords in a row)" in result.output
    row = dossier_row(engine, officer)
    assert (row.failed_logins, row.locked_until) == (0, None)
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "portal.unlock")).one()
    assert event.subject == officer.number and event.actor.startswith("cli:")


def test_unlock_names_the_field_and_rule(engine):
    result = CliRunner().invoke(app, ["portal", "unlock", "28-CPPT-000412-00"])
    assert result.exit_code == 2
    assert "dossier_number" in result.output and "check digits" in result.output
