"""Worker categories, electoral colleges and the number of mandates of a body (pure).

The facts are those of docs/procedure.md#worker-categories and docs/procedure.md#mandates; the
stop of the procedure (portal.stop) and the statistical forms (procedure.forms) both read them
here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CADRE_LISTS_FROM",
    "CATEGORIES",
    "COLLEGE_KEYS",
    "SCALE",
    "SCALE_VERIFIED_UP_TO",
    "YOUTH_MANDATE_FROM",
    "College",
    "cadre_mandates",
    "categories_of",
    "colleges",
    "mandates_for",
]

CATEGORIES = ("blue_collar", "white_collar", "young", "cadre")
YOUTH_MANDATE_FROM = 25  # docs/procedure.md#worker-categories: youth mandate from 25 under 25
CADRE_LISTS_FROM = 15  # docs/procedure.md#worker-categories: cadre lists from 15 (CE only)
# docs/procedure.md#worker-categories: a separate blue- or white-collar college where the
# smaller of the two categories counts at least 25.
SEPARATE_COLLEGES_FROM = 25
# docs/procedure.md#mandates: one extra cadre seat on the CE below 100 cadres, two from 100.
TWO_CADRE_SEATS_FROM = 100

#: The effective mandates of a body by the headcount on day X, as (most workers, mandates):
#: 4 below 101, 6 for 101–500, 8 for 501–1,000, 10 for 1,001–2,000
#: (docs/procedure.md#mandates).
SCALE = ((100, 4), (500, 6), (1000, 8), (2000, 10))
#: Above 2,000 workers the sources say only "and so on": the higher bands are UNVERIFIED
#: (docs/procedure.md#mandates), so :func:`mandates_for` gives no number there.
SCALE_VERIFIED_UP_TO = SCALE[-1][0]


def categories_of(body: str) -> tuple[str, ...]:
    """The categories a body's forms count: cadres for the CE only
    (docs/procedure.md#worker-categories)."""
    return CATEGORIES if body == "CE" else CATEGORIES[:3]


def mandates_for(headcount: int) -> int | None:
    """The effective mandates of a body with ``headcount`` workers on day X, or None above
    2,000 workers, where the scale is UNVERIFIED."""
    for most, mandates in SCALE:
        if headcount <= most:
            return mandates
    return None


def cadre_mandates(body: str, cadres: int) -> int:
    """The CE's extra cadre seats: none without a cadre college (a CPPT, fewer than 15
    cadres), 1 below 100 cadres, 2 from 100 (docs/procedure.md#mandates)."""
    if body != "CE" or cadres < CADRE_LISTS_FROM:
        return 0
    return 2 if cadres >= TWO_CADRE_SEATS_FROM else 1


@dataclass(frozen=True)
class College:
    """An electoral college: its key and the categories that vote in it."""

    key: str
    categories: tuple[str, ...]


def colleges(body: str, staff: Mapping[str, int]) -> tuple[College, ...]:
    """The colleges of a body for the staff per category on day X
    (docs/procedure.md#worker-categories): blue- and white-collar workers vote apart where the
    smaller category counts at least 25, else together (the ``joint`` college); a youth college
    from 25 young workers; a cadre college (CE only) from 15 cadres."""
    blue, white = staff.get("blue_collar", 0), staff.get("white_collar", 0)
    found: list[College] = []
    if min(blue, white) >= SEPARATE_COLLEGES_FROM:
        found += [
            College("blue_collar", ("blue_collar",)),
            College("white_collar", ("white_collar",)),
        ]
    elif blue and white:
        found.append(College("joint", ("blue_collar", "white_collar")))
    elif blue or white:
        category = "blue_collar" if blue else "white_collar"
        found.append(College(category, (category,)))
    if staff.get("young", 0) >= YOUTH_MANDATE_FROM:
        found.append(College("young", ("young",)))
    if body == "CE" and staff.get("cadre", 0) >= CADRE_LISTS_FROM:
        found.append(College("cadre", ("cadre",)))
    return tuple(found)


#: Every college key :func:`colleges` may give, in its order.
COLLEGE_KEYS = ("blue_collar", "white_collar", "joint", "young", "cadre")
