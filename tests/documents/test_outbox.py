"""The outbox on SQLite and PostgreSQL: hashes with their letters, encryption, wiping, keys."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.credentials import verify_password
from models.db import session_scope
from models.delivery import Delivery
from models.delivery_queue import claim_deliveries
from models.dossier import Dossier
from models.outbox import (
    KEY_FILE_NAME,
    OutboxError,
    Outcome,
    delivery_identities,
    document_pdf,
    dossiers_needing,
    idempotency_key,
    issue_credentials,
    outbox_cipher,
    record_access_codes,
    record_outcome,
)
from models.settings import Settings, get_settings
from procedure.documents import ACCESS_CODE
from templates.batches import prepare_access_code_letters, prepare_documents
from templates.context import load_contexts
from templates.render import render_batch
from tests.documents.conftest import PASSWORD_SHAPE, pdf_text
from tests.factories import load_sample


@pytest.fixture
def dossier_ids(engine) -> list[int]:
    load_sample(engine, companies=2)
    with Session(engine) as session:
        return list(session.exec(select(Dossier.id).order_by(Dossier.id)))


def _password_in(pdf: bytes) -> str:
    match = PASSWORD_SHAPE.search(pdf_text(pdf))
    assert match, "no password in the letter"
    return match.group(0)


def _every_stored_value(engine) -> list[object]:
    """Every value of every column of every table: what a database dump would show."""
    values: list[object] = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                values.extend(row)
    return values


def test_each_password_is_in_its_letter_and_nowhere_in_the_database_in_clear(
    engine, database_url, dossier_ids
):
    with session_scope(engine) as session:
        deliveries = prepare_access_code_letters(session, dossier_ids, actor="test")
    assert len(deliveries) == len(dossier_ids) >= 2
    cipher = outbox_cipher()
    passwords = []
    with Session(engine) as session:
        for delivery in session.exec(select(Delivery).order_by(Delivery.dossier_id)):
            assert delivery.state == "rendered" and delivery.pdf_encrypted
            assert b"%PDF" not in delivery.pdf
            pdf = document_pdf(delivery, cipher)
            password = _password_in(pdf)
            dossier = session.get(Dossier, delivery.dossier_id)
            assert dossier.dossier_number in pdf_text(pdf)
            assert verify_password(dossier.password_hash, password)
            assert dossier.password_hash.startswith("$argon2id$")
            passwords.append(password)
    assert len(set(passwords)) == len(passwords)
    stored = _every_stored_value(engine)
    dump = "\n".join(str(v) for v in stored if not isinstance(v, bytes | memoryview))
    blobs = b"".join(bytes(v) for v in stored if isinstance(v, bytes | memoryview))
    for password in passwords:
        assert password not in dump
        assert password.encode() not in blobs
        assert password.replace("-", "") not in dump
    if database_url.startswith("sqlite"):  # the file and its write-ahead log, byte for byte
        path = Path(database_url.removeprefix("sqlite:///"))
        raw = b"".join(f.read_bytes() for f in path.parent.glob(path.name + "*"))
        assert not any(p.encode() in raw for p in passwords)


def test_a_batch_writes_hashes_and_letters_together_or_not_at_all(engine, dossier_ids):
    first, *others = dossier_ids
    with session_scope(engine) as session:
        prepare_access_code_letters(session, [first])
    # A second batch that contains an already lettered dossier must fail as a whole.
    with Session(engine) as session:
        credentials = issue_credentials(dossier_ids)
        contexts = load_contexts(
            session, dossier_ids, passwords={i: c.password for i, c in credentials.items()}
        )
    documents = render_batch(ACCESS_CODE, contexts)
    with pytest.raises(OutboxError, match="already exists"), session_scope(engine) as session:
        record_access_codes(session, documents, credentials)
    # A crash after the writes but before the commit leaves nothing either.
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        record_access_codes(session, documents[1:], {i: credentials[i] for i in others})
        raise RuntimeError("worker killed before commit")
    with Session(engine) as session:
        for dossier in session.exec(select(Dossier).where(Dossier.id.in_(others))):
            assert dossier.password_hash is None
        assert session.exec(select(Delivery.dossier_id)).all() == [first]


def test_credentials_and_letters_must_match(engine, dossier_ids):
    with Session(engine) as session:
        credentials = issue_credentials(dossier_ids[:2])
        contexts = load_contexts(
            session, dossier_ids[:2], passwords={i: c.password for i, c in credentials.items()}
        )
        documents = render_batch(ACCESS_CODE, contexts)
        with pytest.raises(OutboxError, match="credentials: every access-code letter"):
            record_access_codes(session, documents[:1], credentials)
        assert "password" not in repr(credentials)


def test_running_a_batch_again_sends_nothing_twice(engine, dossier_ids):
    with session_scope(engine) as session:
        assert len(prepare_access_code_letters(session, dossier_ids)) == len(dossier_ids)
    with session_scope(engine) as session:
        assert prepare_access_code_letters(session, dossier_ids) == []
        assert dossiers_needing(session, ACCESS_CODE, dossier_ids) == []
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "documents.rendered")
        ).all()
    assert len(events) == 1 and events[0].detail["count"] == len(dossier_ids)


def test_idempotency_keys_are_stable_and_distinct(engine, dossier_ids):
    with session_scope(engine) as session:
        prepare_documents(session, "reminder-X-60", dossier_ids)
        rows = session.exec(select(Delivery)).all()
        identities = delivery_identities(session, dossier_ids)
    for delivery in rows:
        assert delivery.idempotency_key == idempotency_key(
            identities[delivery.dossier_id], "reminder-X-60", "X-60"
        )
    identity = next(iter(identities.values()))
    keys = {
        idempotency_key(identity, kind, step)
        for kind, step in [("reminder-X", "X"), ("reminder-Y", "Y"), ("access-code", "access-code")]
    }
    keys.add(idempotency_key(identity, "access-code", "access-code", generation=1))
    assert len(keys) == 4


def _claimed(session, delivery) -> str:
    """Claim the row (as a delivery batch would) and return the claim's token."""
    worker = f"test-{delivery.id}"
    edition_id = session.get(Dossier, delivery.dossier_id).edition_id
    assert delivery.id in claim_deliveries(session, worker, edition_id=edition_id, limit=1000)
    return worker


