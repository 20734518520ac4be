"""Reading and validating the registry file of concerned companies.

One CSV row per technical unit (UTE/TBE); the enterprise's own columns repeat on each of its
units and must agree. The whole file is validated before anything is written: a file with one
bad row imports nothing, and every bad row is reported with its line, field and rule, so the
staff member fixes the file once instead of discovering errors one by one.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stdnum import exceptions as stdnum_errors
from stdnum.be import ssn, vat

from models.registry import LANGUAGES, Sector, WorkingWeek

ENTERPRISE_COLUMNS = (
    "enterprise_number",
    "enterprise_name",
    "language",
    "street",
    "postal_code",
    "city",
)
UNIT_COLUMNS = (
    "unit_code",
    "unit_name",
    "unit_street",
    "unit_postal_code",
    "unit_city",
    "bodies",
    "workers_blue_collar",
    "workers_white_collar",
    "workers_young",
    "workers_cadre",
)
OPTIONAL_COLUMNS = ("ce_exists", "officer_ssin", "working_days", "joint_committee", "sector")
COLUMNS = ENTERPRISE_COLUMNS + UNIT_COLUMNS + OPTIONAL_COLUMNS
WORKFORCE_COLUMNS = UNIT_COLUMNS[6:]

# Thresholds (docs/procedure.md#thresholds: Unisoc, ICB): a CPPT from 50 workers, a CE from 100,
# and an existing CE is renewed from 50. Kept for 2024 (groups.be on the law of 5 June 2023).
CPPT_THRESHOLD = 50
CE_THRESHOLD = 100
CE_RENEWAL_THRESHOLD = 50

# Control characters (Cc) and invisible formatting ones (Cf: bidi overrides such as U+202E,
# zero-width spaces and joiners) have no place in a name or an address: a bidi override makes a
# letter or a page show "evil" as "live" (the "Trojan Source" trick, CVE-2021-42574), and a
# zero-width character makes two names that look the same differ.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf"})

# A joint committee's number (docs/procedure.md#joint-committees-and-sectors): three digits,
# then the levels of a sub-committee after dots ("200", "118.01", "330.04").
JOINT_COMMITTEE = re.compile(r"[0-9]{3}(?:\.[0-9]{2}){0,2}")

TRUE_WORDS = frozenset({"1", "yes", "y", "true", "oui", "ja"})
FALSE_WORDS = frozenset({"", "0", "no", "n", "false", "non", "nee", "nein"})


def _ascii_digits(value: str) -> bool:
    # str.isdigit() also accepts "²" (which int() refuses) and Arabic-Indic or full-width digits.
    return value.isascii() and value.isdigit()


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    rule: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.field}: {self.rule}"


class RegistryFileError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:20])
        more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s) in the registry file:\n{shown}{more}")


@dataclass(frozen=True)
class EnterpriseRecord:
    enterprise_number: str
    name: str
    language: str
    street: str
    postal_code: str
    city: str
    officer_ssin: str | None


@dataclass(frozen=True)
class UnitRecord:
    line: int
    enterprise: EnterpriseRecord
    code: str
    name: str
    street: str
    postal_code: str
    city: str
    workers_blue_collar: int
    workers_white_collar: int
    workers_young: int
    workers_cadre: int
    has_cppt: bool
    has_ce: bool
    ce_exists: bool
    working_days: str = WorkingWeek.monday_to_friday
    joint_committee: str | None = None
    sector: str | None = None

    @property
    def workforce(self) -> int:
        return self.workers_blue_collar + self.workers_white_collar + self.workers_young


@dataclass
class _Row:
    """Collects one row's errors while its fields are parsed."""

    line: int
    raw: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def error(self, name: str, rule: str) -> None:
        self.errors.append(RowError(self.line, name, rule))

    def text(self, name: str, max_length: int, required: bool = True) -> str:
        value = " ".join((self.raw.get(name) or "").split())
        if required and not value:
            self.error(name, "is required")
        elif len(value) > max_length:
            self.error(name, f"must be at most {max_length} characters (has {len(value)})")
        else:
            hidden = next((c for c in value if unicodedata.category(c) in HIDDEN_CATEGORIES), None)
            if hidden is not None:
                self.error(
                    name,
                    "must not contain control or invisible formatting characters "
                    f"(U+{ord(hidden):04X})",
                )
        return value

    def postal_code(self, name: str) -> str:
        value = (self.raw.get(name) or "").strip()
        if not (len(value) == 4 and _ascii_digits(value) and value[0] != "0"):
            self.error(name, "must be a Belgian postal code (4 digits, 1000-9999)")
        return value

    def count(self, name: str) -> int:
        value = (self.raw.get(name) or "").strip()
        if not _ascii_digits(value):
            self.error(name, "must be a whole number of workers (0 or more)")
            return 0
        number = int(value)
        if number > 1_000_000:
            self.error(name, "must be at most 1000000")
        return number

    def working_week(self, name: str) -> str:
        """The unit's working week; empty means Monday to Friday (most companies)."""
        value = (self.raw.get(name) or "").strip().lower() or WorkingWeek.monday_to_friday
        if value not in set(WorkingWeek):
            self.error(name, "must be mon-fri or mon-sat (empty: mon-fri)")
            return WorkingWeek.monday_to_friday
        return value

    def joint_committee(self, name: str) -> str | None:
        """The unit's joint committee, without spaces ("118 .01" is "118.01"); empty: unknown."""
        value = "".join((self.raw.get(name) or "").split())
        if not value:
            return None
        if not JOINT_COMMITTEE.fullmatch(value):
            self.error(
                name,
                "must be a joint committee number: 3 digits, then .NN for a sub-committee "
                "(200, 118.01; empty: unknown)",
            )
            return None
        return value

    def sector(self, name: str) -> str | None:
        """The unit's sector; empty: unknown."""
        value = (self.raw.get(name) or "").strip().lower().replace("-", "_")
        if not value:
            return None
        if value not in set(Sector):
            self.error(name, "must be commercial or non_commercial (empty: unknown)")
            return None
        return value

    def flag(self, name: str) -> bool:
        value = (self.raw.get(name) or "").strip().lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.error(name, "must be yes or no (also 1/0, true/false, oui/non, ja/nee)")
        return False


