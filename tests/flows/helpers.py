"""Wiring the flow tests to a real e-Box sandbox and a seeded registry."""

from __future__ import annotations

from sqlmodel import Session

from ebox_sandbox.seed import seeds_from_registry


def point_at_sandbox(monkeypatch, sandbox) -> None:
    """Worker processes read the e-Box settings from the environment: export the sandbox's."""
    settings = sandbox.settings
    for name in ("base_url", "token_url", "client_id", "private_key_file", "sender",
                 "backoff_initial", "backoff_max", "max_attempts", "retry_after_max"):
        monkeypatch.setenv(f"SOCELEC_EBOX_{name.upper()}", str(getattr(settings, name)))


def seed_sandbox(engine, sandbox) -> None:
    with Session(engine) as session:
        sandbox.admin.seed(seeds_from_registry(session))
