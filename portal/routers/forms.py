"""The three statistical forms of a dossier: see one, save it as a draft, submit it, correct it.

The fields and rules are :mod:`procedure.forms`; this router gives them what it knows of the
dossier (:func:`form_context`), stores a form only when no rule refuses it, and shows the
problems next to their fields in the page's language. Each dossier's forms are rows of
:class:`models.evidence.StatisticalForm`, one per version: a draft is updated in place until it
is submitted; a change after a submission is a new version with a reason, the earlier one kept.
The submitted rows are the steps' evidence (``procedure.step_state.EVIDENCE``).

No ``from __future__ import annotations`` here: FastAPI must see the form models that
:func:`form_model` builds at run time in the handlers' annotations.
"""

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field, create_model
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.dossier import Dossier, DossierStatus
from models.evidence import FormKind, FormStatus, StatisticalForm
from models.registry import format_enterprise_number
from portal import audit
from portal.clock import today
from portal.deps import ClientAddress, CsrfForm, DbSession, Now, OfficerDossier, csrf_checked
from portal.i18n import Translator
from portal.web import flash, render, translator
from procedure.categories import categories_of, colleges
from procedure.forms import (
    FORM_FIELD,
    MAX_LENGTH,
    REASON_MAX,
    Checked,
    FormContext,
    Problem,
    all_fields,
    check,
    form_fields,
    organisations_of,
    values,
)
from procedure.i18n import document_name

router = APIRouter(tags=["statistical forms"])

#: Each form's name in the step catalogue (procedure.steps: the documents of X−60, X and Y).
DOCUMENT = {
    FormKind.basic: "basic statistical form",
    FormKind.pre_electoral: "pre-electoral statistical form",
    FormKind.election: "election statistical form",
}


def form_model(kind: FormKind) -> type[CsrfForm]:
    """The form's model: every field any dossier's form may send, so /openapi.json declares
    them; the button pressed (``action``) and the reason of a correction."""
    fields: dict[str, Any] = {
        f.name: (str, Field(default="", max_length=MAX_LENGTH[f.kind] * 4))
        for f in all_fields(kind)
    }
    return create_model(
        f"{kind.value.title().replace('_', '')}Form",
        __base__=CsrfForm,
        action=(str, Field(default="draft", max_length=10, description="draft or submit")),
        reason=(
            str,
            Field(
                default="", max_length=REASON_MAX * 4, description="Why a submitted form changes"
            ),
        ),
        **fields,
    )


def form_url(dossier: Dossier, kind: str) -> str:
    return f"/dossiers/{dossier.dossier_number}/forms/{kind}"


def versions(db: Session, dossier: Dossier, kind: str) -> list[StatisticalForm]:
    return list(
        db.exec(
            select(StatisticalForm)
            .where(StatisticalForm.dossier_id == dossier.id, StatisticalForm.form == kind)
            .order_by(col(StatisticalForm.version))
        )
    )


def _last_submitted(db: Session, dossier: Dossier, kind: str) -> StatisticalForm | None:
    submitted = [r for r in versions(db, dossier, kind) if r.status == FormStatus.submitted]
    return submitted[-1] if submitted else None


def form_context(db: Session, dossier: Dossier) -> FormContext:
    """What the rules know of the dossier: its body, its edition's window and day Y, the
    registry's administrative data, and the colleges and mandates of its last submitted
    pre-electoral form (the election form counts the votes of those colleges)."""
    unit = dossier.technical_unit
    enterprise = unit.enterprise
    edition = dossier.edition
    pre = _last_submitted(db, dossier, FormKind.pre_electoral)
    found = ()
    mandates: dict[str, int] = {}
    if pre is not None:
        numbers = pre.data["categories"]
        found = colleges(
            dossier.body, {c: numbers[c]["staff"] for c in categories_of(dossier.body)}
        )
        mandates = {
            college.key: sum(numbers[c]["mandates"] for c in college.categories)
            for college in found
        }
    return FormContext(
        body=dossier.body,
        window=(edition.window_first, edition.window_last),
        election_day=dossier.election_day,
        registry={
            "enterprise_number": enterprise.enterprise_number,
            "enterprise_name": enterprise.name,
            "unit_name": unit.name,
        },
        colleges=found,
        mandates=mandates,
        pre_electoral_version=pre.version if pre else None,
    )


def _first_values(db: Session, dossier: Dossier, kind: str, context: FormContext) -> dict:
    """A form never saved starts from what socelec knows: the registry's administrative data,
    day Y as the first day of the vote, each college's registered voters from the
    pre-electoral form."""
    data: dict[str, Any] = {}
    if kind == FormKind.basic:
        data = {"administrative": dict(context.registry)}
    elif kind == FormKind.pre_electoral and dossier.election_day:
        data = {"votes": [{"date": dossier.election_day.isoformat()}]}
    elif kind == FormKind.election and context.colleges:
        pre = _last_submitted(db, dossier, FormKind.pre_electoral)
        assert pre is not None  # the colleges come from it
        registered = {c: n["registered"] for c, n in pre.data["categories"].items()}
        data = {
            "colleges": {
                college.key: {"registered": sum(registered[c] for c in college.categories)}
                for college in context.colleges
            }
        }
    return values(kind, data, context)


def _capitalised(name: str) -> str:
    # A form's name inside a sentence ("basissteekkaart") heading its page.
    return name[:1].upper() + name[1:]


