"""The daily run: the right mailings on the right day, each once, never to a stopped dossier."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, timedelta

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterName,
    FlowRunFilterParentFlowRunId,
)
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.main import app
from flows.advance_procedure import advance_procedure, phase_mailings
from models import Delivery, Dossier, Enterprise, TechnicalUnit
from models.evidence import StatisticalForm, StepDocument
from procedure.clock import BRUSSELS, as_utc
from tasks.campaign import render_documents
from templates.batches import prepare_documents
from tests.factories import do_step, load_sample, upload
from tests.flows.helpers import all_messages, assert_exactly_once, in_threads, seed_sandbox

pytestmark = pytest.mark.integration
RUNNER = CliRunner(env={"COLUMNS": "200"})

# Without a chosen Y the earliest dates of the 2028 window apply: Y = 8 May, X = 8 February.
X_2028 = date(2028, 2, 8)


@pytest.fixture
def advance(monkeypatch):
    # The phase subflows render in threads: no worker processes to start in a test.
    monkeypatch.setattr("flows.advance_procedure.phase_mailings", in_threads(phase_mailings))
    return lambda day: advance_procedure(edition=2028, as_of=day, batch_size=50)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_daily_runs_send_due_mailings_once_and_skip_stopped_dossiers(
    prefect_server, engine, sandbox, advance
):
    load_sample(engine, 8)
    seed_sandbox(engine, sandbox)
    with Session(engine) as session:
        dossiers = session.exec(select(Dossier).order_by(Dossier.id)).all()
        dossiers[0].status = "stopped"
        dossiers[1].election_day = date(2028, 5, 19)  # X = 19 February
        session.commit()
        open_count = len(dossiers) - 1
        stopped_id = dossiers[0].id

    first = advance(X_2028 - timedelta(days=67))  # a week before X-60 (10 Dec 2027)
    assert first["rendered"] == {"reminder-X-60": open_count - 1}
    assert advance(X_2028 - timedelta(days=67))["rendered"] == {}

    on_x = advance(X_2028)["rendered"]
    assert on_x["reminder-X"] == open_count - 1
    assert on_x["phase-announcement"] == open_count - 1
    with Session(engine) as session:
        stopped = session.exec(select(Delivery).where(Delivery.dossier_id == stopped_id)).all()
        states = Counter(d.state for d in session.exec(select(Delivery)))
    assert stopped == []
    assert not states["rendered"] and not states["failed"]
    assert len(all_messages(sandbox)) == states["sent"] + states["non_digital"]

    with get_client(sync_client=True) as client:
        names = {
            r.name
            for r in client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_="2028-02-08"))
            )
        }
    assert "advance-2028-on-2028-02-08" in names
    assert {
        "announcement-2028-on-2028-02-08",
        "pre-procedure-2028-on-2028-02-08",
        "post-electoral-2028-on-2028-02-08",
    } <= names


def test_a_failed_phase_does_not_skip_the_later_ones_and_a_rerun_sends_only_the_rest(
    prefect_server, engine, sandbox, advance, monkeypatch
):
    load_sample(engine, 8)
    seed_sandbox(engine, sandbox)
    with Session(engine) as session:
        late = session.exec(select(Dossier).order_by(Dossier.id)).first()
        late.election_day = date(2028, 5, 19)  # X = 19 February: in the pre-procedure on X_2028
        session.commit()
        late_id = late.id

    # The pre-procedure notice cannot be rendered today (every try, retries without delay).
    def broken(session, kind_code, *args, **kwargs):
        if kind_code == "phase-pre_procedure":
            raise RuntimeError("the pre-procedure template is broken")
        return prepare_documents(session, kind_code, *args, **kwargs)

    monkeypatch.setattr("tasks.campaign.prepare_documents", broken)
    monkeypatch.setattr(
        "flows.advance_procedure.render_documents",
        render_documents.with_options(retry_delay_seconds=0),
    )

    state = advance_procedure(edition=2028, as_of=X_2028, batch_size=50, return_state=True)
    assert state.is_failed()
    assert "pre_procedure" in state.message and "announcement" not in state.message
    with Session(engine) as session:
        sent = Counter(
            session.exec(
                select(Delivery.document_kind).where(
                    col(Delivery.state).in_(["sent", "non_digital"])
                )
            )
        )
        dossiers = len(session.exec(select(Dossier.id)).all())
    # The announcement phase ran after the failed one and delivered to every other dossier.
    assert sent == {"phase-announcement": dossiers - 1, "reminder-X": dossiers - 1}
    assert len(all_messages(sandbox)) == sum(sent.values())
    with get_client(sync_client=True) as client:
        runs = {
            r.name: r.state.type.value
            for r in client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    parent_flow_run_id=FlowRunFilterParentFlowRunId(
                        any_=[state.state_details.flow_run_id]
                    )
                )
            )
        }
        summary = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
                key=ArtifactFilterKey(any_=["advance-2028-summary"]),
            )
        )
    assert runs["pre-procedure-2028-on-2028-02-08"] == "FAILED"
    assert {
        runs[f"{p}-2028-on-2028-02-08"]
        for p in ("announcement", "candidacy", "vote", "post-electoral")
    } == {"COMPLETED"}
    assert len(summary) == 1
    assert f"| reminder-X | {dossiers - 1} |" in summary[0].data
    assert "pre_procedure" in summary[0].data and "the pre-procedure template is broken" in (
        summary[0].data
    )

    monkeypatch.setattr("tasks.campaign.prepare_documents", prepare_documents)
    again = advance(X_2028)
    assert again["rendered"] == {"phase-pre_procedure": 1}
    with Session(engine) as session:
        late_rows = dict(
            session.exec(
                select(Delivery.document_kind, Delivery.state).where(Delivery.dossier_id == late_id)
            ).all()
        )
    # The late notices the failed phase had rendered before it broke go out on the rerun,
    # although no plan of that day names them again.
    assert late_rows == {
        "overdue-X-60": "sent",
        "overdue-X-35": "sent",
        "phase-pre_procedure": "sent",
    }
    assert_exactly_once(engine, sandbox)
    with Session(engine) as session:
        states = Counter(session.exec(select(Delivery.state)))
    assert set(states) <= {"sent", "non_digital"}, states
    assert len(all_messages(sandbox)) == states.total()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_ministry_and_the_help_desk_see_the_late_dossiers_the_database_holds(
    prefect_server, engine, sandbox, advance
):
    load_sample(engine, 8)
    seed_sandbox(engine, sandbox)
    day = date(2028, 1, 20)  # X−60 and X−35 have passed for every Y of the window
    with Session(engine) as session:
        dossiers = session.exec(select(Dossier).order_by(Dossier.id)).all()
        dossiers[0].status = "stopped"
        dossiers[1].election_day = date(2028, 5, 19)
        do_step(session, dossiers[2].id, "X-60", day)
        do_step(session, dossiers[2].id, "X-35", day)
        do_step(session, dossiers[3].id, "X-60", day)
        upload(session, dossiers[4].id, "X-60", day)  # without the basic form: not done
        session.commit()
    state = advance_procedure(edition=2028, as_of=day, batch_size=50, return_state=True)
    assert state.is_completed()

    with Session(engine) as session:
        # The database's own answer, in plain queries: an open dossier is done on X−60 with its
        # notice and its submitted basic form, on X−35 with its notice; late otherwise (both
        # dates are past).
        open_dossiers = dict(
            session.exec(
                select(Dossier.id, Enterprise.language)
                .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
                .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
                .where(Dossier.status == "open")
            ).all()
        )
        numbers = dict(session.exec(select(Dossier.id, Dossier.dossier_number)).all())
        documents = set(session.exec(select(StepDocument.dossier_id, StepDocument.step_code)))
        last_sent = {}
        for dossier_id, kind, sent_at in session.exec(
            select(Delivery.dossier_id, Delivery.document_kind, Delivery.sent_at)
            .where(col(Delivery.sent_at).is_not(None))
            .order_by(col(Delivery.sent_at))
        ):
            last_sent[dossier_id] = f"{kind} {as_utc(sent_at).astimezone(BRUSSELS):%Y-%m-%d}"
        forms = set(
            session.exec(
                select(StatisticalForm.dossier_id, StatisticalForm.form).where(
                    StatisticalForm.status == "submitted"
                )
            )
        )
    done = {
        "X-60": {d for d in open_dossiers if (d, "X-60") in documents and (d, "basic") in forms},
        "X-35": {d for d in open_dossiers if (d, "X-35") in documents},
    }
    assert len(done["X-60"]) == 2 and len(done["X-35"]) == 1
    late = {code: set(open_dossiers) - ids for code, ids in done.items()}

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
                key=ArtifactFilterKey(any_=["advance-2028-steps"]),
            )
        )
    table = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    rows = {row["step"]: row for row in table}
    status = json.loads(
        RUNNER.invoke(app, ["status", "--steps", "--json", "--as-of", str(day)]).stdout
    )
    by_step = {row["step"]: row for row in status["steps"]}
    for code in ("X-60", "X-35"):
        languages = Counter(open_dossiers[d] for d in late[code])
        assert rows[code]["done"] == len(done[code]) == by_step[code]["done"]
        assert rows[code]["late"] == len(late[code]) == by_step[code]["late"]
        for lang in ("fr", "nl", "de"):
            assert rows[code][f"late_{lang}"] == languages[lang] == by_step[code][f"late_{lang}"]
        report = RUNNER.invoke(
            app,
            ["report", "late", "--step", code, "--as-of", str(day), "--format", "csv"],
        )
        assert report.exit_code == 0, report.output
        listed = list(csv.DictReader(io.StringIO(report.stdout)))
        assert sorted(row["dossier"] for row in listed) == sorted(numbers[d] for d in late[code])
        assert Counter(row["language"] for row in listed) == languages
        assert {row["dossier"]: row["last_fps_message"] for row in listed} == {
            numbers[d]: last_sent.get(d, "") for d in late[code]
        }
        # Each late dossier got the step's late notice today (it was 2 working days late).
        assert state.result()["rendered"][f"overdue-{code}"] == len(late[code])
    assert rows["X"]["later"] == len(open_dossiers)  # X = 8 February or later: not yet due
