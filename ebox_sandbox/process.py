"""Running the sandbox as a real server in a child process (tests, benchmarks, ``socelec serve``).

The parent binds the listening socket on 127.0.0.1 (port 0 = a free port chosen by the kernel)
and hands it to the child (``ebox_sandbox.server --fd``): no window in which another
process could take the port.
Readiness is polled on ``/sandbox/health``; ``stop()`` sends SIGTERM and waits.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from ebox_sandbox.admin_client import SandboxAdmin
from ebox_sandbox.api import TOKEN_PATH
from ebox_sandbox.readiness import NotReady, wait_until_healthy


class SandboxProcess:
    """``with SandboxProcess(data_dir) as sandbox: sandbox.base_url, sandbox.admin …``"""

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        env: dict[str, str] | None = None,
        startup_timeout: float = 30.0,
    ):
        self.data_dir = Path(data_dir)
        self.host = host
        self.requested_port = port
        self.extra_env = env or {}
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._process: subprocess.Popen | None = None
        self._admin: SandboxAdmin | None = None
        self.log_path = self.data_dir / "ebox-sandbox" / "server.log"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def admin(self) -> SandboxAdmin:
        if self._admin is None:
            self._admin = SandboxAdmin(self.base_url, data_dir=self.data_dir)
        return self._admin

    def start(self) -> SandboxProcess:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.requested_port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        env = {**os.environ, "SOCELEC_SANDBOX_DATA_DIR": str(self.data_dir), **self.extra_env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 (our own module, no shell)
                [sys.executable, "-m", "ebox_sandbox.server", "--fd", str(listener.fileno())],
                pass_fds=[listener.fileno()],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=Path(__file__).resolve().parent.parent,
            )
        listener.close()  # the child holds its own copy
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        def ended() -> str | None:
            code = self._process.poll()
            return None if code is None else f"exited with {code}; see {self.log_path}"

        try:
            wait_until_healthy(
                self.base_url + "/sandbox/health",
                timeout=self.startup_timeout,
                what="e-Box sandbox",
                ended=ended,
            )
        except NotReady:
            self.stop()
            raise

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
