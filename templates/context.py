"""What a document needs to know about one dossier, and its dates.

:class:`LetterContext` is a frozen snapshot of the rows a letter prints (dossier, technical
unit, enterprise, edition). Rendering works on these snapshots only, never on live ORM
objects, so a batch can be rendered in another process and a template can never lazy-load
another dossier's data.

:class:`DossierDates` turns a context into the dates the letters print. With a chosen day Y
it is the dossier's own calendar (:func:`procedure.compute_calendar`); without one, every
date is the span between the window's first and last possible Y, earliest first, and the
letter asks the employer to choose Y (issue 4, reminders).

The password of an access-code letter travels in ``LetterContext.password`` only in memory;
the field is left out of ``repr`` so a log line or a traceback never shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from sqlmodel import Session, select

from models.credentials import dossier_number
from models.dossier import Dossier
from models.edition import Edition
from models.progress import working_days_of_units
from models.registry import Enterprise, TechnicalUnit
from procedure import (
    PHASE_FIRST_DAY,
    Calendar,
    EditionWindow,
    Phase,
    StepKind,
    WorkingDays,
    compute_calendar,
    valid_election_days,
)
from procedure.i18n import check_language, format_date, label, unit_label, when_phrase

__all__ = [
    "SAMPLE_ENTERPRISE_NUMBER",
    "Address",
    "ContextError",
    "DossierDates",
    "EditionInfo",
    "LetterContext",
    "dossier_ids_by_number",
    "load_contexts",
    "sample_context",
]


class ContextError(LookupError):
    """A dossier asked for does not exist; names the field and the ids."""


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class EditionInfo:
    """The edition as the letters see it; fits :class:`procedure.EditionLike`."""

    year: int
    window_first: date
    window_last: date
    status: str

    @classmethod
    def of(cls, edition: Edition | EditionWindow) -> EditionInfo:
        return cls(edition.year, edition.window_first, edition.window_last, edition.status)


@dataclass(frozen=True)
class LetterContext:
    """Everything a document prints about one dossier (a snapshot, see module docstring)."""

    dossier_id: int | None
    dossier_number: str
    body: str
    language: str
    enterprise_number: str
    enterprise_name: str
    enterprise_address: Address
    unit_code: str
    unit_name: str
    unit_address: Address
    edition: EditionInfo
    election_day: date | None
    issued_on: date
    password: str | None = field(default=None, repr=False)
    #: A staff preview: the letter says so on its face and its password is not stored.
    specimen: bool = False
    #: The names of all the enterprise's technical units (this one included).
    unit_names: tuple[str, ...] = ()
    #: The unit's working week and closure days: its deadlines move off the days it is closed.
    working_days: WorkingDays = field(default_factory=WorkingDays)

    def __post_init__(self) -> None:
        check_language(self.language)

    @property
    def unit_label(self) -> str:
        """The unit as the letter names it, as the portal does (procedure.i18n.unit_label)."""
        return unit_label(self.unit_name, self.unit_code, self.unit_names)


@cache
def _window_calendars(edition: EditionInfo, working_days: WorkingDays) -> tuple[Calendar, Calendar]:
    # Same for every dossier of the edition without a Y and with these working days.
    days = valid_election_days(edition, working_days)
    if not days:
        raise ValueError(f"edition {edition.year}: the window has no working day for Y")
    return (
        compute_calendar(edition, days[0], working_days),
        compute_calendar(edition, days[-1], working_days),
    )


class DossierDates:
    """The dates of one dossier, worded in its language, on its unit's working days (the
    registry's working week, the closure days its officer declared)."""

    def __init__(self, context: LetterContext) -> None:
        self.lang = context.language
        self.y_chosen = context.election_day is not None
        if context.election_day is not None:
            self.calendar = compute_calendar(
                context.edition, context.election_day, context.working_days
            )
            self.earliest = self.latest = self.calendar
        else:
            self.earliest, self.latest = _window_calendars(context.edition, context.working_days)

    def _format(self, day: date, fmt: str = "full") -> str:
        return format_date(day, self.lang, fmt)

    @property
    def first_y(self) -> str:
        return self._format(self.earliest.y_day)

    @property
    def last_y(self) -> str:
        return self._format(self.latest.y_day)

    @property
    def y_day(self) -> str:
        if not self.y_chosen:
            return label("not_chosen", self.lang)
        return self._format(self.calendar.y_day)

    def when(self, code: str, fmt: str = "full") -> str:
        """E.g. "au plus tard le mardi 14 mars 2028", or the span between the window's ends."""
        first, last = self.earliest.entry(code), self.latest.entry(code)
        if self.y_chosen:
            return when_phrase(
                first.step.kind, first.effective_date, self.lang, first.period_end, fmt
            )
        return label(
            "range",
            self.lang,
            first=self._format(first.effective_date, fmt),
            last=self._format(last.effective_date, fmt),
        )

    def cell(self, code: str) -> str:
        """The date (or span) in a table cell: "14 mars 2028" or "14 mars 2028 – 27 mars
        2028", in the long format every other date of the letters and the portal uses, so a
        reader meets one form of date (not "14/03/28" beside "14 mars 2028"). A span wraps
        at its dash only: the spaces inside a date do not break."""
        first, last = self.earliest.entry(code), self.latest.entry(code)
        days = [first.effective_date]
        if first.step.kind is StepKind.period and first.period_end is not None:
            days.append(last.period_end or first.period_end)
        elif not self.y_chosen:
            days.append(last.effective_date)
        return " – ".join(self._format(day, "long").replace(" ", "\u00a0") for day in days)

    def moved_note(self, code: str) -> str:
        """Why the effective date differs from the legal one, or "" when it does not."""
        if not self.y_chosen:
            return ""
        entry = self.calendar.entry(code)
        return label("moved", self.lang, day=self._format(entry.legal_date)) if entry.moved else ""

    def phase_start(self, phase: Phase) -> str:
        """First day of ``phase``, e.g. "le jeudi 9 mars 2028" (:data:`PHASE_FIRST_DAY`)."""
        offset = PHASE_FIRST_DAY[phase]
        if offset is None:
            raise ValueError(f"phase: {phase.value} starts before X−60 and has no first day")
        first = self.earliest.x_day + timedelta(days=offset)
        if self.y_chosen:
            return when_phrase(StepKind.fixed_day, first, self.lang)
        last = self.latest.x_day + timedelta(days=offset)
        return label("range", self.lang, first=self._format(first), last=self._format(last))

    def steps_in(self, phase: Phase) -> list[str]:
        """Codes of the phase's steps, in calendar order."""
        return [e.code for e in self.earliest.entries if e.step.phase is phase]


