"""The national results' inputs and staff's checks: which election forms count, and whether
the figures may be called final (procedure/results.py does the arithmetic).

A dossier counts once, by the latest submitted version of its election form (a correction is a
new version, procedure/forms.py). The dossiers expected are the open ones: a complete stop ends
a dossier's elections (docs/procedure.md#stopping-the-procedure), a partial stop does not. The
unit's region and province come from its own postal code (procedure/regions.py), where the
election takes place, not from the legal entity's seat.

Final figures need every included form checked by staff (``StatisticalForm.checked_at`` and
``checked_by``): a form corrected after its check is a new version, unchecked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.dossier import Dossier, DossierStatus
from models.edition import Edition
from models.evidence import FormKind, FormStatus, StatisticalForm
from models.previous_results import PreviousResult
from models.registry import TechnicalUnit
from procedure.regions import province_of, region_of
from procedure.results import BODIES, Coverage, FormResult, Results, compute


@dataclass(frozen=True)
class PreviousFigures:
    """The latest earlier edition's national shares staff loaded (models/previous_results.py):
    (body, organisation, measure) → percent, and where they come from."""

    year: int
    shares: dict[tuple[str, str, str], float]
    source: str


def previous_figures(session: Session, edition_year: int) -> PreviousFigures | None:
    year = session.exec(
        select(func.max(PreviousResult.edition)).where(PreviousResult.edition < edition_year)
    ).one()
    if year is None:
        return None
    rows = session.exec(select(PreviousResult).where(PreviousResult.edition == year)).all()
    sources = sorted({row.source for row in rows})
    return PreviousFigures(
        year,
        {(row.body, row.organisation, row.measure): row.value for row in rows},
        " ; ".join(sources),
    )


class ResultsError(ValueError):
    """The results cannot be what was asked (final with unchecked forms)."""


def _latest_submitted(edition: Edition):
    """Each open dossier's latest submitted election form, with the dossier and its unit."""
    newer = aliased(StatisticalForm)
    superseded = exists().where(
        newer.dossier_id == StatisticalForm.dossier_id,
        newer.form == FormKind.election,
        newer.status == FormStatus.submitted,
        newer.version > StatisticalForm.version,
    )
    return (
        select(StatisticalForm, Dossier, TechnicalUnit)
        .join(Dossier, col(Dossier.id) == col(StatisticalForm.dossier_id))
        .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
        .where(
            Dossier.edition_id == edition.id,
            Dossier.status == DossierStatus.open,
            StatisticalForm.form == FormKind.election,
            StatisticalForm.status == FormStatus.submitted,
            ~superseded,
        )
        .order_by(col(Dossier.id))
    )


def included_forms(session: Session, edition: Edition) -> list[FormResult]:
    """The election forms the results add up, one per open dossier that submitted one."""
    return [
        FormResult(
            dossier_id=dossier.id,
            enterprise_id=unit.enterprise_id,
            body=dossier.body,
            region=region_of(unit.postal_code),
            province=province_of(unit.postal_code),
            sector=unit.sector,
            joint_committee=unit.joint_committee,
            colleges=form.data.get("colleges", {}),
            checked=form.checked_at is not None,
        )
        for form, dossier, unit in session.exec(_latest_submitted(edition))
    ]


def coverage(session: Session, edition: Edition, forms: list[FormResult]) -> list[Coverage]:
    expected = dict(
        session.exec(
            select(Dossier.body, func.count())
            .where(Dossier.edition_id == edition.id, Dossier.status == DossierStatus.open)
            .group_by(Dossier.body)
        ).all()
    )
    return [
        Coverage(body, expected.get(body, 0), sum(f.body == body for f in forms)) for body in BODIES
    ]


def edition_results(session: Session, edition: Edition) -> Results:
    forms = included_forms(session, edition)
    return compute(forms, coverage(session, edition, forms))


def check_forms(
    session: Session,
    edition: Edition,
    actor: str,
    dossier_numbers: list[str] | None = None,
    now: datetime | None = None,
) -> int:
    """Mark the included forms (of ``dossier_numbers``, else all) checked by ``actor``; returns
    how many were newly checked. Audited. The caller commits."""
    now = now or datetime.now(UTC)
    rows = session.exec(_latest_submitted(edition)).all()
    if dossier_numbers is not None:
        wanted = set(dossier_numbers)
        known = {dossier.dossier_number for _, dossier, _ in rows}
        missing = sorted(wanted - known)
        if missing:
            raise ResultsError(
                f"dossier: {', '.join(missing)} has no submitted election form in "
                f"edition {edition.year}"
            )
        rows = [r for r in rows if r[1].dossier_number in wanted]
    newly = [form for form, _, _ in rows if form.checked_at is None]
    for form in newly:
        form.checked_at, form.checked_by = now, actor
        session.add(form)
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action="results.forms_checked",
            subject=f"edition:{edition.year}",
            detail={"checked": len(newly), "dossiers": [r[1].dossier_number for r in rows]},
        )
    )
    return len(newly)


def require_final(results: Results, edition: Edition) -> None:
    """Final figures rest on checked forms only."""
    if not results.all_checked:
        raise ResultsError(
            f"final: {results.forms - results.checked} of the {results.forms} election forms "
            f"of edition {edition.year} are not checked yet (socelec results check)"
        )


def record_publication(
    session: Session, edition: Edition, results: Results, final: bool, actor: str, where: str
) -> None:
    """The audit trail of a publication: provisional or final, the forms it rests on."""
    session.add(
        AuditEvent(
            at=datetime.now(UTC),
            actor=actor,
            action="results.published_final" if final else "results.published",
            subject=f"edition:{edition.year}",
            detail={"forms": results.forms, "checked": results.checked, "where": where},
        )
    )
