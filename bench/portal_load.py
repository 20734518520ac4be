"""Load: N election officers at once on the portal as ``socelec portal`` serves it.

    PYTHONPATH=. .venv/bin/python bench/portal_load.py                 # 50 officers
    PYTHONPATH=. .venv/bin/python bench/portal_load.py --officers 100  # more

What runs (issue 14): a fresh SQLite database with the sample registry opened for 2028; each
officer's dossier gets a fresh password (its argon2id hash stored, as the access-code campaign
does) and day Y. The portal is a separate process, started as ``socelec portal --as-of
2027-12-01`` starts it (portal/server.py, the same uvicorn config as ``socelec serve``), on a
free port of 127.0.0.1. Every officer is a thread with its own HTTP client:

1. log in (GET the login page for its CSRF token, then, all officers at the same instant, POST
   the dossier number and password: the login burst);
2. open the dossier page;
3. upload a 300 kB PDF as the X−60 notice (GET the upload page, POST the file);
4. submit the basic statistical form (GET the form, POST it).

Between two requests an officer reads the page for ``--think`` seconds ± 50 % (3 s; a person
takes longer); ``--think 0`` fires every request at once, a stress test rather than officers.

Printed: p50/p95/max latency per request kind, logins per second, errors, the CPU the portal
process used per officer, and the argon2id floor measured in the same run: the time of one
verification here × the logins ÷ the cores is the least time the burst can take, whatever the
server does, since every login verifies one hash (models/credentials.py) and argon2id is
CPU-bound. Login throughput is compared with it as a ratio (1.0 = the floor). Targets on 2
cores: 0 errors, p95 < 500 ms at 50 officers, login throughput ≥ 0.8 × the floor.

The session cookie is ``Secure`` (portal/app.py) and the bench talks plain HTTP on loopback,
so each client carries its cookies itself; a real browser would get them over TLS.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from pypdf import PdfWriter
from sqlmodel import Session, select

from bench.machine import cpu_description

ELECTION_DAY = date(2028, 5, 8)
AS_OF = "2027-12-01"
PDF_BYTES = 300_000
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notice_pdf(size: int = PDF_BYTES) -> bytes:
    """A one-page PDF padded to ``size`` bytes with an uncompressed metadata string: pypdf
    opens it, it has no active content, and its bytes cost what a scanned notice costs."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": "x" * size})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def prepare(workdir: Path, officers: int) -> list[tuple[str, str]]:
    """The database, and (dossier number, password) for each officer."""
    from models.campaign import open_dossiers
    from models.credentials import generate_password, hash_password
    from models.db import make_engine, upgrade_schema
    from models.dossier import Dossier
    from models.editions import get_edition, seed_editions
    from models.registry_file import parse_registry
    from models.registry_import import import_registry
    from models.registry_sample import sample_registry

    engine = make_engine(os.environ["SOCELEC_DATABASE_URL"])
    upgrade_schema(engine)
    companies = max(10, officers)  # at least one dossier per company
    with Session(engine) as session:
        seed_editions(session)
        import_registry(
            session, parse_registry(sample_registry(companies, 2028).encode()), actor="bench"
        )
        open_dossiers(session, get_edition(session, 2028))
        session.commit()
        dossiers = session.exec(select(Dossier).order_by(Dossier.id).limit(officers)).all()
        if len(dossiers) < officers:
            sys.exit(f"--officers: the sample has only {len(dossiers)} dossiers")
        credentials = []
        for dossier in dossiers:
            password = generate_password()
            dossier.password_hash = hash_password(password)
            dossier.election_day = ELECTION_DAY
            credentials.append((dossier.dossier_number, password))
        session.commit()
    engine.dispose()
    return credentials


class Officer:
    """One officer's HTTP client; cookies by hand (module docstring)."""

    def __init__(
        self,
        base_url: str,
        timings: dict[str, list[float]],
        errors: list[str],
        think: float,
        seed: int,
    ):
        self.client = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
        self.think = think
        self.random = random.Random(seed)
        self.cookies: dict[str, str] = {}
        self.timings = timings
        self.errors = errors

    def pause(self) -> None:
        """What a person takes to read a page or pick a file: ``think`` seconds ± 50 %."""
        if self.think:
            time.sleep(self.think * self.random.uniform(0.5, 1.5))

    def request(self, kind: str, method: str, url: str, expect: int, **kwargs) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        start = time.perf_counter()
        response = self.client.request(method, url, headers=headers, **kwargs)
        self.timings[kind].append(time.perf_counter() - start)
        for name, value in response.cookies.items():
            self.cookies[name] = value
        if response.status_code != expect:
            said = re.findall(r'<p class="field-error" id="([^"]+)-error">', response.text)
            self.errors.append(f"{kind} {method} {url}: {response.status_code} {' '.join(said)}")
        return response

    def token(self, response: httpx.Response) -> str:
        match = CSRF.search(response.text)
        return match.group(1) if match else ""

    def journey(self, number: str, password: str, pdf: bytes, started: threading.Event) -> None:
        url = f"/dossiers/{number}"
        login = self.request("login page", "GET", "/login", 200)
        started.wait()
        self.request(
            "login",
            "POST",
            "/login",
            303,
            data={
                "csrf_token": self.token(login),
                "dossier_number": number,
                "password": password,
            },
        )
        self.pause()
        self.request("dossier page", "GET", url, 200)
        self.pause()
        page = self.request("upload page", "GET", f"{url}/evidence/X-60", 200)
        self.pause()
        self.request(
            "upload 300 kB",
            "POST",
            f"{url}/evidence/X-60",
            303,
            data={"csrf_token": self.token(page)},
            files={"document": ("avis-x-60.pdf", pdf, "application/pdf")},
        )
        self.pause()
        form = self.request("form page", "GET", f"{url}/forms/basic", 200)
        self.pause()
        self.request(
            "form submit",
            "POST",
            f"{url}/forms/basic",
            303,
            data={**filled_in(form.text), "action": "submit"},
        )


INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
ANSWERS = {
    "contact__name": "An Peeters",
    "contact__email": "an.peeters@example.be",
    "contact__phone": "+32 2 233 41 11",
    # The registry has no joint committee yet: the officer types it (200: the auxiliary
    # joint committee for employees).
    "administrative__joint_committee": "200",
}


def filled_in(page: str) -> dict[str, str]:
    """The form as the page gives it (CSRF token, the registry's data already filled in), with
    what an officer types: the contact person, the joint committee, a headcount of 10 in every
    category."""
    data = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        name = attributes.get("name")
        if not name or attributes.get("type") in ("submit", "radio", "checkbox"):
            continue
        value = attributes.get("value", "")
        data[name] = value or ANSWERS.get(name, "10")
    return data


def argon2_floor_seconds(logins: int) -> tuple[float, float]:
    """(one hash's time here, the floor for ``logins`` logins on this machine's cores)."""
    from models.credentials import _hasher  # the portal's own parameters

    hasher: PasswordHasher = _hasher
    encoded = hasher.hash("bench-password")
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        hasher.verify(encoded, "bench-password")
    one = (time.perf_counter() - start) / runs
    return one, one * logins / (os.cpu_count() or 1)


def wait_ready(base_url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the portal exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling readiness
    sys.exit(f"the portal did not become ready:\n{log.read_text()[-2000:]}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=50, help="concurrent officers (50)")
    parser.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="seconds an officer spends on a page before the next request, ± 50 %% (3; 0: "
        "every request at once)",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="on a throwaway PostgreSQL server (tests/pg.py) instead of SQLite",
    )
    args = parser.parse_args()
    if args.officers < 1:
        sys.exit("--officers: must be at least 1")
    print(f"machine: {cpu_description()}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="socelec-portal-load-") as tmp:
        workdir = Path(tmp)
        os.environ.update(
            SOCELEC_DATABASE_URL=f"sqlite:///{workdir / 'socelec.db'}",
            SOCELEC_DATA_DIR=str(workdir),
        )
        with ExitStack() as stack:
            if args.postgres:
                from tests.pg import PostgresServer

                server = PostgresServer().start()
                stack.callback(server.stop)
                os.environ["SOCELEC_DATABASE_URL"] = server.url()
            print(f"database: {os.environ['SOCELEC_DATABASE_URL'].split(':')[0]}")
            return serve_and_load(workdir, args.officers, args.think)


def serve_and_load(workdir: Path, officers: int, think: float) -> int:
    """Prepare the data, start the portal, run the officers, stop the portal."""
    credentials = prepare(workdir, officers)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = workdir / "portal.log"
    with log.open("wb") as output:
        portal = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "portal", "--host", "127.0.0.1"]
            + ["--port", str(port), "--as-of", AS_OF],
            env=os.environ.copy(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_ready(base_url, portal, log)
            return run(base_url, credentials, portal.pid, think)
        finally:
            portal.terminate()
            portal.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(base_url: str, credentials: list[tuple[str, str]], portal_pid: int, think: float) -> int:
    pdf = notice_pdf()
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    started = threading.Event()
    officers = [Officer(base_url, timings, errors, think, seed) for seed in range(len(credentials))]
    threads = [
        threading.Thread(target=o.journey, args=(number, password, pdf, started))
        for o, (number, password) in zip(officers, credentials, strict=True)
    ]
    for thread in threads:
        thread.start()
    while len(timings["login page"]) < len(threads) and any(t.is_alive() for t in threads):
        time.sleep(0.01)  # every officer holds its login page: then all log in at once
    begin = time.perf_counter()
    portal_cpu, own_cpu = cpu_seconds(portal_pid), time.process_time()
    started.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    portal_cpu = cpu_seconds(portal_pid) - portal_cpu
    own_cpu = time.process_time() - own_cpu
    login_span = max(timings["login"]) if timings["login"] else 0.0
    one_hash, floor = argon2_floor_seconds(len(credentials))

    print(
        f"{len(credentials)} officers at once, {elapsed:.1f} s for every journey; CPU: the "
        f"portal {portal_cpu:.1f} s ({portal_cpu / len(credentials) * 1000:.0f} ms per "
        f"officer), these clients {own_cpu:.1f} s"
    )
    print(f"{'request':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, values in timings.items():
        print(
            f"{kind:<16}{len(values):>7}{statistics.median(values) * 1000:>9.0f}"
            f"{percentile(values, 0.95) * 1000:>9.0f}{max(values) * 1000:>9.0f}"
        )
    logins_per_second = len(timings["login"]) / login_span if login_span else 0.0
    floor_rate = len(credentials) / floor
    print(
        f"argon2id: {one_hash * 1000:.1f} ms per verification here; floor for "
        f"{len(credentials)} logins on {os.cpu_count()} cores: {floor * 1000:.0f} ms "
        f"({floor_rate:.1f} logins/s)"
    )
    print(
        f"logins: {logins_per_second:.1f}/s (all done within {login_span * 1000:.0f} ms) = "
        f"{logins_per_second / floor_rate:.2f} × the floor (target ≥ 0.80)"
    )
    pages = [v for kind, values in timings.items() if kind != "login" for v in values]
    print(
        f"every request but the logins of the burst: p95 {percentile(pages, 0.95) * 1000:.0f} "
        f"ms (target < 500 ms), officers thinking {think:g} s ± 50 % between requests; "
        f"errors: {len(errors)}"
    )
    for error in errors[:10]:
        print(f"  {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
