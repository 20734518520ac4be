"""``socelec demo`` end to end in a temporary data directory, twice.

The first run starts the local stack, imports 30 sample companies through the import flow,
runs the campaign and the day-X mailings on the local Prefect server, prints its summary and
exits; a second run on the same directory sends nothing. No password is ever printed: the
example dossier's password is only in the letter its company's e-Box holds.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from ebox_sandbox.process import SandboxProcess
from tests.flows.helpers import DOSSIER_RE, PASSWORD_RE, access_codes
from tests.stack.conftest import clean_environment, socelec

pytestmark = pytest.mark.integration

ROW = r"{}\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)"


def _demo(data_dir) -> subprocess.CompletedProcess:
    result = subprocess.run(
        socelec("demo", "--companies", "30"),
        cwd=data_dir,
        env=clean_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


def _row(output: str, label: str) -> list[int]:
    match = re.search(ROW.format(label), output)
    assert match, f"no '{label}' row in:\n{output}"
    return [int(n) for n in match.groups()]


def test_demo_tells_the_whole_story_once(tmp_path):
    first = _demo(tmp_path)
    out = first.stdout
    db = sqlite3.connect(tmp_path / "socelec.db")
    dossiers = db.execute("SELECT count(*) FROM dossier").fetchone()[0]
    states = Counter(
        dict(
            ((kind, state), n)
            for kind, state, n in db.execute(
                "SELECT document_kind, state, count(*) FROM delivery GROUP BY 1, 2"
            )
        )
    )
    db.close()
    assert "registry: 30 enterprises" in out
    assert f"dossiers: {dossiers} " in out
    # access-code letters: in all, new now, delivered, non-digital, rejected, failed
    letters = _row(out, "access-code letters")
    assert letters[:2] == [dossiers, dossiers]
    assert letters[2:] == [
        states[("access-code", s)] for s in ("sent", "non_digital", "rejected", "failed")
    ]
    assert letters[2] > 0 and letters[5] == 0
    assert _row(out, "reminders")[1] > 0  # day X: the reminder to post the notice
    assert _row(out, "phase notices")[1] == dossiers  # entering the announcement phase

    # The election forms simulated, the provisional results published: where the report is.
    report = re.search(r"provisional report: (\S+-fr\.pdf) \(and -nl, -de\)", out)
    assert report, out
    assert (
        PdfReader(report.group(1)).pages and Path(report.group(1).replace("-fr.", "-de.")).exists()
    )
    forms = int(re.search(r"results: (\d+) election forms \(simulated\)", out).group(1))
    assert 0 < forms <= dossiers
    for flow in ("import-registry", "open-edition", "advance-procedure", "publish-results"):
        assert re.search(
            rf"{flow} run:\s+http://127\.0\.0\.1:\d+/runs/flow-run/[0-9a-f-]{{36}}", out
        ), flow
    assert re.search(
        r"officer portal \(lives on 2028-02-08\):\s+http://127\.0\.0\.1:\d+/login", out
    )
    inbox = re.search(
        r"\((\d{10})\), as its access manager:\s+"
        r"http://127\.0\.0\.1:\d+/sandbox/view/(\d{10})/am",
        out,
    )
    assert inbox and inbox.group(1) == inbox.group(2)
    example = re.search(r"Try dossier (\S+) in the portal", out).group(1)
    assert DOSSIER_RE.fullmatch(example)

    # Every run went through the local Prefect server and stays in its database.
    prefect_db = sqlite3.connect(tmp_path / "prefect" / "prefect.db")
    runs = dict(prefect_db.execute("SELECT name, state_type FROM flow_run"))
    prefect_db.close()
    assert runs["import-registry"] == runs["open-edition-2028"] == "COMPLETED"
    assert runs["advance-2028-on-2028-02-08"] == "COMPLETED"
    assert runs["results-2028-provisional-on-2028-05-22"] == "COMPLETED"

    # The officer finds the password in the letter the demo points to; no output shows one.
    with SandboxProcess(tmp_path) as sandbox:
        codes = access_codes(sandbox, inbox.group(1))
    assert example in codes
    printed = first.stdout + first.stderr
    assert PASSWORD_RE.findall(printed) == []
    assert all(code.replace("-", "") not in printed for code in codes.values())

    second = _demo(tmp_path)
    assert "0 new document(s) in this run" in second.stdout
    assert _row(second.stdout, "access-code letters")[:2] == [dossiers, 0]
    assert PASSWORD_RE.findall(second.stdout + second.stderr) == []
