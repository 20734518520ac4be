"""Bad input gets a clear error naming the row or field and the rule, and changes nothing.

- the registry (``socelec registry import``): hypothesis-generated files whose rows are all
  valid always import; a file with one field broken is always refused with ``line N: field:
  rule``, imports nothing and never echoes an SSIN; malformed files (encodings, BOM,
  separators, columns, empty, 100 MB) are refused before anything is written;
- calendar requests: ``compute_calendar`` for any window and any day, ``socelec calendar``
  for any options, the portal's choose-Y form for any text;
- documents handed to the e-Box adapter that are too big or not PDFs: refused before any
  HTTP request;
- hostile names (HTML, quotes, very long words, invisible characters) in the letters, the
  print batch and the portal.

"Changes nothing" is checked on a fingerprint of every table (:func:`fingerprint`) taken
before and after. Hypothesis runs derandomized, without its example database, so CI sees
the same examples on every run.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import random
import re
import subprocess
import tracemalloc
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import httpx
import icalendar
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from ebox_adapter import Document, EboxClient, PublicationInvalid
from ebox_adapter.publication import MAX_FILES, MAX_TOTAL_BYTES
from models import Dossier, Edition, Enterprise, TechnicalUnit
from models.campaign import open_dossiers
from models.registry_file import (
    COLUMNS,
    ENTERPRISE_COLUMNS,
    OPTIONAL_COLUMNS,
    UNIT_COLUMNS,
    parse_registry,
)
from models.registry_import import import_registry
from models.registry_sample import sample_registry
from portal.app import create_app
from portal.settings import PortalSettings
from procedure import (
    KNOWN_EDITIONS,
    STEPS,
    ElectionDayError,
    StepKind,
    WorkingDays,
    compute_calendar,
    valid_election_days,
)
from templates.context import EditionInfo, load_contexts
from templates.print_batch import PrintItem, address_sheets
from templates.render import render_batch
from tests.ebox.conftest import DIGITAL, SAMPLE_PDF, publication
from tests.ebox.sandbox_server import ebox_sandbox  # noqa: F401 (fixture)
from tests.factories import load_sample
from tests.portal.helpers import ManualClock, csrf_of, log_in, officer_dossier
from tests.procedure.test_calendar_properties import assert_invariants
from tests.reliability.helpers import fingerprint

runner = CliRunner(env={"COLUMNS": "250"})  # rich wraps at the terminal width


def repeatable(examples: int) -> settings:
    """Derandomized and without the example database: the same examples on every machine and
    run. The fixtures a test takes once serve all its examples (each example cleans up or
    checks what it left), hence the function-scoped fixture check is off."""
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=examples,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def run(*args: str):
    """``socelec ARGS`` in process; an uncaught exception fails the test (no traceback exits)."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def import_file(path, data: bytes):
    """``socelec registry import`` of ``data``, saved at ``path``."""
    path.write_bytes(data)
    return run("registry", "import", str(path))


# ----- the registry: hypothesis-generated files ------------------------------------------------


def normalised(text: str) -> str:
    """What the registry keeps of a text field (models.registry_file: runs of spaces → one)."""
    return " ".join(text.split())


# Any character a name may hold: control (Cc) and invisible formatting (Cf) ones are refused.
VISIBLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs"))
# Those that make a row invalid; NUL is the file's problem (tested below), whitespace ones are
# folded into spaces like any run of blanks.
HIDDEN = st.characters(categories=("Cc", "Cf"), codec="utf-8").filter(
    lambda c: c != "\x00" and not c.isspace()
)


def words(max_size: int) -> st.SearchStrategy[str]:
    return st.text(VISIBLE, min_size=1, max_size=max_size).filter(normalised)


def with_check_digits(base: int) -> str:
    return f"{base:08d}{97 - base % 97:02d}"


def spellings(number: str) -> st.SearchStrategy[str]:
    """The ways staff write an enterprise number (docs/ebox.md#enterprise-numbers: 10 digits,
    0 or 1 first)."""
    dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"
    return st.sampled_from([number, dotted, f"BE{number}", f"BE {dotted}"])


def ssin_check_digits(base: str) -> set[int]:
    """Both check digits an SSIN may carry: born before 2000, or from 2000 on (prefix 2)."""
    return {97 - int(base) % 97, 97 - int("2" + base) % 97}


@st.composite
def ssins(draw) -> str:
    born = draw(st.dates(date(1940, 1, 1), date(2008, 12, 31)))
    base = f"{born:%y%m%d}{draw(st.integers(1, 997)):03d}"
    return f"{base}{97 - int(('2' if born.year >= 2000 else '') + base) % 97:02d}"