def test_reminders_are_stored_in_clear_and_kept_after_delivery(engine, dossier_ids):
    with session_scope(engine) as session:
        deliveries = prepare_documents(session, "reminder-X-35", dossier_ids)
        delivery_id = deliveries[0].id
    with session_scope(engine) as session:
        worker = _claimed(session, session.get(Delivery, delivery_id))
        assert record_outcome(session, delivery_id, worker, Outcome("sent", "msg-1"), actor="t")
    with Session(engine) as session:
        delivery = session.get(Delivery, delivery_id)
        assert not delivery.pdf_encrypted and delivery.pdf.startswith(b"%PDF")
        assert delivery.state == "sent" and delivery.attempts == 1
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "delivery.sent")).one()
        assert audit.detail["message_id"] == "msg-1" and audit.subject == str(delivery_id)
    with pytest.raises(ValueError, match="carries a credential"), Session(engine) as session:
        prepare_documents(session, "access-code", dossier_ids)


def test_sent_credential_letters_are_wiped_keeping_digest_and_message_id(engine, dossier_ids):
    # Claimable only once an approval covers it: the claim query applies the four-eyes rule.
    from models.approvals import record_review, skip
    from models.editions import get_edition

    with session_scope(engine) as session:
        delivery = prepare_access_code_letters(session, dossier_ids[:1])[0]
        digest, pages, delivery_id = delivery.digest, delivery.page_count, delivery.id
    with session_scope(engine) as session:
        assert claim_deliveries(session, "too-early", edition_id=1, limit=10) == []
        review = record_review(
            session, get_edition(session, 2028), flow_run_id="r", requested_by="a"
        )
        skip(session, review, "test")
    with session_scope(engine) as session:
        worker = _claimed(session, session.get(Delivery, delivery_id))
        assert record_outcome(
            session, delivery_id, worker, Outcome("sent", "3f6c-message"), actor="t"
        )
    with session_scope(engine) as session:
        stored = session.exec(select(Delivery)).one()
        assert stored.pdf is None and stored.state == "sent"
        assert (stored.digest, stored.page_count, stored.message_id) == (
            digest,
            pages,
            "3f6c-message",
        )
        assert stored.sent_at is not None and stored.claimed_by is None
        # The claim was used: a second outcome under it changes nothing.
        assert not record_outcome(session, delivery_id, worker, Outcome("failed"), actor="t")
        with pytest.raises(OutboxError, match="pdf: no bytes stored"):
            document_pdf(stored)


def test_an_outcome_is_written_only_under_the_claim_that_holds_the_row(engine, dossier_ids):
    with session_scope(engine) as session:
        delivery_id = prepare_documents(session, "reminder-X-35", dossier_ids)[0].id
    with session_scope(engine) as session:
        worker = _claimed(session, session.get(Delivery, delivery_id))
        assert not record_outcome(
            session, delivery_id, "another-worker", Outcome("sent", "m"), actor="t"
        )
    with Session(engine) as session:
        row = session.get(Delivery, delivery_id)
        assert (row.state, row.claimed_by, row.attempts) == ("rendered", worker, 0)
        assert not session.exec(
            select(AuditEvent).where(AuditEvent.action == "delivery.sent")
        ).all()


def test_a_sent_outcome_needs_a_message_id_unless_the_e_box_had_it_already():
    # The e-Box answers 409 when the idempotency key was accepted before (a retry after a
    # crash); it may not repeat the messageId.
    with pytest.raises(OutboxError, match="message_id: required"):
        Outcome("sent")
    assert Outcome("sent", duplicate=True).state == "sent"


