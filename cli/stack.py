"""The local stack of ``socelec serve`` and ``socelec demo``, on one machine.

- a Prefect server with its UI (``prefect server start``), its SQLite database and the clients'
  ``PREFECT_HOME`` under ``$SOCELEC_DATA_DIR/prefect``;
- the e-Box sandbox, seeded from socelec's registry, unless ``SOCELEC_EBOX_BASE_URL`` names a
  real e-Box;
- the officer portal (uvicorn, in a thread of this process).

Each part is a context manager that starts it, polls its health endpoint (never a fixed sleep)
and stops it on exit, in reverse order. What flow runs need to reach them (``PREFECT_API_URL``,
``SOCELEC_EBOX_*``) is exported to ``os.environ``: Prefect starts flow runs and render workers
as child processes, which read their settings from the environment (tests/flows/helpers.py
does the same). Nothing exported is a secret: the sender's key stays in its 0600 file.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ebox_sandbox.readiness import NotReady, wait_until_healthy

if TYPE_CHECKING:
    from ebox_adapter.settings import EboxSettings
    from ebox_sandbox.process import SandboxProcess

LOOPBACK = "127.0.0.1"
# A first start creates and migrates the Prefect database, which takes a while on 2 cores and
# several times as long on a busy machine (docs/performance.md#server-start).
PREFECT_STARTUP_TIMEOUT = 180.0
STOP_TIMEOUT = 15.0
POLL_INTERVAL = 0.2
REGISTRY_MIRROR_SECONDS = 10.0


class StackError(RuntimeError):
    """A part of the stack could not start; the message says which and what to do."""


def bind_listener(host: str, port: int, what: str, option: str) -> socket.socket:
    """A listening socket on ``host:port`` (0: a free port), or a StackError naming the option."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise StackError(
            f"{option}: {what} cannot listen on {host}:{port} ({exc.strerror}); "
            f"stop what uses it or choose another port ({option} 0 picks a free "
            "one)"
        ) from None
    listener.listen(128)
    return listener


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemd, ``timeout``, a cancelled CI job) stops like Ctrl-C, so the stack is
    shut down in order instead of leaving its servers behind. Prefect replaces the handler
    while a flow runs in this process, and ``serve()`` while it serves."""

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def exported(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for this process and its children; restore them after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# Resolved in the parent: after fork, the child only makes this one call (no dlopen), which
# keeps preexec_fn safe enough with threads around (the portal, rich's status line).
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover (runs in the child)
    """Linux: the Prefect server gets SIGTERM if socelec dies without cleaning up, so no
    orphan keeps the port and the SQLite file (prctl PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGTERM))


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class PrefectServer:
    url: str
    home: Path
    log_path: Path

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    def client_environment(self) -> dict[str, str]:
        """What a Prefect client (serve, a flow run, a render worker) needs to use this server."""
        return {
            "PREFECT_API_URL": self.api_url,
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }


def prefect_home(data_dir: Path) -> Path:
    return (data_dir / "prefect").resolve()


@contextmanager
def prefect_server(
    data_dir: Path,
    *,
    host: str = LOOPBACK,
    port: int = 0,
    startup_timeout: float = PREFECT_STARTUP_TIMEOUT,
) -> Iterator[PrefectServer]:
    """``prefect server start`` with its UI, its database in ``data_dir/prefect``.

    ``prefect server start`` binds its own socket, so a free port is found by binding port 0
    and closing it just before the start: a small window a third process could use, which then
    shows as a clear error. ``--analytics-off``: no telemetry from a ministry network
    (docs/prefect.md#telemetry).
    """
    home = prefect_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    probe = bind_listener(host, port, "the Prefect server", "--prefect-port")
    port = probe.getsockname()[1]
    probe.close()
    server = PrefectServer(url=f"http://{host}:{port}", home=home, log_path=home / "server.log")
    env = {
        # Task-run records in batches of 100: no SQLite write stalls (docs/prefect.md#sqlite);
        # the caller's environment may say otherwise.
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
        **os.environ,
        **server.client_environment(),
    }
    command = [
        sys.executable,
        "-m",
        "prefect",
        "server",
        "start",
        "--host",
        host,
        "--port",
        str(port),
        "--analytics-off",
    ]
    with open(server.log_path, "ab") as log:
        # Own session: a Ctrl-C in the terminal reaches socelec, which stops the runner
        # before the server it reports to.
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    try:
        _wait_healthy(
            process,
            server.api_url + "/health",
            startup_timeout,
            "the Prefect server",
            server.log_path,
        )
        yield server
    finally:
        _stop_process(process)