@st.composite
def unit_columns(draw, ce_exists_column: bool) -> dict[str, str]:
    """A unit's own columns, with bodies that agree with its workforce
    (docs/procedure.md#thresholds)."""
    blue, white = draw(st.integers(0, 130)), draw(st.integers(0, 130))
    young = draw(st.integers(0, 30))
    blue += max(0, 50 - blue - white - young)  # a unit in the registry elects a body
    total = blue + white + young
    ce_exists = ce_exists_column and draw(st.booleans())
    has_ce = total >= 100 or ce_exists
    return {
        "unit_name": draw(words(200)),
        "unit_street": draw(words(200)),
        "unit_postal_code": str(draw(st.integers(1000, 9999))),
        "unit_city": draw(words(100)),
        "bodies": draw(
            st.sampled_from(
                ["CPPT+CE", "ce + cppt", "CPPT,CE", "CPPT;CE"] if has_ce else ["CPPT", " cppt "]
            )
        ),
        "workers_blue_collar": str(blue),
        "workers_white_collar": str(white),
        "workers_young": str(young),
        "workers_cadre": str(draw(st.integers(0, white))),
        "ce_exists": draw(
            st.sampled_from(
                ["yes", "1", "oui", "JA", "true"]
                if ce_exists
                else ["", "no", "0", "non", "nee", "nein"]
            )
        ),
    }


@dataclass
class Registry:
    """A registry file as staff could save it, and what each row must become."""

    columns: list[str]
    rows: list[dict[str, str]]
    numbers: list[str]  # each row's enterprise number, compact
    ssins: list[str | None]  # each row's officer SSIN, compact
    delimiter: str = ","
    bom: bool = False
    newline: str = "\n"
    broken: tuple[int, str, str] | None = field(default=None)  # line, field, rule

    def to_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=self.columns, delimiter=self.delimiter, lineterminator=self.newline
        )
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in self.columns} for row in self.rows)
        return (codecs.BOM_UTF8 if self.bom else b"") + out.getvalue().encode()


# The ways a file may give a joint committee and a sector, and what the registry keeps of them.
JOINT_COMMITTEES = ["200", " 124 ", "118.01", "330 .04", ""]
SECTORS = ["commercial", "NON_COMMERCIAL", "non-commercial", " Commercial ", ""]


