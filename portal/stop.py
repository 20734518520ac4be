"""Declaring a stop of the procedure for lack of candidates (pure rules).

From X+36 the employer may stop the procedure (docs/procedure.md#stopping-the-procedure). A
complete stop when no candidate list was filed at all; a partial stop for a category with no
list (or a single list with no more candidates than mandates). The notice or PV goes to the FPS and
the unions between X+36 and X+79 (the sources give the upload window as X+35 – X+79; the
decision itself cannot come before X+36, so the portal opens on X+36).

Which categories can have lists (docs/procedure.md#worker-categories,
docs/procedure.md#mandates): blue- and white-collar workers get reserved mandates from one
worker; the youth mandate needs at least 25 young workers; cadres file lists only for a works
council (CE) and only from 15 cadres.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.dossier import DossierStatus, StopKind
from portal.errors import RuleError
from procedure import Calendar
from procedure.categories import CADRE_LISTS_FROM, CATEGORIES, YOUTH_MANDATE_FROM

STOP_STEP = "X+36"


@dataclass(frozen=True)
class Workforce:
    blue_collar: int
    white_collar: int
    young: int
    cadre: int


def stoppable_categories(body: str, workforce: Workforce) -> tuple[str, ...]:
    """The categories of this body that can have candidate lists, hence be stopped."""
    present = {
        "blue_collar": workforce.blue_collar > 0,
        "white_collar": workforce.white_collar > 0,
        "young": workforce.young >= YOUTH_MANDATE_FROM,
        "cadre": body == "CE" and workforce.cadre >= CADRE_LISTS_FROM,
    }
    return tuple(category for category in CATEGORIES if present[category])


def stop_window(calendar: Calendar) -> tuple[date, date]:
    """First and last day a stop may be declared: X+36 to X+79 (legal dates, not moved)."""
    entry = calendar.entry(STOP_STEP)
    assert entry.period_end is not None  # X+36 is a period step in the catalogue
    return entry.legal_date, entry.period_end


def check_stop(
    *,
    status: str,
    calendar: Calendar | None,
    today: date,
    kind: str,
    categories: Iterable[str],
    stoppable: tuple[str, ...],
    already_stopped: tuple[str, ...],
) -> tuple[str, ...]:
    """Validate a stop declaration; returns the categories stopped once it is recorded."""
    if status != DossierStatus.open:
        raise RuleError("kind", "error.dossier_not_open")
    if calendar is None:
        raise RuleError("kind", "error.stop_needs_election_day")
    first, last = stop_window(calendar)
    if not first <= today <= last:
        raise RuleError("kind", "error.outside_stop_window", first=first, last=last)
    if kind == StopKind.complete:
        return tuple(stoppable)
    if kind != StopKind.partial:
        raise RuleError("kind", "error.stop_kind")
    chosen = tuple(dict.fromkeys(categories))
    if not chosen:
        raise RuleError("categories", "error.categories_empty")
    unknown = [category for category in chosen if category not in stoppable]
    if unknown:
        raise RuleError("categories", "error.categories_unknown")
    stopped = tuple(c for c in stoppable if c in chosen or c in already_stopped)
    if stopped == tuple(stoppable):
        raise RuleError("categories", "error.categories_all")
    return stopped
