"""The task runners the flows use.

Rendering is CPU-bound and WeasyPrint holds the GIL, so threads would not use the second core
(docs/performance.md#processes-or-threads): render batches run in a bounded pool of worker
processes. Delivery waits on the network, so its batches run in threads (no process start-up
to pay), each batch sharing one pooled e-Box client.

``SOCELEC_TASK_RUNNER=threads`` renders in threads too: for a machine with one core, or tests
that do not measure throughput (a worker process costs seconds to start and import).
"""

from __future__ import annotations

import os
import select
import threading
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from models.settings import get_settings

DELIVERY_THREADS = 4


def render_runner(workers: int | None = None) -> ProcessPoolTaskRunner | ThreadPoolTaskRunner:
    """The pool render batches run in: processes, or threads when SOCELEC_TASK_RUNNER=threads;
    ``workers`` of them (default SOCELEC_RENDER_WORKERS, one per core): a bounded pool, never
    one per batch."""
    settings = get_settings()
    workers = workers or settings.render_workers
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    return RenderPoolTaskRunner(
        max_workers=workers, initializer=stop_with_flow_process, initargs=(os.getpid(),)
    )


class RenderPoolTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool, except that a flow that stops ends its render batches in flight.

    On an exception (a cancelled run's SIGTERM, a failed batch), Prefect's pool waits for the
    batches already running, which can take minutes, or forever if one hangs; their results
    can no longer be used. Killing their workers loses nothing: each batch commits its hashes
    and letters in one transaction, and a re-run renders what was not committed.
    """

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if exc_type is not None and self._executor is not None:
            # Private attribute of concurrent.futures: the stdlib offers no public way to stop
            # a task that has started (Executor.shutdown only cancels those not yet started).
            for process in list(getattr(self._executor, "_processes", {}).values()):
                process.kill()
        super().__exit__(exc_type, exc_value, traceback)


def stop_with_flow_process(flow_pid: int) -> None:
    """Worker initializer: end this render worker as soon as the flow process is gone.

    A flow process stopped by SIGTERM or SIGKILL (a cancelled run, a stopped worker) cannot
    collect results any more, yet its pool workers would render their current batch to the end
    (seconds of CPU each, and their commits) before noticing. Each batch commits hashes and
    letters in one transaction, so ending mid-batch loses nothing (tests/flows/
    test_render_workers.py). A pidfd becomes readable when the process exits: no polling.
    """
    try:
        watched = os.pidfd_open(flow_pid)
    except ProcessLookupError:
        os._exit(1)
    if os.getppid() != flow_pid:  # the flow process ended before the pidfd was opened
        os._exit(1)

    def wait_then_exit() -> None:
        select.select([watched], [], [])
        os._exit(1)  # no clean-up to run: the open transaction is rolled back by the database

    threading.Thread(target=wait_then_exit, name="socelec-flow-watch", daemon=True).start()


def delivery_runner() -> ThreadPoolTaskRunner:
    return ThreadPoolTaskRunner(max_workers=DELIVERY_THREADS)
