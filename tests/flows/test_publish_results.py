"""publish-results on a generated edition (SQLite and PostgreSQL): the artifacts, the open-data
CSV, the reports and `socelec results` say the same; final figures need every form checked."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
)
from pypdf import PdfReader
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.main import app
from flows.publish_results import publish_results
from models.audit import AuditEvent
from models.dossier import Dossier, DossierStatus
from models.editions import get_edition
from models.election_sample import simulate_election_forms
from models.evidence import StatisticalForm
from models.results import edition_results
from tasks.results import headline_table
from tests.factories import load_sample
from tests.procedure.test_results import (
    assert_nothing_revealed,
    assert_shares_make_100,
    assert_totals_add_up,
)

RUNNER = CliRunner(env={"COLUMNS": "200"})
AFTER_WINDOW = date(2028, 5, 22)  # the 2028 window: 8 to 21 May 2028


@pytest.fixture
def edition(engine):
    load_sample(engine, 40)
    with Session(engine) as session:
        edition = get_edition(session, 2028)
        stopped = session.exec(select(Dossier).order_by(col(Dossier.id))).first()
        stopped.status = DossierStatus.stopped  # a complete stop: not expected, not counted
        session.add(stopped)
        simulate_election_forms(session, edition, seed=7, reported=0.9)
        session.commit()
        return edition


def _artifacts(flow_run_id) -> dict[str, object]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
                key=ArtifactFilterKey(any_=["results-2028", "results-2028-summary"]),
            )
        )
    return {a.key: a.data for a in found}


def test_the_figures_of_a_generated_edition_add_up_and_hide_small_cells(engine, edition):
    with Session(engine) as session:
        results = edition_results(session, get_edition(session, 2028))
    assert_totals_add_up(results)
    assert_shares_make_100(results)
    assert_nothing_revealed(results)
    assert any(c.suppressed for c in results.cells.values())
    [ce, cppt] = results.coverage
    assert (ce.body, cppt.body) == ("CE", "CPPT")
    assert ce.reported + cppt.reported == results.forms


def test_the_artifact_the_csv_the_reports_and_the_cli_agree(prefect_server, engine, edition):
    state = publish_results(edition=2028, as_of=AFTER_WINDOW, return_state=True)
    assert state.is_completed(), state.message
    published = state.result()
    assert published["published"] and not published["final"]
    with Session(engine) as session:
        results = edition_results(session, get_edition(session, 2028))
        in_db = session.exec(select(Dossier).where(Dossier.status == DossierStatus.open)).all()
        forms = session.exec(select(StatisticalForm.dossier_id)).all()
    assert results.forms == len(set(forms) & {d.id for d in in_db}) > 20

    artifacts = _artifacts(state.state_details.flow_run_id)
    table = json.loads(artifacts["results-2028"])
    assert table == json.loads(json.dumps(headline_table(results)))
    assert "provisional results" in artifacts["results-2028-summary"]

    with open(published["csv"], newline="") as file:
        from_file = list(csv.DictReader(file))
    from_cli = list(
        csv.DictReader(io.StringIO(RUNNER.invoke(app, ["results", "--format", "csv"]).stdout))
    )
    assert from_cli == from_file and len(from_file) == len(results.rows())
    as_json = json.loads(RUNNER.invoke(app, ["results", "--format", "json"]).stdout)
    assert [r["value"] for r in as_json["rows"]] == [r.value for r in results.rows()]
    # The artifact's national figures are the CSV's.
    for line in table:
        share = next(
            r["value"]
            for r in from_file
            if (r["dimension"], r["body"], r["college"], r["measure"], r["organisation"])
            == ("national", line["body"], "all", "vote_share", line["organisation"])
        )
        assert str(line["vote share %"]) == (share or "suppressed")
    # Suppressed cells have no value anywhere.
    hidden = [r for r in from_file if r["suppressed"] == "true"]
    assert hidden and all(r["value"] == "" for r in hidden)
    for lang in ("fr", "nl", "de"):
        reader = PdfReader(published[f"report_{lang}"])
        assert reader.trailer["/Root"]["/Lang"] == lang and len(reader.pages) >= 1
    table_output = RUNNER.invoke(app, ["results"]).stdout
    assert "provisional results" in table_output


def test_final_figures_need_every_form_checked_and_are_audited(prefect_server, engine, edition):
    refused = publish_results(edition=2028, final=True, return_state=True)
    assert refused.is_failed()
    assert "not checked yet" in refused.message
    cli = RUNNER.invoke(app, ["results", "--final"])
    assert cli.exit_code != 0 and "not checked yet" in cli.output

    with Session(engine) as session:
        numbers = session.exec(
            select(Dossier.dossier_number)
            .join(StatisticalForm, col(StatisticalForm.dossier_id) == col(Dossier.id))
            .where(Dossier.status == DossierStatus.open)
            .order_by(col(Dossier.id))
        ).all()
    checked = RUNNER.invoke(app, ["results", "check", *numbers[:3]])
    assert checked.exit_code == 0, checked.output
    assert "3 election form(s)" in checked.output
    assert publish_results(edition=2028, final=True, return_state=True).is_failed()

    final = publish_results(edition=2028, final=True, checked_by="Marie Dubois", return_state=True)
    assert final.is_completed(), final.message
    assert final.result()["final"] and final.result()["csv"].endswith("results-2028-final.csv")
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent.action, AuditEvent.actor).where(
                col(AuditEvent.action).startswith("results.")
            )
        ).all()
    assert ("results.forms_checked", "Marie Dubois") in events
    assert [a for a, _ in events].count("results.published_final") == 1
    assert RUNNER.invoke(app, ["results", "--final"]).exit_code == 0


def test_a_day_outside_the_publication_period_publishes_nothing(prefect_server, engine, edition):
    before = publish_results(edition=2028, as_of=date(2028, 5, 7))
    assert before == {"published": False, "as_of": "2028-05-07"}
    after = publish_results(edition=2028, as_of=date(2028, 7, 21))  # 21 May + 61 days
    assert after["published"] is False
    assert publish_results(edition=2028, as_of=date(2028, 7, 20))["published"] is True
