"""The soak in small (bench/soak.py is the full one): a few hundred deliveries through the real
``deliver-outbox`` flow against a real sandbox answering 20 % 503, 5 % 429 with Retry-After,
5 % accepted-then-dropped and 200 ms latency spikes. Every row ends final, each e-Box message
is there once, and each kind of fault really happened."""

from __future__ import annotations

import pytest

from flows.deliver_outbox import deliver_outbox
from tests.factories import load_sample
from tests.flows.helpers import seed_sandbox
from tests.reliability.helpers import (
    SOAK_FAULT_KINDS,
    SOAK_FAULTS,
    audit_deliveries,
    render_outbox,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def patient_adapter(monkeypatch):
    """The sandbox asks for 1 s on a 429: let the adapter honour it (the test settings cap
    Retry-After at 0.2 s to keep other tests quick)."""
    monkeypatch.setenv("SOCELEC_EBOX_RETRY_AFTER_MAX", "5")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_deliveries_under_faults_land_exactly_once(
    prefect_server, engine, sandbox, patient_adapter
):
    load_sample(engine, 180)
    seed_sandbox(engine, sandbox)
    render_outbox(engine, access_codes=24)
    sandbox.admin.set_faults(**SOAK_FAULTS, seed=2028)

    outcomes = deliver_outbox(edition=2028, batch_size=40)

    audit = audit_deliveries(engine, sandbox)
    assert audit.problems() == [], audit.summary()
    assert audit.messages == audit.expected_messages >= 280
    assert sum(outcomes.values()) == audit.deliveries
    faults = sandbox.admin.faults()["counts"]
    assert all(faults.get(kind, 0) > 0 for kind in SOAK_FAULT_KINDS), faults
    assert "retry_after_ignored" not in faults, faults  # every 429's Retry-After waited out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_lost_answer_to_a_company_without_e_box_user_still_leads_to_the_post(
    prefect_server, engine, sandbox
):
    """A 409 after a dropped 201 does not repeat NO_DIGITAL_USER: the row must still end
    ``non_digital``, or redeliver never prints the letter for the company."""
    load_sample(engine, 60)
    seed_sandbox(engine, sandbox)
    render_outbox(engine, access_codes=0)
    sandbox.admin.set_faults(drop_after_accept=1.0)  # every 201 is lost on the way back

    deliver_outbox(edition=2028, batch_size=50)

    audit = audit_deliveries(engine, sandbox)
    assert audit.states["non_digital"] > 0, audit.summary()
    assert audit.problems() == [], audit.summary()
