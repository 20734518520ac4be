"""One real (ephemeral) Prefect server for the flow tests of the whole session, and the
e-Box sandbox as a real server per test."""

from __future__ import annotations

import pytest

from tests.ebox.sandbox_server import running_sandbox
from tests.flows.helpers import point_at_sandbox


@pytest.fixture(scope="session")
def prefect_server():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # No heartbeat thread: each flow run otherwise waits ~1 s for it (prefect-notes § 6.1).
    with (prefect_test_harness(server_startup_timeout=90),
          temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})):
        yield


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A real e-Box sandbox on loopback; its settings exported for the flows' workers."""
    with running_sandbox(tmp_path / "sandbox") as running:
        point_at_sandbox(monkeypatch, running)
        yield running
