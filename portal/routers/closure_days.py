"""The unit's closure days: the officer lists, declares and withdraws them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlmodel import Session, col, select, update

from models.dossier import Dossier
from models.evidence import ClosureDay
from models.progress import dossier_calendar, dossier_progress
from portal import audit
from portal.clock import today
from portal.closure_days import FIELD, can_declare, check_new_closure_day, check_removal
from portal.deps import ClientAddress, CsrfForm, DbSession, Now, OfficerDossier, csrf_checked
from portal.errors import RuleError
from portal.web import flash, form_errors, render

router = APIRouter(tags=["closure days"])


class ClosureDayForm(CsrfForm):
    day: str = Field(default="", max_length=10, description="The closure day, YYYY-MM-DD")


def _page_url(dossier: Dossier) -> str:
    return f"/dossiers/{dossier.dossier_number}/closure-days"


def _page(
    request: Request, db: Session, dossier: Dossier, now, *, errors=None, status_code=200
) -> HTMLResponse:
    calendar = dossier_calendar(db, dossier)
    working, _ = dossier_progress(db, dossier)
    day = today(now)
    return render(
        request,
        "closure_days.html",
        status_code=status_code,
        errors=errors or {},
        dossier=dossier,
        days=sorted(working.closed_days),
        today=day,
        x_day=calendar.x_day if calendar else None,
        can_declare=can_declare(dossier.status, calendar, day),
    )


def _parse(value: str) -> date:
    # A date input sends YYYY-MM-DD; a browser without one sends what the officer typed, in
    # the Belgian order the hint shows (14/02/2028, 14.02.2028).
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RuleError(FIELD, "error.closure_not_a_date")


def _calendar_changed(db: Session, dossier: Dossier, now) -> None:
    # Every dossier of the unit gets the new days: its calendar file's SEQUENCE goes up.
    db.exec(
        update(Dossier)
        .where(col(Dossier.technical_unit_id) == dossier.technical_unit_id)
        .values(calendar_revision=Dossier.calendar_revision + 1, updated_at=now)
    )


@router.get(
    "/dossiers/{number}/closure-days", response_class=HTMLResponse, summary="The closure days"
)
def closure_days(
    request: Request, dossier: OfficerDossier, db: DbSession, now: Now
) -> HTMLResponse:
    return _page(request, db, dossier, now)


@router.post(
    "/dossiers/{number}/closure-days",
    response_class=HTMLResponse,
    summary="Declare a closure day of the unit",
)
def declare_closure_day(
    request: Request,
    dossier: OfficerDossier,
    form: Annotated[ClosureDayForm, Depends(csrf_checked(ClosureDayForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    try:
        day = _parse(form.day)
        working, _ = dossier_progress(db, dossier)
        check_new_closure_day(
            dossier.edition, dossier.status, dossier_calendar(db, dossier), working, day, today(now)
        )
    except RuleError as error:
        return _page(request, db, dossier, now, status_code=422, errors=form_errors(request, error))
    db.add(
        ClosureDay(
            technical_unit_id=dossier.technical_unit_id,
            day=day,
            declared_at=now,
            declared_by=dossier.dossier_number,
        )
    )
    _calendar_changed(db, dossier, now)
    audit.record(
        db,
        "closure_day_declared",
        dossier_number=dossier.dossier_number,
        ip=ip,
        day=day.isoformat(),
    )
    db.commit()
    flash(request, "flash.closure_day_declared")
    return RedirectResponse(_page_url(dossier), status_code=303)


@router.post(
    "/dossiers/{number}/closure-days/{day}/withdraw",
    response_class=HTMLResponse,
    summary="Withdraw a closure day of the unit",
)
def withdraw_closure_day(
    request: Request,
    dossier: OfficerDossier,
    day: date,
    form: Annotated[CsrfForm, Depends(csrf_checked(CsrfForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    row = db.exec(
        select(ClosureDay).where(
            ClosureDay.technical_unit_id == dossier.technical_unit_id, ClosureDay.day == day
        )
    ).first()
    if row is None:  # already withdrawn (another tab, the other body's officer)
        return RedirectResponse(_page_url(dossier), status_code=303)
    try:
        check_removal(dossier.status, dossier_calendar(db, dossier), day, today(now))
    except RuleError as error:
        return _page(request, db, dossier, now, status_code=422, errors=form_errors(request, error))
    db.delete(row)
    _calendar_changed(db, dossier, now)
    audit.record(
        db,
        "closure_day_withdrawn",
        dossier_number=dossier.dossier_number,
        ip=ip,
        day=day.isoformat(),
    )
    db.commit()
    flash(request, "flash.closure_day_withdrawn")
    return RedirectResponse(_page_url(dossier), status_code=303)
