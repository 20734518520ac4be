"""What a run costs and what it could cost at best: shared by bench/campaign.py and bench/daily.py.

- **wall** and **peak memory**: the largest sum of PSS over this process and all its
  descendants (render workers, the Prefect server, the sandbox), sampled every 0.2 s;
- **floor**: the CPU the work itself needs, spread over every core: the CPU seconds spent in
  the functions that render (and hash) the letters, plus the sandbox server's CPU seconds per
  message × messages, ÷ cores. No run of the same work can be faster;
- the ratios to it: prefect ÷ floor, prefect ÷ plain and the orchestration share
  (prefect − plain) ÷ prefect, with their targets.
"""

from __future__ import annotations

import importlib
import os
import platform
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path

TARGET_FLOOR_RATIO, TARGET_SHARE, TARGET_MEMORY = 1.15, 0.05, 1.5 * 1024**3
SANDBOX_MODULE = "ebox_sandbox.server"
CORES = len(os.sched_getaffinity(0))
_TICK = os.sysconf("SC_CLK_TCK")


def pss(pid: int) -> int:
    """Proportional set size: pages shared by forked workers count once over the tree (a sum
    of RSS counts the parent's pages again in every worker)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _stat(pid: int) -> list[str]:
    # The command name in parentheses may hold spaces: the fields start after its ")".
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def tree(root: int) -> list[int]:
    """``root`` and all its descendants, ``root`` first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (utime and stime of /proc/<pid>/stat)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / _TICK


def sandbox_pid() -> int:
    """The e-Box sandbox server this process started: running_sandbox keeps its pid to
    itself, so it is found among our descendants by its command line."""
    for pid in tree(os.getpid())[1:]:
        try:
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if SANDBOX_MODULE.encode() in arguments:
            return pid
    raise LookupError(f"no child process runs {SANDBOX_MODULE}")


class PeakMemory:
    """Largest memory (PSS) of this process and all its descendants (workers, servers)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, sum(pss(p) for p in tree(os.getpid())))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# CPU seconds this worker process spent inside the functions time_floor_work wrapped.
_floor_cpu = 0.0


def time_floor_work(module: str, names: tuple[str, ...]) -> None:
    """Worker initializer: count the CPU time spent in ``module``'s ``names`` (the render and
    the hash), which the module calls by their global names, apart from the queries and
    inserts around them."""
    target = importlib.import_module(module)
    for name in names:
        setattr(target, name, _timed(getattr(target, name)))


def _timed(function: Callable) -> Callable:
    @wraps(function)
    def timed(*args, **kwargs):
        global _floor_cpu
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _floor_cpu += time.process_time() - start

    return timed


def floor_cpu() -> float:
    """CPU seconds this process has spent so far in the functions time_floor_work wrapped."""
    return _floor_cpu


@dataclass
class Run:
    """One measured run. ``work_cpu``, the CPU seconds of the work the floor counts (render,
    hash), only for a plain run; ``check``, what the database holds after it."""

    kind: str
    dossiers: int
    workers: int
    wall: float
    outcomes: dict
    messages: int
    peak: int
    sandbox_cpu: float
    work_cpu: float | None = None
    check: dict = field(default_factory=dict)

    @property
    def sandbox_per_message(self) -> float:
        return self.sandbox_cpu / self.messages if self.messages else 0.0

    def line(self) -> str:
        work = "" if self.work_cpu is None else f", CPU in the floor's work {self.work_cpu:.1f} s"
        return (
            f"{self.kind:>8} {self.dossiers:>6} dossiers, {self.workers} render worker(s): "
            f"{self.wall:7.1f} s, {self.dossiers / self.wall:6.1f} dossiers/s, "
            f"{self.messages} e-Box messages, outcomes {self.outcomes}{work}, sandbox CPU "
            f"{1000 * self.sandbox_per_message:.2f} ms/message, "
            f"peak memory {self.peak / 1024**2:,.0f} MB"
        )


def prefect_spans(since: datetime) -> list[str]:
    """Where a Prefect run's time went, from the server's records: per flow and per task (runs
    grouped by name, without their suffix), how many runs, when the first started and the last
    ended after ``since``, and the sum of their run times. Gaps between spans, and spans longer
    than their work needs, are what orchestration adds."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterStartTime,
        TaskRunFilter,
        TaskRunFilterStartTime,
    )

    page = 200
    runs: list = []
    with get_client(sync_client=True) as client:
        for read, where in (
            (
                client.read_flow_runs,
                {"flow_run_filter": FlowRunFilter(start_time=FlowRunFilterStartTime(after_=since))},
            ),
            (
                client.read_task_runs,
                {"task_run_filter": TaskRunFilter(start_time=TaskRunFilterStartTime(after_=since))},
            ),
        ):
            offset = 0
            while batch := read(**where, offset=offset, limit=page):
                runs += batch
                offset += len(batch)
    groups: dict[str, list] = {}
    for run in runs:
        if run.start_time is not None:
            groups.setdefault(re.sub(r"-[^-]*$", "", run.name), []).append(run)
    lines = []
    for name, group in sorted(groups.items(), key=lambda item: min(r.start_time for r in item[1])):
        first = min(r.start_time for r in group) - since
        last = max(r.end_time or r.start_time for r in group) - since
        busy = sum(r.total_run_time.total_seconds() for r in group)
        lines.append(
            f"{name}: {len(group)} run(s), +{first.total_seconds():.1f} s to "
            f"+{last.total_seconds():.1f} s, run time {busy:.1f} s"
        )
    return lines


