"""``socelec serve`` for real: one subprocess on free ports serves the whole module.

- the deployments of prefect.yaml are registered, with advance-procedure's schedule;
- the scheduler really creates Scheduled runs at 07:00 Brussels time (the SQLAlchemy 2.1
  breakage is silent in the UI: docs/prefect.md#versions);
- headless Chromium finds the deployments, their schedule and a campaign run started through
  the open-edition deployment, with its summary artifact.
The fixture's teardown stops it with Ctrl-C and checks that the server, portal and sandbox
are gone.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.portal.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.stack.conftest import ROOT, Served, clean_environment, socelec, wait_for

pytestmark = pytest.mark.integration

BRUSSELS = ZoneInfo("Europe/Brussels")
DEPLOYMENTS = {
    "open-edition",
    "advance-procedure",
    "publish-results",
    "redeliver",
    "import-registry",
}
SCREENSHOTS = ROOT / "test-artifacts" / "prefect-ui"


def _scheduled_runs(served: Served, deployment_id: str) -> list[dict]:
    return served.api(
        "POST",
        "/flow_runs/filter",
        json={
            "deployments": {"id": {"any_": [deployment_id]}},
            "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            "sort": "EXPECTED_START_TIME_ASC",
        },
    )


def test_serve_registers_the_deployments_of_prefect_yaml(served):
    deployments = served.deployments()
    assert set(deployments) == DEPLOYMENTS
    advance = deployments["advance-procedure"]
    assert advance["entrypoint"] == "flows.advance_procedure.advance_procedure"
    assert advance["parameters"] == {"edition": 2028}
    assert advance["paused"] is False
    [schedule] = advance["schedules"]
    assert schedule["active"] is True
    assert schedule["schedule"]["cron"] == "0 7 * * *"
    assert schedule["schedule"]["timezone"] == "Europe/Brussels"
    [results] = deployments["publish-results"]["schedules"]
    assert results["schedule"]["cron"] == "0 9 * * *"
    assert results["schedule"]["timezone"] == "Europe/Brussels"
    scheduled = {"advance-procedure", "publish-results"}
    assert all(not d["schedules"] for name, d in deployments.items() if name not in scheduled)


def test_the_scheduler_creates_the_daily_run_at_seven_in_brussels(served):
    advance = served.deployments()["advance-procedure"]
    runs = wait_for(
        lambda: _scheduled_runs(served, advance["id"]),
        90,
        "a Scheduled run of advance-procedure",
        served.process,
        served.log,
    )
    first = datetime.fromisoformat(runs[0]["expected_start_time"]).astimezone(BRUSSELS)
    assert (first.hour, first.minute) == (7, 0)
    now = datetime.now(UTC)
    assert now < first <= now + timedelta(days=1)
    assert runs[0]["parameters"] == {"edition": 2028}
    # One run per day, each at 07:00 Brussels whatever the UTC offset (CET or CEST).
    days = [datetime.fromisoformat(r["expected_start_time"]).astimezone(BRUSSELS) for r in runs]
    assert all(d.time().hour == 7 for d in days)
    assert len({d.date() for d in days}) == len(days)


@pytest.fixture(scope="module")
def campaign_run(served) -> dict:
    """The campaign started as staff do, through the open-edition deployment (``yes``: no
    second person in a test), run by ``socelec serve``'s runner; waits until it ends."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: served.api_url}):
        flow_run = run_deployment(
            "open-edition/open-edition",
            timeout=0,
            parameters={"edition": 2028, "yes": True, "requested_by": "Test Runner"},
        )
    return wait_for(
        lambda: (
            lambda run: (
                run
                if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
                else None
            )
        )(served.api("GET", f"/flow_runs/{flow_run.id}")),
        300,
        "the campaign run",
        served.process,
        served.log,
    )


