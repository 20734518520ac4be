"""redeliver: send again what failed, and prepare the post for companies without an e-Box user.

A company that never opened its e-Box gets the message all the same (201 + NO_DIGITAL_USER,
docs/ebox.md#no-digital-user) but nobody reads it: its letters go into a print batch for the
post.
A print batch that holds passwords in clear is deleted once its retention has passed.
"""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.runtime import flow_run

from flows.deliver_outbox import deliver_outbox
from models.settings import get_settings
from tasks.delivery import check_delivery_configuration
from tasks.held import release_held_deliveries
from tasks.postal import (
    build_print_batch,
    delete_expired_print_batches,
    non_digital_recipients,
    reset_exhausted,
)
from tasks.reports import awaiting_approval, delivery_problems
from tasks.summaries import redelivery_summary


@flow(name="redeliver", flow_run_name="redeliver-{edition}")
def redeliver(
    edition: int = 2028,
    batch_size: int = 200,
    print_letters: bool = True,
    release_held: bool = False,
) -> dict:
    """Retry failed deliveries; list non-digital recipients; print their letters (once);
    delete the print batches with passwords whose retention has passed.

    ``release_held``: render the held letters again from the corrected data and send those
    that now pass (``socelec outbox release``; access-code letters wait for an approval).
    """
    actor = f"flow:redeliver:{flow_run.id}"
    check_delivery_configuration(edition)  # before any row changes
    released = release_held_deliveries(edition, actor) if release_held else None
    reset = reset_exhausted(edition, actor)
    delivered = deliver_outbox(edition, batch_size)
    recipients = non_digital_recipients(edition)
    printed = {"letters": 0, "batches": []}
    if print_letters:
        printed = build_print_batch(edition, str(get_settings().data_dir / "print"), actor)
    deleted = delete_expired_print_batches(actor)
    problems = delivery_problems(edition)
    waiting = awaiting_approval(edition)
    if recipients:
        create_table_artifact(
            table=recipients,
            key=f"redeliver-{edition}-non-digital",
            description="Companies that never opened their e-Box",
        )
    if problems:
        create_table_artifact(
            table=problems,
            key=f"redeliver-{edition}-problems",
            description="Rejected and failed deliveries, with reasons",
        )
    for batch in printed["batches"]:
        create_link_artifact(
            link=f"file://{batch['path']}",
            link_text="print batch",
            description=f"{batch['letters']} letters with address sheets",
        )
    paths = ", ".join(b["path"] for b in printed["batches"])
    create_markdown_artifact(
        key=f"redeliver-{edition}-summary",
        description="Redelivery and postal batch",
        markdown=redelivery_summary(
            edition,
            released,
            reset,
            delivered,
            len(recipients),
            printed["letters"],
            paths,
            deleted,
            get_settings().print_batch_retention_days,
            len(problems),
            waiting,
        ),
    )
    return {
        "reset": reset,
        "delivered": delivered,
        "non_digital": len(recipients),
        "printed": printed["letters"],
        "print_batches": [b["path"] for b in printed["batches"]],
        "print_batches_deleted": deleted,
        "problems": len(problems),
        "released": released,
        "awaiting_approval": waiting,
    }