def _enterprise_number(row: _Row) -> str:
    raw = (row.raw.get("enterprise_number") or "").strip()
    try:
        # The enterprise number (BCE/KBO) shares its digits and mod-97 check with the VAT number.
        return vat.validate(raw)
    except stdnum_errors.ValidationError as exc:
        row.error("enterprise_number", f"is not a valid enterprise number ({exc.message})")
        return raw


def _ssin(row: _Row) -> str | None:
    raw = (row.raw.get("officer_ssin") or "").strip()
    if not raw:
        return None
    try:
        # National register and BIS numbers both pass (stdnum.be.ssn).
        return ssn.validate(raw)
    except stdnum_errors.ValidationError as exc:
        # The value is personal data: never echo it in an error message.
        row.error("officer_ssin", f"is not a valid national register or BIS number ({exc.message})")
        return None


def _bodies(row: _Row) -> tuple[bool, bool]:
    raw = (row.raw.get("bodies") or "").upper().replace(";", "+").replace(",", "+")
    parts = [p.strip() for p in raw.split("+") if p.strip()]
    unknown = [p for p in parts if p not in ("CPPT", "CE")]
    if not parts or unknown:
        row.error("bodies", "must be CPPT or CPPT+CE")
        return False, False
    if len(set(parts)) != len(parts):
        row.error("bodies", "names a body twice")
    return "CPPT" in parts, "CE" in parts


def _check_thresholds(row: _Row, unit: UnitRecord) -> None:
    total = unit.workforce
    if unit.has_ce and not unit.has_cppt:
        row.error("bodies", "a CE goes with a CPPT: every unit with a CE has 50 or more workers")
    if unit.has_cppt and total < CPPT_THRESHOLD:
        row.error("bodies", f"a CPPT needs {CPPT_THRESHOLD} or more workers (unit has {total})")
    if not unit.has_cppt and total >= CPPT_THRESHOLD:
        row.error("bodies", f"a unit with {CPPT_THRESHOLD} or more workers elects a CPPT")
    if unit.has_ce:
        if total < CE_RENEWAL_THRESHOLD or (total < CE_THRESHOLD and not unit.ce_exists):
            row.error(
                "bodies",
                f"a CE needs {CE_THRESHOLD} or more workers, or {CE_RENEWAL_THRESHOLD} or more "
                f"with an existing CE (ce_exists=yes); unit has {total}",
            )
    elif total >= CE_THRESHOLD or (total >= CE_RENEWAL_THRESHOLD and unit.ce_exists):
        row.error("bodies", f"a unit with {total} workers elects a CE (CPPT+CE)")
    if unit.workers_cadre > unit.workers_white_collar:
        row.error("workers_cadre", "cadres are white-collar workers: at most workers_white_collar")


def _file_error(line: int, rule: str) -> RegistryFileError:
    return RegistryFileError([RowError(line, "file", rule)])


