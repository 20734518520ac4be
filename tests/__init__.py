"""socelec's test suite.

Prefect reads its settings when it is imported, and this package is imported before any test
module, so the settings for the tests are set here (docs/prefect.md#test-harness: an isolated
PREFECT_HOME, no telemetry on a closed network, task-run recorder batches against SQLite 503
stalls, room for a slow first start). Caching stays on, as in production.
"""

import os
import tempfile

for _name, _value in {
    "PREFECT_HOME": tempfile.mkdtemp(prefix="socelec-prefect-home-"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_name, _value)
os.environ.pop("PREFECT_API_URL", None)
