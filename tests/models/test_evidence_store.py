"""models.evidence_store on both backends: versions numbered per dossier and step, the bytes in
the row or a file, and a read that never returns what the digest does not match."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from models.evidence import StepDocument
from models.evidence_store import EvidenceError, add_version, read_content, versions
from tests.portal.helpers import officer_dossier

AT = datetime(2028, 2, 8, 9, tzinfo=UTC)


def _add(session, dossier_id: int, code: str, data: bytes, directory=None) -> StepDocument:
    return add_version(
        session,
        data,
        directory,
        dossier_id=dossier_id,
        step_code=code,
        file_name="avis.pdf",
        pages=1,
        uploaded_at=AT,
        uploaded_by="0" * 64,
    )


def test_versions_count_per_dossier_and_step(engine):
    one, two = officer_dossier(engine), officer_dossier(engine)
    with Session(engine) as session:
        numbers = [
            (_add(session, dossier, code, b"%PDF-" + code.encode()).version)
            for dossier, code in (
                (one.dossier_id, "X"),
                (one.dossier_id, "X"),
                (one.dossier_id, "Y"),
                (two.dossier_id, "X"),
            )
        ]
        session.commit()
        assert numbers == [1, 2, 1, 1]
        kept = versions(session, one.dossier_id, "X")
        assert [(d.version, d.size) for d in kept] == [(1, 6), (2, 6)]


def test_a_file_outside_the_store_or_without_its_directory_is_not_read(engine, tmp_path):
    officer = officer_dossier(engine)
    with Session(engine) as session:
        document = _add(session, officer.dossier_id, "X-60", b"%PDF-1.7 notice", tmp_path)
        session.commit()
        assert read_content(document, tmp_path) == b"%PDF-1.7 notice"
        with pytest.raises(EvidenceError, match="SOCELEC_EVIDENCE_DIR is not set"):
            read_content(document, None)
        document.stored_as = "../../etc/passwd"
        with pytest.raises(EvidenceError, match="neither bytes nor a file name of this store"):
            read_content(document, tmp_path)
