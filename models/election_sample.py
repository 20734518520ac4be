"""Election forms for the sample registry: what the demo and the tests of the national results
add up (procedure/results.py).

Plausible, not real: every open dossier's unit votes by the colleges procedure.categories gives
its workforce, with a turnout around 70 %, a few blank and invalid ballots, and the valid votes
shared among the organisations around fixed national weights (ACV-CSC ahead of ABVV-FGTB, then
ACLVB-CGSLB; in a CE's cadre college NCK-CNC and a cadre group too), varied per unit. Seats go
to the lists by the D'Hondt highest averages over the college's mandates, which are the body's
mandates on the scale (procedure.categories.mandates_for; 10 above its verified range) shared by
the colleges' sizes, at least one each, plus the CE's cadre seats. The law's own allocation of
mandates between colleges is more involved; the results only need forms that keep the election
form's rules (procedure/forms.py): valid + blank + invalid = voters ≤ registered, and seats
adding up to the college's mandates.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from models.dossier import Dossier, DossierStatus
from models.edition import Edition
from models.evidence import FormKind, FormStatus, StatisticalForm
from models.registry import TechnicalUnit
from procedure.categories import cadre_mandates, colleges, mandates_for
from procedure.forms import FORMAT, organisations_of

#: The organisations' weights around which each unit's votes vary (demo data).
WEIGHTS = {
    "acv_csc": 0.52,
    "abvv_fgtb": 0.34,
    "aclvb_cgslb": 0.14,
    "nck_cnc": 0.20,
    "cadre_group": 0.10,
}
MANDATES_ABOVE_SCALE = 10


def d_hondt(votes: dict[str, int], seats: int) -> dict[str, int]:
    """Seats per list by the highest averages; ties go to the list with more votes, then the
    first named (written here: a few lines, no library gives it)."""
    won = dict.fromkeys(votes, 0)
    for _ in range(seats):
        best = max(votes, key=lambda n: (votes[n] / (won[n] + 1), votes[n], -list(votes).index(n)))
        won[best] += 1
    return won


def _shared(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """``total`` mandates shared by size, at least one each (largest remainders)."""
    if total <= len(sizes):
        return dict.fromkeys(sizes, 1)
    spare = total - len(sizes)
    whole = sum(sizes.values()) or 1
    exact = {k: spare * v / whole for k, v in sizes.items()}
    shares = {k: 1 + int(x) for k, x in exact.items()}
    rest = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: exact[k] - int(exact[k]), reverse=True)[:rest]:
        shares[k] += 1
    return shares


def election_form(body: str, unit: TechnicalUnit, rng: random.Random) -> dict:
    """An election form's data (format 1) for one body of ``unit``."""
    staff = {
        "blue_collar": unit.workers_blue_collar,
        "white_collar": unit.workers_white_collar,
        "young": unit.workers_young,
        "cadre": unit.workers_cadre,
    }
    found = colleges(body, staff)
    sizes = {c.key: max(1, sum(staff[k] for k in c.categories)) for c in found}
    ordinary = {k: v for k, v in sizes.items() if k != "cadre"}
    mandates = _shared(mandates_for(unit.workforce) or MANDATES_ABOVE_SCALE, ordinary)
    if "cadre" in sizes:
        mandates["cadre"] = cadre_mandates(body, unit.workers_cadre)
    data: dict = {"format": FORMAT, "pre_electoral_version": 1, "colleges": {}}
    for college in found:
        registered = sizes[college.key]
        voters = round(registered * rng.uniform(0.55, 0.85))
        blank = round(voters * rng.uniform(0.0, 0.04))
        invalid = round(voters * rng.uniform(0.0, 0.03))
        valid = voters - blank - invalid
        lists = organisations_of(college.key)
        weights = [WEIGHTS[o] * rng.uniform(0.5, 1.5) for o in lists]
        votes = dict.fromkeys(lists, 0)
        for organisation in rng.choices(lists, weights=weights, k=valid):
            votes[organisation] += 1
        seats = d_hondt(votes, mandates[college.key])
        data["colleges"][college.key] = {
            "categories": list(college.categories),
            "mandates": mandates[college.key],
            "registered": registered,
            "voters": voters,
            "valid": valid,
            "blank": blank,
            "invalid": invalid,
            "lists": {
                o: {
                    "candidates": seats[o] + rng.randint(0, mandates[college.key])
                    if votes[o]
                    else 0,
                    "votes": votes[o],
                    "seats": seats[o],
                }
                for o in lists
            },
        }
    return data


def simulate_election_forms(
    session: Session, edition: Edition, *, seed: int = 2028, reported: float = 0.95
) -> int:
    """Submit an election form for ``reported`` of the edition's open dossiers that have none
    (the others have not reported yet); returns how many were added. The caller commits."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
    has_form = select(StatisticalForm.dossier_id).where(StatisticalForm.form == FormKind.election)
    rows = session.exec(
        select(Dossier, TechnicalUnit)
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .where(
            Dossier.edition_id == edition.id,
            Dossier.status == DossierStatus.open,
            col(Dossier.id).not_in(has_form),
        )
        .order_by(col(Dossier.id))
    ).all()
    now = datetime.now(UTC)
    added = 0
    for dossier, unit in rows:
        if rng.random() >= reported:
            continue
        session.add(
            StatisticalForm(
                dossier_id=dossier.id,
                form=FormKind.election,
                version=1,
                status=FormStatus.submitted,
                data=election_form(dossier.body, unit, rng),
                submitted_at=now,
                saved_by="demo",
            )
        )
        added += 1
    return added