def _wait_healthy(
    process: subprocess.Popen, url: str, timeout: float, what: str, log_path: Path
) -> None:
    def ended() -> str | None:
        if process.poll() is None:
            return None
        return (
            f"exited with code {process.returncode}; its log ({log_path}) ends with:\n"
            f"{_log_tail(log_path)}"
        )

    try:
        wait_until_healthy(url, timeout=timeout, what=what, ended=ended, interval=POLL_INTERVAL)
    except NotReady as exc:
        raise StackError(f"{exc}; see {log_path}") from None


@dataclass
class Ebox:
    """Where the letters go: the real e-Box (``sandbox`` is None) or the local sandbox."""

    settings: EboxSettings  # with everything the adapter needs
    sandbox: SandboxProcess | None = None

    @property
    def sandbox_url(self) -> str | None:
        return self.sandbox.base_url if self.sandbox else None

    def client_environment(self) -> dict[str, str]:
        """The adapter's settings for flow-run processes: URLs, client id, key file path."""
        if self.sandbox is None:
            return {}
        return self.settings.environment("sandbox_url")

    def inbox_url(self, enterprise_number: str, user: str = "am") -> str | None:
        """The sandbox page where ``user`` of the enterprise reads its e-Box (admin login)."""
        if self.sandbox_url is None:
            return None
        return f"{self.sandbox_url}/sandbox/view/{enterprise_number}/{user}"

    def seed_from_registry(self, numbers: set[str] | None = None) -> set[str]:
        """Give the registry's enterprises (all, or those not in ``numbers``) an e-Box in the
        sandbox; returns every enterprise number now seeded."""
        from sqlmodel import Session

        from ebox_sandbox.seed import seeds_from_registry
        from models.db import get_engine

        if self.sandbox is None:
            return set()
        with Session(get_engine()) as session:
            seeds = seeds_from_registry(session)
        known = numbers or set()
        fresh = [s for s in seeds if s["enterprise_number"] not in known]
        if fresh:
            self.sandbox.admin.seed(fresh)
        return known | {s["enterprise_number"] for s in fresh}


@contextmanager
def ebox(data_dir: Path, *, host: str = LOOPBACK, port: int = 0) -> Iterator[Ebox]:
    """The real e-Box when ``SOCELEC_EBOX_BASE_URL`` is set, else the sandbox, started here,
    seeded from the registry and with socelec's key registered (``ensure_sandbox``)."""
    from ebox_adapter.sandbox_link import ensure_sandbox
    from ebox_adapter.settings import EboxSettings
    from ebox_sandbox.process import SandboxProcess

    settings = EboxSettings()
    if settings.base_url:
        yield Ebox(settings)
        return
    process = SandboxProcess(data_dir, host=host, port=port)
    try:
        process.start()
    except OSError as exc:
        raise StackError(
            f"--sandbox-port: the e-Box sandbox cannot listen on {host}:{port} "
            f"({exc.strerror}); choose another port (0 picks a free one)"
        ) from None
    except RuntimeError as exc:
        raise StackError(str(exc)) from None
    try:
        linked = ensure_sandbox(
            settings.model_copy(update={"sandbox_url": process.base_url}), data_dir=data_dir
        )
        endpoint = Ebox(linked, process)
        endpoint.seed_from_registry()
        yield endpoint
    finally:
        process.stop()