def problem_text(problem: Problem, t: Translator) -> str:
    """A problem as the page says it: the rule's message naming the field."""
    field = " – ".join(t(key) for key in problem.label)
    return t(f"forms.rule.{problem.rule}", field=field, **problem.params)


def _page(
    request: Request,
    db: Session,
    dossier: Dossier,
    kind: FormKind,
    *,
    shown: Mapping[str, str] | None = None,
    checked: Checked | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    t = translator(request)
    context = form_context(db, dossier)
    rows = versions(db, dossier, kind)
    current = rows[-1] if rows else None
    submitted = [r for r in rows if r.status == FormStatus.submitted]
    if shown is None:
        shown = (
            values(kind, current.data, context)
            if current
            else _first_values(db, dossier, kind, context)
        )
    if checked is None and submitted:
        # The warnings of the version in force (its rules passed when it was submitted).
        last = submitted[-1]
        checked = check(kind, values(kind, last.data, context), context, submit=True)
    problems = checked.problems if checked else ()
    errors = dict(errors or {})
    for problem in problems:
        if not problem.warning:
            errors.setdefault(problem.field, problem_text(problem, t))
    return render(
        request,
        "statistical_form.html",
        status_code=status_code,
        dossier=dossier,
        kind=kind,
        title=_capitalised(document_name(DOCUMENT[kind], t.lang)),
        fields={f.name: f for f in form_fields(kind, context)},
        label=lambda f: " – ".join(t(key) for key in f.label),
        values=shown,
        errors=errors,
        warnings=[problem_text(p, t) for p in problems if p.warning],
        context=context,
        organisations_of=organisations_of,
        categories=categories_of(dossier.body),
        rows=rows,
        current=current,
        submitted=submitted[-1] if submitted else None,
        reason=reason,
        registry={
            **context.registry,
            "enterprise_number": format_enterprise_number(context.registry["enterprise_number"]),
        },
        needs_pre_electoral=kind == FormKind.election and not context.colleges,
        can_save=dossier.status == DossierStatus.open,
    )


def _save(
    request: Request,
    db: Session,
    dossier: Dossier,
    kind: FormKind,
    form: CsrfForm,
    now,
    ip: str,
) -> Response:
    t = translator(request)
    raw = form.model_dump(exclude={"csrf_token", "action", "reason"})
    submit = form.action == "submit"
    context = form_context(db, dossier)
    rows = versions(db, dossier, kind)
    current = rows[-1] if rows else None
    correcting = any(r.status == FormStatus.submitted for r in rows)
    checked = check(
        kind,
        raw,
        context,
        submit=submit,
        today=today(now),
        correcting=correcting,
        reason=form.reason,
    )

    def again(status_code: int, **problems) -> HTMLResponse:
        # The page with what was typed, so the officer corrects it rather than types it anew.
        return _page(
            request,
            db,
            dossier,
            kind,
            shown=raw,
            reason=form.reason,
            status_code=status_code,
            **problems,
        )

    if dossier.status != DossierStatus.open:
        return again(422, checked=checked, errors={FORM_FIELD: t("error.dossier_not_open")})
    if checked.errors:
        return again(422, checked=checked)
    if current is not None and current.status == FormStatus.draft:
        row = current
    else:
        row = StatisticalForm(
            dossier_id=dossier.id,
            form=kind,
            version=current.version + 1 if current else 1,
            created_at=now,
            saved_by="",
        )
    row.data = checked.data
    row.reason = form.reason.strip()
    row.updated_at = now
    row.saved_by = request.state.session_hash
    if submit:
        row.status = FormStatus.submitted
        row.submitted_at = now
    db.add(row)
    # No contact data and no reason's text in the trail: the row keeps them.
    audit.record(
        db,
        "form_submitted" if submit else "form_saved",
        dossier_number=dossier.dossier_number,
        ip=ip,
        form=kind.value,
        version=row.version,
        correction=correcting,
        warnings=[p.rule.value for p in checked.warnings],
    )
    try:
        db.commit()
    except IntegrityError:  # the same version saved from another tab at the same moment
        db.rollback()
        return again(409, errors={FORM_FIELD: t("forms.conflict")})
    # One literal key per call, so pybabel extract finds both.
    if submit:
        flash(request, "forms.flash_submitted")
    else:
        flash(request, "forms.flash_saved")
    return RedirectResponse(f"{form_url(dossier, kind)}#form-status", status_code=303)


def _routes(kind: FormKind) -> None:
    model = form_model(kind)

    @router.get(
        f"/dossiers/{{number}}/forms/{kind.value}",
        response_class=HTMLResponse,
        summary=f"The {DOCUMENT[kind]}",
        name=f"show_{kind.value}_form",
    )
    def show(request: Request, dossier: OfficerDossier, db: DbSession) -> HTMLResponse:
        return _page(request, db, dossier, kind)

    @router.post(
        f"/dossiers/{{number}}/forms/{kind.value}",
        response_class=HTMLResponse,
        summary=f"Save the {DOCUMENT[kind]} as a draft, or submit it",
        name=f"save_{kind.value}_form",
    )
    def save(
        request: Request,
        dossier: OfficerDossier,
        form: Annotated[model, Depends(csrf_checked(model))],
        db: DbSession,
        now: Now,
        ip: ClientAddress,
    ) -> Response:
        return _save(request, db, dossier, kind, form, now, ip)


for _kind in FormKind:
    _routes(_kind)
