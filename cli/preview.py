"""``socelec preview``: render one document as staff will see it, without sending or storing.

The PDF says "SPECIMEN" on its face; the password of an access-code preview is drawn for the
preview only and is never stored, so a preview changes nothing in the database.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from cli.common import console, database, fail
from models.credentials import generate_password, normalise_dossier_number
from procedure import KNOWN_EDITIONS, ElectionDayError, check_election_day
from procedure.documents import KINDS
from procedure.documents import kind as kind_of
from procedure.i18n import UnknownLanguageError, check_language
from templates.context import EditionInfo, dossier_ids_by_number, load_contexts, sample_context
from templates.render import RenderError, render_batch


def preview_command(
    kind: str = typer.Argument(..., help=f"Document kind: {', '.join(KINDS)}."),
    dossier: str | None = typer.Option(
        None,
        "--dossier",
        help="Dossier number, e.g. 28-CPPT-000412-51; default: a fictitious dossier.",
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="fr, nl or de; default: the enterprise's language (fr for the fictitious dossier).",
    ),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the PDF."),
    edition: int = typer.Option(2028, "--edition", help="Edition of the fictitious dossier."),
    election_day: datetime | None = typer.Option(
        None,
        "--election-day",
        formats=["%Y-%m-%d"],
        help="Day Y of the fictitious dossier; default: not chosen yet.",
    ),
) -> None:
    """Render KIND for one dossier into a PDF marked SPECIMEN, to check a template."""
    try:
        document_kind = kind_of(kind)
        language = check_language(lang) if lang is not None else None
    except (KeyError, UnknownLanguageError) as exc:
        raise fail(str(exc).strip("'\"")) from None
    password = generate_password() if document_kind.carries_credential else None
    if dossier is not None:
        if election_day is not None:
            raise fail(
                "election_day: only for the fictitious dossier; a stored dossier uses its own day Y"
            )
        number = normalise_dossier_number(dossier)
        with database() as session:
            found = dossier_ids_by_number(session, [number])
            if number not in found:
                raise fail(f"dossier: no dossier {number}")
            dossier_id = found[number]
            context = load_contexts(
                session,
                [dossier_id],
                passwords={dossier_id: password} if password else None,
                language=language,
                specimen=True,
            )[0]
            session.rollback()  # a preview writes nothing
    else:
        if edition not in KNOWN_EDITIONS:
            raise fail(
                f"edition: no known edition {edition} (known: "
                f"{', '.join(map(str, KNOWN_EDITIONS))})"
            )
        info = EditionInfo.of(KNOWN_EDITIONS[edition])
        day = election_day.date() if election_day else None
        if day is not None:
            try:
                check_election_day(info, day)
            except ElectionDayError as exc:
                raise fail(str(exc)) from None
        context = sample_context(
            info, language=language or "fr", election_day=day, password=password
        )
    try:
        document = render_batch(document_kind, [context])[0]
    except RenderError as exc:
        raise fail(str(exc)) from None
    output.write_bytes(document.pdf)
    console.print(
        f"wrote {output}: {document.kind}, {document.language}, dossier "
        f"{document.dossier_number}, {document.page_count} page(s), sha256 {document.sha256}",
        highlight=False,
        soft_wrap=True,
    )
