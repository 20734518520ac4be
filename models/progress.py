"""What the database says each dossier has shown, and where every dossier stands on every step.

The rule is :func:`procedure.step_state.step_state`; this module only gathers its inputs from
the tables (uploaded documents, submitted forms, confirmations, stops, each unit's working
week and closure days) in a few queries for a whole edition, and counts the results. The
portal, the daily run (no reminder for a step done, a late notice for one not done), the
ministry's artifact, ``socelec status --steps`` and ``socelec report late`` all read it here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.delivery import Delivery
from models.dossier import Dossier, DossierStatus, StopKind
from models.edition import Edition
from models.evidence import ClosureDay, FormStatus, StatisticalForm, StepDocument
from models.portal import StepConfirmation
from models.registry import Enterprise, TechnicalUnit, WorkingWeek
from procedure import STEPS
from procedure.calendar import Calendar, compute_calendar
from procedure.clock import BRUSSELS, as_utc
from procedure.mailings import (
    DEFAULT_LATE_AFTER,
    DEFAULT_LEAD_DAYS,
    DueMailing,
    due_mailings,
    planning_calendar,
    state_calendar,
)
from procedure.step_state import Shown, StepState, followed, step_state
from procedure.working_days import MONDAY_TO_FRIDAY, MONDAY_TO_SATURDAY, WorkingDays

WEEKDAYS = {
    WorkingWeek.monday_to_friday: MONDAY_TO_FRIDAY,
    WorkingWeek.monday_to_saturday: MONDAY_TO_SATURDAY,
}


@dataclass(frozen=True)
class DossierFacts:
    """One dossier as the step rule sees it."""

    dossier_id: int
    dossier_number: str
    body: str
    language: str
    enterprise_number: str
    unit_name: str
    election_day: date | None
    working_days: WorkingDays
    shown: Shown


class CalendarCache:
    """Dossiers with the same Y and the same working days share their calendars: an edition
    has a few dozen, not 11,569."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self._planning: dict[tuple[date | None, WorkingDays], Calendar] = {}
        self._states: dict[tuple[date | None, WorkingDays], Calendar] = {}

    def get(self, election_day: date | None, working_days: WorkingDays | None = None) -> Calendar:
        """The calendar reminders are planned by (the earliest dates while Y is not chosen)."""
        key = (election_day, working_days or WorkingDays())
        if key not in self._planning:
            self._planning[key] = planning_calendar(self.edition, election_day, key[1])[0]
        return self._planning[key]

    def states(
        self, election_day: date | None, working_days: WorkingDays | None = None
    ) -> Calendar:
        """The calendar steps are judged late by (procedure.mailings.state_calendar)."""
        key = (election_day, working_days or WorkingDays())
        if key not in self._states:
            self._states[key] = (
                self.get(*key) if election_day else state_calendar(self.edition, None, key[1])
            )
        return self._states[key]

    def mailings(
        self,
        election_day: date | None,
        working_days: WorkingDays,
        shown: Shown,
        as_of: date,
        lead_days: int = DEFAULT_LEAD_DAYS,
        late_after: int = DEFAULT_LATE_AFTER,
    ) -> list[DueMailing]:
        """The mailings due on ``as_of`` for the dossiers of one such group."""
        return due_mailings(
            self.get(election_day, working_days),
            as_of,
            lead_days,
            shown=shown,
            working_days=working_days,
            late_after=late_after,
            late_calendar=self.states(election_day, working_days),
        )


def working_days_of_units(session: Session, unit_ids: Iterable[int]) -> dict[int, WorkingDays]:
    """Each unit's working week and the closure days its officers declared."""
    ids = list(set(unit_ids))
    if not ids:
        return {}
    weeks = dict(
        session.exec(
            select(TechnicalUnit.id, TechnicalUnit.working_days).where(
                col(TechnicalUnit.id).in_(ids)
            )
        ).all()
    )
    closed: dict[int, set[date]] = defaultdict(set)
    for unit_id, day in session.exec(
        select(ClosureDay.technical_unit_id, ClosureDay.day).where(
            col(ClosureDay.technical_unit_id).in_(ids)
        )
    ):
        closed[unit_id].add(day)
    return {
        unit: WorkingDays(WEEKDAYS[WorkingWeek(week)], frozenset(closed[unit]))
        for unit, week in weeks.items()
    }


def shown_of(session: Session, dossiers: Iterable[Dossier]) -> dict[int, Shown]:
    """What each dossier has shown: documents, submitted forms, confirmations, its stop."""
    by_id = {d.id: d for d in dossiers}
    ids = list(by_id)
    uploaded: dict[int, set[str]] = defaultdict(set)
    forms: dict[int, set[str]] = defaultdict(set)
    confirmed: dict[int, set[str]] = defaultdict(set)
    if ids:
        for dossier_id, code in session.exec(
            select(StepDocument.dossier_id, StepDocument.step_code).where(
                col(StepDocument.dossier_id).in_(ids)
            )
        ):
            uploaded[dossier_id].add(code)
        for dossier_id, form in session.exec(
            select(StatisticalForm.dossier_id, StatisticalForm.form).where(
                col(StatisticalForm.dossier_id).in_(ids),
                StatisticalForm.status == FormStatus.submitted,
            )
        ):
            forms[dossier_id].add(form)
        for dossier_id, code in session.exec(
            select(StepConfirmation.dossier_id, StepConfirmation.step_code).where(
                col(StepConfirmation.dossier_id).in_(ids)
            )
        ):
            confirmed[dossier_id].add(code)
    return {
        dossier_id: Shown(
            uploaded=frozenset(uploaded[dossier_id]),
            forms=frozenset(forms[dossier_id]),
            confirmed=frozenset(confirmed[dossier_id]),
            stopped_on=_stopped_on(dossier),
        )
        for dossier_id, dossier in by_id.items()
    }