@pytest.mark.browser
def test_prefect_ui_shows_deployments_schedule_and_campaign_summary(served, campaign_run):
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (scripts/setup --test installs it)")
    from playwright.sync_api import expect, sync_playwright

    assert campaign_run["state"]["type"] == "COMPLETED", campaign_run["state"]
    assert campaign_run["name"] == "open-edition-2028"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    advance_id = served.deployments()["advance-procedure"]["id"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # Staff read times in Brussels: the UI shows them in the browser's time zone.
        context = browser.new_context(
            base_url=served.prefect_url,
            timezone_id="Europe/Brussels",
            viewport={"width": 1400, "height": 1000},
        )
        page = context.new_page()

        page.goto("/deployments")
        for name in DEPLOYMENTS:
            expect(page.get_by_role("link", name=name, exact=True).first).to_be_visible()
        expect(page.get_by_text("At 07:00 AM every day").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "01-deployments.png"), full_page=True)

        page.goto(f"/deployments/deployment/{advance_id}")
        expect(page.get_by_text("At 07:00 AM every day").first).to_be_visible()
        # The next run, in the browser's Brussels time: 07:00 whatever the season.
        expect(
            page.get_by_text(re.compile(r"Scheduled for \d{4}/\d\d/\d\d 07:00:00 AM")).first
        ).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "02-advance-procedure.png"), full_page=True)

        page.goto(f"/runs/flow-run/{campaign_run['id']}")
        expect(page.get_by_text("open-edition-2028").first).to_be_visible()
        expect(page.get_by_text("Completed").first).to_be_visible()
        page.get_by_text("Artifacts", exact=True).first.click()
        summary = page.get_by_text("open-edition-2028-summary").first
        expect(summary).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "03-campaign-run-artifacts.png"), full_page=True)
        summary.click()
        expect(page.get_by_text("Edition 2028: access-code mailing")).to_be_visible()
        delivered = page.get_by_text("delivered:", exact=False).first.inner_text()
        assert int(delivered.rsplit(":", 1)[1]) > 0, delivered
        page.screenshot(path=str(SCREENSHOTS / "04-campaign-summary.png"), full_page=True)
        context.close()
        browser.close()


def _import(served: Served, companies: int, seed: int) -> set[str]:
    """`socelec registry import` of new sample companies into the served database."""
    from models.registry_sample import sample_registry

    path = served.data_dir / f"registry-{seed}.csv"
    path.write_text(sample_registry(companies, seed=seed))
    subprocess.run(
        socelec("registry", "import", str(path)),
        cwd=served.data_dir,
        env=clean_environment(served.data_dir),
        check=True,
        capture_output=True,
    )
    return {line.split(",")[0] for line in path.read_text().splitlines()[1:]}


def _finished(served: Served, flow_run_id) -> dict | None:
    run = served.api("GET", f"/flow_runs/{flow_run_id}")
    return run if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED") else None


def test_an_approval_releases_only_the_letters_its_review_counted(served):
    """A deployment run suspends for the approval and, resumed, runs again from the top: the
    letters of companies imported meanwhile are rendered then, and wait for the next approval
    instead of going out under this one."""
    from prefect.deployments import run_deployment
    from prefect.flow_runs import resume_flow_run
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from sqlmodel import Session, select

    from models import (
        ApprovalCoverage,
        Delivery,
        Dossier,
        Enterprise,
        MailingApproval,
        TechnicalUnit,
    )
    from models.approvals import covered_ids
    from models.db import make_engine

    reviewed = _import(served, 3, seed=71)
    with temporary_settings(updates={PREFECT_API_URL: served.api_url}):
        flow_run = run_deployment(
            "open-edition/open-edition",
            timeout=0,
            parameters={"edition": 2028, "requested_by": "Anne Peeters"},
        )
        wait_for(
            lambda: served.api("GET", f"/flow_runs/{flow_run.id}")["state"]["name"] == "Suspended",
            240,
            "the suspended campaign",
            served.process,
            served.log,
        )
        during = _import(served, 3, seed=72) - reviewed  # imported while it waits
        resume_flow_run(
            flow_run.id,
            run_input={"approver": "Marie Second", "approved": True, "comment": "counts checked"},
        )
        run = wait_for(
            lambda: _finished(served, flow_run.id),
            300,
            "the resumed campaign",
            served.process,
            served.log,
        )
    assert run["state"]["type"] == "COMPLETED", run["state"]
    engine = make_engine(f"sqlite:///{served.data_dir / 'socelec.db'}")
    with Session(engine) as session:
        review = session.exec(
            select(MailingApproval).where(MailingApproval.flow_run_id == str(flow_run.id))
        ).one()
        letters = session.exec(
            select(Delivery, Enterprise.enterprise_number)
            .join(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
            .where(Delivery.document_kind == "access-code")
        ).all()
        covered = covered_ids(session, [d.id for d, _ in letters])
        coverage = set(
            session.exec(
                select(ApprovalCoverage.delivery_id).where(
                    ApprovalCoverage.approval_id == review.id
                )
            ).all()
        )
    engine.dispose()
    later = [d for d, number in letters if number in during]
    assert (review.status, review.approver, review.requested_by) == (
        "approved",
        "Marie Second",
        "Anne Peeters",
    )
    assert later and all(d.state == "rendered" and d.id not in covered for d in later)
    counted = [d for d, number in letters if number in reviewed]
    assert counted and all(d.state in ("sent", "non_digital", "rejected") for d in counted)
    assert {d.id for d in counted} <= coverage and not {d.id for d in later} & coverage
    assert review.letters == len(coverage)