def _context(
    dossier: Dossier,
    unit: TechnicalUnit,
    enterprise: Enterprise,
    edition: Edition,
    *,
    password: str | None,
    issued_on: date,
    language: str | None,
    specimen: bool,
    unit_names: tuple[str, ...],
    working_days: WorkingDays,
) -> LetterContext:
    return LetterContext(
        dossier_id=dossier.id,
        dossier_number=dossier.dossier_number,
        body=dossier.body,
        language=language or enterprise.language,
        enterprise_number=enterprise.enterprise_number,
        enterprise_name=enterprise.name,
        enterprise_address=Address(enterprise.street, enterprise.postal_code, enterprise.city),
        unit_code=unit.code,
        unit_name=unit.name,
        unit_address=Address(unit.street, unit.postal_code, unit.city),
        edition=EditionInfo.of(edition),
        election_day=dossier.election_day,
        issued_on=issued_on,
        password=password,
        specimen=specimen,
        unit_names=unit_names,
        working_days=working_days,
    )


def load_contexts(
    session: Session,
    dossier_ids: Sequence[int],
    *,
    passwords: Mapping[int, str] | None = None,
    issued_on: date | None = None,
    language: str | None = None,
    specimen: bool = False,
) -> list[LetterContext]:
    """Snapshots of the given dossiers, in the order asked, from one query.

    ``passwords`` (dossier id → password, in memory only) fills the access-code letters.
    ``language`` overrides the enterprise's language (staff previews only).
    Raises :class:`ContextError` naming every id that does not exist.
    """
    issued_on = issued_on or date.today()
    if language is not None:
        check_language(language)
    rows = session.exec(
        select(Dossier, TechnicalUnit, Enterprise, Edition)
        .join(TechnicalUnit, Dossier.technical_unit_id == TechnicalUnit.id)
        .join(Enterprise, TechnicalUnit.enterprise_id == Enterprise.id)
        .join(Edition, Dossier.edition_id == Edition.id)
        .where(Dossier.id.in_(list(dossier_ids)))  # type: ignore[union-attr]
    ).all()
    by_id = {row[0].id: row for row in rows}
    missing = [i for i in dossier_ids if i not in by_id]
    if missing:
        raise ContextError(f"dossier_id: no dossier with id {', '.join(map(str, missing))}")
    # The names of every unit of these enterprises, for the units that share one.
    unit_names: dict[int, list[str]] = {}
    enterprise_ids = sorted({row[2].id for row in rows})
    for enterprise_id, name in session.exec(
        select(TechnicalUnit.enterprise_id, TechnicalUnit.name).where(
            TechnicalUnit.enterprise_id.in_(enterprise_ids)  # type: ignore[union-attr]
        )
    ):
        unit_names.setdefault(enterprise_id, []).append(name)
    passwords = passwords or {}
    working = working_days_of_units(session, (row[1].id for row in rows))
    return [
        _context(
            *by_id[i],
            password=passwords.get(i),
            issued_on=issued_on,
            language=language,
            specimen=specimen,
            unit_names=tuple(unit_names[by_id[i][2].id]),
            working_days=working[by_id[i][1].id],
        )
        for i in dossier_ids
    ]


def dossier_ids_by_number(session: Session, numbers: Iterable[str]) -> dict[str, int]:
    """Dossier ids for dossier numbers (what staff type); unknown numbers are left out."""
    rows = session.exec(
        select(Dossier.dossier_number, Dossier.id).where(
            Dossier.dossier_number.in_(list(numbers))  # type: ignore[attr-defined]
        )
    ).all()
    return {number: dossier_id for number, dossier_id in rows}


#: A fictitious enterprise for previews and benchmarks (valid mod-97 check digits).
SAMPLE_ENTERPRISE_NUMBER = "0123456749"


def sample_context(
    edition: EditionInfo,
    *,
    language: str = "fr",
    body: str = "CPPT",
    election_day: date | None = None,
    serial: int = 1,
    password: str | None = None,
    issued_on: date | None = None,
    specimen: bool = True,
) -> LetterContext:
    """A fictitious dossier, for a staff preview without a database and for benchmarks."""
    return LetterContext(
        dossier_id=None,
        dossier_number=dossier_number(edition.year, body, serial),
        body=body,
        language=language,
        enterprise_number=SAMPLE_ENTERPRISE_NUMBER,
        enterprise_name=f"Exemplum {serial} SA",
        enterprise_address=Address("Rue de la Loi 16", "1000", "Bruxelles"),
        unit_code=f"UTE-{serial}",
        unit_name="Siège de Namur",
        unit_address=Address("Rue de Fer 25", "5000", "Namur"),
        edition=edition,
        election_day=election_day,
        issued_on=issued_on or date.today(),
        password=password,
        specimen=specimen,
    )
