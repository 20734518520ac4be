"""The dossier page, the choice of day Y and the officer's confirmations of done steps."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.delivery import Delivery
from models.dossier import Dossier, DossierStatus
from models.portal import StepConfirmation
from models.progress import dossier_calendar, dossier_progress
from models.registry import format_enterprise_number
from portal import audit
from portal.clock import as_utc, today
from portal.deps import (
    ClientAddress,
    CsrfForm,
    DbSession,
    Now,
    OfficerDossier,
    csrf_checked,
)
from portal.election_day import can_change, check_change, day_choices
from portal.errors import RuleError
from portal.i18n import Translator
from portal.progress import MessageNote, delivery_note, step_rows
from portal.web import flash, form_errors, render, translator
from procedure import STEPS, compute_calendar, step
from procedure.documents import DocumentKind
from procedure.documents import kind as document_kind
from procedure.i18n import body_abbreviation, body_name, display_code, unit_label
from procedure.step_state import StepState, evidence_for, followed, late_steps, step_state

router = APIRouter(tags=["dossier"])

STEP_CODES = frozenset(s.code for s in STEPS)


class ElectionDayForm(CsrfForm):
    election_day: str = Field(default="", max_length=10, description="Day Y, YYYY-MM-DD")


class StepForm(CsrfForm):
    done: bool = Field(default=True, description="true: mark the step done; false: undo")


def dossier_url(dossier: Dossier) -> str:
    return f"/dossiers/{dossier.dossier_number}"


def _document_kind(code: str) -> DocumentKind | None:
    # A kind unknown to this version's catalogue (an older or newer campaign) shows its code.
    try:
        return document_kind(code)
    except KeyError:
        return None


def kind_label(code: str, t: Translator) -> str:
    """ "Rappel", "Herinnering": what kind of document the FPS sent."""
    known = _document_kind(code)
    return t(f"kind.{known.family}") if known else code


def message_text(note: MessageNote, t: Translator) -> str:
    """One line about an FPS message (see portal.progress.MessageNote)."""
    return t(
        f"message.{note.reason}",
        **{
            "kind": kind_label(note.kind, t) if note.kind else "",
            "at": note.at,
            "error": note.error or "—",
            "day": note.due_from,
        },
    )


def stopped_on(dossier: Dossier) -> date | None:
    if dossier.status != DossierStatus.stopped or dossier.stopped_at is None:
        return None
    return today(as_utc(dossier.stopped_at))


def dossier_page(
    request: Request,
    db: DbSession,
    dossier: Dossier,
    now,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The dossier page, also re-rendered with ``errors`` when a form on it was refused."""
    t = translator(request)
    day = today(now)
    edition = dossier.edition
    unit = dossier.technical_unit
    working, shown = dossier_progress(db, dossier)
    calendar = (
        compute_calendar(edition, dossier.election_day, working) if dossier.election_day else None
    )
    deliveries = db.exec(
        select(Delivery).where(Delivery.dossier_id == dossier.id).order_by(Delivery.created_at)
    ).all()
    rows = (
        step_rows(
            calendar, deliveries, shown, day, due_days=request.app.state.settings.due_soon_days
        )
        if calendar
        else []
    )
    others = [delivery_note(d) for d in deliveries if d.step_code not in STEP_CODES]
    return render(
        request,
        "dossier.html",
        status_code=status_code,
        errors=errors or {},
        dossier=dossier,
        edition=edition,
        unit=unit,
        unit_label=unit_label(
            unit.name, unit.code, [u.name for u in unit.enterprise.technical_units]
        ),
        enterprise=unit.enterprise,
        enterprise_number=format_enterprise_number(unit.enterprise.enterprise_number),
        body_name=body_name(dossier.body, t.lang),
        body_abbreviation=body_abbreviation(dossier.body, t.lang),
        calendar=calendar,
        today=day,
        rows=rows,
        # Catalogue order is day order, so each phase's steps are together (groupby keeps it).
        phases=[
            (phase, list(group)) for phase, group in groupby(rows, key=lambda r: r.entry.step.phase)
        ],
        other_messages=others,
        message_text=lambda note: message_text(note, t),
        can_change_y=can_change(dossier.status, dossier.election_day, day),
        choices=day_choices(edition, day, working),
        first_login=dossier.password_changed_at is None,
        stopped_on=stopped_on(dossier),
        stopped_categories=[t(f"category.{c}") for c in dossier.stopped_categories.split(",") if c],
    )


@router.get("/dossiers/{number}", response_class=HTMLResponse, summary="The dossier page")
def show_dossier(
    request: Request, dossier: OfficerDossier, db: DbSession, now: Now
) -> HTMLResponse:
    return dossier_page(request, db, dossier, now)


