"""The national results as the staff and the public read them: the Prefect artifacts' table and
Markdown, the open-data CSV and the CLI's JSON, all from one :class:`procedure.results.Results`
so they cannot disagree. Plain functions, tested without Prefect (as tasks/summaries.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import asdict

from procedure.results import (
    ALL_COLLEGES,
    BODIES,
    NATIONAL,
    ORGANISATIONS,
    CellKey,
    Results,
    Row,
)

#: The open-data CSV's columns, one row per figure of each cell.
CSV_COLUMNS = (
    "edition",
    "status",
    "dimension",
    "group",
    "body",
    "college",
    "measure",
    "organisation",
    "value",
    "suppressed",
)
SUPPRESSED = "suppressed"


def status_of(final: bool) -> str:
    return "final" if final else "provisional"


def _value(row: Row) -> str:
    return "" if row.value is None else str(row.value)


def open_data_csv(results: Results, edition_year: int, final: bool) -> bytes:
    """Every figure of every cell; a suppressed one has an empty value and ``suppressed`` true."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    status = status_of(final)
    for row in results.rows():
        writer.writerow(
            [
                edition_year,
                status,
                row.dimension,
                row.group,
                row.body,
                row.college,
                row.measure,
                row.organisation,
                _value(row),
                "true" if row.suppressed else "false",
            ]
        )
    return out.getvalue().encode()


def as_json(results: Results, edition_year: int, final: bool) -> dict:
    """The figures as the CLI prints them with --format json."""
    return {
        "edition": edition_year,
        "status": status_of(final),
        "forms": results.forms,
        "checked": results.checked,
        "coverage": [
            {"body": c.body, "expected": c.expected, "reported": c.reported, "share": c.share}
            for c in results.coverage
        ],
        "rows": [asdict(r) for r in results.rows()],
    }


def headline_table(results: Results) -> list[dict]:
    """One row per body and organisation, national, every college: the artifact's table and the
    CLI's table. A suppressed national cell shows ``suppressed``."""
    table = []
    for body in BODIES:
        figures = _national(results, body)
        if figures is None:
            continue
        for organisation in ORGANISATIONS:
            table.append(
                {
                    "body": body,
                    "organisation": organisation,
                    "votes": figures.get(("votes", organisation), SUPPRESSED),
                    "vote share %": figures.get(("vote_share", organisation), SUPPRESSED),
                    "seats": figures.get(("seats", organisation), SUPPRESSED),
                    "seat share %": figures.get(("seat_share", organisation), SUPPRESSED),
                    "turnout %": figures.get(("turnout", ""), SUPPRESSED),
                }
            )
    return table


def _national(results: Results, body: str) -> dict[tuple[str, str], object] | None:
    cell = results.cells.get(CellKey("national", NATIONAL, body, ALL_COLLEGES))
    if cell is None:
        return None
    return {
        (r.measure, r.organisation): SUPPRESSED if r.suppressed else r.value for r in cell.rows()
    }


def results_markdown(
    results: Results,
    edition_year: int,
    final: bool,
    where: Mapping[str, str],
    previous: Mapping[tuple[str, str, str], float] | None = None,
) -> str:
    """The artifact's Markdown: headline figures first, then coverage and where the files are."""
    lines = [f"# Social elections {edition_year}: {status_of(final)} results", ""]
    previous = previous or {}
    for body in BODIES:
        figures = _national(results, body)
        if figures is None:
            lines += [f"**{body}**: no election form yet", ""]
            continue
        lines += [
            f"**{body}**: turnout {figures[('turnout', '')]} %, "
            f"{figures[('elected', '')]} elected of {figures[('candidates', '')]} candidates",
            "",
            "| organisation | vote share % | seats | seat share % | previous vote share % |",
            "|---|---|---|---|---|",
        ]
        for organisation in ORGANISATIONS:
            before = previous.get((body, organisation, "vote_share"))
            lines.append(
                f"| {organisation} | {figures[('vote_share', organisation)]} | "
                f"{figures[('seats', organisation)]} | {figures[('seat_share', organisation)]} | "
                f"{'' if before is None else before} |"
            )
        lines.append("")
    lines += ["| body | dossiers expected | forms in | share % |", "|---|---|---|---|"]
    lines += [f"| {c.body} | {c.expected} | {c.reported} | {c.share} |" for c in results.coverage]
    lines += [
        "",
        f"{results.checked} of {results.forms} forms checked by staff. Cells resting on fewer "
        "than 3 companies, or that would reveal one by difference, are suppressed.",
        "",
    ]
    lines += [f"- {name}: `{path}`" for name, path in where.items()]
    return "\n".join(lines) + "\n"
