"""Specimen letters for the four-eyes review: real dossiers' data, throwaway passwords."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import func
from sqlmodel import Session, select

from models.credentials import generate_password
from models.db import get_engine
from models.dossier import Dossier
from models.editions import get_edition
from models.registry import Enterprise, TechnicalUnit
from procedure.documents import kind as kind_of
from templates.context import load_contexts
from templates.render import render_batch


@task(name="write-sample-letters", cache_policy=NO_CACHE)
def write_sample_letters(edition_year: int, kind_code: str, out_dir: str) -> list[str]:
    """One SPECIMEN letter per language, for the reviewer to open before approving.

    The password printed on it is drawn for the specimen and never stored: the PDF cannot open
    any dossier, and it says SPECIMEN on its face.
    """
    kind = kind_of(kind_code)
    with Session(get_engine()) as session:
        edition = get_edition(session, edition_year)
        firsts = session.exec(
            select(Enterprise.language, func.min(Dossier.id))
            .select_from(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
            .where(Dossier.edition_id == edition.id)
            .group_by(Enterprise.language)
            .order_by(Enterprise.language)
        ).all()
        ids = [dossier_id for _, dossier_id in firsts]
        passwords = {i: generate_password() for i in ids} if kind.carries_credential else None
        contexts = load_contexts(session, ids, passwords=passwords, specimen=True)
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for document in render_batch(kind, contexts):
        path = directory / f"{kind.code}-{document.language}-specimen.pdf"
        path.write_bytes(document.pdf)
        paths.append(str(path.resolve()))
    return paths