def measure(
    kind: str,
    dossiers: int,
    workers: int,
    setup: Callable[[Path, object], None],
    work: Callable[[], tuple[dict, float | None]],
    check: Callable[[], dict] | None = None,
) -> Run:
    """Run ``work`` on a fresh database and sandbox that ``setup(workdir, sandbox)`` prepared
    (not timed); ``work`` returns its outcomes and, for a plain run, its render CPU seconds.
    ``check`` reads the database after the run (not timed)."""
    from tests.ebox.sandbox_server import running_sandbox

    for name in [n for n in os.environ if n.startswith("SOCELEC_EBOX_")]:
        del os.environ[name]  # the previous run's sandbox and key are gone
    with tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as tmp:
        workdir = Path(tmp)
        with running_sandbox(workdir / "sandbox") as sandbox:
            setup(workdir, sandbox)
            server = sandbox_pid()
            sandbox_before = cpu_seconds(server)  # seeding is set-up, not the run's
            with PeakMemory() as memory:
                started_at = datetime.now(UTC)
                start = time.perf_counter()
                outcomes, work_cpu = work()
                wall = time.perf_counter() - start
            sandbox_cpu = cpu_seconds(server) - sandbox_before
            messages = sandbox.admin.stats()["messages"]
            checked = check() if check else {}
    if kind == "prefect":
        print(
            "   prefect spans:\n" + "\n".join(f"     {line}" for line in prefect_spans(started_at))
        )
    run = Run(
        kind=kind,
        dossiers=dossiers,
        workers=workers,
        wall=wall,
        outcomes=outcomes,
        messages=messages,
        peak=memory.peak,
        sandbox_cpu=sandbox_cpu,
        work_cpu=work_cpu,
        check=checked,
    )
    print(run.line(), flush=True)
    return run


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


def comparison(plain: Run | None, prefect: Run, work: str) -> list[str]:
    """The figures of one size as plain text lines: floor, walls, ratios and targets.

    ``work`` names what the floor's CPU covers (e.g. "render + hash CPU")."""
    lines = []
    memory = f"prefect {prefect.peak / 1024**2:,.0f} MB"
    if plain is None:
        lines.append(f"prefect {prefect.wall:.1f} s (no plain run: no floor, no share)")
    else:
        sandbox = plain.sandbox_per_message * prefect.messages
        floor = (plain.work_cpu + sandbox) / CORES
        share = (prefect.wall - plain.wall) / prefect.wall
        ratio = prefect.wall / floor
        lines += [
            f"floor {floor:.1f} s = ({work} {plain.work_cpu:.1f} s + sandbox "
            f"{1000 * plain.sandbox_per_message:.2f} ms/message × {prefect.messages} messages) "
            f"÷ {CORES} cores",
            f"plain {plain.wall:.1f} s, prefect {prefect.wall:.1f} s",
            f"prefect ÷ floor {ratio:.2f} (target ≤ {TARGET_FLOOR_RATIO}: "
            f"{_verdict(ratio <= TARGET_FLOOR_RATIO)})",
            f"prefect ÷ plain {prefect.wall / plain.wall:.2f}",
            f"orchestration share {share:.1%} (target ≤ {TARGET_SHARE:.0%}: "
            f"{_verdict(share <= TARGET_SHARE)})",
        ]
        memory = f"plain {plain.peak / 1024**2:,.0f} MB, " + memory
    peak = max(run.peak for run in (plain, prefect) if run is not None)
    lines.append(
        f"peak memory (PSS, process tree) {memory} (target < {TARGET_MEMORY / 1024**3} GB: "
        f"{_verdict(peak < TARGET_MEMORY)})"
    )
    return lines


@contextmanager
def prefect_server() -> Iterator[str]:
    """A throwaway Prefect server for the flows this process runs, heartbeats off (a flow run
    would otherwise wait up to 1 s for its heartbeat thread), with the e-Box limits
    ``socelec serve`` creates (SOCELEC_EBOX_MAX_IN_FLIGHT, SOCELEC_EBOX_MAX_PER_SECOND): a
    delivery refuses to start without them. Yields the limits, to print."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from models.settings import get_settings
    from tasks.ebox_limits import apply_ebox_limits

    settings = get_settings()
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        apply_ebox_limits(settings.ebox_max_in_flight, settings.ebox_max_per_second)
        yield (
            f"e-Box limits {settings.ebox_max_in_flight} publications in flight, "
            f"{settings.ebox_max_per_second} per second (the plain runs ignore them)"
        )


def machine_line(workers: int, batch: int) -> str:
    """What the run ran on, first line of its output and of its summary."""
    from bench.machine import cpu_description

    return (
        f"machine: {cpu_description()}, Python {platform.python_version()}; "
        f"{workers} render workers, batches of {batch}"
    )


def print_summary(heading: list[str], summaries: list[list[str]]) -> None:
    """The figures again at the end, each size a title and its lines, to paste."""
    print("\nsummary\n" + "\n".join(heading))
    for title, *lines in summaries:
        print("\n".join([title, *(f"- {line}" for line in lines)]))
