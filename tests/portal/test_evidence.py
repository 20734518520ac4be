"""The notices and PVs an officer uploads, on both backends: upload, list, download, versions,
storage in the database or a directory, the digest checked on every read, another dossier's
documents, CSRF, the session, and every refusal leaving each table as it was."""

from __future__ import annotations

import hashlib
import itertools
import select as io_select
import socket
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.evidence import StepDocument
from models.portal import PortalSession
from models.settings import get_settings
from portal.app import SESSION_COOKIE
from portal.evidence import MAX_BYTES, MAX_PAGES
from portal.routers.evidence import BODY_LIMIT
from tests.portal import pdfs
from tests.portal.helpers import csrf_of, log_in, officer_dossier, text
from tests.portal.server import running_portal
from tests.reliability.helpers import fingerprint


def logged_in(client, engine, **kwargs):
    officer = officer_dossier(engine, election_day=date(2028, 5, 8), **kwargs)
    assert log_in(client, officer).status_code == 303
    return officer


def step_url(officer, code: str) -> str:
    return f"/dossiers/{officer.number}/evidence/{code}"


def upload(client, officer, code: str, data: bytes, name: str = "avis.pdf", **fields):
    """Send the step's form as a browser does: the token of the page, then the file."""
    url = step_url(officer, code)
    token = csrf_of(client.get(url).text)
    return client.post(
        url,
        data={"csrf_token": token, **fields},
        files={"document": (name, data, "application/pdf")},
        follow_redirects=False,
    )


def rows(engine, officer) -> list[StepDocument]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(StepDocument)
                .where(StepDocument.dossier_id == officer.dossier_id)
                .order_by(StepDocument.step_code, StepDocument.version)
            )
        )


