"""Render workers end with the flow process that started them (flows/runner.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.flows.helpers import campaign_worker, wait_for

pytestmark = pytest.mark.integration


def _children(pid: int) -> set[int]:
    tasks = Path(f"/proc/{pid}/task")
    found: set[int] = set()
    for thread in tasks.iterdir() if tasks.exists() else ():
        found |= {int(p) for p in (thread / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGKILL])
def test_render_workers_stop_when_the_flow_process_is_stopped(
    prefect_server, tmp_path, signal_number
):
    code = f"from tests.flows.spinning_flow import *; spin_in_render_workers({str(tmp_path)!r})"
    environment = {"SOCELEC_TASK_RUNNER": "processes", "SOCELEC_RENDER_WORKERS": "2"}
    with campaign_worker(code, env=environment) as flow_process:
        wait_for(
            lambda: len(list(tmp_path.glob("busy-*"))) == 2, 120, "both render workers to be busy"
        )
        workers = {
            pid
            for pid in _children(flow_process.pid)
            if "spawn" in Path(f"/proc/{pid}/cmdline").read_text()
        }
        assert len(workers) >= 2, "the busy tasks should run in worker processes"
        os.kill(flow_process.pid, signal_number)
        flow_process.wait(30)
        wait_for(
            lambda: not any(_alive(pid) for pid in workers),
            10,
            "the render workers to end with the flow process",
        )
