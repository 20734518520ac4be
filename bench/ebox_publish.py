"""Publications per second against the e-Box sandbox: one shared client vs. a client per message.

    python bench/ebox_publish.py [--messages 500] [--threads 1,4] [--pdf-kb 40]

Starts the sandbox as a real server on loopback (its own temporary data dir), seeds it, then
publishes the same kind of letter (a PDF of --pdf-kb kB, secure class) in four ways:
one EboxClient shared by every message (one connection pool, one token) and a new EboxClient
per message (new TCP connection, TLS context and token each time), each sequentially and from
several threads. Prints publications per second and the machine. Figures only; never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ebox_adapter import Document, EboxClient, Publication, SecurityClass  # noqa: E402
from ebox_sandbox.seed import enterprise_seed  # noqa: E402
from tests.ebox.sandbox_server import running_sandbox  # noqa: E402

RECIPIENTS = [f"{base:08d}{97 - base % 97:02d}" for base in range(10_000_010, 10_000_090)]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def letter(key: str, index: int, pdf: bytes) -> Publication:
    return Publication(
        enterprise_number=RECIPIENTS[index % len(RECIPIENTS)],
        language="nl",
        subject="Sociale verkiezingen 2028: uw toegangscodes",
        document_kind="access_code",
        carries_credential=True,
        security_class=SecurityClass.secure,
        main=Document(f"toegangscodes-{index}.pdf", pdf),
        idempotency_key=key,
    )


def run(label: str, settings, count: int, threads: int, shared: bool, pdf: bytes) -> float:
    keys = [f"{label}-{i}" for i in range(count)]
    started = time.perf_counter()
    if shared:
        with EboxClient(settings) as ebox, ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda i: ebox.publish(letter(keys[i], i, pdf)), range(count)))
    else:

        def one(i: int) -> None:
            with EboxClient(settings) as ebox:
                ebox.publish(letter(keys[i], i, pdf))

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(count)))
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--threads", default="1,4", help="comma-separated thread counts")
    parser.add_argument("--pdf-kb", type=int, default=40, help="size of each letter")
    args = parser.parse_args()
    pdf = b"%PDF-1.7\n" + os.urandom(args.pdf_kb * 1024)
    print(f"machine: {machine()}")
    print(f"{args.messages} publications per run, {args.pdf_kb} kB PDF each, secure class")
    with tempfile.TemporaryDirectory() as tmp, running_sandbox(Path(tmp)) as sandbox:
        sandbox.admin.seed([enterprise_seed(n, f"Bench {n}", status="digital") for n in RECIPIENTS])
        for threads in (int(t) for t in args.threads.split(",")):
            shared = run(f"shared-{threads}", sandbox.settings, args.messages, threads, True, pdf)
            fresh = run(f"fresh-{threads}", sandbox.settings, args.messages, threads, False, pdf)
            print(
                f"{threads} thread(s): shared client {shared:7.1f} publications/s | "
                f"new client per message {fresh:7.1f} publications/s | "
                f"ratio {shared / fresh:4.1f}x"
            )
        stats = sandbox.admin.stats()
    print(f"sandbox holds {stats['messages']} messages, {stats['distinct_keys']} distinct keys")


if __name__ == "__main__":
    main()
