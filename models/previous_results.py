"""The previous edition's national figures, to set the new results beside them.

Staff load them from a CSV file (docs/results/previous-2024.csv is the first), one row per
edition, body, organisation and measure, each with the URL its figure comes from
(docs/procedure.md#national-results-of-2024). socelec computes none of them: they are what the
FPS or the press published for an edition socelec did not run.

:func:`load_previous_results` checks the whole file before it writes anything, as the registry
import does (models/registry_file.py): every bad row is named with its line, column and rule,
and a file with one bad row stores nothing. A good file replaces every figure of the editions
it holds (a corrected file is the new truth for its editions; other editions stay), and the
load is audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint, delete
from sqlmodel import Field, Session, SQLModel, col

from models.audit import AuditEvent
from models.base import one_of, timestamp_field
from models.registry_file import RowError


class PreviousBody(StrEnum):
    """The body a figure is about; ``all`` for one that covers both."""

    CE = "CE"
    CPPT = "CPPT"
    all = "all"


class PreviousOrganisation(StrEnum):
    """The organisations of the national figures (procedure.forms' keys); ``other`` holds the
    individual lists and any other list."""

    abvv_fgtb = "abvv_fgtb"
    acv_csc = "acv_csc"
    aclvb_cgslb = "aclvb_cgslb"
    nck_cnc = "nck_cnc"
    other = "other"


class Measure(StrEnum):
    """What the value is, in percent: of the valid votes, or of the seats."""

    vote_share = "vote_share"
    seat_share = "seat_share"


class PreviousResult(SQLModel, table=True):
    """One published national figure of an earlier edition, in percent."""

    __tablename__ = "previous_result"
    __table_args__ = (
        UniqueConstraint(
            "edition", "body", "organisation", "measure", name="uq_previous_result_figure"
        ),
        one_of("body", PreviousBody, name="ck_previous_result_body"),
        one_of("organisation", PreviousOrganisation, name="ck_previous_result_organisation"),
        one_of("measure", Measure, name="ck_previous_result_measure"),
        CheckConstraint("value >= 0 AND value <= 100", name="ck_previous_result_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The earlier edition's year (2024), not a foreign key: socelec did not run that edition.
    edition: int = Field(index=True)
    body: str = Field(max_length=4)
    organisation: str = Field(max_length=20)
    measure: str = Field(max_length=20)
    value: float
    # The URL the figure comes from.
    source: str = Field(max_length=500)
    loaded_at: datetime = timestamp_field()
    loaded_by: str = Field(max_length=200)


COLUMNS = ("edition", "body", "organisation", "measure", "value", "source")
#: The shares of one edition, body and measure may add up to a little over 100 (each share
#: is rounded, to two decimals in the FPS's figures); more is an error in the file.
ROUNDING_MARGIN = 0.5
_VALUE = re.compile(r"\d{1,3}(?:[.,]\d+)?")
_URL = re.compile(r"https?://[^\s/]+\.[^\s]+")


class PreviousResultsError(ValueError):
    """The file cannot be loaded; ``errors`` lists every problem, as ``line N: column: rule``."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:20])
        more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(
            f"{len(errors)} error(s) in the previous results file, nothing was loaded:\n"
            f"{shown}{more}"
        )


@dataclass(frozen=True)
class _Figure:
    line: int
    edition: int
    body: str
    organisation: str
    measure: str
    value: float
    source: str

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.edition, self.body, self.organisation, self.measure)


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PreviousResultsError(
            [RowError(line, "file", f"is not UTF-8 text (byte 0x{data[exc.start]:02x})")]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PreviousResultsError([RowError(line, "file", "holds a NUL byte: not CSV text")])
    if not text.strip():
        raise PreviousResultsError(
            [RowError(1, "file", f"is empty: expected the header {','.join(COLUMNS)}")]
        )
    return text


def _edition(raw: str, errors: list[RowError], line: int) -> int:
    if not (len(raw) == 4 and raw.isascii() and raw.isdigit() and 1900 <= int(raw) <= 2999):
        errors.append(RowError(line, "edition", "must be an edition's year, 4 digits (2024)"))
        return 0
    return int(raw)


def _choice(raw: str, name: str, values: type[StrEnum], errors: list[RowError], line: int) -> str:
    allowed = {value.casefold(): str(value) for value in values}
    value = allowed.get(raw.casefold())
    if value is None:
        errors.append(RowError(line, name, f"must be one of {', '.join(values)}"))
        return ""
    return value


def _value(raw: str, errors: list[RowError], line: int) -> float:
    # A decimal comma as Belgian spreadsheets write it (49,84) is a decimal point.
    if not (raw.isascii() and _VALUE.fullmatch(raw)) or float(raw.replace(",", ".")) > 100:
        errors.append(RowError(line, "value", "must be a percentage from 0 to 100 (49.84)"))
        return 0.0
    return float(raw.replace(",", "."))


def _source(raw: str, errors: list[RowError], line: int) -> str:
    if not raw:
        errors.append(RowError(line, "source", "is required: the URL the figure comes from"))
    elif len(raw) > 500:
        errors.append(RowError(line, "source", f"must be at most 500 characters (has {len(raw)})"))
    elif any(unicodedata.category(c) in ("Cc", "Cf") for c in raw) or not _URL.fullmatch(raw):
        errors.append(RowError(line, "source", "must be the http(s) URL the figure comes from"))
    return raw


def parse_previous_results(data: bytes) -> list[_Figure]:
    """The figures of a previous results file, or :class:`PreviousResultsError` with every
    problem found."""
    text = _text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise PreviousResultsError(
            [RowError(1, "header", f"cannot be read as CSV ({exc})")]
        ) from None
    if sorted(header) != sorted(COLUMNS):
        missing = [c for c in COLUMNS if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        twice = sorted({c for c in header if header.count(c) > 1})
        rule = "; ".join(
            part
            for part in (
                f"missing column(s): {', '.join(missing)}" if missing else "",
                f"unknown column(s): {', '.join(unknown)}" if unknown else "",
                f"column(s) named twice: {', '.join(twice)}" if twice else "",
            )
            if part
        )
        raise PreviousResultsError(
            [RowError(1, "header", f"{rule} (expected {','.join(COLUMNS)})")]
        )

    errors: list[RowError] = []
    figures: list[_Figure] = []
    rows = 0
    seen: dict[tuple[int, str, str, str], int] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue  # a blank line
            rows += 1
            if len(fields) != len(header):
                errors.append(
                    RowError(line, "row", f"has {len(fields)} fields, the header {len(header)}")
                )
                continue
            raw = {name: value.strip() for name, value in zip(header, fields, strict=True)}
            before = len(errors)
            figure = _Figure(
                line=line,
                edition=_edition(raw["edition"], errors, line),
                body=_choice(raw["body"], "body", PreviousBody, errors, line),
                organisation=_choice(
                    raw["organisation"], "organisation", PreviousOrganisation, errors, line
                ),
                measure=_choice(raw["measure"], "measure", Measure, errors, line),
                value=_value(raw["value"], errors, line),
                source=_source(raw["source"], errors, line),
            )
            if len(errors) > before:
                continue
            if figure.key in seen:
                errors.append(
                    RowError(
                        line,
                        "organisation",
                        "duplicate: same edition, body, organisation and measure as line "
                        f"{seen[figure.key]}",
                    )
                )
                continue
            seen[figure.key] = line
            figures.append(figure)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"cannot be read as CSV ({exc})"))
    if not rows and not errors:
        errors.append(RowError(1, "file", "has a header but no rows"))
    totals: dict[tuple[int, str, str], list[_Figure]] = {}
    for figure in figures:
        totals.setdefault((figure.edition, figure.body, figure.measure), []).append(figure)
    for (edition, body, measure), group in totals.items():
        total = sum(f.value for f in group)
        if total > 100 + ROUNDING_MARGIN:
            errors.append(
                RowError(
                    group[-1].line,
                    "value",
                    f"the {measure} figures of {edition} {body} add up to {total:.2f} %, "
                    f"more than 100 (+{ROUNDING_MARGIN} for rounding)",
                )
            )
    if errors:
        raise PreviousResultsError(sorted(errors, key=lambda e: e.line))
    return figures


def load_previous_results(session: Session, csv_bytes: bytes, actor: str) -> int:
    """Replace the figures of the editions the file holds by its rows; return how many.

    The whole file is checked first (:func:`parse_previous_results`): a bad file raises
    :class:`PreviousResultsError` and writes nothing. The caller's transaction commits."""
    figures = parse_previous_results(csv_bytes)
    editions = sorted({f.edition for f in figures})
    replaced = session.execute(
        delete(PreviousResult).where(col(PreviousResult.edition).in_(editions))
    ).rowcount
    now = datetime.now(UTC)
    session.add_all(
        PreviousResult(
            edition=f.edition,
            body=f.body,
            organisation=f.organisation,
            measure=f.measure,
            value=f.value,
            source=f.source,
            loaded_at=now,
            loaded_by=actor,
        )
        for f in figures
    )
    session.add(
        AuditEvent(
            actor=actor,
            action="previous_results.load",
            subject=", ".join(str(e) for e in editions),
            detail={
                "editions": editions,
                "rows": len(figures),
                "replaced": replaced,
                "sha256": hashlib.sha256(csv_bytes).hexdigest(),
            },
        )
    )
    session.flush()
    return len(figures)