@contextmanager
def repeating(interval: float, action: Callable[[], None], name: str) -> Iterator[None]:
    """Call ``action`` every ``interval`` seconds in a daemon thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            action()

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=STOP_TIMEOUT)


@contextmanager
def registry_mirror(endpoint: Ebox, interval: float = REGISTRY_MIRROR_SECONDS) -> Iterator[None]:
    """Keep the sandbox's CBE in step with the registry while ``socelec serve`` runs: an
    enterprise imported from the UI gets its e-Box within ``interval`` seconds (a real e-Box
    knows every company already; the sandbox knows only what it was seeded with)."""
    if endpoint.sandbox is None:
        yield
        return
    seeded = endpoint.seed_from_registry()

    def follow() -> None:
        nonlocal seeded
        try:
            seeded = endpoint.seed_from_registry(seeded)
        except Exception as exc:  # keep following: the next round retries
            print(f"e-Box sandbox: seeding new enterprises failed: {exc}", file=sys.stderr)

    with repeating(interval, follow, "sandbox-registry-mirror"):
        yield


@contextmanager
def portal(
    *, host: str = LOOPBACK, port: int = 0, as_of: date | None = None, log_level: str = "warning"
) -> Iterator[str]:
    """The officer portal in a thread of this process; yields its base URL.

    The socket is bound here, so a port in use is a clear error before anything runs, and
    port 0 is a free port known at once. ``as_of``: the portal lives on that day (demo).
    """
    import uvicorn

    from portal.app import create_app
    from portal.server import uvicorn_config
    from portal.settings import get_portal_settings

    listener = bind_listener(host, port, "the portal", "--portal-port")
    port = listener.getsockname()[1]
    settings = get_portal_settings()
    if as_of is not None:
        settings = settings.model_copy(update={"as_of": as_of})
    server = uvicorn.Server(
        uvicorn_config(
            create_app(settings), host=host, port=port, settings=settings, log_level=log_level
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="portal", daemon=True
    )
    thread.start()
    url = f"http://{host}:{port}"
    try:
        try:
            wait_until_healthy(
                url + "/healthz",
                timeout=60,
                what="the portal",
                ended=lambda: None if thread.is_alive() else "stopped while starting",
                interval=POLL_INTERVAL,
            )
        except NotReady as exc:
            raise StackError(f"{exc}; see the messages above") from None
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_TIMEOUT)
        listener.close()


@contextmanager
def _prefect_settings(server: PrefectServer) -> Iterator[None]:
    """Point this process's Prefect client at the server, even if prefect was imported (and
    read its settings) before the server existed."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_HOME: server.home}):
        try:
            yield
        finally:
            _drain_prefect_workers()


def _drain_prefect_workers() -> None:
    """Send the logs and events still queued in this process before the server goes away
    (as prefect_test_harness does), so none is lost and no 'Error logging to API' appears."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=STOP_TIMEOUT)
    EventsWorker.drain_all(timeout=STOP_TIMEOUT)


@dataclass
class LocalStack:
    prefect: PrefectServer
    ebox: Ebox
    portal_url: str

    @property
    def prefect_ui(self) -> str:
        return self.prefect.url

    def flow_run_url(self, flow_run_id: object) -> str:
        return f"{self.prefect.url}/runs/flow-run/{flow_run_id}"


@contextmanager
def local_stack(
    data_dir: Path,
    *,
    prefect_port: int = 0,
    sandbox_port: int = 0,
    portal_host: str = LOOPBACK,
    portal_port: int = 0,
    portal_as_of: date | None = None,
    portal_log_level: str = "warning",
    progress: Callable[[str], None] = lambda _message: None,
) -> Iterator[LocalStack]:
    """Start the Prefect server, the e-Box (sandbox) and the portal; export what flow runs
    need; stop everything in reverse order on exit (also on Ctrl-C or SIGTERM)."""
    data_dir = data_dir.resolve()
    with ExitStack() as stack:
        # The portal first: its port is checked before the slow Prefect start.
        progress("starting the officer portal")
        portal_url = stack.enter_context(
            portal(
                host=portal_host, port=portal_port, as_of=portal_as_of, log_level=portal_log_level
            )
        )
        progress("starting the e-Box sandbox")
        endpoint = stack.enter_context(ebox(data_dir, port=sandbox_port))
        progress("starting the Prefect server (its first start creates its database)")
        server = stack.enter_context(prefect_server(data_dir, port=prefect_port))
        stack.enter_context(
            exported(
                {
                    **server.client_environment(),
                    **endpoint.client_environment(),
                    "SOCELEC_DATA_DIR": str(data_dir),
                }
            )
        )
        stack.enter_context(_prefect_settings(server))
        progress("creating the e-Box limits on the Prefect server")
        _apply_ebox_limits()
        yield LocalStack(server, endpoint, portal_url)


def _apply_ebox_limits() -> dict[str, int]:
    from models.settings import get_settings
    from tasks.ebox_limits import apply_ebox_limits

    settings = get_settings()
    return apply_ebox_limits(settings.ebox_max_in_flight, settings.ebox_max_per_second)
