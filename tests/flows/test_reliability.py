"""The four-eyes gate, and no secret anywhere. (Workers killed with -9 mid-campaign:
tests/reliability/test_crashes.py.)"""

from __future__ import annotations

import threading

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.flow_runs import resume_flow_run
from sqlmodel import Session, select

from flows.open_edition import open_edition
from models import AuditEvent
from tests.factories import load_sample
from tests.flows.helpers import (
    access_codes,
    all_messages,
    assert_exactly_once,
    assert_no_password,
    in_threads,
    prefect_stores,
    seed_sandbox,
    sqlite_files,
    wait_for,
)

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_mailing_waits_for_a_second_person_and_records_the_approver(
        prefect_server, engine, sandbox):
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    result: dict = {}
    runner = threading.Thread(target=lambda: result.update(
        in_threads(open_edition)(edition=2028, batch_size=50)))
    runner.start()

    def paused_run():
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                name=FlowRunFilterName(any_=["open-edition-2028"])))
        return next((r for r in runs if r.state and r.state.is_paused()), None)

    wait_for(lambda: paused_run() is not None, 180, "the approval request")
    assert all_messages(sandbox) == []  # nothing goes out before the approval
    resume_flow_run(paused_run().id, run_input={"approver": "Marie Second",
                                                "approved": True, "comment": "counts checked"})
    runner.join(180)
    assert result["letters_rendered"] == result["dossiers_created"] > 0
    assert_exactly_once(engine, sandbox)
    with Session(engine) as session:
        approval = session.exec(select(AuditEvent).where(
            AuditEvent.action == "mailing.approval")).one()
    assert approval.actor == "prefect-ui:Marie Second"
    assert approval.detail["approved"] is True


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_password_in_prefect_logs_artifacts_results_or_metadata(
        prefect_server, engine, sandbox, database_url, capfd):
    load_sample(engine, 12, open_edition=False)
    seed_sandbox(engine, sandbox)
    in_threads(open_edition)(edition=2028, batch_size=5, yes=True)
    passwords = []
    with Session(engine) as session:
        from models import Enterprise
        for number in session.exec(select(Enterprise.enterprise_number)):
            try:
                passwords += access_codes(sandbox, number).values()
            except Exception:  # not in the CBE: no e-Box to read
                continue
    assert len(passwords) >= 10
    assert_no_password(passwords, {
        **prefect_stores(),
        "socelec database": sqlite_files(database_url),
        "sandbox metadata": repr(all_messages(sandbox)).encode(),
        "console": "".join(capfd.readouterr()).encode(),
    })
