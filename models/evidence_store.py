"""Keeping and reading the documents officers upload (:class:`models.evidence.StepDocument`).

The bytes live in the row (``content``) by default, or, when ``SOCELEC_EVIDENCE_DIR`` is set, in
that directory as a file named by their SHA-256 (``stored_as``), written private and complete
by :func:`models.files.create_private_file`. Either way every read checks the bytes against the
digest and size recorded at upload: a document changed or lost at rest raises
:class:`EvidenceError`, it is never served. Nothing is overwritten: each upload is the next
version of its (dossier, step), beside the earlier ones.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from models.evidence import StepDocument
from models.files import create_private_file

# What stored_as may hold: the name this module gives a file, nothing that leaves the directory.
_STORED_NAME = re.compile(r"[0-9a-f]{64}\.pdf")


class EvidenceError(RuntimeError):
    """A document's bytes are missing or no longer match the digest recorded at upload."""


def versions(session: Session, dossier_id: int, step_code: str | None = None) -> list[StepDocument]:
    """The dossier's documents (of one step), by step and version, without their bytes."""
    query = (
        select(StepDocument)
        .where(StepDocument.dossier_id == dossier_id)
        .options(defer(StepDocument.content))
        .order_by(StepDocument.step_code, StepDocument.version)
    )
    if step_code is not None:
        query = query.where(StepDocument.step_code == step_code)
    return list(session.exec(query))


def find_version(
    session: Session, dossier_id: int, step_code: str, version: int
) -> StepDocument | None:
    return session.exec(
        select(StepDocument).where(
            StepDocument.dossier_id == dossier_id,
            StepDocument.step_code == step_code,
            StepDocument.version == version,
        )
    ).first()


def add_version(session: Session, data: bytes, evidence_dir: Path | None, **fields) -> StepDocument:
    """``data`` as the next version of the (``dossier_id``, ``step_code``) of ``fields``, which
    give the row's other columns (variant, reason, file name, pages, uploader, time); its
    digest and size are taken here, from the bytes kept.

    The file, if any, is written before the row is flushed in the caller's transaction: a row
    never names a file that is not whole. Two uploads of a step at once meet the unique
    (dossier, step, version) at the flush or the commit; the caller tries again.
    """
    digest = hashlib.sha256(data).hexdigest()
    content, stored_as = data, None
    if evidence_dir is not None:
        stored_as = f"{digest}.pdf"
        path = evidence_dir / stored_as
        if not create_private_file(path, data):
            # The same bytes were uploaded before (any dossier, any step): that file serves
            # both, if it is still what was written.
            _checked(path.read_bytes(), digest, len(data), path)
        content = None
    latest = session.exec(
        select(func.max(StepDocument.version)).where(
            StepDocument.dossier_id == fields["dossier_id"],
            StepDocument.step_code == fields["step_code"],
        )
    ).one()
    document = StepDocument(
        **fields,
        version=(latest or 0) + 1,
        size=len(data),
        sha256=digest,
        content=content,
        stored_as=stored_as,
    )
    session.add(document)
    session.flush()
    return document


def read_content(document: StepDocument, evidence_dir: Path | None) -> bytes:
    """The bytes of ``document``, checked against its digest and size; :class:`EvidenceError`
    when they are missing or differ."""
    what = f"step_document {document.id} (dossier {document.dossier_id}, {document.step_code} "
    what += f"v{document.version})"
    if document.content is not None:
        data = document.content
    elif document.stored_as is None or not _STORED_NAME.fullmatch(document.stored_as):
        raise EvidenceError(f"{what}: stored_as: neither bytes nor a file name of this store")
    elif evidence_dir is None:
        raise EvidenceError(f"{what}: kept as a file, but SOCELEC_EVIDENCE_DIR is not set")
    else:
        path = evidence_dir / document.stored_as
        try:
            data = path.read_bytes()
        except OSError as error:
            raise EvidenceError(f"{what}: {path}: cannot be read ({error})") from error
    _checked(data, document.sha256, document.size, what)
    return data


def _checked(data: bytes, sha256: str, size: int, what: object) -> None:
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        raise EvidenceError(f"{what}: its bytes no longer match the digest recorded at upload")
