"""Validation of the registry file: every bad row is named with its field and rule."""

from __future__ import annotations

import pytest

from models.registry_file import COLUMNS, RegistryFileError, parse_registry
from models.registry_sample import sample_registry

GOOD = {
    "enterprise_number": "0403170701",
    "enterprise_name": "Janssens Bouw NV",
    "language": "nl",
    "street": "Kerkstraat 1",
    "postal_code": "2000",
    "city": "Antwerpen",
    "unit_code": "1",
    "unit_name": "Vestiging Antwerpen",
    "unit_street": "Kerkstraat 1",
    "unit_postal_code": "2000",
    "unit_city": "Antwerpen",
    "bodies": "CPPT+CE",
    "workers_blue_collar": "60",
    "workers_white_collar": "50",
    "workers_young": "10",
    "workers_cadre": "5",
    "ce_exists": "no",
    "officer_ssin": "",
}


def csv_of(*rows: dict[str, str], delimiter: str = ",") -> bytes:
    lines = [delimiter.join(COLUMNS)]
    lines += [delimiter.join(row.get(c, "") for c in COLUMNS) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def errors_of(data: bytes) -> list[str]:
    with pytest.raises(RegistryFileError) as info:
        parse_registry(data)
    return [str(e) for e in info.value.errors]


def test_sample_registry_is_valid_and_has_the_2024_mix():
    units = parse_registry(sample_registry(2000, seed=1).encode())
    enterprises = {u.enterprise.enterprise_number: u.enterprise for u in units}
    assert len(enterprises) == 2000
    share = {
        lang: sum(e.language == lang for e in enterprises.values()) / 2000
        for lang in ("nl", "fr", "de")
    }
    assert 0.58 < share["nl"] < 0.67 and 0.32 < share["fr"] < 0.41 and share["de"] < 0.03
    # 2024: 11,569 dossiers for 7,402 companies (docs/procedure.md#scale), multi-unit included.
    dossiers = sum(u.has_cppt + u.has_ce for u in units)
    assert 1.52 < dossiers / 2000 < 1.60


def test_same_seed_same_file():
    assert sample_registry(50, seed=7) == sample_registry(50, seed=7)
    assert sample_registry(50, seed=7) != sample_registry(50, seed=8)


def test_good_row_parses_with_normalised_values():
    (unit,) = parse_registry(
        csv_of(
            {
                **GOOD,
                "enterprise_number": "BE 0403.170.701",
                "language": " NL ",
                "bodies": "ce + cppt",
            }
        )
    )
    assert unit.enterprise.enterprise_number == "0403170701"
    assert unit.enterprise.language == "nl"
    assert (unit.has_cppt, unit.has_ce) == (True, True)
    assert unit.workforce == 120


def test_semicolons_and_bom_are_accepted():
    data = b"\xef\xbb\xbf" + csv_of(GOOD, delimiter=";")
    assert len(parse_registry(data)) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"enterprise_number": "0403170702"}, "line 2: enterprise_number: is not a valid"),
        ({"language": "en"}, "line 2: language: must be fr, nl or de"),
        ({"bodies": "OR"}, "line 2: bodies: must be CPPT or CPPT+CE"),
        ({"bodies": "CE"}, "line 2: bodies: a CE goes with a CPPT"),
        ({"bodies": "CPPT"}, "line 2: bodies: a unit with 120 workers elects a CE"),
        (
            {"workers_blue_collar": "0", "workers_white_collar": "30"},
            "line 2: bodies: a CPPT needs 50 or more workers",
        ),
        (
            {"workers_blue_collar": "20", "workers_white_collar": "40"},
            "line 2: bodies: a CE needs 100 or more workers, or 50 or more with an existing CE",
        ),
        ({"workers_young": "-3"}, "line 2: workers_young: must be a whole number"),
        ({"workers_cadre": "80"}, "line 2: workers_cadre: cadres are white-collar workers"),
        ({"officer_ssin": "85073003320"}, "line 2: officer_ssin: is not a valid national"),
        ({"postal_code": "123"}, "line 2: postal_code: must be a Belgian postal code"),
        ({"enterprise_name": ""}, "line 2: enterprise_name: is required"),
        ({"ce_exists": "maybe"}, "line 2: ce_exists: must be yes or no"),
    ],
)
def test_each_rule_names_line_and_field(change, expected):
    errors = errors_of(csv_of({**GOOD, **change}))
    assert any(e.startswith(expected) for e in errors), errors


def test_existing_ce_is_renewed_from_50_workers():
    row = {**GOOD, "workers_blue_collar": "20", "workers_white_collar": "40", "ce_exists": "yes"}
    (unit,) = parse_registry(csv_of(row))
    assert unit.has_ce and unit.workforce == 70


