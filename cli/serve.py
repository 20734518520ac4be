"""``socelec serve``: socelec for real use on one machine, until Ctrl-C.

It starts the local stack (cli/stack.py: Prefect server with its UI, e-Box sandbox unless a real
e-Box is configured, officer portal) and serves the deployments of ``prefect.yaml`` with
Prefect's ``serve()``: the same names, schedules and parameters as ``prefect deploy --all``
gives a work pool, so the one-machine and the distributed set-ups cannot drift apart. Served
deployments need no work pool or worker (docs/prefect.md#serve).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

import typer
import yaml

from cli.common import console, fail
from cli.stack import LocalStack, StackError, local_stack, registry_mirror, stop_on_sigterm

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"
DEFAULT_PREFECT_PORT = 4200
# Concurrent flow runs: each campaign run already renders on every core (flows/runner.py).
DEFAULT_LIMIT = 4

_DEPLOYMENT_KEYS = {
    "name",
    "entrypoint",
    "description",
    "parameters",
    "tags",
    "schedules",
    "concurrency_limit",
    "work_pool",
}
_SCHEDULE_KEYS = {"cron", "timezone", "active"}


class DeploymentFileError(ValueError):
    """prefect.yaml holds something ``socelec serve`` cannot serve; names the field."""


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml, as ``socelec serve`` serves it."""

    name: str
    entrypoint: str  # flows/open_edition.py:open_edition
    description: str = ""
    parameters: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    schedules: tuple[dict, ...] = ()  # {"cron": …, "timezone": …, "active": …}
    concurrency_limit: int | None = None

    @property
    def module_and_flow(self) -> tuple[str, str]:
        path, _, function = self.entrypoint.partition(":")
        return path.removesuffix(".py").replace("/", "."), function


