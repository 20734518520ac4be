"""The e-Box sandbox as a real server for any test: import this from other test packages.

    from tests.ebox.sandbox_server import running_sandbox, ebox_sandbox  # noqa: F401

- ``running_sandbox(data_dir, ...)``: context manager; starts ``ebox_sandbox`` in a child
  process on 127.0.0.1 with a free port, waits until ``/sandbox/health`` answers, registers a
  sender client (generated key, both scopes) and yields a ``RunningSandbox``; stops it after.
- ``ebox_sandbox``: a module-scoped pytest fixture around it (its own temporary data dir).

A ``RunningSandbox`` gives ``base_url``, ``token_url``, ``admin`` (``SandboxAdmin``: seed,
faults, stats, messages, what a user sees) and ``settings`` (``EboxSettings`` for
``EboxClient``, with fast retry timings so tests under faults stay quick).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ebox_adapter.sandbox_link import ensure_sandbox
from ebox_adapter.settings import EboxSettings
from ebox_sandbox.admin_client import SandboxAdmin
from ebox_sandbox.process import SandboxProcess

# Tests must not wait for real backoff: a few milliseconds, many attempts.
FAST_RETRIES = {
    "backoff_initial": 0.005,
    "backoff_max": 0.05,
    "max_attempts": 30,
    "retry_after_max": 0.2,
}


@dataclass
class RunningSandbox:
    process: SandboxProcess
    settings: EboxSettings
    data_dir: Path

    @property
    def base_url(self) -> str:
        return self.process.base_url

    @property
    def token_url(self) -> str:
        return self.process.token_url

    @property
    def admin(self) -> SandboxAdmin:
        return self.process.admin

    def restart(
        self, *, same_port: bool = False, while_down: Callable[[], object] | None = None
    ) -> None:
        """Stop and start again on the same data; settings follow. A new port unless
        ``same_port`` (clients then reconnect to the same URL); ``while_down`` runs between
        the stop and the start, so an outage lasts until it returns."""
        port = self.process.port if same_port else 0
        self.process.stop()
        if while_down is not None:
            while_down()
        self.process = SandboxProcess(self.data_dir, port=port, env=self.process.extra_env).start()
        self.settings = self.settings.model_copy(
            update={
                "base_url": self.process.base_url,
                "token_url": self.process.token_url,
                "sandbox_url": self.process.base_url,
            }
        )


@contextmanager
def running_sandbox(
    data_dir: Path, *, env: dict[str, str] | None = None, **settings_overrides
) -> Iterator[RunningSandbox]:
    process = SandboxProcess(data_dir, env=env).start()
    sandbox = None
    try:
        base = EboxSettings(
            _env_file=None,
            base_url=None,
            sandbox_url=process.base_url,
            **{**FAST_RETRIES, **settings_overrides},
        )
        sandbox = RunningSandbox(process, ensure_sandbox(base, data_dir=data_dir), data_dir)
        yield sandbox
    finally:
        (sandbox.process if sandbox else process).stop()


@pytest.fixture(scope="module")
def ebox_sandbox(tmp_path_factory) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path_factory.mktemp("ebox-sandbox")) as sandbox:
        yield sandbox