def test_a_generated_key_is_private_and_announced(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("SOCELEC_OUTBOX_KEY", raising=False)
    settings = Settings(data_dir=tmp_path / "var")
    with caplog.at_level(logging.WARNING, logger="socelec.outbox"):
        cipher = outbox_cipher(settings)
    path = tmp_path / "var" / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "generated a new outbox key" in caplog.text
    assert path.read_text().strip() not in caplog.text
    token = cipher.encrypt(b"letter")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="socelec.outbox"):
        assert outbox_cipher(settings).decrypt(token) == b"letter"  # same key next time
    assert caplog.text == ""


def test_keys_from_the_environment_rotate_and_bad_ones_are_refused(
    monkeypatch, engine, dossier_ids
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", old)
    get_settings.cache_clear()
    with session_scope(engine) as session:
        delivery_id = prepare_access_code_letters(session, dossier_ids[:1])[0].id
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", f"{new},{old}")
    get_settings.cache_clear()
    with Session(engine) as session:
        assert document_pdf(session.get(Delivery, delivery_id)).startswith(b"%PDF")
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", new)
    get_settings.cache_clear()
    with Session(engine) as session, pytest.raises(OutboxError, match="none of the configured"):
        document_pdf(session.get(Delivery, delivery_id))
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", "not-a-key-but-a-secret")
    get_settings.cache_clear()
    with pytest.raises(OutboxError, match="outbox_key: each key must be") as caught:
        outbox_cipher()
    assert "not-a-key-but-a-secret" not in str(caught.value)


def test_a_tampered_letter_is_detected(engine, dossier_ids):
    with session_scope(engine) as session:
        delivery = prepare_documents(session, "brochure", dossier_ids[:1])[0]
        delivery.pdf = delivery.pdf.replace(b"%PDF-1.7", b"%PDF-1.6", 1)
        with pytest.raises(OutboxError, match="digest: the stored PDF does not match"):
            document_pdf(delivery)


def test_the_same_delivery_has_the_same_key_in_a_database_rebuilt_by_a_reimport(tmp_path):
    """The units of a rebuilt database are numbered anew (another import order, an extra
    company first): each letter keeps its key, and no key passes to another company."""
    from models.db import make_engine
    from models.setup import ensure_database

    def keys(database: str, first_companies: int) -> dict[tuple, str]:
        engine = make_engine(f"sqlite:///{tmp_path / database}")
        ensure_database(engine)
        if first_companies:
            load_sample(engine, first_companies, seed=99, open_edition=False)
        load_sample(engine, companies=3)
        with session_scope(engine) as session:
            ids = list(session.exec(select(Dossier.id)))
            prepare_documents(session, "reminder-X-60", ids)
            identities = delivery_identities(session, ids)
            found = {
                (
                    identities[d.dossier_id].enterprise_number,
                    identities[d.dossier_id].unit_code,
                    identities[d.dossier_id].body,
                ): (d.idempotency_key, d.dossier_id)
                for d in session.exec(select(Delivery))
            }
        engine.dispose()
        return found

    original, rebuilt = keys("original.db", 0), keys("rebuilt.db", 4)
    common = set(original) & set(rebuilt)
    assert len(common) == len(original)  # the same letters of the same companies
    assert any(original[k][1] != rebuilt[k][1] for k in common)  # renumbered...
    assert all(original[k][0] == rebuilt[k][0] for k in common)  # ...same keys
    others = {key for k, (key, _) in rebuilt.items() if k not in original}
    assert not others & {key for key, _ in original.values()}


def test_a_new_key_rotates_in_and_the_old_one_can_be_dropped(monkeypatch, engine, dossier_ids):
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    old = runner.invoke(app, ["outbox", "new-key"]).stdout.strip()
    new = runner.invoke(app, ["outbox", "new-key"]).stdout.strip()
    assert old != new and Fernet(new.encode())  # a key Fernet takes
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", old)
    get_settings.cache_clear()
    with session_scope(engine) as session:
        ids = [d.id for d in prepare_access_code_letters(session, dossier_ids[:3])]
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", f"{new},{old}")
    get_settings.cache_clear()
    result = runner.invoke(app, ["outbox", "rotate-key"])
    assert result.exit_code == 0 and f"{len(ids)} stored letter(s)" in result.stdout, result.output
    monkeypatch.setenv("SOCELEC_OUTBOX_KEY", new)  # the old key dropped
    get_settings.cache_clear()
    with Session(engine) as session:
        assert all(document_pdf(session.get(Delivery, i)).startswith(b"%PDF") for i in ids)
        assert session.exec(
            select(AuditEvent).where(AuditEvent.action == "outbox.key_rotated")
        ).one().detail == {"letters": len(ids)}
