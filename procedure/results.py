"""The national results of an edition, from its election forms: pure arithmetic.

After each edition the FPS publishes provisional figures a few days after the voting window and a
final report once the social partners validated the data (docs/procedure.md#national-results):
votes and seats per organisation, per body and college, turnout, candidates and elected, by
region, province, sector and joint committee. socelec holds every election form
(procedure/forms.py, format 1), so it computes them itself; this module does the sums, the
shares and the statistical disclosure control, and knows nothing of databases or files.

Cells. A *cell* is one (dimension, group, body, college): e.g. ("province", "liege", "CE",
"white_collar"); college ``all`` adds up the body's colleges; dimension ``national`` has the one
group ``belgium``. A unit without a joint committee or sector in the registry counts in the group
``unknown``, so every breakdown adds up to the national figure. Brussels has no province: its
units form the province group ``brussels``, the same figures as the region.

Disclosure control. A cell that rests on fewer than :data:`MIN_COMPANIES` companies (legal
entities, not units or dossiers) is *suppressed*: every output shows it as suppressed, never a
number (primary suppression). A suppressed cell could still be worked out by difference: a
total minus the shown cells of its breakdown. So the breakdowns are *families* (a parent cell and
the cells that add up to it: the national figure and its regions, provinces, joint committees or
sectors; a region and its provinces; a body's ``all`` and its colleges), and secondary
suppression runs until in every family either nothing is hidden, or at least two children are
hidden, or the parent is hidden together with at least one child. This is the classic heuristic
of statistical offices for tables of sums (Hundepool et al., *Statistical Disclosure Control*,
Wiley 2012, § 4.3.2); it is written here because the tools that prove a full protection by
linear programming (τ-ARGUS, sdcTable) are not Python libraries. Company counts only grow from a
child to its parent, so a parent never rests on fewer companies than its children.

Shares are percentages rounded to one decimal: the organisations' vote shares of a cell add up to
100 within that rounding (half a tenth per organisation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from procedure.forms import CADRE_ORGANISATIONS
from procedure.regions import PROVINCE_REGION

__all__ = [
    "ALL_COLLEGES",
    "BODIES",
    "DIMENSIONS",
    "MIN_COMPANIES",
    "Cell",
    "CellKey",
    "Coverage",
    "FormResult",
    "Results",
    "Row",
    "compute",
    "families",
]

MIN_COMPANIES = 3
BODIES = ("CE", "CPPT")
ALL_COLLEGES = "all"
NATIONAL = "belgium"
UNKNOWN = "unknown"
#: The breakdowns, national first; each adds up to the national figure.
DIMENSIONS = ("national", "region", "province", "sector", "joint_committee")
ORGANISATIONS = CADRE_ORGANISATIONS
COUNTS = ("registered", "voters", "valid", "blank", "invalid", "candidates", "elected")
RATES = ("turnout", "blank_share", "invalid_share")
PER_ORGANISATION = ("votes", "vote_share", "seats", "seat_share", "candidates")


@dataclass(frozen=True)
class FormResult:
    """One submitted election form with where its unit is: what the results add up."""

    dossier_id: int
    enterprise_id: int
    body: str
    region: str
    province: str | None
    sector: str | None
    joint_committee: str | None
    colleges: Mapping[str, Mapping]  # the form's "colleges" (procedure/forms.py, format 1)
    checked: bool = False

    def groups(self) -> dict[str, str]:
        """The group of each dimension this form counts in."""
        return {
            "national": NATIONAL,
            "region": self.region,
            "province": self.province or self.region,
            "sector": self.sector or UNKNOWN,
            "joint_committee": self.joint_committee or UNKNOWN,
        }


@dataclass(frozen=True, order=True)
class CellKey:
    dimension: str
    group: str
    body: str
    college: str


@dataclass
class Tally:
    """The additive counts of a cell and the companies it rests on."""

    registered: int = 0
    voters: int = 0
    valid: int = 0
    blank: int = 0
    invalid: int = 0
    votes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORGANISATIONS, 0))
    seats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORGANISATIONS, 0))
    candidates: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORGANISATIONS, 0))
    companies: set[int] = field(default_factory=set)

    def add(self, college: Mapping, enterprise_id: int) -> None:
        for name in ("registered", "voters", "valid", "blank", "invalid"):
            setattr(self, name, getattr(self, name) + int(college.get(name) or 0))
        for organisation, numbers in (college.get("lists") or {}).items():
            key = organisation if organisation in ORGANISATIONS else "cadre_group"
            self.votes[key] += int(numbers.get("votes") or 0)
            self.seats[key] += int(numbers.get("seats") or 0)
            self.candidates[key] += int(numbers.get("candidates") or 0)
        self.companies.add(enterprise_id)


@dataclass(frozen=True)
class Cell:
    key: CellKey
    tally: Tally
    suppressed: bool

    @property
    def companies(self) -> int:
        return len(self.tally.companies)

    def rows(self) -> list[Row]:
        """Every figure of this cell: counts, rates and, per organisation, votes and seats."""
        key, tally = self.key, self.tally
        seats = sum(tally.seats.values())
        figures: list[tuple[str, str, int | float]] = [
            ("companies", "", self.companies),
            ("registered", "", tally.registered),
            ("voters", "", tally.voters),
            ("valid", "", tally.valid),
            ("blank", "", tally.blank),
            ("invalid", "", tally.invalid),
            ("candidates", "", sum(tally.candidates.values())),
            ("elected", "", seats),
            ("turnout", "", percent(tally.voters, tally.registered)),
            ("blank_share", "", percent(tally.blank, tally.voters)),
            ("invalid_share", "", percent(tally.invalid, tally.voters)),
        ]
        for organisation in ORGANISATIONS:
            figures += [
                ("votes", organisation, tally.votes[organisation]),
                ("vote_share", organisation, percent(tally.votes[organisation], tally.valid)),
                ("seats", organisation, tally.seats[organisation]),
                ("seat_share", organisation, percent(tally.seats[organisation], seats)),
                ("candidates", organisation, tally.candidates[organisation]),
            ]
        return [
            Row(
                key.dimension,
                key.group,
                key.body,
                key.college,
                measure,
                organisation,
                None if self.suppressed else value,
                self.suppressed,
            )
            for measure, organisation, value in figures
        ]


@dataclass(frozen=True)
class Row:
    """One figure of one cell: what the open-data CSV holds, a line each. ``value`` is None
    when the cell is suppressed."""

    dimension: str
    group: str
    body: str
    college: str
    measure: str
    organisation: str
    value: int | float | None
    suppressed: bool


@dataclass(frozen=True)
class Coverage:
    """Per body: the dossiers expected (open: not stopped) and the election forms in."""

    body: str
    expected: int
    reported: int

    @property
    def share(self) -> float:
        return percent(self.reported, self.expected)


@dataclass(frozen=True)
class Results:
    coverage: tuple[Coverage, ...]
    cells: dict[CellKey, Cell]
    forms: int
    checked: int

    @property
    def all_checked(self) -> bool:
        return self.checked == self.forms

    def rows(self) -> list[Row]:
        """Every figure of every cell, in a stable order (dimension, group, body, college)."""
        order = {d: i for i, d in enumerate(DIMENSIONS)}
        keys = sorted(self.cells, key=lambda k: (order[k.dimension], k.group, k.body, k.college))
        return [row for key in keys for row in self.cells[key].rows()]

    def cell(self, dimension: str, group: str, body: str, college: str = ALL_COLLEGES) -> Cell:
        return self.cells[CellKey(dimension, group, body, college)]


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def compute(forms: Iterable[FormResult], coverage: Iterable[Coverage]) -> Results:
    """The cells of these forms, suppressed where they would disclose fewer than three
    companies, directly or by difference."""
    tallies: dict[CellKey, Tally] = defaultdict(Tally)
    count = checked = 0
    for form in forms:
        count += 1
        checked += form.checked
        for dimension, group in form.groups().items():
            for college_key, college in form.colleges.items():
                for college_name in (college_key, ALL_COLLEGES):
                    key = CellKey(dimension, group, form.body, college_name)
                    tallies[key].add(college, form.enterprise_id)
    hidden = _suppress(tallies)
    cells = {key: Cell(key, tally, key in hidden) for key, tally in tallies.items()}
    return Results(tuple(coverage), cells, count, checked)


def families(keys: Iterable[CellKey]) -> list[tuple[CellKey, list[CellKey]]]:
    """Each parent cell with the cells of one breakdown that add up to it (module docstring):
    the national cell and each dimension's cells, each region and its provinces, each ``all``
    and its colleges."""
    children: dict[tuple[CellKey, str], list[CellKey]] = defaultdict(list)
    for key in keys:
        if key.dimension != "national":
            national = CellKey("national", NATIONAL, key.body, key.college)
            children[(national, key.dimension)].append(key)
        if key.dimension == "province":
            region = PROVINCE_REGION.get(key.group, key.group)  # Brussels: its own region
            children[(CellKey("region", region, key.body, key.college), "province")].append(key)
        if key.college != ALL_COLLEGES:
            whole = CellKey(key.dimension, key.group, key.body, ALL_COLLEGES)
            children[(whole, "college")].append(key)
    return [(parent, sorted(kids)) for (parent, _), kids in sorted(children.items())]


def _suppress(tallies: Mapping[CellKey, Tally]) -> set[CellKey]:
    hidden = {key for key, tally in tallies.items() if len(tally.companies) < MIN_COMPANIES}
    groups = families(tallies)

    def fewest(candidates: list[CellKey]) -> CellKey:
        return min(candidates, key=lambda k: (len(tallies[k].companies), k))

    changed = True
    while changed:
        changed = False
        for parent, kids in groups:
            shown = [k for k in kids if k not in hidden]
            hidden_kids = len(kids) - len(shown)
            # A hidden parent is the sum of its children if all are shown; a hidden child is
            # its shown parent minus its siblings if it is the only one hidden.
            revealing = hidden_kids == (0 if parent in hidden else 1)
            if revealing:
                # An only child is its parent's figure: hide the parent with it.
                hidden.add(fewest(shown) if shown else parent)
                changed = True
    return hidden
