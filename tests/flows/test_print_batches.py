"""Print batches for companies without an e-Box user: each letter printed once, whatever runs at
the same time or crashes half-way, and the files with passwords in clear deleted after a while."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlmodel import Session, col, select

import tasks.postal
from models import AuditEvent, Delivery, Dossier
from models.print_batch import PrintBatch
from models.settings import get_settings
from tasks.postal import build_print_batch
from templates.batches import prepare_access_code_letters, prepare_documents
from tests.factories import load_sample
from tests.flows.helpers import PASSWORD_RE, REPO, wait_for

# The reference on each address sheet: dossier number and document kind.
REFERENCE_RE = re.compile(r"(\d{2}-(?:CPPT|CE)-\d{6}-\d{2}) · ([a-z][\w+-]*)")
T0 = datetime(2028, 3, 1, 9, 0, tzinfo=UTC)


def render_letters(engine, kind: str = "access-code") -> list[int]:
    """Render one ``kind`` letter per dossier, really, as the campaign does; the delivery ids."""
    with Session(engine) as session:
        ids = list(session.exec(select(Dossier.id).order_by(Dossier.id)))
        if kind == "access-code":
            deliveries = prepare_access_code_letters(session, ids, actor="test")
        else:
            deliveries = prepare_documents(session, kind, ids, actor="test")
        session.commit()
        return [d.id for d in deliveries]


def make_non_digital(engine, delivery_ids: list[int]) -> None:
    """What the e-Box answer 201 NO_DIGITAL_USER leaves: the letter went, nobody reads it."""
    with Session(engine) as session:
        for delivery in session.exec(select(Delivery).where(col(Delivery.id).in_(delivery_ids))):
            delivery.state, delivery.message_id, delivery.sent_at = "non_digital", "msg", T0
            session.add(delivery)
        session.commit()


def expected_letters(engine, delivery_ids: list[int]) -> Counter[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Dossier.dossier_number, Delivery.document_kind)
            .join(Delivery, col(Delivery.dossier_id) == col(Dossier.id))
            .where(col(Delivery.id).in_(delivery_ids))
        ).all()
    return Counter(rows)


def letters_in(paths) -> Counter[tuple[str, str]]:
    """(dossier number, kind) of every address sheet in the print files."""
    found: Counter[tuple[str, str]] = Counter()
    for path in paths:
        for page in PdfReader(io.BytesIO(Path(path).read_bytes())).pages:
            found.update(REFERENCE_RE.findall(" ".join(page.extract_text().split())))
    return found


def batches(engine) -> list[PrintBatch]:
    with Session(engine) as session:
        return list(session.exec(select(PrintBatch).order_by(col(PrintBatch.id))))


@pytest.fixture
def print_dir(tmp_path) -> Path:
    return tmp_path / "print"


def test_two_overlapping_builds_put_every_letter_in_exactly_one_batch(
    engine, print_dir, monkeypatch
):
    load_sample(engine, 6)
    letters = render_letters(engine)
    make_non_digital(engine, letters)
    # The first build stops inside its transaction once it has picked its letters (the kind
    # lookup follows the pick); the second starts then and must wait for it, on PostgreSQL
    # for its row locks (seen in pg_stat_activity), on SQLite for the file's write lock.
    picked, release, second_started = threading.Event(), threading.Event(), threading.Event()
    kind_of, get_edition = tasks.postal.kind_of, tasks.postal.get_edition

    def kind_of_then_hold(code):
        if threading.current_thread().name == "first" and not picked.is_set():
            picked.set()
            release.wait(60)
        return kind_of(code)

    def get_edition_and_tell(*args, **kwargs):
        if threading.current_thread().name == "second":
            second_started.set()
        return get_edition(*args, **kwargs)

    def second_waits():
        if engine.dialect.name == "sqlite":
            return second_started.is_set()
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar()

    results: dict[str, object] = {}

    def build(name):
        try:
            results[name] = build_print_batch.fn(2028, str(print_dir), f"test:{name}")
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            results[name] = error

    with monkeypatch.context() as patch:
        patch.setattr("tasks.postal.kind_of", kind_of_then_hold)
        patch.setattr("tasks.postal.get_edition", get_edition_and_tell)
        first = threading.Thread(target=build, args=("first",), name="first")
        second = threading.Thread(target=build, args=("second",), name="second")
        first.start()
        wait_for(picked.is_set, 60, "the first build to pick its letters")
        second.start()
        wait_for(
            lambda: second_waits() or not second.is_alive(),
            60,
            "the second build to wait for the first",
        )
        release.set()
        first.join(120)
        second.join(120)

    assert all(isinstance(r, dict) for r in results.values()), results
    files = sorted(print_dir.glob("print-*.pdf"))
    assert letters_in(files) == expected_letters(engine, letters)  # each exactly once
    assert sum(r["letters"] for r in results.values()) == len(letters)
    written = batches(engine)
    assert [b.letters for b in written] == [len(letters)]
    assert {Path(b.path) for b in written} == set(files)
    assert written[0].holds_credentials and written[0].written_at is not None
    assert files[0].stat().st_mode & 0o777 == 0o600
    with Session(engine) as session:
        rows = session.exec(select(Delivery).where(col(Delivery.id).in_(letters))).all()
    assert {(r.print_batch_id, r.printed_at is not None) for r in rows} == {(written[0].id, True)}
    assert build_print_batch.fn(2028, str(print_dir), "test:again")["letters"] == 0


@pytest.mark.parametrize("crash", ["before-file", "after-file"])
def test_a_batch_claimed_but_not_recorded_as_written_is_written_again_for_the_same_rows(
    engine, print_dir, monkeypatch, crash
):
    load_sample(engine, 4)
    letters = render_letters(engine)
    make_non_digital(engine, letters)
    with monkeypatch.context() as patch, pytest.raises(RuntimeError, match="crashed"):
        if crash == "before-file":  # the process dies while it lays out the batch
            patch.setattr("tasks.postal.print_batch", broken("laying out"))
        else:  # the file is complete on disk; the process dies before the database says so
            patch.setattr("tasks.postal.AuditEvent", broken("recording", AuditEvent))
        build_print_batch.fn(2028, str(print_dir), "test:crashed")

    result = build_print_batch.fn(2028, str(print_dir), "test:next")
    files = sorted(print_dir.glob("print-*.pdf"))
    assert letters_in(files) == expected_letters(engine, letters)  # each exactly once
    assert len(files) == 1
    [batch] = batches(engine)  # never a second batch for the same rows
    assert Path(batch.path) == files[0] and batch.written_at is not None
    assert batch.letters == len(letters)
    # The run that records the batch reports it: the crashed one never could.
    assert result == {
        "letters": len(letters),
        "batches": [{"path": batch.path, "letters": len(letters)}],
    }
    with Session(engine) as session:
        rows = session.exec(select(Delivery).where(col(Delivery.id).in_(letters))).all()
    assert {(r.print_batch_id, r.printed_at is not None) for r in rows} == {(batch.id, True)}
    assert list(print_dir.iterdir()) == files  # no temporary file left behind


def broken(where: str, real=None):
    def crash(*args, **kwargs):
        if real is None or kwargs.get("action") == "print.batch":
            raise RuntimeError(f"crashed while {where}")
        return real(*args, **kwargs)

    return crash


def test_batches_with_passwords_are_deleted_after_the_retention_and_audited(
    engine, print_dir, monkeypatch
):
    from tasks.postal import delete_expired_print_batches

    load_sample(engine, 4)
    brochures = render_letters(engine, "brochure")
    access_codes = render_letters(engine)
    make_non_digital(engine, brochures)
    no_password = build_print_batch.fn(2028, str(print_dir), "test", now=T0)["batches"][0]["path"]
    make_non_digital(engine, access_codes[:2])
    old = build_print_batch.fn(2028, str(print_dir), "test", now=T0)["batches"][0]["path"]
    make_non_digital(engine, access_codes[2:])
    newer = build_print_batch.fn(2028, str(print_dir), "test", now=T0 + timedelta(days=20))[
        "batches"
    ][0]["path"]
    passwords = {
        p
        for path in (old, newer)
        for page in PdfReader(path).pages
        for p in PASSWORD_RE.findall(page.extract_text())
    }
    assert len(passwords) == len(access_codes)

    # 31 days after the first batches, 11 after the newer one; the default keeps 30 days.
    later = T0 + timedelta(days=31)
    assert delete_expired_print_batches.fn("test:clean-up", now=later) == 1
    assert not Path(old).exists() and Path(newer).exists() and Path(no_password).exists()
    by_path = {b.path: b for b in batches(engine)}
    assert by_path[old].deleted_at is not None
    assert by_path[newer].deleted_at is None and by_path[no_password].deleted_at is None
    assert delete_expired_print_batches.fn("test:clean-up", now=later) == 0  # once
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "print.batch.deleted")
        ).all()
    assert [e.detail["batch"] for e in events] == [by_path[old].id]
    assert events[0].actor == "test:clean-up" and events[0].detail["path"] == old
    assert not any(p in str(events[0].detail) for p in passwords)

    monkeypatch.setenv("SOCELEC_PRINT_BATCH_RETENTION_DAYS", "10")
    get_settings.cache_clear()
    assert delete_expired_print_batches.fn("test:clean-up", now=later) == 1
    assert not Path(newer).exists() and Path(no_password).exists()  # no password: kept


def test_a_build_killed_while_writing_is_written_by_the_next_and_leaves_no_copy_past_retention(
    engine, print_dir
):
    load_sample(engine, 3)
    letters = render_letters(engine)
    make_non_digital(engine, letters)
    # A worker process dies (no clean-up runs) with its batch claimed and the PDF complete in
    # its temporary file, before linking it into place.
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, tasks.postal\n"
            "os.link = lambda *args, **kwargs: os._exit(9)\n"
            f"tasks.postal.build_print_batch.fn(2028, {str(print_dir)!r}, 'test:killed')\n",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert killed.returncode == 9
    [leftover] = print_dir.iterdir()
    assert leftover.stat().st_mode & 0o777 == 0o600 and PASSWORD_RE.search(
        " ".join(page.extract_text() for page in PdfReader(leftover).pages)
    )

    result = build_print_batch.fn(2028, str(print_dir), "test:next", now=T0)
    [batch] = batches(engine)
    assert result["batches"] == [{"path": batch.path, "letters": len(letters)}]
    assert letters_in([batch.path]) == expected_letters(engine, letters)

    assert tasks.postal.delete_expired_print_batches.fn("test", now=T0 + timedelta(days=31)) == 1
    assert list(print_dir.iterdir()) == []  # the batch and the killed run's copy
