"""One real (ephemeral) Prefect server for the flow tests of the whole session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def prefect_server():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # No heartbeat thread: each flow run otherwise waits ~1 s for it (prefect-notes § 6.1).
    with (prefect_test_harness(server_startup_timeout=90),
          temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})):
        yield
