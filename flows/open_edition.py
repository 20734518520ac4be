"""open_edition: the campaign that opens an edition and sends every dossier its access codes.

Dossiers are created for every concerned body, each gets a dossier number and a password, the
letters are rendered in batches and stored (encrypted) in the outbox, a reviewer approves the
mailing (four eyes), and the letters go to the companies' e-Boxes. Re-running it sends nothing
twice: every step skips what the database says is done.

The approval is recorded in socelec's database (models.approvals): it covers exactly the
letters counted in this run's review, and delivery refuses any credential letter no approval
covers, whichever flow asks. The approver must be one of ``SOCELEC_APPROVERS`` and not the
person who started the run (``requested_by``). The open-source Prefect UI has no login: these
names are as trustworthy as the reverse proxy in front of it (README, "The approval").
"""

from __future__ import annotations

import getpass

from prefect import flow, get_run_logger
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import deployment, flow_run
from prefect.states import Completed
from pydantic import Field

from flows.batches import run_batches
from flows.deliver_outbox import deliver_outbox
from flows.runner import render_runner
from models.settings import get_settings
from procedure.documents import ACCESS_CODE, BROCHURE
from tasks.approvals import record_approval, record_mailing_review, skip_approval
from tasks.campaign import (
    dossiers_without_kind,
    enterprises_without_brochure,
    open_edition_dossiers,
    render_access_code_letters,
    render_documents,
)
from tasks.delivery import check_delivery_configuration
from tasks.reports import awaiting_approval, campaign_letters, delivery_problems
from tasks.samples import write_sample_letters
from tasks.summaries import campaign_review, campaign_summary

CAMPAIGN_KINDS = [ACCESS_CODE.code, BROCHURE.code]
# A reviewer has a week to approve a suspended national mailing before it times out.
APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600
# Forms a run asks for when an answer cannot count (an approver not configured, the requester).
MAX_APPROVAL_FORMS = 5


class MailingApproval(RunInput):
    """The form the second staff member fills in the Prefect UI to release the mailing."""

    approver: str = Field(
        min_length=2,
        max_length=100,
        description="Your name as the FPS's sign-in knows it (one of "
        "SOCELEC_APPROVERS, not the person who started the run): you "
        "checked the counts and the sample letters.",
    )
    approved: bool = Field(default=False, description="Tick to send the letters now.")
    comment: str = Field(default="", max_length=500)


def request_approval(key: str, review: str) -> MailingApproval:
    """Wait for a second person. Suspended (no process held) when run from a deployment, as
    staff do; paused in-process otherwise (suspension needs a deployment:
    docs/prefect.md#pause-and-suspend).
    A resumed run starts again from the top and gets the stored answer of ``key`` at once.
    """
    form = MailingApproval.with_initial_data(description=review, approved=False)
    if deployment.id:
        return suspend_flow_run(wait_for_input=form, timeout=APPROVAL_TIMEOUT_SECONDS, key=key)
    return pause_flow_run(
        wait_for_input=form, timeout=APPROVAL_TIMEOUT_SECONDS, poll_interval=2, key=key
    )


def check_request(
    *,
    yes: bool,
    dry_run: bool,
    from_deployment: bool,
    allowed: bool,
    requested_by: str | None,
    approvers: list[str],
) -> str:
    """Who asks for the mailing, checked before the run changes anything.

    ``yes`` skips the four-eyes gate for scripts, tests and the demo. From a deployment it is
    what a single staff member could tick in the UI, so there it needs the machine's
    SOCELEC_ALLOW_UNAPPROVED_MAILING=1 (training, demo). A deployment run names its requester;
    a script's is the operating-system user.
    """
    if yes and from_deployment and not allowed:
        raise ValueError(
            "yes: a deployment run cannot skip the second person's approval; set "
            "SOCELEC_ALLOW_UNAPPROVED_MAILING=1 on a training or demo machine only"
        )
    requester = " ".join((requested_by or "").split())
    if from_deployment and not requester:
        raise ValueError(
            "requested_by: required on a deployment run: the name of the person "
            "who starts it (someone else approves the mailing)"
        )
    if not (yes or dry_run or approvers):
        raise ValueError(
            "SOCELEC_APPROVERS: no approver is configured, so nobody could release "
            "the mailing; list the staff who may approve it"
        )
    return requester or f"os:{getpass.getuser()}"