def _decode(data: bytes) -> str:
    """The file as text, or a RegistryFileError that says what the file is instead."""
    if data.startswith(b"PK\x03\x04"):
        raise _file_error(
            1, "is a spreadsheet (xlsx, ods) or a zip archive, not CSV; save it as CSV UTF-8"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_error(1, "is UTF-16 text, not UTF-8; save it as CSV UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:  # UTF-16 without its BOM, or a binary file: UTF-8 text never holds NUL
        raise _file_error(
            data[:nul].count(b"\n") + 1,
            "holds a NUL byte: it is not UTF-8 text (UTF-16, or a binary file); "
            "save it as CSV UTF-8",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_error(
            line, f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as CSV UTF-8"
        ) from None
    if not text.strip():
        raise _file_error(1, "is empty: expected a header line, then one row per technical unit")
    return text


def _records(reader: csv.DictReader, errors: list[RowError]) -> Iterator[dict]:
    """The reader's rows; a CSV syntax error ends them with an error naming its line."""
    try:
        yield from reader
    except csv.Error as exc:
        # An unclosed quote makes the rest of the file one field, up to the csv module's limit.
        errors.append(
            RowError(
                reader.reader.line_num,
                "file",
                f"cannot be read as CSV ({exc}); is a quote left open?",
            )
        )


def parse_registry(data: bytes) -> list[UnitRecord]:
    """Validate a registry file and return its units, or raise RegistryFileError with all errors."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Belgian spreadsheets save CSV with semicolons; accept both.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in ENTERPRISE_COLUMNS + UNIT_COLUMNS if c not in header]
    if missing:
        raise RegistryFileError([RowError(1, "header", f"missing column(s): {', '.join(missing)}")])
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise RegistryFileError([RowError(1, "header", f"unknown column(s): {', '.join(unknown)}")])
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise RegistryFileError(
            [RowError(1, "header", f"column(s) named twice: {', '.join(twice)}")]
        )

    errors: list[RowError] = []
    units: list[UnitRecord] = []
    enterprises: dict[str, tuple[int, EnterpriseRecord]] = {}
    seen_units: dict[tuple[str, str], int] = {}
    for raw in _records(reader, errors):
        line = reader.line_num
        row = _Row(line, raw)
        fields = len(header) + len(raw.get(None) or ()) - list(raw.values()).count(None)
        if fields != len(header):
            # Shifted fields make every later column wrong: name the row once, not each field.
            rule = (
                f"has more fields than the header's {len(header)}"
                if fields > len(header)
                else (
                    f"has fewer fields than the header's {len(header)} ({fields}); is the "
                    f"separator {delimiter!r} as in the header?"
                )
            )
            errors.append(RowError(line, "row", rule))
            continue
        enterprise = EnterpriseRecord(
            enterprise_number=_enterprise_number(row),
            name=row.text("enterprise_name", 200),
            language=(raw.get("language") or "").strip().lower(),
            street=row.text("street", 200),
            postal_code=row.postal_code("postal_code"),
            city=row.text("city", 100),
            officer_ssin=_ssin(row),
        )
        if enterprise.language not in LANGUAGES:
            row.error("language", "must be fr, nl or de")
        has_cppt, has_ce = _bodies(row)
        unit = UnitRecord(
            line=line,
            enterprise=enterprise,
            code=row.text("unit_code", 20),
            name=row.text("unit_name", 200),
            street=row.text("unit_street", 200),
            postal_code=row.postal_code("unit_postal_code"),
            city=row.text("unit_city", 100),
            has_cppt=has_cppt,
            has_ce=has_ce,
            ce_exists=row.flag("ce_exists"),
            working_days=row.working_week("working_days"),
            joint_committee=row.joint_committee("joint_committee"),
            sector=row.sector("sector"),
            **{name: row.count(name) for name in WORKFORCE_COLUMNS},
        )
        if has_cppt or has_ce:
            _check_thresholds(row, unit)
        number = enterprise.enterprise_number
        if number in enterprises:
            first_line_no, first = enterprises[number]
            for name, attribute in (
                ("enterprise_name", "name"),
                ("language", "language"),
                ("street", "street"),
                ("postal_code", "postal_code"),
                ("city", "city"),
                ("officer_ssin", "officer_ssin"),
            ):
                if getattr(first, attribute) != getattr(enterprise, attribute):
                    row.error(name, f"differs from line {first_line_no} for the same enterprise")
        else:
            enterprises[number] = (line, enterprise)
        key = (number, unit.code)
        if key in seen_units:
            row.error("unit_code", f"duplicate: same enterprise and unit as line {seen_units[key]}")
        else:
            seen_units[key] = line
        errors.extend(row.errors)
        units.append(unit)
    if not units and not errors:
        errors.append(RowError(1, "file", "has a header but no rows"))
    if errors:
        raise RegistryFileError(errors)
    return units


def read_registry_file(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or RegistryFileError when it cannot be read or is too large."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RegistryFileError(
                [
                    RowError(
                        0,
                        "file",
                        f"{path} is {size:,} bytes; the limit "
                        f"is {max_bytes:,} (SOCELEC_REGISTRY_MAX_BYTES)",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as exc:
        raise RegistryFileError(
            [RowError(0, "file", f"cannot read {path}: {exc.strerror}")]
        ) from None