def events(engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def evidence_dir(tmp_path, monkeypatch):
    directory = tmp_path / "evidence"
    monkeypatch.setenv("SOCELEC_EVIDENCE_DIR", str(directory))
    get_settings.cache_clear()
    yield directory
    get_settings.cache_clear()


def test_an_officer_uploads_sees_and_downloads_a_notice(client, engine):
    officer = logged_in(client, engine)
    listing = text(client.get(f"/dossiers/{officer.number}/evidence"))
    for code in ("X−60", "X−35", "X+36"):
        assert code in listing
    assert listing.count("Aucun document envoyé pour cette étape.") == 5
    assert (
        f'href="/dossiers/{officer.number}/evidence"'
        in client.get(f"/dossiers/{officer.number}").text
    )  # the dossier page links to it

    notice = pdfs.notice_pdf()
    sent = upload(client, officer, "X-60", notice, name="C:\\scans\\Avis X-60 signé.pdf")
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{step_url(officer, 'X-60')}#versions"

    (row,) = rows(engine, officer)
    assert (row.step_code, row.version, row.variant, row.pages) == ("X-60", 1, "original", 1)
    assert (row.size, row.sha256) == (len(notice), hashlib.sha256(notice).hexdigest())
    assert row.content == notice and row.stored_as is None
    assert row.file_name == "Avis X-60 signé.pdf"
    # Stored in UTC (10:00 in Brussels on 15 November 2027 is 09:00 UTC) ...
    stored_at = row.uploaded_at.replace(tzinfo=row.uploaded_at.tzinfo or UTC)
    assert stored_at == datetime(2027, 11, 15, 9, tzinfo=UTC)
    # ... by the session, named by the digest the sessions table keeps of its token.
    with Session(engine) as session:
        (live,) = session.exec(
            select(PortalSession).where(PortalSession.dossier_id == officer.dossier_id)
        ).all()
    assert row.uploaded_by == live.token_hash

    page = text(client.get(step_url(officer, "X-60")))
    assert "Document enregistré." in page
    assert "Avis X-60 signé.pdf" in page and "pages : 1" in page
    assert "15 novembre 2027 à 10:00" in page  # Brussels time on screen
    assert row.sha256 in page

    download = client.get(f"{step_url(officer, 'X-60')}/1")
    assert download.status_code == 200
    assert download.content == notice
    assert hashlib.sha256(download.content).hexdigest() == row.sha256
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["content-disposition"] == (
        'attachment; filename="Avis_X-60_signe.pdf"; '
        "filename*=UTF-8''Avis%20X-60%20sign%C3%A9.pdf"
    )

    (uploaded,) = events(engine, "portal.evidence.uploaded")
    assert uploaded.subject == officer.number
    assert uploaded.detail["ip"] == "testclient"
    assert (uploaded.detail["step"], uploaded.detail["version"]) == ("X-60", 1)
    assert uploaded.detail["sha256"] == row.sha256
    (downloaded,) = events(engine, "portal.evidence.downloaded")
    assert downloaded.detail == {
        "ip": "testclient",
        "step": "X-60",
        "version": 1,
        "sha256": row.sha256,
    }
    # The audit trail holds facts, never the document nor the session token.
    dumped = repr([e.detail for e in events(engine, "portal.evidence.uploaded")])
    assert "%PDF" not in dumped and client.cookies.get(SESSION_COOKIE) not in dumped


def test_every_upload_is_a_new_version_and_none_is_overwritten(client, engine):
    officer = logged_in(client, engine)
    first, second = pdfs.blank_pdf(1), pdfs.blank_pdf(2)
    complaint, ruling = pdfs.blank_pdf(3), pdfs.blank_pdf(4)
    assert upload(client, officer, "X", first).status_code == 303
    # A later version says why.
    assert upload(client, officer, "X", second).status_code == 422
    assert upload(client, officer, "X", second, reason="scan lisible").status_code == 303
    decided = {"variant": "after_complaint", "reason": "décision du 22 février 2028"}
    assert upload(client, officer, "X", complaint, **decided).status_code == 303
    judged = {"variant": "after_ruling", "reason": "jugement du 7 mars 2028"}
    assert upload(client, officer, "X", ruling, **judged).status_code == 303

    kept = rows(engine, officer)
    assert [(r.version, r.variant, r.pages) for r in kept] == [
        (1, "original", 1),
        (2, "original", 2),
        (3, "after_complaint", 3),
        (4, "after_ruling", 4),
    ]
    for row, data in zip(kept, (first, second, complaint, ruling), strict=True):
        assert client.get(f"{step_url(officer, 'X')}/{row.version}").content == data
    page = text(client.get(step_url(officer, "X")))
    assert "Avis X modifié après réclamation" in page and "Raison : jugement du 7 mars 2028" in page
    listing = text(client.get(f"/dossiers/{officer.number}/evidence"))
    assert listing.count("Empreinte SHA-256") == 4


def test_only_the_x_notice_has_modified_texts_and_they_come_after_the_first(client, engine):
    officer = logged_in(client, engine)
    first = upload(client, officer, "X", pdfs.blank_pdf(), variant="after_ruling", reason="r")
    assert first.status_code == 422
    assert "Envoyez d'abord l'avis X tel qu'affiché au jour X" in text(first)
    assert upload(client, officer, "X-35", pdfs.blank_pdf()).status_code == 303
    other = upload(client, officer, "X-35", pdfs.blank_pdf(), variant="after_complaint", reason="r")
    assert other.status_code == 422
    assert 'name="variant"' not in client.get(step_url(officer, "X-35")).text
    assert [r.variant for r in rows(engine, officer)] == ["original"]


def test_in_a_directory_files_are_named_by_their_digest_and_private(client, engine, evidence_dir):
    officer = logged_in(client, engine)
    notice = pdfs.notice_pdf()
    assert upload(client, officer, "Y", notice).status_code == 303
    (row,) = rows(engine, officer)
    assert row.content is None and row.stored_as == f"{row.sha256}.pdf"
    path = evidence_dir / row.stored_as
    assert path.read_bytes() == notice
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert client.get(f"{step_url(officer, 'Y')}/1").content == notice
    # The same bytes again (here another step) share the file; nothing is written twice.
    assert upload(client, officer, "X-35", notice).status_code == 303
    assert [p.name for p in evidence_dir.iterdir()] == [row.stored_as]


@pytest.mark.parametrize("where", ["database", "directory"])
def test_a_tampered_document_is_never_served(client, engine, tmp_path, monkeypatch, where):
    if where == "directory":
        monkeypatch.setenv("SOCELEC_EVIDENCE_DIR", str(tmp_path / "evidence"))
        get_settings.cache_clear()
    officer = logged_in(client, engine)
    assert upload(client, officer, "X-60", pdfs.notice_pdf()).status_code == 303
    (row,) = rows(engine, officer)
    forged = pdfs.notice_pdf().replace(b"10 ", b"11 ", 1) + b"%"
    if where == "directory":
        (tmp_path / "evidence" / row.stored_as).write_bytes(forged)
    else:
        with engine.begin() as connection:
            connection.execute(
                update(StepDocument).where(StepDocument.id == row.id).values(content=forged)
            )
    refused = client.get(f"{step_url(officer, 'X-60')}/1")
    assert refused.status_code == 500
    assert b"%PDF" not in refused.content
    assert "son contenu ne correspond plus à celui qui a été envoyé" in text(refused)
    (event,) = events(engine, "portal.evidence.refused")
    assert "no longer match the digest" in event.detail["error"]
    assert not events(engine, "portal.evidence.downloaded")
    if where == "directory":  # a file gone is refused the same way
        (tmp_path / "evidence" / row.stored_as).unlink()
        assert client.get(f"{step_url(officer, 'X-60')}/1").status_code == 500
    get_settings.cache_clear()


def test_another_dossiers_documents_answer_404(client, other_client, engine):
    theirs = logged_in(other_client, engine)
    assert upload(other_client, theirs, "X-60", pdfs.notice_pdf()).status_code == 303
    mine = logged_in(client, engine)
    for path in ("", "/X-60", "/X-60/1"):
        response = client.get(f"/dossiers/{theirs.number}/evidence{path}", follow_redirects=False)
        assert response.status_code == 404, path
    token = csrf_of(client.get(step_url(mine, "X-60")).text)
    before = fingerprint(engine)
    forged = client.post(
        step_url(theirs, "X-60"),
        data={"csrf_token": token},
        files={"document": ("a.pdf", pdfs.blank_pdf(), "application/pdf")},
    )
    assert forged.status_code == 404
    assert fingerprint(engine) == before
    # In my own dossier: no such version, no such step.
    assert client.get(f"{step_url(mine, 'X-60')}/1").status_code == 404
    assert client.get(step_url(mine, "X+14")).status_code == 404


def test_an_upload_without_its_csrf_token_is_refused_and_stores_nothing(client, engine):
    officer = logged_in(client, engine)
    url = step_url(officer, "X-60")
    client.get(url)
    before = fingerprint(engine)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(
            url, data=data, files={"document": ("a.pdf", pdfs.notice_pdf(), "application/pdf")}
        )
        assert response.status_code == 403
        assert "formulaire a expiré" in text(response)
    assert fingerprint(engine) == before


def test_an_upload_after_the_session_ended_leads_to_login_and_stores_nothing(
    client, engine, clock, portal_settings
):
    officer = logged_in(client, engine)
    url = step_url(officer, "X-60")
    token = csrf_of(client.get(url).text)
    clock.advance(minutes=portal_settings.session_idle_minutes + 1)
    response = client.post(
        url,
        data={"csrf_token": token},
        files={"document": ("a.pdf", pdfs.notice_pdf(), "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert not rows(engine, officer)


REFUSED = {
    "not a PDF, named .pdf": (
        lambda: b"Avis X-60 (texte)\n",
        {},
        "Ce fichier n'est pas un PDF lisible",
    ),
    "encrypted": (pdfs.encrypted_pdf, {}, "chiffré ou protégé par un mot de passe"),
    "51 pages": (lambda: pdfs.blank_pdf(MAX_PAGES + 1), {}, "Ce PDF a 51 pages, 50 au plus"),
    "just over 10 MB": (lambda: pdfs.large_pdf(MAX_BYTES), {}, "dépasse 10 Mo"),
    "document JavaScript": (pdfs.document_javascript_pdf, {}, "contient du JavaScript"),
    "annotation JavaScript": (pdfs.annotation_javascript_pdf, {}, "contient du JavaScript"),
    "launch action": (pdfs.launch_pdf, {}, "une action qui lance un programme"),
    "embedded file": (pdfs.embedded_file_pdf, {}, "contient un fichier joint"),
    "no file": (lambda: b"", {}, "Choisissez le fichier PDF à envoyer."),
    "unknown variant": (pdfs.blank_pdf, {"variant": "rewritten"}, "Choisissez un des textes"),
}


@pytest.mark.parametrize(("build", "fields", "message"), REFUSED.values(), ids=REFUSED)
def test_every_refusal_names_its_rule_and_stores_nothing(client, engine, build, fields, message):
    officer = logged_in(client, engine)
    before = fingerprint(engine)
    refused = upload(client, officer, "X", build(), **fields)
    assert refused.status_code == 422
    page = text(refused)
    assert message in page
    field = "variant" if fields else "document"
    assert f'<a href="#{field}">' in refused.text  # the summary leads to the field
    assert f'id="{field}-error"' in refused.text
    assert fingerprint(engine) == before


def test_a_refusal_speaks_the_pages_language(client, engine):
    officer = logged_in(client, engine)
    client.get("/language/de")
    refused = upload(client, officer, "X-60", pdfs.launch_pdf())
    assert refused.status_code == 422
    assert "Aktion, die ein Programm startet" in text(refused)


def test_a_body_announced_over_the_limit_is_refused_unread(client, engine):
    officer = logged_in(client, engine)
    before = fingerprint(engine)
    refused = upload(client, officer, "X-60", b"%PDF-" + b"0" * BODY_LIMIT)
    assert refused.status_code == 413
    assert "dépasse 10 Mo" in text(refused) and 'id="document-error"' in refused.text
    assert fingerprint(engine) == before


def test_a_form_that_is_not_multipart_is_refused(client, engine):
    officer = logged_in(client, engine)
    url = step_url(officer, "X-60")
    token = csrf_of(client.get(url).text)
    refused = client.post(url, data={"csrf_token": token, "document": "avis.pdf"})
    assert refused.status_code == 400
    assert "Ce formulaire envoie un fichier" in text(refused)


def _send_until_answered(base_url: str, head: bytes, body: Iterator[bytes]) -> tuple[bytes, int]:
    """Send ``head``, then ``body`` a piece at a time until the server answers; the answer's
    status line and how many body bytes had been sent by then."""
    host, port = base_url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        for piece in body:
            if io_select.select([sock], [], [], 0)[0]:
                break  # answered: send no more
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        return sock.recv(65536).split(b"\r\n", 1)[0], sent


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_over_the_limit_is_not_read_whole(one_backend, client, app, engine, framing):
    """On a real server: a body that announces 100 MB is answered before a byte of it is
    sent; a chunked one is answered once the limit is passed, with most of its 100 MB unsent."""
    officer = logged_in(client, engine)
    url = step_url(officer, "X-60")
    client.get(url)
    cookie = client.cookies.get(SESSION_COOKIE)
    announced = 100 * 2**20
    piece = b"x" * 2**16
    if framing == "content-length":
        framing_header = f"Content-Length: {announced}"
        body = iter(())  # none: the answer comes to the headers alone
    else:
        framing_header = "Transfer-Encoding: chunked"
        # A well-formed file part that never ends: only its size can stop it.
        part = b'--b\r\nContent-Disposition: form-data; name="document"; filename="a.pdf"\r\n\r\n'
        pieces = itertools.chain([part], itertools.repeat(piece, announced // len(piece)))
        body = (b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
    head = (
        f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {SESSION_COOKIE}={cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\n{framing_header}\r\n\r\n"
    ).encode()
    before = fingerprint(engine)
    with running_portal(app) as base_url:
        status_line, sent = _send_until_answered(base_url, head, body)
    assert status_line.startswith(b"HTTP/1.1 413 "), status_line
    # Answered at the limit: what the client had sent by then is the limit plus what the
    # sockets' buffers took meanwhile (16 MB measured on loopback), far from the 100 MB.
    assert sent < announced // 4
    assert fingerprint(engine) == before
