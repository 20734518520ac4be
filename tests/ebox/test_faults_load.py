"""1,000 publications through 30 % injected 503s and 10 % answers dropped after acceptance."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ebox_adapter import EboxClient, PublicationOutcome
from ebox_sandbox.seed import enterprise_seed
from tests.ebox.conftest import DIGITAL, DIGITAL_2, publication
from tests.ebox.sandbox_server import running_sandbox

pytestmark = pytest.mark.integration
PUBLICATIONS = 1000


def test_every_publication_lands_exactly_once_under_faults(tmp_path):
    with running_sandbox(tmp_path) as sandbox:
        admin = sandbox.admin
        admin.seed([enterprise_seed(n, f"Company {n}") for n in (DIGITAL, DIGITAL_2)])
        admin.set_faults(error_rates={503: 0.3}, drop_after_accept=0.1, seed=2028)
        keys = [f"load-{i:04d}" for i in range(PUBLICATIONS)]
        started = time.monotonic()
        with EboxClient(sandbox.settings) as ebox, ThreadPoolExecutor(8) as pool:
            results = list(
                pool.map(
                    lambda key: ebox.publish(
                        publication(key, enterprise=(DIGITAL, DIGITAL_2)[int(key[-1]) % 2])
                    ),
                    keys,
                )
            )
        elapsed = time.monotonic() - started

        faults = admin.faults()["counts"]
        stats = admin.stats()
        stored = admin.messages(limit=10_000)
    outcomes = {o: sum(r.outcome is o for r in results) for o in PublicationOutcome}
    print(
        f"\n{PUBLICATIONS} publications in {elapsed:.1f} s; outcomes {outcomes}; "
        f"faults {faults}; attempts {sum(r.attempts for r in results)}"
    )
    # Faults really happened, at about the planned rates.
    assert faults["503"] > 300 and faults["dropped_after_accept"] > 60
    # Every publication ended delivered: published, or duplicate after a dropped answer.
    assert (
        outcomes[PublicationOutcome.published] + outcomes[PublicationOutcome.duplicate]
        == PUBLICATIONS
    )
    assert outcomes[PublicationOutcome.duplicate] == faults["dropped_after_accept"]
    # Exactly 1,000 messages in the sandbox, one per key: none lost, none twice.
    assert stats["messages"] == PUBLICATIONS
    assert sorted(m["idempotency_key"] for m in stored) == keys
