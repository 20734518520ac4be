"""redeliver: send again what failed, and prepare the post for companies without an e-Box user.

A company that never opened its e-Box gets the message all the same (201 + NO_DIGITAL_USER,
ebox-enterprise-api § 2.5) but nobody reads it: its letters go into a print batch for the post.
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
from tasks.postal import (
    build_print_batch,
    delete_expired_print_batches,
    non_digital_recipients,
    reset_exhausted,
)
from tasks.reports import delivery_problems


@flow(name="redeliver", flow_run_name="redeliver-{edition}")
def redeliver(edition: int = 2028, batch_size: int = 200, print_letters: bool = True) -> dict:
    """Retry failed deliveries; list non-digital recipients; print their letters (once);
    delete the print batches with passwords whose retention has passed."""
    actor = f"flow:redeliver:{flow_run.id}"
    reset = reset_exhausted(edition, actor)
    delivered = deliver_outbox(edition, batch_size)
    recipients = non_digital_recipients(edition)
    printed = {"letters": 0, "batches": []}
    if print_letters:
        printed = build_print_batch(edition, str(get_settings().data_dir / "print"), actor)
    deleted = delete_expired_print_batches(actor)
    problems = delivery_problems(edition)
    if recipients:
        create_table_artifact(table=recipients, key=f"redeliver-{edition}-non-digital",
                              description="Companies that never opened their e-Box")
    if problems:
        create_table_artifact(table=problems, key=f"redeliver-{edition}-problems",
                              description="Rejected and failed deliveries, with reasons")
    for batch in printed["batches"]:
        create_link_artifact(link=f"file://{batch['path']}", link_text="print batch",
                             description=f"{batch['letters']} letters with address sheets")
    paths = ", ".join(b["path"] for b in printed["batches"])
    create_markdown_artifact(
        key=f"redeliver-{edition}-summary", description="Redelivery and postal batch",
        markdown=(f"# Edition {edition}: redelivery\n\n"
                  f"- failed rows given new tries: {reset}\n"
                  f"- delivered now: {delivered or 'nothing'}\n"
                  f"- non-digital letters: {len(recipients)}\n"
                  f"- printed now: {printed['letters']} ({paths or 'no new letters'})\n"
                  f"- print batches with passwords deleted (older than "
                  f"{get_settings().print_batch_retention_days} days): {deleted}\n"
                  f"- still rejected or failed: {len(problems)}\n"))
    return {"reset": reset, "delivered": delivered, "non_digital": len(recipients),
            "printed": printed["letters"], "print_batches": [b["path"] for b in printed["batches"]],
            "print_batches_deleted": deleted, "problems": len(problems)}
