"""``socelec serve`` as a real subprocess, shared by the tests of a module.

It runs on free ports in a temporary data directory holding a small imported registry, with a
clean environment (no PREFECT_* or SOCELEC_* from the caller), and is stopped with SIGINT
(Ctrl-C) at the end; the teardown checks that everything it started is gone.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from models.db import make_engine
from models.setup import ensure_database
from tests.factories import load_sample

ROOT = Path(__file__).resolve().parents[2]
SERVE_COMPANIES = 6
START_TIMEOUT = 240.0


def wait_for(
    check: Callable[[], object], timeout: float, what: str, process=None, log: Path | None = None
) -> object:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if process is not None and process.poll() is not None:
            pytest.fail(
                f"{what}: the process exited with {process.returncode}\n"
                + (log.read_text()[-4000:] if log else "")
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"{what}: not within {timeout:.0f} s\n" + (log.read_text()[-4000:] if log else "")
            )
        time.sleep(0.25)  # poll interval


def clean_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a socelec subprocess: the defaults, in ``data_dir``.

    Flow runs render in threads (SOCELEC_TASK_RUNNER, flows/runner.py): a worker process costs
    seconds to start and these tests measure no throughput.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SOCELEC_"))}
    return env | {
        "SOCELEC_DATA_DIR": str(data_dir),
        "SOCELEC_TASK_RUNNER": "threads",
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",
        "NO_COLOR": "1",
        **extra,
    }


def socelec(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


@dataclass
class Served:
    process: subprocess.Popen
    data_dir: Path
    log: Path
    prefect_url: str
    portal_url: str
    sandbox_url: str

    @property
    def api_url(self) -> str:
        return self.prefect_url + "/api"

    def api(self, method: str, path: str, **kwargs):
        response = httpx.request(method, self.api_url + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def deployments(self) -> dict[str, dict]:
        return {d["name"]: d for d in self.api("POST", "/deployments/filter", json={})}


def _urls(text: str) -> dict[str, str] | None:
    found = {
        name: re.search(rf"{label}\s+(http://127\.0\.0\.1:\d+)", text)
        for name, label in (
            ("prefect", "Prefect UI"),
            ("portal", "officer portal"),
            ("sandbox", "e-Box sandbox"),
        )
    }
    return {k: m.group(1) for k, m in found.items()} if all(found.values()) else None


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("serve")
    engine = make_engine(f"sqlite:///{data_dir / 'socelec.db'}")
    ensure_database(engine)
    load_sample(engine, SERVE_COMPANIES, open_edition=False)
    engine.dispose()
    log = data_dir / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            socelec("serve", "--prefect-port", "0", "--portal-port", "0", "--sandbox-port", "0"),
            # The runner looks for runs to start every second, not every 10 s.
            cwd=data_dir,
            env=clean_environment(
                data_dir,
                PREFECT_RUNNER_POLL_FREQUENCY="1",
                # the UI test starts the campaign with yes=True
                SOCELEC_ALLOW_UNAPPROVED_MAILING="1",
                SOCELEC_APPROVERS="Marie Second, Bart Maes",
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        urls = wait_for(
            lambda: _urls(log.read_text()), START_TIMEOUT, "socelec serve's URLs", process, log
        )
        running = Served(process, data_dir, log, urls["prefect"], urls["portal"], urls["sandbox"])
        wait_for(
            lambda: len(running.deployments()) >= 5, 60, "the served deployments", process, log
        )
        yield running
    finally:
        _interrupt(process, log)
    _assert_all_stopped(running)


def _interrupt(process: subprocess.Popen, log: Path) -> None:
    """Ctrl-C, as an operator would; kill only if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(
                "socelec serve did not stop within 60 s of Ctrl-C\n" + log.read_text()[-3000:]
            )


def _assert_all_stopped(running: Served) -> None:
    assert running.process.returncode == 0, running.log.read_text()[-3000:]
    assert "socelec serve: stopped" in running.log.read_text()
    for url in (running.prefect_url, running.portal_url, running.sandbox_url):
        with pytest.raises(httpx.TransportError):
            httpx.get(url, timeout=2)
