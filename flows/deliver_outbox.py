"""Deliver what the outbox holds for an edition, in batches, until nothing is left to send."""

from __future__ import annotations

import math
import time
from collections import Counter

from prefect import flow, get_run_logger
from prefect.artifacts import (
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.runtime import flow_run

from flows.runner import delivery_runner
from models.settings import get_settings
from tasks.delivery import check_delivery_configuration, deliver_batch, stop_signal
from tasks.reports import count_deliverable, messages_expiring_early


@flow(name="deliver-outbox", flow_run_name="deliver-{edition}", task_runner=delivery_runner())
def deliver_outbox(
    edition: int, batch_size: int = 200, kinds: list[str] | None = None, rounds: int = 3
) -> dict[str, int]:
    """Send every rendered (or failed) row of the edition, a batch per task run.

    Failed rows get up to ``rounds`` tries in this run. Rows another worker holds are left to
    it; if that worker died, its lease expires and they are sent here (a 409 if the e-Box had
    them already). Credential letters go only when an approval covers them
    (models.approvals). Interrupted (SIGTERM, a cancelled run), the batches start no new
    publication and the run ends within seconds; rows in flight are left to their lease.
    """
    threads = check_delivery_configuration(edition)
    stop = stop_signal(flow_run.id)
    try:
        totals = _deliver_rounds(edition, batch_size, kinds, rounds, threads)
    except BaseException:
        stop.set()
        raise
    expiring = messages_expiring_early(edition)
    if expiring:
        get_run_logger().warning(
            "%s message(s) expire in the e-Box before the procedure ends (%s): the message "
            "type's validity must cover the procedure",
            len(expiring),
            expiring[0]["procedure_ends"],
        )
        create_table_artifact(
            table=expiring,
            key=f"deliver-{edition}-expiring-early",
            description="Messages the e-Box deletes before the procedure ends",
        )
    return totals


def _deliver_rounds(
    edition: int, batch_size: int, kinds: list[str] | None, rounds: int, threads: int
) -> dict[str, int]:
    logger = get_run_logger()
    totals: Counter[str] = Counter()
    lease = get_settings().delivery_lease_seconds
    waiting_since: float | None = None
    progress = None
    round_no = 0
    while round_no < rounds:
        counts = count_deliverable(edition, kinds)
        if not counts["claimable"]:
            if not counts["held_elsewhere"]:
                break
            # Another worker holds rows: it sends them, or its lease runs out and we do.
            waiting_since = waiting_since or time.monotonic()
            if time.monotonic() - waiting_since > lease * 1.5:
                logger.warning("%s rows still held by another worker", counts["held_elsewhere"])
                break
            time.sleep(min(5.0, lease / 4))
            continue
        round_no += 1
        batches = math.ceil(counts["claimable"] / batch_size)
        logger.info("round %s: %s rows in %s batches", round_no, counts["claimable"], batches)
        if progress is None:
            progress = create_progress_artifact(
                progress=0.0, description=f"Delivering edition {edition}"
            )
        futures = [
            deliver_batch.submit(edition, f"{round_no}-{i}", batch_size, kinds, threads)
            for i in range(batches)
        ]
        for done, future in enumerate(futures, start=1):
            totals.update(future.result())
            update_progress_artifact(progress, 100 * done / batches)
    totals.pop("given_back", None)
    return dict(totals)