@router.post("/dossiers/{number}/election-day", response_class=HTMLResponse, summary="Choose day Y")
def choose_election_day(
    request: Request,
    dossier: OfficerDossier,
    form: Annotated[ElectionDayForm, Depends(csrf_checked(ElectionDayForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    try:
        try:
            new_y = date.fromisoformat(form.election_day)
        except ValueError:
            raise RuleError("election_day", "error.not_a_date") from None
        working, shown = dossier_progress(db, dossier)
        check_change(
            dossier.edition, dossier.status, dossier.election_day, new_y, today(now), working
        )
    except RuleError as error:
        return dossier_page(
            request,
            db,
            dossier,
            now,
            status_code=422,
            errors=form_errors(request, error),
        )
    before = dossier.election_day
    if new_y != before:
        dossier.election_day = new_y
        # The calendar file's SEQUENCE (procedure.ics); in SQL, so two changes at once both count.
        dossier.calendar_revision = Dossier.calendar_revision + 1
        dossier.updated_at = now
        db.add(dossier)
        audit.record(
            db,
            "election_day",
            dossier_number=dossier.dossier_number,
            ip=ip,
            before=before.isoformat() if before else None,
            after=new_y.isoformat(),
        )
        db.commit()
    flash(request, "flash.election_day_saved")
    late = late_steps(compute_calendar(dossier.edition, new_y, working), today(now), shown)
    if late:
        # Choosing Y does not wait for them, but the officer must not learn it from a letter.
        flash(
            request,
            "flash.earlier_steps_late",
            warning=True,
            steps=", ".join(map(display_code, late)),
        )
    return RedirectResponse(f"{dossier_url(dossier)}#y-title", status_code=303)


def confirmation_refused(
    request: Request, db: DbSession, dossier: Dossier, code: str, now, *, undo: bool
) -> str | None:
    """Why the officer may not mark step ``code`` done (or undo it) now, or None.

    Only a followed step without a document or form is marked by a click (the others are
    done by their upload or form); and not before it is due: a step months ahead cannot
    have been done. Undoing a confirmation is always allowed while the dossier is open.
    """
    t = translator(request)
    if dossier.status != DossierStatus.open:
        return t("error.dossier_not_open")
    calendar = dossier_calendar(db, dossier)
    if calendar is None:
        return t("error.no_calendar")
    entry = calendar.entry(code)
    if not followed(entry):
        return t("error.step_not_confirmable")
    if not evidence_for(code).confirmable:
        return t("error.step_needs_evidence", step=display_code(code))
    if undo:
        return None
    due_days = request.app.state.settings.due_soon_days
    _, shown = dossier_progress(db, dossier)
    if step_state(entry, today(now), shown, due_days=due_days) is StepState.later:
        return t(
            "error.step_not_yet_due",
            step=display_code(code),
            day=entry.effective_date - timedelta(days=due_days),
        )
    return None


@router.post(
    "/dossiers/{number}/steps/{code}",
    response_class=HTMLResponse,
    summary="Mark a reminder step done, or undo it",
)
def confirm_step(
    request: Request,
    dossier: OfficerDossier,
    code: Annotated[str, Path(max_length=10, description="A step code, e.g. X-60")],
    form: Annotated[StepForm, Depends(csrf_checked(StepForm))],
    db: DbSession,
    now: Now,
    ip: ClientAddress,
) -> Response:
    try:
        the_step = step(code)
    except (KeyError, ValueError):
        raise HTTPException(status_code=404) from None
    refused = confirmation_refused(request, db, dossier, the_step.code, now, undo=not form.done)
    if refused is not None:
        return dossier_page(
            request, db, dossier, now, status_code=422, errors={"calendar-title": refused}
        )
    existing = db.exec(
        select(StepConfirmation).where(
            StepConfirmation.dossier_id == dossier.id,
            StepConfirmation.step_code == the_step.code,
        )
    ).first()
    if form.done and existing is None:
        db.add(StepConfirmation(dossier_id=dossier.id, step_code=the_step.code, confirmed_at=now))
    elif not form.done and existing is not None:
        db.delete(existing)
    else:
        return RedirectResponse(f"{dossier_url(dossier)}#step-{the_step.code}", status_code=303)
    audit.record(
        db,
        "step_confirmed" if form.done else "step_unconfirmed",
        dossier_number=dossier.dossier_number,
        ip=ip,
        step=the_step.code,
    )
    try:
        db.commit()
    except IntegrityError:  # the same confirmation from another tab, at the same moment
        db.rollback()
    # One literal key per call, so pybabel extract finds both.
    if form.done:
        flash(request, "flash.step_done")
    else:
        flash(request, "flash.step_undone")
    return RedirectResponse(f"{dossier_url(dossier)}#step-{the_step.code}", status_code=303)