def obtain_approval(edition: int, review: dict, description: str) -> MailingApproval | None:
    """Ask until an answer counts (models.approvals.decide); None after MAX_APPROVAL_FORMS
    answers that could not. Each form has its own key, so a resumed run replays them in order.
    """
    logger = get_run_logger()
    for attempt in range(MAX_APPROVAL_FORMS):
        key = f"approve-open-edition-{edition}-{review['id']}-{attempt}"
        answer = request_approval(key, description)
        refusal = record_approval(
            review["id"], answer.approver, answer.approved, answer.comment, key
        )
        if refusal is None:
            return answer
        logger.warning("the approval form's answer cannot count: %s", refusal)
        description = f"**The previous answer could not count: {refusal}**\n\n{description}"
    return None


@flow(
    name="open-edition",
    flow_run_name="open-edition-{edition}",
    task_runner=render_runner(),
    persist_result=True,
)
def open_edition(
    edition: int = 2028,
    batch_size: int = 200,
    dry_run: bool = False,
    enterprises: list[str] | None = None,
    yes: bool = False,
    requested_by: str | None = None,
):
    """Open the edition's dossiers, render their access codes, and (after approval) send them.

    - ``batch_size``: dossiers per task run (one WeasyPrint render per batch and language).
    - ``dry_run``: render and store the letters, send nothing (and ask for no approval).
    - ``enterprises``: limit to these enterprise numbers.
    - ``yes``: skip the four-eyes approval (demo and tests only).
    - ``requested_by``: who starts the run (required from a deployment); never the approver.
    """
    settings = get_settings()
    requester = check_request(
        yes=yes,
        dry_run=dry_run,
        from_deployment=bool(deployment.id),
        allowed=settings.allow_unapproved_mailing,
        requested_by=requested_by,
        approvers=settings.approvers,
    )
    if not dry_run:
        # Before any dossier or password hash changes: a setting that cannot work stops here.
        check_delivery_configuration(edition)
    logger = get_run_logger()
    actor = f"flow:open-edition:{flow_run.id}"
    opened = open_edition_dossiers(edition, enterprises)
    logger.info("dossiers: %s new, %s existing", opened["created"], opened["existing"])
    rendered = run_batches(
        lambda n, batch: render_access_code_letters.submit(n, batch, actor),
        dossiers_without_kind(edition, ACCESS_CODE.code, enterprises, batch_size),
        f"Rendering the access-code letters of edition {edition}",
    )
    brochures = run_batches(
        lambda n, batch: render_documents.submit(BROCHURE.code, n, batch, actor),
        enterprises_without_brochure(edition, enterprises, batch_size),
        f"Rendering the brochures of edition {edition}",
    )
    letters = campaign_letters(edition, CAMPAIGN_KINDS)
    samples = write_sample_letters(
        edition, ACCESS_CODE.code, str(settings.data_dir / "samples" / f"open-edition-{edition}")
    )
    for path in samples:
        create_link_artifact(
            link=f"file://{path}",
            link_text=path.rsplit("/", 1)[-1],
            description="Specimen access-code letter (throwaway password)",
        )
    review = None if dry_run else record_mailing_review(edition, str(flow_run.id), requester)
    description = campaign_review(
        edition,
        opened,
        rendered.get("rendered", 0),
        brochures.get("rendered", 0),
        review,
        letters,
        samples,
    )
    create_markdown_artifact(
        markdown=description,
        key=f"open-edition-{edition}-review",
        description="Counts per language and body, before sending",
    )
    summary = {
        "dossiers_created": opened["created"],
        "dossiers_existing": opened["existing"],
        "letters_rendered": rendered.get("rendered", 0),
        "brochures_rendered": brochures.get("rendered", 0),
    }
    if dry_run:
        return Completed(message="dry run: letters rendered, nothing sent", data=summary)
    if review is not None:
        if yes:
            skip_approval(review["id"], actor)
        else:
            answer = obtain_approval(edition, review, description)
            if answer is None or not answer.approved:
                who = answer.approver if answer else "nobody allowed to"
                return Completed(name="NotApproved", data=summary, message=f"not approved by {who}")
    delivered = deliver_outbox(edition, batch_size, CAMPAIGN_KINDS)
    problems = delivery_problems(edition, CAMPAIGN_KINDS)
    letters = campaign_letters(edition, CAMPAIGN_KINDS)
    waiting = awaiting_approval(edition)
    summary |= {"delivered_now": delivered, "problems": len(problems), "awaiting_approval": waiting}
    create_markdown_artifact(
        key=f"open-edition-{edition}-summary",
        description="Outcome of the access-code mailing",
        markdown=campaign_summary(
            edition, opened["created"] + opened["existing"], letters, waiting
        ),
    )
    if problems:
        create_table_artifact(
            table=problems,
            key=f"open-edition-{edition}-problems",
            description="Held, rejected and failed deliveries, with reasons",
        )
    return summary