@st.composite
def registries(draw, columns_needed: tuple[str, ...] = (), twin_units: bool = False) -> Registry:
    """A valid registry; ``columns_needed`` are among its optional columns, and with
    ``twin_units`` its first enterprise has two units or more."""
    optional = [c for c in OPTIONAL_COLUMNS if c in columns_needed or draw(st.booleans())]
    columns = draw(st.permutations([*ENTERPRISE_COLUMNS, *UNIT_COLUMNS, *optional]))
    numbers = draw(
        st.lists(
            st.integers(2_000_000, 19_999_999).map(with_check_digits),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    rows = []
    for number in numbers:
        enterprise = {
            "enterprise_name": draw(words(200)),
            "street": draw(words(200)),
            "language": draw(st.sampled_from(["fr", "nl", "de", "FR", " nl ", "De"])),
            "postal_code": str(draw(st.integers(1000, 9999))),
            "city": draw(words(100)),
        }
        ssin = draw(st.none() | ssins()) if "officer_ssin" in columns else None
        units = 2 if twin_units and number == numbers[0] else 1
        for code in draw(st.lists(words(20), min_size=units, max_size=3, unique_by=normalised)):
            row = {
                "enterprise_number": draw(spellings(number)),
                **enterprise,
                "unit_code": code,
                **draw(unit_columns("ce_exists" in columns)),
            }
            if "joint_committee" in columns:
                row["joint_committee"] = draw(st.sampled_from(JOINT_COMMITTEES))
            if "sector" in columns:
                row["sector"] = draw(st.sampled_from(SECTORS))
            if ssin:
                row["officer_ssin"] = draw(
                    st.sampled_from(
                        [ssin, f"{ssin[:2]}.{ssin[2:4]}.{ssin[4:6]}-{ssin[6:9]}.{ssin[9:]}"]
                    )
                )
            rows.append((row, number, ssin))
    rows = draw(st.permutations(rows))  # an enterprise's units need not be together
    return Registry(
        columns=list(columns),
        rows=[r for r, _, _ in rows],
        numbers=[n for _, n, _ in rows],
        ssins=[s for _, _, s in rows],
        delimiter=draw(st.sampled_from([",", ";"])),
        bom=draw(st.booleans()),
        newline=draw(st.sampled_from(["\n", "\r\n"])),
    )


TEXT_LIMITS = {
    "enterprise_name": 200,
    "street": 200,
    "city": 100,
    "unit_name": 200,
    "unit_street": 200,
    "unit_city": 100,
    "unit_code": 20,
}
NOT_A_COUNT = ["-1", "1.5", "abc", "", "1e3", "²", "١٢", " 12 000", "0x10"]
NOT_A_POSTAL_CODE = ["", "999", "0999", "10000", "B-1000", "1 000", "abcd", "１０００", "١٠٠٠"]


def _broken_value(draw, reg: Registry, index: int, name: str) -> tuple[str, str, int]:
    """A value that breaks ``name`` in row ``index``: (value, rule it breaks, line reported)."""
    row, line = reg.rows[index], index + 2
    if name == "enterprise_number":
        number = reg.numbers[index]
        wrong = f"{number[:8]}{(int(number[8:]) + draw(st.integers(1, 98))) % 100:02d}"
        return (
            draw(st.sampled_from([wrong, "", "12345", "ABCDEFGHIJ"])),
            "is not a valid enterprise number",
            line,
        )
    if name in TEXT_LIMITS:
        limit = TEXT_LIMITS[name]
        value = normalised(row[name])[: limit - 1]  # room for the hidden character
        cut = draw(st.integers(0, len(value)))
        return draw(
            st.sampled_from(
                [
                    ("", "is required"),
                    ("x" * (limit + 1), f"must be at most {limit} characters"),
                    (
                        value[:cut] + draw(HIDDEN) + value[cut:],
                        "must not contain control or invisible formatting characters",
                    ),
                ]
            )
        ) + (line,)
    if name == "unit_code_duplicate":
        twins = [i for i, n in enumerate(reg.numbers) if n == reg.numbers[index] and i != index]
        other = draw(st.sampled_from(twins))
        return (
            reg.rows[other]["unit_code"],
            "duplicate: same enterprise and unit as line",
            max(index, other) + 2,
        )
    if name == "language":
        return (
            draw(st.sampled_from(["en", "", "FR-BE", "fra", "nl;"])),
            "must be fr, nl or de",
            line,
        )
    if name in ("postal_code", "unit_postal_code"):
        return draw(st.sampled_from(NOT_A_POSTAL_CODE)), "must be a Belgian postal code", line
    if name == "bodies":
        has_ce = "CE" in row["bodies"].upper().replace("CPPT", "")
        return draw(
            st.sampled_from(
                [
                    ("", "must be CPPT or CPPT+CE"),
                    ("OR", "must be CPPT or CPPT+CE"),
                    ("CPPT+OR", "must be CPPT or CPPT+CE"),
                    ("CE", "a CE goes with a CPPT"),
                    ("CPPT+CPPT", "names a body twice"),
                    ("CPPT", "a unit with") if has_ce else ("CPPT+CE", "a CE needs"),
                ]
            )
        ) + (line,)
    if name == "workers_cadre_too_many":
        white = int(row["workers_white_collar"])
        return str(white + draw(st.integers(1, 40))), "cadres are white-collar workers", line
    if name.startswith("workers_"):
        return draw(
            st.sampled_from(
                [(v, "must be a whole number of workers") for v in NOT_A_COUNT]
                + [("1000001", "must be at most 1000000")]
            )
        ) + (line,)
    if name == "ce_exists":
        return draw(st.sampled_from(["maybe", "2", "oui!", "si"])), "must be yes or no", line
    if name == "joint_committee":
        return (
            draw(st.sampled_from(["20", "2000", "200.1", "PC 200", "200,01", "２００", "200."])),
            "must be a joint committee number",
            line,
        )
    if name == "sector":
        return (
            draw(st.sampled_from(["profit", "public", "marchand", "non commercial", "1"])),
            "must be commercial or non_commercial",
            line,
        )
    if name == "working_days":
        return (
            draw(st.sampled_from(["mon-sun", "weekdays", "5", "lun-ven"])),
            "must be mon-fri or mon-sat",
            line,
        )
    assert name == "officer_ssin"
    base = draw(ssins())[:9]
    wrong = draw(st.sampled_from([c for c in range(100) if c not in ssin_check_digits(base)]))
    return (
        draw(st.sampled_from([f"{base}{wrong:02d}", "123", "abcdefghijk"])),
        "is not a valid national register or BIS number",
        line,
    )


#: Every way to break a row: each column, plus two rules that span columns.
BREAKAGES = sorted([*COLUMNS, "workers_cadre_too_many", "unit_code_duplicate"])


@st.composite
def broken_registries(draw, breakage: str) -> Registry:
    """A valid registry with one field of one row broken, the ``breakage`` way."""
    twins = breakage == "unit_code_duplicate"
    reg = draw(registries(columns_needed=(breakage,), twin_units=twins))
    rows = [i for i, n in enumerate(reg.numbers) if not twins or reg.numbers.count(n) > 1]
    index = draw(st.sampled_from(rows))
    value, rule, line = _broken_value(draw, reg, index, breakage)
    column = {"unit_code_duplicate": "unit_code", "workers_cadre_too_many": "workers_cadre"}.get(
        breakage, breakage
    )
    reg.rows[index] = {**reg.rows[index], column: value}
    reg.broken = (line, column, rule)
    return reg


def _assert_imported(engine, reg: Registry) -> None:
    """Every row of the file is in the database with the values it gave."""
    with Session(engine) as session:
        for row, number, ssin in zip(reg.rows, reg.numbers, reg.ssins, strict=True):
            enterprise = session.exec(
                select(Enterprise).where(Enterprise.enterprise_number == number)
            ).one()
            assert (
                enterprise.name,
                enterprise.language,
                enterprise.street,
                enterprise.postal_code,
                enterprise.city,
                enterprise.officer_ssin,
            ) == (
                normalised(row["enterprise_name"]),
                row["language"].strip().lower(),
                normalised(row["street"]),
                row["postal_code"],
                normalised(row["city"]),
                ssin,
            )
            unit = session.exec(
                select(TechnicalUnit).where(
                    TechnicalUnit.enterprise_id == enterprise.id,
                    TechnicalUnit.code == normalised(row["unit_code"]),
                )
            ).one()
            assert (
                unit.name,
                unit.city,
                unit.workers_blue_collar,
                unit.workers_cadre,
                unit.has_ce,
                unit.joint_committee,
                unit.sector,
            ) == (
                normalised(row["unit_name"]),
                normalised(row["unit_city"]),
                int(row["workers_blue_collar"]),
                int(row["workers_cadre"]),
                "CE" in row["bodies"].upper().replace("CPPT", ""),
                "".join(row.get("joint_committee", "").split()) or None,
                row.get("sector", "").strip().lower().replace("-", "_") or None,
            )


def test_generated_registries_whose_rows_are_all_valid_always_import(engine, tmp_path):
    path = tmp_path / "registry.csv"

    @repeatable(20)
    @given(reg=registries())
    def check(reg: Registry) -> None:
        result = import_file(path, reg.to_bytes())
        assert result.exit_code == 0, result.output
        _assert_imported(engine, reg)

    check()


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_registry_with_one_broken_field_is_refused_naming_line_field_and_rule(
    engine, tmp_path, breakage
):
    load_sample(engine, 3)  # data that must stay as it was
    before = fingerprint(engine)
    path = tmp_path / "registry.csv"

    @repeatable(2)
    @given(reg=broken_registries(breakage))
    def check(reg: Registry) -> None:
        result = import_file(path, reg.to_bytes())
        line, column, rule = reg.broken
        assert result.exit_code == 1, result.output
        assert "nothing was imported" in result.output
        assert f"line {line}: {column}: {rule}" in result.output, (reg.broken, result.output)
        # An SSIN is personal data: no error names one, valid or not, in any spelling.
        for row in reg.rows:
            written = row.get("officer_ssin", "")
            digits = re.sub(r"\D", "", written)
            if len(digits) >= 9:
                assert written not in result.output and digits not in result.output, (
                    "an SSIN was echoed"
                )
        assert fingerprint(engine) == before

    check()


# ----- the registry: malformed files ------------------------------------------------------------

SAMPLE = sample_registry(3, seed=2028)  # the companies load_sample(engine, 3) imports
HEADER, *ROWS = SAMPLE.splitlines()


def _lines(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _with_column(text: str, name: str, value: str) -> bytes:
    """The sample with ``name`` set to ``value`` on every row."""
    column = HEADER.split(",").index(name)
    rows = [r.split(",") for r in text.splitlines()[1:]]
    for row in rows:
        row[column] = value
    return _lines(HEADER, *(",".join(r) for r in rows))


MALFORMED = {
    "cp1252": (
        _with_column(SAMPLE, "city", "Liège").decode().encode("cp1252"),
        "line 2: file: is not UTF-8 text (byte 0xe8)",
    ),
    "utf-16 with BOM": (SAMPLE.encode("utf-16"), "line 1: file: is UTF-16 text, not UTF-8"),
    "utf-16 without BOM": (SAMPLE.encode("utf-16-le"), "line 1: file: holds a NUL byte"),
    "binary garbage": (random.Random(7).randbytes(4096), "line 1: file: holds a NUL byte"),
    "a spreadsheet": (
        b"PK\x03\x04" + random.Random(8).randbytes(2048),
        "line 1: file: is a spreadsheet (xlsx, ods) or a zip archive",
    ),
    "a NUL in a field": (
        SAMPLE.replace(ROWS[1][:12], ROWS[1][:12] + "\x00", 1).encode(),
        "line 3: file: holds a NUL byte",
    ),
    "empty": (b"", "line 1: file: is empty"),
    "blank lines only": (b"\n \r\n\t\n", "line 1: file: is empty"),
    "a BOM and nothing else": (codecs.BOM_UTF8, "line 1: file: is empty"),
    "header only": (_lines(HEADER), "line 1: file: has a header but no rows"),
    "a missing column": (
        _lines(HEADER.replace(",city,", ",")),
        "line 1: header: missing column(s): city",
    ),
    "an extra column": (
        _lines(HEADER + ",fax", *(r + "," for r in ROWS)),
        "line 1: header: unknown column(s): fax",
    ),
    "a column twice": (
        _lines(HEADER + ",city", *(r + ",Gent" for r in ROWS)),
        "line 1: header: column(s) named twice: city",
    ),
    "a row with a field too many": (
        _lines(HEADER, ROWS[0], ROWS[1] + ",surplus", *ROWS[2:]),
        f"line 3: row: has more fields than the header's {len(COLUMNS)}",
    ),
    "semicolons in rows, commas in the header": (
        _lines(HEADER, *(r.replace(",", ";") for r in ROWS)),
        f"line 2: row: has fewer fields than the header's {len(COLUMNS)} (1); is the separator ','",
    ),
    "a quote left open": (
        _lines(HEADER, '"' + ROWS[0], *ROWS[1:], *(["x" * 1000] * 140)),
        "file: cannot be read as CSV (field larger than field limit (131072))",
    ),
    # str.isdigit() takes these; int() refused "²" with a traceback before models/registry_file
    # asked for ASCII digits.
    "a superscript digit in a count": (
        _with_column(SAMPLE, "workers_young", "²"),
        "line 2: workers_young: must be a whole number",
    ),
    "full-width digits in a postal code": (
        _with_column(SAMPLE, "postal_code", "１０００"),
        "line 2: postal_code: must be a Belgian postal code",
    ),
    "a correction with one bad row": (
        _with_column(SAMPLE, "city", "Namur").replace(b",nl,", b",en,", 1),
        "language: must be fr, nl or de",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_registry_file_is_refused_with_its_rule_and_changes_nothing(
    engine, tmp_path, case
):
    load_sample(engine, 3)
    before = fingerprint(engine)
    data, expected = MALFORMED[case]
    result = import_file(tmp_path / "registry.csv", data)
    assert result.exit_code == 1, result.output
    assert "nothing was imported" in result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert fingerprint(engine) == before


def test_the_same_companies_with_a_bom_semicolons_and_crlf_change_nothing(engine, tmp_path):
    """The control for the cases above: the sample itself, saved as Excel saves CSV."""
    load_sample(engine, 3)
    before = fingerprint(engine)
    excel = SAMPLE.replace(",", ";").replace("\n", "\r\n")
    result = import_file(tmp_path / "registry.csv", codecs.BOM_UTF8 + excel.encode())
    assert result.exit_code == 0, result.output
    assert "\n0 change(s)." in result.output
    # Only the audit trail grew (one registry.import event).
    assert fingerprint(engine) != before


def test_a_100_mb_registry_is_refused_by_its_size_before_it_is_read(engine, tmp_path):
    load_sample(engine, 3)
    before = fingerprint(engine)
    path = tmp_path / "huge.csv"
    block = ("\n".join(ROWS) + "\n").encode() * 2000
    with path.open("wb") as out:
        out.write(f"{HEADER}\n".encode())
        while out.tell() < 100 * 1024 * 1024:
            out.write(block)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        result = run("registry", "import", str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 2, result.output
    assert (
        f"is {size:,} bytes; the limit is 52,428,800 (SOCELEC_REGISTRY_MAX_BYTES)"
        in result.output.replace("\n", "")
    )
    # Reading it would allocate its 100 MB (and as much again decoded); refusing it costs a stat.
    # (No wall-time bound: on a loaded machine it would fail for reasons other than reading.)
    assert peak < 5 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    assert fingerprint(engine) == before


def test_invisible_characters_in_a_name_are_refused_and_named(engine, tmp_path):
    """A bidi override shows "evil" as "live" on the letter; a zero-width space makes two names
    that look the same differ: both are refused at the door."""
    load_sample(engine, 3)
    before = fingerprint(engine)
    name_column = HEADER.split(",").index("enterprise_name")
    unit_column = HEADER.split(",").index("unit_name")
    rows = [r.split(",") for r in ROWS]
    rows[0][name_column] = "Siège \u202eevil\u202c SA"
    rows[1][unit_column] = "Dupont\u200bLogistique"
    output = import_file(
        tmp_path / "registry.csv", _lines(HEADER, *(",".join(r) for r in rows))
    ).output
    assert (
        "line 2: enterprise_name: must not contain control or invisible formatting "
        "characters (U+202E)" in output
    )
    assert (
        "line 3: unit_name: must not contain control or invisible formatting characters "
        "(U+200B)" in output
    )
    assert fingerprint(engine) == before


# ----- calendar requests -------------------------------------------------------------------------


@st.composite
def windows(draw) -> EditionInfo:
    """Any window staff could set (or mistype): any year, any length, even backwards."""
    year = draw(st.integers(1950, 2200))
    first = draw(st.dates(date(year, 1, 1), date(year, 12, 31)))
    last = first + timedelta(days=draw(st.integers(-3, 30)))
    return EditionInfo(year, first, last, draw(st.sampled_from(["official", "provisional"])))


WORKING_DAYS = st.sampled_from([WorkingDays(), WorkingDays.saturday_worked()])


@repeatable(200)
@given(data=st.data())
def test_compute_calendar_for_any_window_and_any_day_holds_its_rules_or_names_the_rule(data):
    edition, working_days = data.draw(windows()), data.draw(WORKING_DAYS)
    y = data.draw(
        st.one_of(
            st.dates(
                edition.window_first - timedelta(days=20), edition.window_first + timedelta(days=50)
            ),
            st.dates(date(1900, 1, 1), date(2300, 12, 31)),
        )
    )
    inside = edition.window_first <= y <= edition.window_last
    if inside and working_days.is_working(y):
        calendar = compute_calendar(edition, y, working_days)
        assert (calendar.edition_year, calendar.y_day) == (edition.year, y)
        assert_invariants(calendar, working_days)  # X = Y − 90, deadlines moved, order kept
        for entry in calendar.entries:
            if entry.step.kind is StepKind.deadline:
                assert working_days.is_working(entry.effective_date), entry.code
        return
    with pytest.raises(ElectionDayError) as refused:
        compute_calendar(edition, y, working_days)
    assert str(refused.value).startswith(f"election_day {y.isoformat()} ")
    assert refused.value.field == "election_day"
    if inside:
        assert refused.value.rule.startswith("is not a working day (")
    else:
        assert refused.value.rule == "is outside the window"


@repeatable(30)
@given(value=st.one_of(st.text(max_size=12), st.integers(), st.none(), st.datetimes(), st.floats()))
def test_a_day_that_is_not_a_date_is_refused_as_such(value):
    with pytest.raises(ElectionDayError, match=r"is not a date; Y must be"):
        compute_calendar(KNOWN_EDITIONS[2028], value)


def _parsed_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()  # the option's declared format
    except ValueError:
        return None


def test_the_calendar_command_answers_any_options_with_a_calendar_or_a_named_rule(database_url):
    known = sorted(KNOWN_EDITIONS)

    @repeatable(40)
    @given(
        edition=st.one_of(st.sampled_from(known), st.integers()),
        day=st.one_of(
            st.sampled_from(known)
            .flatmap(lambda year: st.dates(date(year, 5, 1), date(year, 12, 1)))
            .map(date.isoformat),
            st.dates().map(date.isoformat),
            st.text(max_size=12),
        ),
        saturday=st.booleans(),
        output=st.sampled_from(["table", "json", "ics"]),
    )
    def check(edition: int, day: str, saturday: bool, output: str) -> None:
        args = [
            "calendar",
            f"--edition={edition}",
            f"--election-day={day}",
            f"--format={output}",
        ] + (["--saturday-worked"] if saturday else [])
        result = run(*args)
        y = _parsed_day(day)
        if y is None:
            assert result.exit_code == 2
            assert "Invalid value for '--election-day'" in result.output
            return
        if edition not in known:
            assert result.exit_code == 2
            assert (
                f"error: edition: {edition} is not a year" in result.output
                or f"error: edition: no edition {edition} (known: 2016, 2020, 2024, 2028)"
                in result.output
            )
            return
        working_days = WorkingDays.saturday_worked() if saturday else WorkingDays()
        if y not in valid_election_days(KNOWN_EDITIONS[edition], working_days):
            assert result.exit_code == 2
            assert f"error: election_day {y.isoformat()} is " in result.output
            return
        assert result.exit_code == 0, result.output
        if output == "json":
            calendar = json.loads(result.stdout)
            assert calendar["y_day"] == y.isoformat()
            assert calendar["x_day"] == (y - timedelta(days=90)).isoformat()
            assert len(calendar["entries"]) == len(STEPS)
            assert all(
                working_days.is_working(date.fromisoformat(e["effective_date"]))
                for e in calendar["entries"]
                if e["kind"] == "deadline"
            )
        elif output == "ics":
            events = icalendar.Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
            assert len(events) == len(STEPS)
        else:
            assert f"Y = {y.isoformat()}" in result.output

    check()


def test_the_portal_choose_y_form_takes_any_valid_day_and_refuses_any_other_text(engine):
    """Any text in the form's field: a valid Y of the 2028 window is saved, anything else gets
    the form back with the field's error (422) and the dossier keeps its day."""
    officer = officer_dossier(engine)
    valid = set(valid_election_days(KNOWN_EDITIONS[2028]))
    portal = create_app(PortalSettings(), clock=ManualClock(date(2027, 11, 15)))
    with TestClient(portal, base_url="https://testserver") as client:
        assert log_in(client, officer).status_code == 303
        url = f"/dossiers/{officer.number}"
        token = csrf_of(client.get(url).text)

        def current_y() -> date | None:
            with Session(engine) as session:
                return session.get(Dossier, officer.dossier_id).election_day

        @repeatable(40)
        @given(
            text=st.one_of(
                st.dates(date(2028, 4, 20), date(2028, 6, 10)).map(date.isoformat),
                st.text(max_size=14),
                st.sampled_from(
                    [
                        "2028-W19-2",
                        "20280509",
                        " 2028-05-09",
                        "2028-5-9",
                        "2028-05-09T00",
                        "<script>",
                        "2028-02-30",
                    ]
                ),
            )
        )
        def check(text: str) -> None:
            before = current_y()
            response = client.post(
                f"{url}/election-day",
                data={"csrf_token": token, "election_day": text},
                follow_redirects=False,
            )
            try:
                day = date.fromisoformat(text) if len(text) <= 10 else None
            except ValueError:
                day = None
            if day in valid:
                assert response.status_code == 303, response.text
                assert current_y() == day
            else:
                assert response.status_code == 422
                # The error sits on the field: the form's message, or the request's rule.
                assert (
                    'id="election_day-error"' in response.text
                    or "election_day : " in html.unescape(response.text)
                )
                assert current_y() == before
                assert "<script>" not in response.text

        check()


# ----- documents handed to the e-Box adapter -----------------------------------------------------


class CountingTransport(httpx.BaseTransport):
    """A real HTTP transport that counts the requests it carries."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
BAD_DOCUMENTS = {
    # socelec's limits (ebox_adapter.publication): 1 to 3 PDFs, 8 MB in all
    # (docs/ebox.md#citizen-limits: the limits quoted for e-Box Citizen, applied to ourselves)
    # and docs/ebox.md#restrictions (file name 255 characters; the Attachment.mediaType enum of
    # the 2.1 spec allows more types than PDF, "only PDF displays well").
    "a PDF over 8 MB": (
        {"main": Document("lettre.pdf", SAMPLE_PDF + b"0" * MAX_TOTAL_BYTES)},
        f"attachments: at most 8 MB in all (got {len(SAMPLE_PDF) + MAX_TOTAL_BYTES} bytes)",
    ),
    "8 MB in all over two files": (
        {"attachments": (Document("annexe.pdf", SAMPLE_PDF + b"0" * (MAX_TOTAL_BYTES - 100)),)},
        "attachments: at most 8 MB in all",
    ),
    "a fourth file": (
        {"attachments": tuple(Document(f"annexe-{i}.pdf", SAMPLE_PDF) for i in range(MAX_FILES))},
        "attachments: at most 3 files with the main document",
    ),
    "a PNG named .pdf": (
        {"main": Document("lettre.pdf", PNG)},
        "main.content: not a PDF (no %PDF- header)",
    ),
    "an empty file": (
        {"main": Document("lettre.pdf", b"")},
        "main.content: not a PDF (no %PDF- header)",
    ),
    "an HTML page": (
        {"main": Document("lettre.html", b"<html><script>x</script>", "text/html")},
        "main.media_type: PDF only (application/pdf, a .pdf name)",
    ),
    "a zip the e-Box would take": (
        {"attachments": (Document("annexes.zip", b"PK\x03\x04" + bytes(64), "application/zip"),)},
        "attachments[0].media_type: PDF only",
    ),
    "a PDF under another media type": (
        {"main": Document("lettre.pdf", SAMPLE_PDF, "application/octet-stream")},
        "main.media_type: PDF only",
    ),
    "a file name over 255 characters": (
        {"main": Document("é" * 50 + ".pdf", SAMPLE_PDF)},
        "main.file_name: at most 255 characters",
    ),
}


@pytest.fixture(scope="module")
def digital_sandbox(ebox_sandbox):  # noqa: F811 (the imported fixture)
    from ebox_sandbox.seed import enterprise_seed

    ebox_sandbox.admin.seed([enterprise_seed(DIGITAL, "Digital SA")])
    ebox_sandbox.admin.set_faults()
    return ebox_sandbox


@pytest.mark.integration
@pytest.mark.parametrize("case", list(BAD_DOCUMENTS))
def test_an_oversized_or_non_pdf_document_is_refused_before_any_request(digital_sandbox, case):
    changes, expected = BAD_DOCUMENTS[case]
    before = digital_sandbox.admin.stats()["messages"]
    transport = CountingTransport()
    with (
        EboxClient(digital_sandbox.settings, transport=transport) as ebox,
        pytest.raises(PublicationInvalid) as refused,
    ):
        ebox.publish(publication(f"bad-{case}", **changes))
    assert expected in str(refused.value)
    assert str(refused.value).startswith(f"publication bad-{case}: ")
    assert transport.requests == 0  # not even a token was asked for
    assert digital_sandbox.admin.stats()["messages"] == before


@pytest.mark.integration
def test_a_pdf_of_exactly_8_mb_goes_through(digital_sandbox):
    """The control: the limit is inclusive, and the counting transport does see requests."""
    transport = CountingTransport()
    pdf = SAMPLE_PDF + b"0" * (MAX_TOTAL_BYTES - len(SAMPLE_PDF))
    with EboxClient(digital_sandbox.settings, transport=transport) as ebox:
        result = ebox.publish(publication("eight-mb", main=Document("lettre.pdf", pdf)))
    assert result.delivered and transport.requests == 2  # the token, then the publication
    assert digital_sandbox.admin.attachment(DIGITAL, "am", result.message_id) == pdf


# ----- hostile names in letters, print batches and portal pages ----------------------------------

HOSTILE_NAME = '<script>alert("x")</script> & Fils "SA" </p><h1>'
HOSTILE_UNIT = "Siège <b>Nord</b> &amp; ' onload='x' – مركز שלום"
HOSTILE_STREET = "Rue <i>du</i> Pont 1 </td></tr>"
LONG_WORD = "W" * 200  # the longest name the registry takes, without a break opportunity
PAGE_RIGHT_MARGIN_PT = 18 / 25.4 * 72  # letter.css: @page margin 14mm 18mm 14mm 20mm
PAGE_LEFT_MARGIN_PT = 20 / 25.4 * 72
WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"')
PAGE_BOX = re.compile(r'<page width="([\d.]+)"')


def pdf_text(pdf: bytes) -> str:
    """What pdftotext reads, without any whitespace: a name wrapped over lines still matches."""
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return squeezed(result.stdout.decode())


def squeezed(text: str) -> str:
    return "".join(text.split())


def assert_inside_margins(pdf: bytes, left: float, right: float) -> None:
    """Every word pdftotext finds lies between the page's margins (none runs off the page)."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    width = float(PAGE_BOX.search(boxes).group(1))
    words = [(float(a), float(b)) for a, b in WORD_BOX.findall(boxes)]
    assert words
    assert min(x for x, _ in words) >= left - 1
    assert max(x for _, x in words) <= width - right + 1, "a word runs into the right margin"


def _registry_with(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_hostile_names_from_the_registry_print_as_plain_text_inside_the_page(engine):
    base = dict(zip(HEADER.split(","), next(csv.reader([ROWS[0]])), strict=True))
    base.update(
        bodies="CPPT",
        workers_blue_collar="60",
        workers_white_collar="10",
        workers_young="0",
        workers_cadre="0",
        ce_exists="no",
        language="fr",
    )
    rows = [
        {**base, "enterprise_number": with_check_digits(3_000_000 + i), "unit_code": "1"}
        for i in range(3)
    ]
    rows[0].update(enterprise_name="Dupont SA", unit_name="Siège", street="Rue du Pont 1")
    rows[1].update(enterprise_name=HOSTILE_NAME, unit_name=HOSTILE_UNIT, street=HOSTILE_STREET)
    rows[2].update(enterprise_name=LONG_WORD, unit_name="Supercalifragilistic" * 10)
    with Session(engine) as session:
        import_registry(session, parse_registry(_registry_with(rows)), actor="test")
        edition = session.exec(select(Edition).where(Edition.year == 2028)).one()
        open_dossiers(session, edition)
        session.commit()
        ids = list(session.exec(select(Dossier.id).order_by(Dossier.id)))
        contexts = load_contexts(
            session,
            ids,
            passwords={i: "ABCDE-FGHJK-MNPQR" for i in ids},
            issued_on=date(2027, 11, 15),
        )
    plain, hostile, long = render_batch("access-code", contexts)
    hostile_text = pdf_text(hostile.pdf)
    for literal in (HOSTILE_NAME, HOSTILE_STREET, "Siège <b>Nord</b> &amp; ' onload='x'"):
        assert squeezed(literal) in hostile_text
    assert LONG_WORD in pdf_text(long.pdf)  # wrapped, never cut off at the page's edge
    assert "Supercalifragilistic" * 10 in pdf_text(long.pdf)
    for letter in (plain, hostile, long):
        assert_inside_margins(letter.pdf, PAGE_LEFT_MARGIN_PT, PAGE_RIGHT_MARGIN_PT)
    assert hostile.page_count == plain.page_count
    assert long.page_count <= plain.page_count + 1


def test_hostile_names_print_as_plain_text_on_the_address_sheets():
    items = [
        PrintItem(name, HOSTILE_STREET, "1000", "Bruxelles</address>", "fr", "ref", b"")
        for name in (HOSTILE_NAME, LONG_WORD)
    ]
    sheets = address_sheets(items)
    assert len(PdfReader(io.BytesIO(sheets)).pages) == len(items)  # one sheet per letter
    text = pdf_text(sheets)
    assert squeezed(HOSTILE_NAME) in text and "Bruxelles</address>" in text
    assert LONG_WORD in text
    margin = 20 / 25.4 * 72  # address_sheets.html.j2: @page margin 20mm
    assert_inside_margins(sheets, margin, margin)


def test_hostile_names_are_escaped_in_the_portal_pages(engine):
    officer = officer_dossier(engine, name=HOSTILE_NAME)
    with Session(engine) as session:
        unit = session.get(Dossier, officer.dossier_id).technical_unit
        unit.name, unit.street, unit.city = HOSTILE_UNIT, HOSTILE_STREET, LONG_WORD[:100]
        session.add(unit)
        session.commit()
    portal = create_app(PortalSettings(), clock=ManualClock(date(2027, 11, 15)))
    with TestClient(portal, base_url="https://testserver") as client:
        log_in(client, officer)
        page = client.get(f"/dossiers/{officer.number}")
        login_page = client.post(
            "/login",
            data={
                "csrf_token": csrf_of(client.get("/login").text),
                "dossier_number": "<script>alert(1)</script>",
                "password": "x",
            },
        )
    assert page.status_code == 200 and login_page.status_code == 422
    for response in (page, login_page):
        assert "<script" not in response.text.lower()
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    for literal in (HOSTILE_NAME, HOSTILE_UNIT, HOSTILE_STREET, LONG_WORD[:100]):
        assert html.escape(literal, quote=False) in page.text.replace("&#34;", '"').replace(
            "&#39;", "'"
        )
    assert "<h1>" not in page.text.split("</h1>", 1)[1]  # the name opened no heading
    assert html.escape("<script>alert(1)</script>") in login_page.text.replace("&#34;", "&quot;")
