"""Declaring a complete or partial stop of the procedure (no candidates)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlmodel import Session

from models.dossier import Dossier, DossierStatus, StopKind
from models.progress import dossier_calendar
from portal import audit
from portal.clock import today
from portal.deps import ClientAddress, CsrfForm, DbSession, Now, OfficerDossier, csrf_checked
from portal.errors import RuleError
from portal.stop import CATEGORIES, Workforce, check_stop, stop_window, stoppable_categories
from portal.web import flash, form_errors, render, translator
from procedure import Calendar

router = APIRouter(tags=["stop"])

Category = Annotated[str, Field(max_length=20)]


class StopForm(CsrfForm):
    kind: str = Field(default="", max_length=10, description="complete or partial")
    categories: list[Category] = Field(
        default_factory=list,
        max_length=len(CATEGORIES),
        description="For a partial stop: blue_collar, white_collar, young, cadre",
    )
    confirm: bool = Field(default=False, description="The officer confirms the stop")


def _calendar(dossier: Dossier) -> Calendar | None:
    # The dossier came from the request's database session (deps.officer_dossier).
    return dossier_calendar(Session.object_session(dossier), dossier)


def _stoppable(dossier: Dossier) -> tuple[str, ...]:
    unit = dossier.technical_unit
    return stoppable_categories(
        dossier.body,
        Workforce(
            unit.workers_blue_collar,
            unit.workers_white_collar,
            unit.workers_young,
            unit.workers_cadre,
        ),
    )


def _already_stopped(dossier: Dossier) -> tuple[str, ...]:
    return tuple(c for c in dossier.stopped_categories.split(",") if c)


def _check(dossier: Dossier, now, kind: str, categories: list[str]) -> tuple[str, ...]:
    return check_stop(
        status=dossier.status,
        calendar=_calendar(dossier),
        today=today(now),
        kind=kind,
        categories=categories,
        stoppable=_stoppable(dossier),
        already_stopped=_already_stopped(dossier),
    )


def _page(
    request: Request,
    dossier: Dossier,
    now,
    *,
    errors=None,
    status_code=200,
    form: StopForm | None = None,
) -> HTMLResponse:
    t = translator(request)
    calendar = _calendar(dossier)
    unavailable = None
    try:
        # A dry run of the rules that do not depend on the form: is the form of any use today?
        _check(dossier, now, StopKind.complete, [])
    except RuleError as error:
        unavailable = t(error.rule, **error.params)
    return render(
        request,
        "stop.html",
        status_code=status_code,
        # Without a form there is no field to correct: the notice says why, once.
        errors={} if unavailable else errors or {},
        dossier=dossier,
        window=stop_window(calendar) if calendar else None,
        unavailable=unavailable,
        stoppable=_stoppable(dossier),
        already_stopped=_already_stopped(dossier),
        kind=form.kind if form else "",
        chosen=form.categories if form else [],
    )


@router.get("/dossiers/{number}/stop", response_class=HTMLResponse, summary="The stop form")
def stop_form(request: Request, dossier: OfficerDossier, now: Now) -> HTMLResponse:
    return _page(request, dossier, now)


@router.post(
    "/dossiers/{number}/stop",
    response_class=HTMLResponse,
    summary="Declare a complete or partial stop",
)
def declare_stop(
    request: Request,
    dossier: OfficerDossier,
    form: Annotated[StopForm, Depends(csrf_checked(StopForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    try:
        stopped = _check(dossier, now, form.kind, form.categories)
        if not form.confirm:
            raise RuleError("confirm", "error.confirm_required")
    except RuleError as error:
        return _page(
            request, dossier, now, status_code=422, form=form, errors=form_errors(request, error)
        )
    if form.kind == StopKind.complete:
        # Dossier.status 'stopped' is what the reminder flows filter out.
        dossier.status = DossierStatus.stopped
    dossier.stop_kind = form.kind
    dossier.stopped_categories = ",".join(stopped)
    dossier.stopped_at = now
    dossier.updated_at = now
    db.add(dossier)
    audit.record(
        db,
        "stop",
        dossier_number=dossier.dossier_number,
        ip=ip,
        kind=form.kind,
        categories=list(stopped),
    )
    db.commit()
    flash(request, "flash.stop_saved")
    return RedirectResponse(f"/dossiers/{dossier.dossier_number}", status_code=303)
