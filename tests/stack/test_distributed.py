"""The README's "Distributed set-up", run as written: its command blocks, in order, on this
machine. PostgreSQL holds both databases, the e-Box sandbox stands in for the real e-Box, two
real `prefect worker` processes take the runs: one campaign and one daily run, at once.

The test reads each block marked ``<!-- distributed: NAME -->`` in README.md and runs it with
bash, with the settings an operator would export (the README's first block) set to this test's
values; the long-running ones (server, sandbox, workers) it starts in the background and stops
with SIGTERM, as systemd does. So a command changed in the README is the command tested.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from ebox_sandbox.readiness import wait_until_healthy
from models.db import make_engine
from models.registry_sample import sample_registry
from tests.pg import free_port
from tests.reliability.helpers import audit_deliveries
from tests.stack.conftest import ROOT, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.skipif(
        os.environ.get("SOCELEC_TEST_POSTGRES") != "1",
        reason="the distributed set-up runs on PostgreSQL: set SOCELEC_TEST_POSTGRES=1",
    ),
]
BLOCK = re.compile(r"<!-- distributed: ([\w-]+) -->\s*```bash\n(.*?)```", re.S)


def readme_blocks() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Distributed set-up") : text.index("## Running on PostgreSQL")]
    return {name: re.sub(r"^   ", "", body, flags=re.M) for name, body in BLOCK.findall(section)}


def environment_file(path: Path) -> dict[str, str]:
    """What `set -a; . file; set +a` gives: the file's NAME=VALUE lines."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


class Operator:
    """Runs the README's blocks with the operator's settings and the environment file."""

    def __init__(self, settings: dict[str, str], workdir: Path):
        self.settings = settings
        self.workdir = workdir
        self.logs = workdir / "logs"
        self.logs.mkdir()

    def env(self) -> dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SOCELEC_"))}
        env = clean | {"PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"} | self.settings
        env_file = Path(self.settings["SOCELEC_ENV_FILE"])
        return env | (environment_file(env_file) if env_file.exists() else {})

    def run(self, block: str) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{block}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    @contextmanager
    def background(self, block: str, name: str, **extra: str) -> Iterator[subprocess.Popen]:
        log = self.logs / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                ["bash", "-c", f"exec {block.strip()}"],
                cwd=ROOT,
                env=self.env() | extra,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # as systemctl stop does
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def flow_run_id(output: str) -> str:
    return re.search(r"UUID: ([0-9a-f-]{36})", output).group(1)