def _stopped_on(dossier: Dossier) -> date | None:
    # Only a complete stop ends the procedure; a partial one goes on for the other categories.
    if dossier.stop_kind != StopKind.complete or dossier.stopped_at is None:
        return None
    return as_utc(dossier.stopped_at).astimezone(BRUSSELS).date()


def dossier_facts(session: Session, edition: Edition) -> list[DossierFacts]:
    """The open dossiers of the edition with what the step rule needs (a completely stopped
    dossier gets no further mailing and is done with the procedure)."""
    query = (
        select(Dossier, TechnicalUnit, Enterprise)
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        .where(Dossier.edition_id == edition.id, Dossier.status == DossierStatus.open)
        .order_by(col(Dossier.id))
    )
    rows = session.exec(query).all()
    working = working_days_of_units(session, (unit.id for _, unit, _ in rows))
    shown = shown_of(session, (dossier for dossier, _, _ in rows))
    return [
        DossierFacts(
            dossier.id,
            dossier.dossier_number,
            dossier.body,
            enterprise.language,
            enterprise.enterprise_number,
            unit.name,
            dossier.election_day,
            working[unit.id],
            shown[dossier.id],
        )
        for dossier, unit, enterprise in rows
    ]


def step_counts(
    session: Session, edition: Edition, as_of: date, *, due_days: int = 7
) -> list[dict]:
    """Per followed step: the open dossiers done, late, due within ``due_days`` and later, in
    all and per language (the ministry's view; the same dossiers ``socelec report late``
    lists)."""
    calendars = CalendarCache(edition)
    counts: dict[str, Counter] = {s.code: Counter() for s in STEPS}
    for facts in dossier_facts(session, edition):
        calendar = calendars.states(facts.election_day, facts.working_days)
        for entry in calendar.entries:
            if not followed(entry):
                continue
            state = step_state(entry, as_of, facts.shown, due_days=due_days)
            counts[entry.code][state] += 1
            counts[entry.code][f"{state}_{facts.language}"] += 1
    columns = [*StepState, *(f"{s}_{lang}" for s in StepState for lang in ("fr", "nl", "de"))]
    return [
        {"step": code, **{str(c): counts[code].get(str(c), 0) for c in columns}}
        for code, counter in counts.items()
        if counter
    ]


def late_dossiers(session: Session, edition: Edition, as_of: date, step_code: str) -> list[dict]:
    """The dossiers late on ``step_code`` on ``as_of``, with the last message the FPS sent each
    (for the help desk)."""
    calendars = CalendarCache(edition)
    late = []
    for facts in dossier_facts(session, edition):
        entry = calendars.states(facts.election_day, facts.working_days).entry(step_code)
        if step_state(entry, as_of, facts.shown, due_days=0) is StepState.late:
            late.append((facts, (as_of - (entry.period_end or entry.effective_date)).days))
    last = _last_messages(session, [facts.dossier_id for facts, _ in late])
    return [
        {
            "dossier": f.dossier_number,
            "enterprise": f.enterprise_number,
            "unit": f.unit_name,
            "body": f.body,
            "language": f.language,
            "days_late": days,
            "last_fps_message": last.get(f.dossier_id, ""),
        }
        for f, days in late
    ]


def _last_messages(session: Session, dossier_ids: list[int]) -> dict[int, str]:
    if not dossier_ids:
        return {}
    rows = session.exec(
        select(Delivery.dossier_id, Delivery.document_kind, Delivery.sent_at)
        .where(col(Delivery.dossier_id).in_(dossier_ids), col(Delivery.sent_at).is_not(None))
        .order_by(col(Delivery.sent_at))
    ).all()
    return {
        dossier_id: f"{kind} {as_utc(sent_at).astimezone(BRUSSELS):%Y-%m-%d}"
        for dossier_id, kind, sent_at in rows
    }


def dossier_progress(session: Session, dossier: Dossier) -> tuple[WorkingDays, Shown]:
    """One dossier's working days and what it has shown (the portal's view of one dossier)."""
    unit = dossier.technical_unit_id
    return working_days_of_units(session, [unit])[unit], shown_of(session, [dossier])[dossier.id]


def dossier_calendar(session: Session, dossier: Dossier) -> Calendar | None:
    """The dossier's own calendar (its Y, its unit's working days); None before Y is chosen."""
    if dossier.election_day is None:
        return None
    working, _ = dossier_progress(session, dossier)
    return compute_calendar(dossier.edition, dossier.election_day, working)
