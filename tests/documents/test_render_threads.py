"""Rendering from several threads of one process must not crash it.

WeasyPrint's native font code is not thread-safe; without the lock in templates/render.py
this script died (SIGABRT "realloc(): invalid next size", SIGSEGV, or a hang), or printed
GLib's "corrupted double-linked list" / Pango CRITICAL warnings, in every run tried (3 of 3 at
8 batches). It runs in a child process so a crash fails this test instead of killing the test
session.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from models.credentials import generate_password
from procedure import KNOWN_EDITIONS
from templates.context import EditionInfo, sample_context
from templates.render import render_batch

edition = EditionInfo.of(KNOWN_EDITIONS[2028])

def batch(n):
    contexts = [sample_context(edition, language="fr", body="CPPT", serial=n * 100 + i,
                               election_day=None, password=generate_password(),
                               issued_on=date(2027, 11, 15), specimen=False)
                for i in range(1, 11)]
    return len(render_batch("access-code", contexts))

with ThreadPoolExecutor(2) as pool:
    print(sum(pool.map(batch, range(8))))
"""


def test_two_threads_render_batches_without_crashing():
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=repo, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "80"
    assert result.stderr == "", result.stderr[-2000:]  # GLib/Pango report heap corruption here
