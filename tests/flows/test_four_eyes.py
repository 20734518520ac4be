"""The four-eyes rule, end to end on a real Prefect server and e-Box sandbox: no access-code
letter leaves without a recorded approval, whichever flow asks, and only a configured approver
who is not the requester can give it. (The rerun of a suspended deployment run, which renders
letters imported during the approval: tests/stack/test_serve.py.)"""

from __future__ import annotations

import threading

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.flow_runs import resume_flow_run
from sqlmodel import Session, col, select

from flows.deliver_outbox import deliver_outbox
from flows.open_edition import open_edition
from flows.redeliver import redeliver
from models import AuditEvent, Delivery, MailingApproval
from models.settings import get_settings
from tests.factories import load_sample
from tests.flows.helpers import (
    all_messages,
    assert_exactly_once,
    in_threads,
    seed_sandbox,
    wait_for,
)

pytestmark = pytest.mark.integration


def access_code_messages(sandbox) -> list[dict]:
    return [
        m
        for m in all_messages(sandbox)
        if "toegangscodes" in m["subject"]
        or "codes d'accès" in m["subject"]
        or "Zugangscodes" in m["subject"]
    ]


def test_no_flow_publishes_access_codes_that_no_approval_covers(prefect_server, engine, sandbox):
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    dry = in_threads(open_edition)(edition=2028, batch_size=50, dry_run=True)
    with Session(engine) as session:
        rendered = session.exec(
            select(Delivery).where(Delivery.document_kind == "access-code")
        ).all()
    assert rendered and dry["letters_rendered"] == len(rendered)

    # The reproduction: a dry run, then redeliver (and a plain deliver-outbox).
    result = in_threads(redeliver)(edition=2028, batch_size=50)
    in_threads(deliver_outbox)(edition=2028, batch_size=50)
    assert access_code_messages(sandbox) == []
    assert result["awaiting_approval"] == len(rendered)
    with Session(engine) as session:
        assert {
            d.state
            for d in session.exec(select(Delivery).where(Delivery.document_kind == "access-code"))
        } == {"rendered"}
    # The brochures carry no credential: they went.
    assert all_messages(sandbox)

    # Once a run's review is approved (here skipped, as scripts may), they go, once.
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    assert len(access_code_messages(sandbox)) == len(rendered)
    assert_exactly_once(engine, sandbox)
    with Session(engine) as session:
        [approval] = session.exec(select(MailingApproval)).all()
    assert (approval.status, approval.skipped, approval.letters) == (
        "approved",
        True,
        len(rendered),
    )


def _paused_on(key: str):
    """The open-edition run paused on the approval form ``key``, if it is."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["open-edition-2028"]))
        )
    return next(
        (
            r
            for r in runs
            if r.state and r.state.is_paused() and r.state.state_details.pause_key == key
        ),
        None,
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_only_a_configured_approver_who_did_not_ask_releases_the_mailing(
    prefect_server, engine, sandbox, monkeypatch
):
    monkeypatch.setenv("SOCELEC_APPROVERS", "Anne Peeters, Marie Second")
    get_settings.cache_clear()
    load_sample(engine, 6, open_edition=False)
    seed_sandbox(engine, sandbox)
    result: dict = {}
    runner = threading.Thread(
        target=lambda: result.update(
            in_threads(open_edition)(edition=2028, batch_size=50, requested_by="Anne Peeters")
        )
    )
    runner.start()
    with Session(engine) as session:
        wait_for(lambda: session.exec(select(MailingApproval)).first(), 180, "the review")
        review = session.exec(select(MailingApproval)).one()
    answers = [
        ("anne  PEETERS", "requested this mailing"),  # the requester, typed otherwise
        ("Mallory", "not one of the configured approvers"),
        ("Marie Second", None),
    ]
    for attempt, (approver, _) in enumerate(answers):
        key = f"approve-open-edition-2028-{review.id}-{attempt}"
        wait_for(lambda key=key: _paused_on(key), 180, f"the approval form {key}")
        assert access_code_messages(sandbox) == []  # nothing goes out before the approval
        resume_flow_run(
            _paused_on(key).id,
            run_input={"approver": approver, "approved": True, "comment": "counts checked"},
        )
    runner.join(180)
    assert result["letters_rendered"] == result["dossiers_created"] > 0
    assert len(access_code_messages(sandbox)) == review.letters
    assert_exactly_once(engine, sandbox)
    with Session(engine) as session:
        refused = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "mailing.approval.refused_form")
            .order_by(col(AuditEvent.id))
        ).all()
        approval = session.exec(
            select(AuditEvent).where(AuditEvent.action == "mailing.approval")
        ).one()
        review = session.get(MailingApproval, review.id)
    assert [e.detail["reason"] for e in refused] == [
        "approver: 'anne  PEETERS' requested this mailing; a second person must approve it",
        "approver: 'Mallory' is not one of the configured approvers (SOCELEC_APPROVERS)",
    ]
    assert approval.actor == "prefect-ui:Marie Second"
    assert approval.detail | {"comment": None} == {
        "approval": review.id,
        "approved": True,
        "approver": "Marie Second",
        "requested_by": "Anne Peeters",
        "letters": review.letters,
        "comment": None,
    }
    assert (review.status, review.approver, review.requested_by) == (
        "approved",
        "Marie Second",
        "Anne Peeters",
    )
