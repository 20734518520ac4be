"""The tasks of publish-results (flows/publish_results.py): each does one thing."""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.db import get_engine, session_scope
from models.editions import get_edition
from models.results import (
    PreviousFigures,
    check_forms,
    edition_results,
    previous_figures,
    require_final,
)
from models.results import record_publication as record
from models.settings import get_settings
from procedure.results import Results
from tasks.results import open_data_csv, status_of
from templates.results_report import render_report

#: Provisional figures are published daily until this long after the voting window.
PUBLICATION_DAYS_AFTER_WINDOW = 60
LANGUAGES = ("fr", "nl", "de")


@task(name="find-publication-period", cache_policy=NO_CACHE)
def publication_period(edition_year: int) -> tuple[date, date]:
    with session_scope(get_engine()) as session:
        edition = get_edition(session, edition_year)
        last = edition.window_last + timedelta(days=PUBLICATION_DAYS_AFTER_WINDOW)
        return edition.window_first, last


@task(name="compute-results", cache_policy=NO_CACHE)
def compute_results(
    edition_year: int, final: bool, checked_by: str | None
) -> tuple[Results, PreviousFigures | None]:
    """The figures of the edition's included forms (checked first when ``checked_by``), and
    the previous edition's national figures staff loaded."""
    with session_scope(get_engine()) as session:
        edition = get_edition(session, edition_year)
        if checked_by:
            check_forms(session, edition, checked_by)
            session.flush()
        results = edition_results(session, edition)
        if final:
            require_final(results, edition)
        return results, previous_figures(session, edition_year)


def results_directory(edition_year: int) -> Path:
    """Absolute: the paths the flow returns and the demo prints are read from anywhere."""
    return get_settings().data_dir.resolve() / "results" / str(edition_year)


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


@task(name="write-results-files", cache_policy=NO_CACHE)
def write_results_files(
    results: Results, previous: PreviousFigures | None, edition_year: int, final: bool, day: date
) -> dict[str, str]:
    """The open-data CSV and the report in each language; returns their paths."""
    directory = results_directory(edition_year)
    stem = f"results-{edition_year}-{status_of(final)}"
    where = {"directory": str(directory), "csv": str(directory / f"{stem}.csv")}
    _write(Path(where["csv"]), open_data_csv(results, edition_year, final))
    for lang in LANGUAGES:
        path = directory / f"{stem}-{lang}.pdf"
        pdf = render_report(
            results,
            edition_year=edition_year,
            final=final,
            lang=lang,
            previous=previous.shares if previous else None,
            previous_source=previous.source if previous else None,
            previous_year=previous.year if previous else None,
            generated_on=day,
        )
        _write(path, pdf)
        where[f"report_{lang}"] = str(path)
    return where


@task(name="record-publication", cache_policy=NO_CACHE)
def record_publication(
    results: Results, edition_year: int, final: bool, actor: str, where: str
) -> None:
    with session_scope(get_engine()) as session:
        record(session, get_edition(session, edition_year), results, final, actor, where)
