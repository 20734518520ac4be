"""Sandbox faults the soak needs: latency spikes on a share of requests, Retry-After on chosen
statuses only, and the sandbox noticing a client that comes back before its Retry-After."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pydantic import ValidationError

from ebox_adapter import EboxClient, PublicationOutcome
from ebox_adapter.settings import PUBLISH_PATH
from ebox_sandbox.admin_client import SandboxAdminError
from ebox_sandbox.settings import FaultPlan
from tests.ebox.conftest import publication
from tests.ebox.test_sandbox_integration import no_faults  # noqa: F401 (autouse: a clean plan)

pytestmark = pytest.mark.integration


def _raw_publish(sandbox, key: str) -> httpx.Response:
    """A bare POST: injected faults answer before authentication is even looked at."""
    return httpx.post(sandbox.base_url + PUBLISH_PATH, headers={"Idempotency-Key": key})


def test_latency_spikes_hit_a_share_of_the_requests(seeded_sandbox):
    admin = seeded_sandbox.admin
    admin.set_faults(latency_ms=30, latency_share=0.3, seed=11)
    with EboxClient(seeded_sandbox.settings) as ebox:
        results = [ebox.publish(publication(f"spike-{i}")) for i in range(30)]
    assert all(r.outcome is PublicationOutcome.published for r in results)
    delayed = admin.faults()["counts"]["latency"]
    assert 2 <= delayed <= 20, delayed  # about 9 of 30, certainly neither none nor all


def test_retry_after_goes_only_with_the_statuses_it_is_planned_for(seeded_sandbox):
    admin = seeded_sandbox.admin
    admin.set_faults(error_rates={503: 1.0}, retry_after_seconds=2, retry_after_statuses=[429])
    answer = _raw_publish(seeded_sandbox, "plain-503")
    assert answer.status_code == 503 and "retry-after" not in answer.headers
    admin.set_faults(error_rates={429: 1.0}, retry_after_seconds=2, retry_after_statuses=[429])
    answer = _raw_publish(seeded_sandbox, "throttled")
    assert (answer.status_code, answer.headers["retry-after"]) == (429, "2")


def test_a_retry_before_retry_after_has_elapsed_is_counted(seeded_sandbox):
    admin = seeded_sandbox.admin
    admin.set_faults(error_rates={429: 1.0}, retry_after_seconds=30)
    _raw_publish(seeded_sandbox, "impatient")
    _raw_publish(seeded_sandbox, "impatient")  # at once, not 30 s later
    _raw_publish(seeded_sandbox, "someone-else")
    assert admin.faults()["counts"] == {"429": 3, "retry_after_ignored": 1}


def test_the_adapter_waits_out_retry_after(seeded_sandbox):
    admin = seeded_sandbox.admin
    admin.set_faults(error_rates={429: 0.5}, retry_after_seconds=1, seed=1)
    patient = seeded_sandbox.settings.model_copy(update={"retry_after_max": 5})
    started = time.monotonic()
    with EboxClient(patient) as ebox, ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda i: ebox.publish(publication(f"patient-{i}")), range(6)))
    counts = admin.faults()["counts"]
    assert all(r.outcome is PublicationOutcome.published for r in results)
    assert counts["429"] > 0 and "retry_after_ignored" not in counts, counts
    assert time.monotonic() - started >= 1.0


def test_a_bad_plan_names_the_field_and_the_rule(seeded_sandbox):
    with pytest.raises(ValidationError, match="retry_after_statuses"):
        FaultPlan(retry_after_statuses=[500])
    with pytest.raises(ValidationError, match="latency_share"):
        FaultPlan(latency_share=1.5)
    with pytest.raises(SandboxAdminError, match="422"):
        seeded_sandbox.admin.set_faults(retry_after_statuses=[500])
    assert seeded_sandbox.admin.faults()["retry_after_statuses"] == [429, 503]
