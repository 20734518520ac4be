"""publish_results: the national results of an edition, from its election forms.

Scheduled every day at 09:00 Europe/Brussels; a scheduled day outside the publication period
(from the first day of the voting window to 60 days after its last) publishes nothing and says
so. Staff run it with ``final=True`` once the social partners validated the data (for 2020:
19 March 2021, docs/procedure.md#national-results), whatever the day: final figures need every
included form checked (``socelec results check``, or ``checked_by`` here, audited).

Each run computes the figures once (procedure/results.py, with disclosure control) and writes
them where the public and the staff read them, so they cannot disagree: a table and a Markdown
artifact (headline figures first), the open-data CSV and the report in French, Dutch and German
in ``$SOCELEC_DATA_DIR/results/<edition>/``; ``socelec results`` prints the same figures.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from procedure.clock import day_or_today
from tasks.publication import (
    compute_results,
    publication_period,
    record_publication,
    write_results_files,
)
from tasks.results import headline_table, results_markdown


def _run_name() -> str:
    parameters = flow_run.parameters
    status = "final" if parameters.get("final") else "provisional"
    day = day_or_today(parameters.get("as_of")).isoformat()
    return f"results-{parameters['edition']}-{status}-on-{day}"


@flow(name="publish-results", flow_run_name=_run_name)
def publish_results(
    edition: int = 2028,
    final: bool = False,
    as_of: date | None = None,
    checked_by: str | None = None,
) -> dict:
    """Publish the edition's provisional (or, with ``final``, final) national results."""
    logger = get_run_logger()
    day = day_or_today(as_of)
    first, last = publication_period(edition)
    if not final and not first <= day <= last:
        logger.info(
            "%s is outside the publication period of %s (%s to %s): nothing published",
            day,
            edition,
            first,
            last,
        )
        return {"published": False, "as_of": day.isoformat()}
    results, previous = compute_results(edition, final, checked_by)
    where = write_results_files(results, previous, edition, final, day)
    key = f"results-{edition}"
    create_table_artifact(
        table=headline_table(results),
        key=key,
        description=f"Social elections {edition}: national figures per body and organisation",
    )
    create_markdown_artifact(
        markdown=results_markdown(
            results, edition, final, where, previous.shares if previous else None
        ),
        key=f"{key}-summary",
        description=f"Social elections {edition}: {'final' if final else 'provisional'} results",
    )
    record_publication(results, edition, final, f"flow:publish-results:{flow_run.id}", where["csv"])
    logger.info(
        "%s results of %s: %s forms (%s checked), files in %s",
        "final" if final else "provisional",
        edition,
        results.forms,
        results.checked,
        where["directory"],
    )
    return {
        "published": True,
        "final": final,
        "forms": results.forms,
        "checked": results.checked,
        **where,
    }