def test_every_bad_row_is_reported_not_only_the_first():
    rows = [
        GOOD,
        {**GOOD, "unit_code": "2", "language": "xx"},
        {**GOOD, "unit_code": "3", "enterprise_number": "123"},
        {**GOOD},
    ]
    errors = errors_of(csv_of(*rows))
    assert any(e.startswith("line 3: language") for e in errors)
    assert any(e.startswith("line 4: enterprise_number") for e in errors)
    assert any(
        e.startswith("line 5: unit_code: duplicate: same enterprise and unit as line 2")
        for e in errors
    )


def test_enterprise_columns_must_agree_across_its_units():
    errors = errors_of(csv_of(GOOD, {**GOOD, "unit_code": "2", "enterprise_name": "Other"}))
    assert "line 3: enterprise_name: differs from line 2 for the same enterprise" in errors


def test_ssin_value_is_never_echoed():
    errors = errors_of(csv_of({**GOOD, "officer_ssin": "85073003320"}))
    assert not any("85073003320" in e for e in errors)


def test_missing_and_unknown_columns():
    assert errors_of(b"enterprise_number,language\n0403170701,nl\n")[0].startswith(
        "line 1: header: missing column(s): enterprise_name"
    )
    data = csv_of(GOOD).replace(b"officer_ssin", b"officer_nrn", 1)
    assert errors_of(data) == ["line 1: header: unknown column(s): officer_nrn"]


def test_wrong_encoding_is_named():
    data = csv_of({**GOOD, "city": "Liège"}).decode().encode("latin-1")
    (error,) = errors_of(data)
    assert error.startswith("line 2: file: is not UTF-8 text (byte 0xe8)")


def test_extra_fields_and_empty_file():
    data = csv_of(GOOD).rstrip(b"\n") + b",surplus\n"
    assert f"line 2: row: has more fields than the header's {len(COLUMNS)}" in errors_of(data)
    assert errors_of(",".join(COLUMNS).encode()) == ["line 1: file: has a header but no rows"]


def test_the_working_week_is_optional_and_named_when_wrong():
    assert parse_registry(csv_of(GOOD))[0].working_days == "mon-fri"
    saturdays = parse_registry(csv_of({**GOOD, "working_days": "MON-SAT"}))
    assert saturdays[0].working_days == "mon-sat"
    assert "line 2: working_days: must be mon-fri or mon-sat (empty: mon-fri)" in errors_of(
        csv_of({**GOOD, "working_days": "weekends"})
    )


def test_the_joint_committee_and_the_sector_are_optional_and_normalised():
    (unit,) = parse_registry(csv_of(GOOD))
    assert (unit.joint_committee, unit.sector) == (None, None)
    for given, kept in (("200", "200"), (" 118 .01 ", "118.01"), ("330.04", "330.04")):
        (unit,) = parse_registry(csv_of({**GOOD, "joint_committee": given}))
        assert unit.joint_committee == kept, given
    for given, kept in (
        ("commercial", "commercial"),
        (" NON_COMMERCIAL ", "non_commercial"),
        ("non-commercial", "non_commercial"),
    ):
        (unit,) = parse_registry(csv_of({**GOOD, "sector": given}))
        assert unit.sector == kept, given


@pytest.mark.parametrize(
    "value", ["20", "2000", "200.1", "200.", "PC 200", "CP200", "２００", "2OO"]
)
def test_a_bad_joint_committee_names_line_field_and_rule(value):
    assert (
        "line 2: joint_committee: must be a joint committee number: 3 digits, then .NN for a "
        "sub-committee (200, 118.01; empty: unknown)"
    ) in errors_of(csv_of({**GOOD, "joint_committee": value}))


@pytest.mark.parametrize("value", ["profit", "public", "marchand", "non commercial", "1"])
def test_a_bad_sector_names_line_field_and_rule(value):
    assert "line 2: sector: must be commercial or non_commercial (empty: unknown)" in errors_of(
        csv_of({**GOOD, "sector": value})
    )


def test_the_sample_registry_gives_each_company_a_joint_committee_and_its_sector():
    units = parse_registry(sample_registry(300, seed=2).encode())
    assert all(u.joint_committee and u.sector for u in units)
    non_commercial = {u.joint_committee for u in units if u.sector == "non_commercial"}
    assert non_commercial <= {"319", "329", "330", "337"}
    assert {"200", "330"} <= {u.joint_committee for u in units}
    by_company: dict[str, set[str | None]] = {}
    for u in units:
        by_company.setdefault(u.enterprise.enterprise_number, set()).add(u.joint_committee)
    assert all(len(committees) == 1 for committees in by_company.values())
