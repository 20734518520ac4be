"""The national results' arithmetic (procedure/results.py): totals add up, shares make 100 %,
and no cell resting on fewer than 3 companies can be read, not even by difference."""

from __future__ import annotations

import random

import pytest

from models.election_sample import election_form
from models.registry import TechnicalUnit
from procedure.regions import province_of, region_of
from procedure.results import (
    ALL_COLLEGES,
    MIN_COMPANIES,
    ORGANISATIONS,
    Coverage,
    FormResult,
    compute,
    families,
)

ADDITIVE = ("registered", "voters", "valid", "blank", "invalid")
# One or two postal codes per province, and Brussels; a few rare ones so cells get suppressed.
POSTAL_CODES = {
    "1000": 30, "1050": 20, "2000": 40, "2800": 10, "3000": 20, "3500": 15, "4000": 25,
    "4700": 2, "5000": 12, "6000": 18, "6600": 2, "7000": 8, "8000": 22, "9000": 30,
    "1300": 3,
}  # fmt: skip
SECTORS = ["commercial"] * 8 + ["non_commercial", None]
JOINT_COMMITTEES = ["200"] * 6 + ["124", "330", "118", "140", None, "337"]


def synthetic_forms(count: int, seed: int) -> list[FormResult]:
    """Election forms of ``count`` dossiers, some enterprises with several units."""
    rng = random.Random(seed)
    codes = rng.choices(list(POSTAL_CODES), weights=list(POSTAL_CODES.values()), k=count)
    forms = []
    for number, code in enumerate(codes):
        enterprise = number if rng.random() < 0.8 else rng.randrange(max(1, number))
        unit = TechnicalUnit(
            enterprise_id=enterprise,
            code="U1",
            name="unit",
            street="",
            postal_code=code,
            city="",
            workers_blue_collar=rng.randint(0, 400),
            workers_white_collar=rng.randint(20, 600),
            workers_young=rng.choice([0, 0, 30]),
            workers_cadre=rng.choice([0, 20, 120]),
        )
        body = rng.choice(["CE", "CPPT"])
        forms.append(
            FormResult(
                dossier_id=number,
                enterprise_id=enterprise,
                body=body,
                region=region_of(code),
                province=province_of(code),
                sector=rng.choice(SECTORS),
                joint_committee=rng.choice(JOINT_COMMITTEES),
                colleges=election_form(body, unit, rng)["colleges"],
            )
        )
    return forms


@pytest.fixture(scope="module", params=[(400, 1), (60, 2), (25, 3)], ids=lambda p: f"{p[0]}forms")
def results(request):
    count, seed = request.param
    return compute(synthetic_forms(count, seed), [Coverage("CE", count, count)])


def test_every_total_is_the_sum_of_its_parts(results):
    assert_totals_add_up(results)


def assert_totals_add_up(results) -> None:
    checked = 0
    for parent, kids in families(results.cells):
        whole, parts = results.cells[parent].tally, [results.cells[k].tally for k in kids]
        for name in ADDITIVE:
            assert getattr(whole, name) == sum(getattr(p, name) for p in parts), (parent, name)
        for organisation in ORGANISATIONS:
            for counts in ("votes", "seats", "candidates"):
                assert getattr(whole, counts)[organisation] == sum(
                    getattr(p, counts)[organisation] for p in parts
                )
        assert whole.companies >= max(p.companies for p in parts)  # sets: never less
        checked += 1
    assert checked > 20


def test_shares_add_up_to_100_within_rounding(results):
    assert_shares_make_100(results)


def assert_shares_make_100(results) -> None:
    rows = results.rows()
    by_cell = {}
    for row in rows:
        by_cell.setdefault((row.dimension, row.group, row.body, row.college), []).append(row)
    shown = 0
    for cell_rows in by_cell.values():
        for measure in ("vote_share", "seat_share"):
            shares = [r.value for r in cell_rows if r.measure == measure]
            if cell_rows[0].suppressed or not any(shares):
                continue
            assert abs(sum(shares) - 100) <= 0.05 * len(shares) + 1e-9, (cell_rows[0], shares)
            shown += 1
    assert shown > 5


def test_a_cell_on_fewer_than_three_companies_is_never_a_number(results):
    rows = results.rows()
    for cell in results.cells.values():
        if cell.companies < MIN_COMPANIES:
            assert cell.suppressed, cell.key
    for row in rows:
        assert (row.value is None) == row.suppressed
    assert any(r.suppressed for r in rows) and any(not r.suppressed for r in rows)


def test_no_suppressed_cell_can_be_worked_out_by_difference(results):
    assert_nothing_revealed(results)


def assert_nothing_revealed(results) -> None:
    """An attacker knows every shown figure and that each family adds up: from a parent and
    all its children but one they get the last, from all the children they get the parent,
    and again with what they learnt, until nothing new comes. They learn no hidden cell."""
    known = {
        key: {name: getattr(cell.tally, name) for name in ADDITIVE}
        for key, cell in results.cells.items()
        if not cell.suppressed
    }
    groups = families(results.cells)
    learnt = True
    while learnt:
        learnt = False
        for parent, kids in groups:
            unknown = [k for k in kids if k not in known]
            if parent in known and len(unknown) == 1:
                rest = [known[k] for k in kids if k in known]
                known[unknown[0]] = {
                    n: known[parent][n] - sum(r[n] for r in rest) for n in ADDITIVE
                }
                learnt = True
            elif parent not in known and not unknown:
                known[parent] = {n: sum(known[k][n] for k in kids) for n in ADDITIVE}
                learnt = True
    revealed = [key for key, cell in results.cells.items() if cell.suppressed and key in known]
    assert revealed == []


def test_the_attack_would_succeed_without_secondary_suppression(results):
    """The test above can fail: with primary suppression only, a hidden cell would be its
    parent minus its shown siblings; secondary suppression hides a second one there."""
    primary_only = {k for k, c in results.cells.items() if c.companies < MIN_COMPANIES}
    exposed = [
        (parent, kids)
        for parent, kids in families(results.cells)
        if parent not in primary_only and sum(k in primary_only for k in kids) == 1
    ]
    assert exposed, "this edition would need no secondary suppression"
    for parent, kids in exposed:
        hidden = sum(results.cells[k].suppressed for k in kids)
        assert hidden >= 2 or results.cells[parent].suppressed, parent


def test_colleges_add_up_to_the_body_and_regions_to_belgium():
    results = compute(synthetic_forms(400, 1), [])
    for body in ("CE", "CPPT"):
        national = results.cell("national", "belgium", body)
        regions = [results.cell("region", r, body) for r in ("brussels", "flanders", "wallonia")]
        assert national.tally.registered == sum(r.tally.registered for r in regions)
        colleges = [
            c
            for k, c in results.cells.items()
            if k.dimension == "national" and k.body == body and k.college != ALL_COLLEGES
        ]
        assert national.tally.voters == sum(c.tally.voters for c in colleges)
