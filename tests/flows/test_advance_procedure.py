"""The daily run: the right mailings on the right day, each once, never to a stopped dossier."""

from __future__ import annotations

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

from flows.advance_procedure import advance_procedure, phase_mailings
from models import Delivery, Dossier, Edition
from models.mailing_plan import due_by_kind
from procedure import STEPS, Phase
from tasks.campaign import render_documents
from templates.batches import prepare_documents
from tests.factories import load_sample
from tests.flows.helpers import all_messages, assert_exactly_once, in_threads, seed_sandbox

pytestmark = pytest.mark.integration

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


def test_every_day_of_an_edition_in_order_plans_each_mailing_exactly_once(engine):
    """The planning the daily run relies on, simulated over a whole edition."""
    load_sample(engine, 6)
    with Session(engine) as session:
        edition = session.exec(select(Edition).where(Edition.year == 2028)).one()
        dossiers = session.exec(select(Dossier).order_by(Dossier.id)).all()
        dossiers[0].election_day = date(2028, 5, 19)
        dossiers[1].election_day = date(2028, 5, 12)
        session.commit()
        dossier_ids = [d.id for d in dossiers]
        planned: Counter[tuple[str, int]] = Counter()
        day = date(2027, 11, 20)
        while day <= date(2028, 8, 31):
            for phase in Phase:
                for kind, ids in due_by_kind(session, edition, day, phase, 7).items():
                    for dossier_id in ids:
                        planned[(kind, dossier_id)] += 1
                        session.add(
                            Delivery(
                                dossier_id=dossier_id,
                                document_kind=kind,
                                step_code=kind,
                                state="sent",
                                idempotency_key=f"{kind}/{dossier_id}",
                            )
                        )
            session.flush()
            day += timedelta(days=1)
        session.rollback()
    assert set(planned.values()) == {1}
    expected_kinds = {f"reminder-{s.code}" for s in STEPS if s.reminder} | {
        f"phase-{p.value}" for p in Phase if p is not Phase.preparation
    }
    for wanted in dossier_ids:
        kinds = {kind for kind, dossier_id in planned if dossier_id == wanted}
        assert kinds == expected_kinds, wanted


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
        late_kinds = session.exec(
            select(Delivery.document_kind).where(Delivery.dossier_id == late_id)
        ).all()
    assert late_kinds == ["phase-pre_procedure"]
    assert_exactly_once(engine, sandbox)
    assert len(all_messages(sandbox)) == sum(sent.values()) + 1
