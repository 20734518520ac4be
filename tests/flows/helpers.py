"""Wiring the flow tests to a real e-Box sandbox and a seeded registry, and reading back what
the companies received."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ThreadPoolTaskRunner
from pypdf import PdfReader
from sqlmodel import Session, select

from ebox_sandbox.seed import seeds_from_registry
from models import Delivery, Enterprise

REPO = Path(__file__).resolve().parents[2]

PASSWORD_RE = re.compile(r"\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b")
DOSSIER_RE = re.compile(r"\b\d{2}-(?:CPPT|CE)-\d{6}-\d{2}\b")


def point_at_sandbox(monkeypatch, sandbox) -> None:
    """Worker processes read the e-Box settings from the environment: export the sandbox's."""
    retries = ("backoff_initial", "backoff_max", "max_attempts", "retry_after_max")
    for name, value in sandbox.settings.environment(*retries).items():
        monkeypatch.setenv(name, value)


def seed_sandbox(engine, sandbox) -> None:
    with Session(engine) as session:
        sandbox.admin.seed(seeds_from_registry(session))


def in_threads(flow):
    """The flow with a thread pool instead of worker processes: no process start-up per test.
    The campaign test keeps the real process pool."""
    return flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=2))


def enterprise_numbers(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Enterprise.enterprise_number)))


def all_messages(sandbox) -> list[dict]:
    messages, offset = [], 0
    while True:
        page = sandbox.admin.messages(limit=100, offset=offset)
        messages += page
        if len(page) < 100:
            return messages
        offset += 100


def letter_text(sandbox, enterprise_number: str, message: dict, user: str = "am") -> str:
    pdf = sandbox.admin.attachment(enterprise_number, user, message["message_id"])
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def access_codes(sandbox, enterprise_number: str) -> dict[str, str]:
    """Dossier number → password, read from the access-code letters in the company's e-Box,
    as the officer would."""
    codes = {}
    for message in sandbox.admin.visible_messages(enterprise_number, "am"):
        text = letter_text(sandbox, enterprise_number, message)
        passwords = PASSWORD_RE.findall(text)
        if passwords:
            codes[DOSSIER_RE.search(text).group(0)] = passwords[0]
    return codes


def delivery_states(engine) -> Counter[str]:
    """Outbox rows per state."""
    with Session(engine) as session:
        return Counter(session.exec(select(Delivery.state)))


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling a condition, not waiting for a server to come up


def assert_exactly_once(engine, sandbox) -> None:
    """Nothing left to send, and one e-Box message per published row, each with its own key."""
    states = delivery_states(engine)
    assert not states["rendered"] and not states["failed"], states
    published = states["sent"] + states["non_digital"]
    messages = all_messages(sandbox)
    assert len(messages) == published
    assert len({m["idempotency_key"] for m in messages}) == published


@contextmanager
def campaign_worker(
    code: str, *, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[subprocess.Popen]:
    """``python -c code`` as a worker process of the session's Prefect server, rendering in
    threads, in a process group of its own (``kill9`` takes it whole). Killed on exit if alive."""
    api = PREFECT_API_URL.value()
    full_env = {
        **os.environ,
        "PREFECT_API_URL": api,
        "SOCELEC_TASK_RUNNER": "threads",
        "PYTHONPATH": str(REPO),
        **(env or {}),
    }
    # tests/__init__.py drops PREFECT_API_URL before Prefect is imported: a worker that imports
    # test modules would start an ephemeral Prefect server of its own, which is slow
    # (docs/prefect.md#ephemeral-mode), unless it is set again right after.
    preamble = f"import os, tests; os.environ['PREFECT_API_URL'] = {api!r}\n"
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(
        [sys.executable, "-c", preamble + code],
        env=full_env,
        cwd=REPO,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            kill9(worker)
        if log:
            output.close()


def kill9(worker: subprocess.Popen) -> None:
    """kill -9 the worker and every thread and child of its process group."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(30)


def password_variants(password: str) -> set[bytes]:
    """How a password could show up: as printed, without its dashes, in lower case (as people
    type it; the portal accepts all three)."""
    plain = password.replace("-", "")
    return {v.encode() for v in (password, plain, password.lower(), plain.lower())}


def assert_no_password(passwords, haystacks: dict[str, bytes]) -> None:
    """Fail naming the haystack where any variant of any password is found."""
    for password in passwords:
        variants = password_variants(password)
        for where, data in haystacks.items():
            if any(variant in data for variant in variants):
                raise AssertionError(f"a password was found in the {where}")


def sqlite_files(url: str) -> bytes:
    """The bytes of a SQLite database with its journal and WAL files."""
    path = Path(url.split("///", 1)[1])
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def prefect_stores() -> dict[str, bytes]:
    """What Prefect keeps: its server database (runs, states, parameters, results, logs,
    artifacts) and everything under PREFECT_HOME (result and local storage)."""
    from prefect.settings import get_current_settings

    url = get_current_settings().server.database.connection_url.get_secret_value()
    home = Path(os.environ["PREFECT_HOME"])
    return {
        "prefect database": sqlite_files(url),
        "prefect home (results, storage)": b"".join(
            p.read_bytes() for p in home.rglob("*") if p.is_file()
        ),
    }