def read_deployments(text: str) -> list[DeploymentSpec]:
    """The deployments of a prefect.yaml text; cron schedules only (what socelec uses)."""
    document = yaml.safe_load(text) or {}
    specs = []
    for index, entry in enumerate(document.get("deployments") or []):
        where = f"deployments[{index}]"
        if unknown := set(entry) - _DEPLOYMENT_KEYS:
            raise DeploymentFileError(f"{where}: unsupported key(s) {', '.join(sorted(unknown))}")
        for key in ("name", "entrypoint"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise DeploymentFileError(f"{where}.{key}: required, a non-empty string")
        if ":" not in entry["entrypoint"] or not entry["entrypoint"].split(":")[0].endswith(".py"):
            raise DeploymentFileError(
                f"{where}.entrypoint: path/to/file.py:flow_function "
                f"expected, got {entry['entrypoint']!r}"
            )
        schedules = entry.get("schedules") or []
        for number, schedule in enumerate(schedules):
            if "cron" not in schedule or set(schedule) - _SCHEDULE_KEYS:
                raise DeploymentFileError(
                    f"{where}.schedules[{number}]: a cron schedule with "
                    "only cron, timezone and active expected"
                )
        specs.append(
            DeploymentSpec(
                name=entry["name"],
                entrypoint=entry["entrypoint"],
                description=" ".join((entry.get("description") or "").split()),
                parameters=dict(entry.get("parameters") or {}),
                tags=tuple(entry.get("tags") or ()),
                schedules=tuple(schedules),
                concurrency_limit=entry.get("concurrency_limit"),
            )
        )
    if not specs:
        raise DeploymentFileError("deployments: the file declares none")
    return specs


def runner_deployments(specs: list[DeploymentSpec]) -> list:
    """Prefect RunnerDeployments for ``serve()``. Flows are loaded by module path (the project
    is installed), so ``socelec serve`` works from any working directory."""
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    deployments = []
    for spec in specs:
        module, function = spec.module_and_flow
        flow = getattr(importlib.import_module(module), function)
        deployments.append(
            flow.to_deployment(
                name=spec.name,
                description=spec.description,
                parameters=spec.parameters,
                tags=list(spec.tags),
                concurrency_limit=spec.concurrency_limit,
                schedules=[
                    Cron(s["cron"], timezone=s.get("timezone"), active=s.get("active", True))
                    for s in spec.schedules
                ],
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return deployments


def say(text: str = "") -> None:
    """One line of plain output: URLs are neither highlighted nor cut by wrapping, so they
    stay whole to click or copy."""
    console.print(text, highlight=False, soft_wrap=True)


def print_urls(stack: LocalStack) -> None:
    say(
        f"[bold]Prefect UI[/]       {stack.prefect_ui}/deployments  "
        f"(flow runs: {stack.prefect_ui}/runs)"
    )
    say(f"[bold]officer portal[/]   {stack.portal_url}/login")
    if stack.ebox.sandbox_url:
        say(
            f"[bold]e-Box sandbox[/]    {stack.ebox.sandbox_url}/sandbox/view  (sign "
            "in once with the link of `socelec ebox-sandbox login-url --url "
            f"{stack.ebox.sandbox_url}`)"
        )
    else:
        say(f"[bold]e-Box[/]            {stack.ebox.settings.base_url}")


def serve_command(
    prefect_port: int = typer.Option(
        DEFAULT_PREFECT_PORT,
        min=0,
        max=65535,
        help="Port of the Prefect server and UI (0: a free port).",
    ),
    portal_host: str = typer.Option(
        None, help="Interface of the portal (default SOCELEC_PORTAL_HOST, 127.0.0.1)."
    ),
    portal_port: int = typer.Option(
        None, min=0, max=65535, help="Port of the portal (default SOCELEC_PORTAL_PORT, 8080)."
    ),
    sandbox_port: int = typer.Option(
        None,
        min=0,
        max=65535,
        help="Port of the e-Box sandbox (default SOCELEC_SANDBOX_PORT, 8790).",
    ),
    limit: int = typer.Option(DEFAULT_LIMIT, min=1, help="Flow runs at once."),
) -> None:
    """Run socelec on this machine: Prefect server and UI, the deployments of prefect.yaml with
    their schedules, the e-Box sandbox (unless SOCELEC_EBOX_BASE_URL is set) and the portal."""
    from ebox_sandbox.settings import SandboxSettings
    from models.settings import get_settings
    from models.setup import ensure_database
    from portal.settings import get_portal_settings

    try:
        specs = read_deployments(PREFECT_YAML.read_text())
    except (OSError, DeploymentFileError) as exc:
        raise fail(f"{PREFECT_YAML}: {exc}") from None
    ensure_database()
    portal_settings = get_portal_settings()
    try:
        with (
            stop_on_sigterm(),
            console.status("starting") as status,
            local_stack(
                get_settings().data_dir,
                prefect_port=prefect_port,
                sandbox_port=SandboxSettings().port if sandbox_port is None else sandbox_port,
                portal_host=portal_host or portal_settings.host,
                portal_port=portal_settings.port if portal_port is None else portal_port,
                portal_log_level="info",
                progress=lambda message: status.update(message),
            ) as stack,
        ):
            status.stop()
            _serve(stack, specs, limit)
    except StackError as exc:
        raise fail(str(exc)) from None
    console.print("socelec serve: stopped")


def _serve(stack: LocalStack, specs: list[DeploymentSpec], limit: int) -> None:
    from prefect import serve

    deployments = runner_deployments(specs)
    print_urls(stack)
    for spec in specs:
        when = ", ".join(f"{s['cron']} {s.get('timezone', 'UTC')}" for s in spec.schedules)
        say(f"  deployment {spec.name}{f' (schedule {when})' if when else ''}")
    say("Ctrl-C stops everything (schedules stay active).")
    with registry_mirror(stack.ebox):
        serve(*deployments, pause_on_shutdown=False, limit=limit, print_starting_message=False)
