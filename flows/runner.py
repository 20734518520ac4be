"""The task runners the flows use.

Rendering is CPU-bound and WeasyPrint holds the GIL, so threads would not use the second core
(measured here: 21.9 ms/letter with processes vs 33.1 with threads on 2 cores): render batches
run in a bounded pool of worker processes. Delivery waits on the network, so its batches run
in threads (no process start-up to pay), each batch sharing one pooled e-Box client.

``SOCELEC_TASK_RUNNER=threads`` renders in threads too: for a machine with one core, or tests
that do not measure throughput (a worker process costs seconds to start and import).
"""

from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

DELIVERY_THREADS = 4


def render_workers() -> int:
    """SOCELEC_RENDER_WORKERS, else one per core: a bounded pool, never one per batch."""
    return int(os.environ.get("SOCELEC_RENDER_WORKERS") or os.cpu_count() or 1)


def render_runner() -> ProcessPoolTaskRunner | ThreadPoolTaskRunner:
    if os.environ.get("SOCELEC_TASK_RUNNER", "processes") == "threads":
        return ThreadPoolTaskRunner(max_workers=render_workers())
    return ProcessPoolTaskRunner(max_workers=render_workers())


def delivery_runner() -> ThreadPoolTaskRunner:
    return ThreadPoolTaskRunner(max_workers=DELIVERY_THREADS)
