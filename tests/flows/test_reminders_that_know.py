"""One edition, day by day: dossiers that do their steps early, on time, late or never, one that
stops, one without a day Y and one working Saturdays with a closure day. Each gets exactly the
reminders and late notices its state calls for, on the day it calls for them, and never one
for a step it has done (issue 14, "Reminders that know")."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from models import Delivery, Dossier, Edition, TechnicalUnit
from models.dossier import DossierStatus, StopKind
from models.evidence import ClosureDay
from models.mailing_plan import due_by_kind
from procedure import Phase, compute_calendar
from procedure.mailings import phase_window, reminder_window, state_calendar
from procedure.step_state import late_notice_day
from procedure.working_days import WorkingDays
from tests.factories import do_step, load_sample, noon

FIRST_RUN, LAST_RUN = date(2027, 11, 20), date(2028, 8, 31)
LEAD_DAYS, LATE_AFTER = 7, 2
SATURDAY_CLOSURE = date(2027, 12, 15)  # the Saturday unit's X−60, a Wednesday


def reminder_day(entry) -> date:
    return reminder_window(entry.effective_date, entry.step.code, LEAD_DAYS)[0]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_dossier_gets_the_reminders_and_late_notices_its_steps_call_for(engine):
    load_sample(engine, 6)
    mon_fri, saturdays = WorkingDays(), WorkingDays.saturday_worked([SATURDAY_CLOSURE])
    with Session(engine) as session:
        edition = session.exec(select(Edition).where(Edition.year == 2028)).one()
        # One dossier per technical unit, so a unit's working days concern one role.
        dossiers = {}
        for dossier in session.exec(select(Dossier).order_by(Dossier.id)):
            dossiers.setdefault(dossier.technical_unit_id, dossier)
        roles = ["early", "on_time", "never", "mixed", "no_y", "saturdays"]
        by_role = dict(zip(roles, dossiers.values(), strict=False))
        assert len(by_role) == len(roles)
        for dossier in session.exec(select(Dossier)):
            if dossier not in by_role.values():
                dossier.status = DossierStatus.stopped  # out of the story
        for role, y in [
            ("early", date(2028, 5, 19)),
            ("on_time", date(2028, 5, 12)),
            ("never", date(2028, 5, 8)),
            ("mixed", date(2028, 5, 8)),
            ("saturdays", date(2028, 5, 13)),  # a Saturday: its unit works Saturdays
        ]:
            by_role[role].election_day = y
        unit = session.get(TechnicalUnit, by_role["saturdays"].technical_unit_id)
        unit.working_days = "mon-sat"
        session.add(
            ClosureDay(
                technical_unit_id=unit.id,
                day=SATURDAY_CLOSURE,
                declared_at=noon(FIRST_RUN),
                declared_by="test",
            )
        )
        session.commit()
        ids = {role: d.id for role, d in by_role.items()}
        working = {role: saturdays if role == "saturdays" else mon_fri for role in roles}
        calendars = {
            role: compute_calendar(edition, by_role[role].election_day or date(2028, 5, 8), wd)
            for role, wd in working.items()
        }
        latest = state_calendar(edition, None, mon_fri)
        followed = {
            role: [e for e in calendar.entries if e.step.reminder]
            for role, calendar in calendars.items()
        }

        # What each officer does, on which day (after that day's run at 07:00).
        actions: dict[date, list[tuple[str, str]]] = defaultdict(list)
        for entry in followed["early"]:  # before its reminder would go
            actions[entry.effective_date - timedelta(days=10)].append(("early", entry.code))
        for entry in followed["on_time"]:  # on the day, after its reminder
            actions[entry.effective_date].append(("on_time", entry.code))
        mixed = {e.code: e for e in followed["mixed"]}
        actions[late_notice_day(mixed["X-60"], mon_fri, LATE_AFTER)].append(("mixed", "X-60"))
        actions[mixed["X"].effective_date].append(("mixed", "X"))
        stop_day = mixed["X+40"].effective_date  # X−35, X+14, X+35 skipped, then a stop

        sent: dict[tuple[str, int], list[date]] = defaultdict(list)
        done: dict[tuple[int, str], date] = {}
        day = FIRST_RUN
        while day <= LAST_RUN:
            for phase in Phase:
                planned = due_by_kind(session, edition, day, phase, LEAD_DAYS, LATE_AFTER)
                for kind, dossier_ids in planned.items():
                    for dossier_id in dossier_ids:
                        sent[(kind, dossier_id)].append(day)
                        session.add(
                            Delivery(
                                dossier_id=dossier_id,
                                document_kind=kind,
                                step_code=kind.split("-", 1)[-1],
                                state="sent",
                                idempotency_key=f"{kind}/{dossier_id}",
                            )
                        )
            for role, code in actions.get(day, []):
                do_step(session, ids[role], code, day)
                done[(ids[role], code)] = day
            if day == stop_day:
                stopped = session.get(Dossier, ids["mixed"])
                stopped.status, stopped.stop_kind = DossierStatus.stopped, StopKind.complete
                stopped.stopped_at = noon(day)
            session.commit()
            day += timedelta(days=1)

    assert {days_sent.__len__() for days_sent in sent.values()} == {1}, "a mailing sent twice"
    got = defaultdict(dict)
    for (kind, dossier_id), (day,) in sent.items():
        got[dossier_id][kind] = day

    def phases(role: str, until: date = LAST_RUN) -> dict[str, date]:
        calendar = calendars[role]
        notices = {}
        for phase in Phase:
            if phase is Phase.preparation:
                continue
            start = max(phase_window(calendar, phase)[0], FIRST_RUN)
            if start <= until:
                notices[f"phase-{phase.value}"] = start
        return notices

    def reminders(role: str, until: date = LAST_RUN) -> dict[str, date]:
        return {
            f"reminder-{e.code}": reminder_day(e)
            for e in followed[role]
            if reminder_day(e) <= until
        }

    def late_notices(role: str, entries, until: date = LAST_RUN) -> dict[str, date]:
        days = {e.code: late_notice_day(e, working[role], LATE_AFTER) for e in entries}
        return {f"overdue-{code}": day for code, day in days.items() if day <= until}

    # Done before each reminder: phase notices only, not one reminder, not one late notice.
    assert got[ids["early"]] == phases("early")
    # Done on the day: every reminder, no late notice.
    assert got[ids["on_time"]] == phases("on_time") | reminders("on_time")
    # Never done: every reminder and, two working days after each step, its late notice.
    never = phases("never") | reminders("never") | late_notices("never", followed["never"])
    assert got[ids["never"]] == never
    assert got[ids["never"]]["overdue-X-60"] == date(2027, 12, 14)  # Fri 10 Dec + Mon, Tue
    # X−60 done late (its notice had gone), X−35, X+14 and X+35 skipped, X on the day, then a
    # complete stop on X+40: nothing after it, not even X+40's late notice.
    skipped = [mixed[c] for c in ("X-60", "X-35", "X+14", "X+35", "X+40")]
    assert got[ids["mixed"]] == (
        phases("mixed", stop_day)
        | reminders("mixed", stop_day)
        | late_notices("mixed", skipped, stop_day)
    )
    assert "overdue-X" not in got[ids["mixed"]] and "overdue-X+40" not in got[ids["mixed"]]
    # Without day Y: reminders by the window's earliest dates (never too late), late notices
    # only once a step is late whatever Y the company still chooses (the latest Y's dates).
    assert latest.y_day == date(2028, 5, 19)
    no_y_late = late_notices("no_y", [e for e in latest.entries if e.step.reminder])
    assert got[ids["no_y"]] == phases("no_y") | reminders("no_y") | no_y_late
    assert got[ids["no_y"]]["overdue-X-60"] > got[ids["never"]]["overdue-X-60"]
    # Working Saturdays, closed on Wednesday 15 December: X−60 moves to Tuesday 14, its late
    # notice counts Thursday and Friday; X+40 (Friday 24 March) is late on Monday, not Tuesday.
    saturday = got[ids["saturdays"]]
    assert saturday == phases("saturdays") | reminders("saturdays") | late_notices(
        "saturdays", followed["saturdays"]
    )
    assert saturday["reminder-X-60"] == date(2027, 12, 7)
    assert saturday["overdue-X-60"] == date(2027, 12, 17)
    assert saturday["overdue-X+40"] == date(2028, 3, 27)
    # And never a late notice for a step done before it was due.
    for (kind, dossier_id), (day,) in sent.items():
        if kind.startswith(("overdue-", "reminder-")):
            code = kind.split("-", 1)[1]
            assert done.get((dossier_id, code), LAST_RUN + timedelta(days=1)) >= day, kind
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery.document_kind).where(col(Delivery.dossier_id).in_(list(ids.values())))
        ).all()
    assert len(rows) == len(sent)
