"""Flow tests use the session-wide Prefect server and the per-test e-Box sandbox of
tests/conftest.py."""
