"""``socelec ebox-sandbox``: run the local e-Box Enterprise stand-in and look inside it."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.table import Table

from cli.common import console, database, fail
from ebox_adapter.sandbox_link import ensure_sandbox, sandbox_client
from ebox_adapter.settings import EboxSettings
from ebox_sandbox.admin_client import SandboxAdmin, SandboxAdminError
from ebox_sandbox.seed import seeds_from_registry
from ebox_sandbox.settings import FaultPlan, SandboxSettings
from models.settings import get_settings

app = typer.Typer(
    help="The local e-Box Enterprise sandbox (used when SOCELEC_EBOX_BASE_URL is unset).",
    invoke_without_command=True,
)

URL_OPTION = typer.Option(None, help="Sandbox URL; default SOCELEC_EBOX_SANDBOX_URL.")


@app.callback()
def serve(
    ctx: typer.Context,
    host: str = typer.Option(None, help="Interface to listen on (default 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default 8790, or SOCELEC_SANDBOX_PORT)."),
    seed: bool = typer.Option(True, help="Give every enterprise of socelec's registry an e-Box."),
) -> None:
    """Start the sandbox server (without a sub-command); Ctrl-C stops it."""
    if ctx.invoked_subcommand is not None:
        return
    from ebox_sandbox.server import serve as run_server
    from ebox_sandbox.store import Store

    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = SandboxSettings(**overrides)
    url = f"http://{settings.host}:{settings.port}"
    linked, registration = sandbox_client(
        EboxSettings().model_copy(update={"sandbox_url": url}), get_settings().data_dir
    )
    store = Store(settings.effective_database_path)
    # socelec's own client, so a worker with the settings printed below can deliver at once.
    store.register_client(**registration)
    if seed:
        with database() as session:
            seeds = seeds_from_registry(session)
        store.seed_enterprises(seeds)
        console.print(f"seeded {len(seeds)} e-Box(es) from socelec's registry")
    store.close()
    settings.admin_token_value()  # make sure the token file exists before clients look
    console.print(
        f"e-Box sandbox on {url} (data: {settings.effective_database_path}); "
        "`socelec ebox-sandbox login-url` opens its views. The machines that deliver reach it "
        "with (`socelec ebox-sandbox worker-env` prints them again):",
        highlight=False,
        soft_wrap=True,
    )
    _print_environment(linked)
    run_server(settings, log_level="info")


def _print_environment(linked: EboxSettings) -> None:
    for name, value in linked.environment().items():
        print(f"{name}={value}")


@app.command("worker-env")
def worker_env_command(url: str = URL_OPTION) -> None:
    """Register socelec with a running sandbox and print the SOCELEC_EBOX_* settings the machines
    that deliver need (an environment file's lines: `>> worker.env`)."""
    settings = EboxSettings()
    if settings.base_url:
        raise fail("SOCELEC_EBOX_BASE_URL is set: this machine talks to a real e-Box")
    if url:
        settings = settings.model_copy(update={"sandbox_url": url})
    try:
        linked = ensure_sandbox(settings, data_dir=get_settings().data_dir)
    except SandboxAdminError as exc:
        raise fail(str(exc)) from None
    _print_environment(linked)


def _admin(url: str | None) -> SandboxAdmin:
    return SandboxAdmin(url or EboxSettings().sandbox_url)


def _call(action):
    try:
        return action()
    except SandboxAdminError as exc:
        raise fail(str(exc)) from None


@app.command("seed")
def seed_command(url: str = URL_OPTION) -> None:
    """Give every enterprise of socelec's registry an e-Box in a running sandbox."""
    with database() as session:
        seeds = seeds_from_registry(session)
    with _admin(url) as admin:
        count = _call(lambda: admin.seed(seeds))
    console.print(f"seeded {count} e-Box(es)")


@app.command("faults")
def faults_command(
    error: list[str] = typer.Option([], help="STATUS=RATE, e.g. 503=0.3 (repeatable)."),
    drop: float = typer.Option(0.0, help="Rate of publications accepted then dropped."),
    latency_ms: int = typer.Option(0, help="Latency added to each e-Box API call."),
    retry_after: int = typer.Option(None, help="Retry-After seconds on injected 429/503."),
    url: str = URL_OPTION,
) -> None:
    """Set the fault plan of a running sandbox (no option: no faults)."""
    try:
        rates = {int(s): float(r) for s, r in (item.split("=", 1) for item in error)}
        plan = FaultPlan(
            error_rates=rates,
            drop_after_accept=drop,
            latency_ms=latency_ms,
            retry_after_seconds=retry_after,
        )
    except ValidationError as exc:
        raise fail(f"faults: {exc.errors()[0]['msg']}") from None
    except ValueError:
        raise fail("--error: STATUS=RATE expected, e.g. 503=0.3") from None
    with _admin(url) as admin:
        _call(lambda: admin.set_faults(**plan.model_dump()))
    console.print(f"faults set: {plan.model_dump(exclude_defaults=True) or 'none'}")


@app.command("stats")
def stats_command(url: str = URL_OPTION) -> None:
    """Messages and e-Boxes in a running sandbox."""
    with _admin(url) as admin:
        stats = _call(admin.stats)
    console.print(stats)


@app.command("inbox")
def inbox_command(
    enterprise_number: str, user: str = typer.Argument("am"), url: str = URL_OPTION
) -> None:
    """What USER (am, officer, clerk) of an enterprise sees in its e-Box."""
    with _admin(url) as admin:
        messages = _call(lambda: admin.visible_messages(enterprise_number, user))
    table = Table("published", "subject", "message type", "documents")
    for m in messages:
        table.add_row(
            m["published_at"][:16],
            m["subject"],
            m["message_type_id"],
            ", ".join(a["file_name"] for a in m["attachments"]),
        )
    console.print(table)
    console.print(f"{len(messages)} message(s) visible to {user}")


@app.command("login-url")
def login_url_command(url: str = URL_OPTION) -> None:
    """Print the URL that opens the sandbox's HTML views in a browser (holds the admin token)."""
    base = (url or EboxSettings().sandbox_url).rstrip("/")
    console.print(
        f"{base}/sandbox/login?token={SandboxSettings().admin_token_value()}",
        highlight=False,
        soft_wrap=True,
    )
