"""advance_procedure: the daily run that moves every dossier along the legal timeline.

Scheduled every day at 07:00 Europe/Brussels. One subflow per phase (docs/procedure.md#phases;
each its own run in the UI) sends, to the open dossiers by their own calendar, the
phase-transition notice when they enter the phase and the reminders that are due
(procedure.mailings). Running it for every
day of an edition in order sends each mailing once: the outbox row decides.

A phase that fails does not stop the day: the later phases still run, the summary shows what
was sent, and the run ends Failed naming the failed phases. Running the same day again sends
only what is missing.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from flows.batches import merge_counts, run_batches
from flows.deliver_outbox import deliver_outbox
from flows.runner import render_runner
from procedure.clock import day_or_today
from procedure.mailings import DEFAULT_LEAD_DAYS
from procedure.steps import Phase
from tasks.campaign import plan_phase_mailings, render_documents, undelivered_kinds
from tasks.delivery import check_delivery_configuration
from tasks.reports import edition_status_report, step_states_report
from tasks.summaries import daily_summary, step_table

PHASES = [p for p in Phase if p is not Phase.preparation]


class PhasesFailed(RuntimeError):
    """Some phases of the day failed; the others ran and delivered their mailings."""


def _advance_run_name() -> str:
    parameters = flow_run.parameters
    return f"advance-{parameters['edition']}-on-{day_or_today(parameters.get('as_of')).isoformat()}"


def _phase_run_name() -> str:
    parameters = flow_run.parameters
    return (
        f"{parameters['phase'].replace('_', '-')}-{parameters['edition']}-on-"
        f"{day_or_today(parameters['as_of']).isoformat()}"
    )


@flow(name="phase-mailings", flow_run_name=_phase_run_name, task_runner=render_runner())
def phase_mailings(
    edition: int, as_of: date, phase: str, lead_days: int = DEFAULT_LEAD_DAYS, batch_size: int = 200
) -> dict:
    """The notice and reminders of one phase due on ``as_of``: render them, then deliver."""
    actor = f"flow:phase-mailings:{flow_run.id}"
    plan = plan_phase_mailings(edition, as_of, phase, lead_days, batch_size)
    rendered = {}
    for kind_code, batches in plan.items():
        counts = run_batches(
            lambda n, batch, k=kind_code: render_documents.submit(k, n, batch, actor, as_of),
            batches,
            f"{kind_code}: rendering for {sum(map(len, batches))} dossiers",
        )
        rendered[kind_code] = counts.get("rendered", 0)
    kinds = sorted(set(plan) | set(undelivered_kinds(edition, phase)))
    delivered = deliver_outbox(edition, batch_size, kinds) if kinds else {}
    return {"rendered": rendered, "delivered": delivered}


@flow(name="advance-procedure", flow_run_name=_advance_run_name)
def advance_procedure(
    edition: int = 2028,
    as_of: date | None = None,
    lead_days: int = DEFAULT_LEAD_DAYS,
    batch_size: int = 200,
) -> dict:
    """Send what the legal timeline asks for on ``as_of`` (default: today in Brussels).

    - ``lead_days``: reminders go out this many days before a step's effective date (X and Y
      are announced on the day itself).
    """
    day = day_or_today(as_of)
    logger = get_run_logger()
    check_delivery_configuration(edition)  # before any document is rendered
    states = {
        phase.value: phase_mailings(
            edition, day, phase.value, lead_days, batch_size, return_state=True
        )
        for phase in PHASES
    }
    results = {phase: state.result() for phase, state in states.items() if state.is_completed()}
    failed = {
        phase: state.message or state.name
        for phase, state in states.items()
        if not state.is_completed()
    }
    rendered = merge_counts([r["rendered"] for r in results.values()])
    delivered = merge_counts([r["delivered"] for r in results.values()])
    status = edition_status_report(edition, day)
    create_markdown_artifact(
        markdown=daily_summary(edition, day, rendered, delivered, status, failed),
        key=f"advance-{edition}-summary",
        description=f"Mailings of {day.isoformat()}",
    )
    create_table_artifact(
        table=step_table(step_states_report(edition, day)),
        key=f"advance-{edition}-steps",
        description=f"Steps on {day.isoformat()}: dossiers done, late, due in 7 days, later",
    )
    logger.info("rendered %s, delivered %s", rendered or "nothing", delivered or "nothing")
    if failed:
        raise PhasesFailed(
            f"phase(s) {', '.join(failed)} failed on {day.isoformat()} (the "
            "others ran; run the day again to send what is missing): "
            + "; ".join(f"{phase}: {message}" for phase, message in failed.items())
        )
    return {"as_of": day.isoformat(), "rendered": rendered, "delivered": delivered}
