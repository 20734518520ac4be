"""A flow whose render-pool tasks never end on their own: run by test_render_workers.py."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, task

from flows.runner import render_runner


@task
def spin(marker: str) -> None:
    Path(marker).touch()  # tells the test that this worker is busy
    while True:
        time.sleep(0.1)  # stands for a long render batch


@flow(task_runner=render_runner())
def spin_in_render_workers(directory: str) -> None:
    futures = [spin.submit(f"{directory}/busy-{i}") for i in range(2)]
    for future in futures:
        future.result()