def test_the_distributed_set_up_as_documented(postgres_server, tmp_path):
    blocks = readme_blocks()
    assert {
        "databases",
        "environment",
        "server",
        "once",
        "sandbox",
        "sandbox-settings",
        "worker",
        "runs",
    } <= set(blocks)
    prefect_port, sandbox_port = free_port(), free_port()
    operator = Operator(
        {
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(postgres_server.port),
            "PREFECT_DB_PASSWORD": uuid.uuid4().hex,
            "SOCELEC_DB_PASSWORD": uuid.uuid4().hex,
            "PREFECT_HOST": "127.0.0.1",
            "PREFECT_PORT": str(prefect_port),
            "SOCELEC_ENV_FILE": str(tmp_path / "etc" / "socelec.env"),
            "SOCELEC_DATA": str(tmp_path / "data"),
            "APPROVERS": "Marie Dupont, Jan Peeters",
            "PREFECT_HOME": str(tmp_path / "prefect-home"),  # this test's, not ~/.prefect
        },
        tmp_path,
    )
    operator.run(blocks["databases"])
    operator.run(blocks["environment"])
    env_file = Path(operator.settings["SOCELEC_ENV_FILE"])
    # This test's machine: sample companies, no time for render processes, a training machine
    # (the campaign skips the approval, as `yes=true` may only there).
    registry = tmp_path / "registry.csv"
    registry.write_text(sample_registry(8, seed=2028))
    with env_file.open("a") as extra:
        extra.write(
            "SOCELEC_TASK_RUNNER=threads\nSOCELEC_ALLOW_UNAPPROVED_MAILING=1\n"
            "PREFECT_WORKER_QUERY_SECONDS=1\n"  # workers look for runs every second
        )

    with ExitStack() as stack:
        server = stack.enter_context(operator.background(blocks["server"], "server"))
        wait_until_healthy(
            f"http://127.0.0.1:{prefect_port}/api/health",
            timeout=180,
            what="the Prefect server",
            ended=lambda: (
                None
                if server.poll() is None
                else (operator.logs / "server.log").read_text()[-2000:]
            ),
        )
        operator.run(blocks["once"])
        operator.run(f"socelec registry import {registry}")
        sandbox_block = blocks["sandbox"].replace("8790", str(sandbox_port))
        sandbox = stack.enter_context(operator.background(sandbox_block, "sandbox"))
        wait_until_healthy(
            f"http://127.0.0.1:{sandbox_port}/sandbox/health",
            timeout=60,
            what="the e-Box sandbox",
            ended=lambda: None if sandbox.poll() is None else "exited",
        )
        operator.run(blocks["sandbox-settings"].replace("8790", str(sandbox_port)))
        # A slow e-Box keeps the campaign busy while the daily run waits for a worker.
        operator.run(
            f"socelec ebox-sandbox faults --latency-ms 2000 --url http://127.0.0.1:{sandbox_port}"
        )
        workers = {
            name: stack.enter_context(
                operator.background(blocks["worker"].replace('"socelec-$(hostname)"', name), name)
            )
            for name in ("socelec-worker-one", "socelec-worker-two")
        }
        api = f"http://127.0.0.1:{prefect_port}/api"
        # Both runs at once: a worker takes one run at a time (--limit 1), so the second
        # worker takes the daily run while the first delivers the campaign.
        campaign_line, daily_line = blocks["runs"].strip().splitlines()
        campaign = flow_run_id(operator.run(campaign_line + " --param yes=true"))
        state = lambda run: httpx.get(f"{api}/flow_runs/{run}", timeout=10).json()["state"]  # noqa: E731
        wait_for(lambda: state(campaign)["type"] == "RUNNING", 120, "a worker to run the campaign")
        daily = flow_run_id(operator.run(daily_line))
        finals = {}
        for run in (campaign, daily):
            finals[run] = wait_for(
                lambda run=run: (
                    state(run)["type"] in ("COMPLETED", "FAILED", "CRASHED") and state(run)
                ),
                300,
                f"flow run {run}",
            )
        settings = environment_file(env_file)
        engine = make_engine(settings["SOCELEC_DATABASE_URL"])
        try:
            audit = audit_deliveries(engine, SandboxView(settings))
        finally:
            engine.dispose()
        stopping = time.monotonic()
    stopped_in = time.monotonic() - stopping
    logs = {name: (operator.logs / f"{name}.log").read_text() for name in workers}
    # A worker that ran a flow run has its log: "View at …/runs/flow-run/<id>".
    ran = {
        name: [run for run in (campaign, daily) if f"/runs/flow-run/{run}" in log]
        for name, log in logs.items()
    }
    print(
        f"\ndistributed set-up: {audit.summary()}; runs per worker {ran}; workers, sandbox "
        f"and server stopped {stopped_in:.1f} s after SIGTERM"
    )
    assert all(s["type"] == "COMPLETED" for s in finals.values()), (finals, logs)
    assert sorted(sum(ran.values(), [])) == sorted([campaign, daily]), ran
    assert all(ran.values()), f"each worker ran a flow run: {ran}"
    assert audit.problems() == [], audit.summary()
    assert audit.messages > 0 and audit.duplicate_keys == audit.duplicate_deliveries == 0
    assert stopped_in < 30


class SandboxView:
    """What audit_deliveries reads of a sandbox: its admin API, with the token it keeps."""

    def __init__(self, settings: dict[str, str]):
        from ebox_sandbox.admin_client import SandboxAdmin

        self.admin = SandboxAdmin(
            settings["SOCELEC_EBOX_BASE_URL"], data_dir=Path(settings["SOCELEC_DATA_DIR"])
        )
