"""The catalogue of documents the FPS sends during the procedure: which document for which step.

Every document socelec renders is one :class:`DocumentKind`. The catalogue is data so the
flows, the e-Box adapter, the outbox and the portal read one list:

What the FPS sends through the e-Box (docs/procedure.md#what-the-fps-sends-through-the-e-box):

- ``access-code``: the letter with the dossier number and password ("access codes (dossier
  number + password) for the web application"). It carries a credential, so it may only be
  published under the e-Box secure class (docs/ebox.md#security-levels).
- ``reminder-<step>``: one per step of :data:`procedure.STEPS` marked ``reminder=True``
  ("notifications and reminders about the different phases").
- ``overdue-<step>``: the late notice for the same steps, once, a few working days after a
  step the dossier has not shown done (procedure.step_state).
- ``phase-<phase>``: the notice sent when a dossier enters a phase (docs/procedure.md#phases;
  the German page: "Erinnerungen und Anweisungen … beim Übergang von einer Phase … zur
  nächsten").
- ``brochure``: the edition's general information ("informative brochures and documents");
  the same for every dossier of a language.

``DocumentKind.step_code`` is the value stored in ``Delivery.step_code``: together with the
dossier and the kind it is the outbox's once-only key.

Registered mail (docs/procedure.md#registered-mail). The sources say little, and this
catalogue encodes exactly that:

- The employer's X−60 information reaches the CE/CPPT "handed over in a meeting with
  minutes, or handed over against receipt, or by registered letter" (the X−60 row of
  docs/procedure.md#timeline). It is the only registered-letter fact about the procedure the
  sources give, so the X−60 reminder bears the registered-mail mention and explains that means.
- Since 1 March 2025 ordinary FPS Employment mail goes through the e-Box, but registered
  letters still go by post; and the e-Box Registered Mail service is reserved to
  social-security institutions (docs/ebox.md#registered-mail). No source says that an FPS
  letter of the procedure must itself be registered, so no kind is a registered sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from procedure.i18n import body_abbreviation, display_code, label, phase_name, step_title
from procedure.steps import STEPS, Phase, Step

__all__ = [
    "ACCESS_CODE",
    "BROCHURE",
    "KINDS",
    "SUBJECT_MAX_CHARS",
    "DocumentKind",
    "Family",
    "kind",
]

#: e-Box Enterprise limit on a message subject (docs/ebox.md#restrictions: "subject 400
#: characters").
SUBJECT_MAX_CHARS = 400
#: e-Box limit on a file name (same section: "file name 255").
FILE_NAME_MAX_CHARS = 255


class Family(StrEnum):
    """The templates; a kind is one family plus its step or phase."""

    access_code = "access_code"
    reminder = "reminder"
    late_notice = "late_notice"
    phase_notice = "phase_notice"
    brochure = "brochure"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its template family, what it is about, and how it travels.

    ``carries_credential``: the document holds a password; the outbox encrypts its bytes at
    rest and the e-Box adapter publishes it only under the secure class.
    ``registered_mail``: the document bears the registered-mail mention (module docstring).
    ``personalised``: False when every dossier of a language gets the same PDF (the brochure),
    so a batch renders it once per language.
    """

    code: str
    family: str
    step_code: str
    carries_credential: bool = False
    registered_mail: bool = False
    personalised: bool = True
    step: Step | None = None
    phase: Phase | None = None

    def title(self, lang: str) -> str:
        """The step title or phase name the document is about ("" for the other kinds)."""
        if self.step is not None:
            return step_title(self.step.code, lang)
        if self.phase is not None:
            return phase_name(self.phase, lang)
        return ""

    def subject(self, lang: str, *, edition_year: int, dossier_number: str, body: str) -> str:
        """The e-Box subject in ``lang``: no secret (subjects are listed and searchable,
        docs/ebox.md#security-levels), at most 400 characters. ``body`` is the dossier's body
        (CPPT or CE); the subject writes it as the letter does (CPBW/OR in Dutch, AGS/BR in
        German), so the subject, the letter and the portal name it alike."""
        code = display_code(self.step.code) if self.step is not None else ""
        text = label(
            f"subject.{self.family}",
            lang,
            year=edition_year,
            dossier=dossier_number,
            body=body_abbreviation(body, lang),
            code=code,
            title=self.title(lang),
        )
        if len(text) > SUBJECT_MAX_CHARS:
            raise ValueError(
                f"subject: {len(text)} characters for {self.code} in {lang}; the e-Box allows "
                f"at most {SUBJECT_MAX_CHARS}"
            )
        return text

    def file_name(self, lang: str, dossier_number: str) -> str:
        """An ASCII file name for the e-Box attachment: its title there
        (docs/ebox.md#restrictions), every word of it in ``lang`` ("fase-aankondiging-…")."""
        suffix = f"-{self.step.code}" if self.step is not None else ""
        if self.phase is not None:
            suffix += "-" + label(f"file_phase.{self.phase.value}", lang)
        stem = label(f"file_stem.{self.family}", lang)
        name = f"{stem}{suffix}-{dossier_number}.pdf"
        return name.replace("+", "plus")[:FILE_NAME_MAX_CHARS]


def _reminder(s: Step) -> DocumentKind:
    return DocumentKind(
        code=f"reminder-{s.code}",
        family=Family.reminder,
        step_code=s.code,
        # X−60: registered letter is one of the legal means (module docstring).
        registered_mail=s.code == "X-60",
        step=s,
    )


def _late_notice(s: Step) -> DocumentKind:
    """The notice a dossier gets once, a few working days after a step it has not shown done
    (procedure.mailings, procedure.step_state); its step code is the step's, so the portal
    lists it beside the step's reminder."""
    return DocumentKind(
        code=f"overdue-{s.code}", family=Family.late_notice, step_code=s.code, step=s
    )


def _phase_notice(phase: Phase) -> DocumentKind:
    return DocumentKind(
        code=f"phase-{phase.value}",
        family=Family.phase_notice,
        step_code=f"phase:{phase.value}",
        phase=phase,
    )


ACCESS_CODE = DocumentKind(
    code="access-code",
    family=Family.access_code,
    # The value models/delivery.py names for the campaign that opens the dossiers.
    step_code="access-code",
    carries_credential=True,
)
BROCHURE = DocumentKind(
    code="brochure", family=Family.brochure, step_code="brochure", personalised=False
)

#: Every kind, by code. The preparation phase has no notice: it is the state a dossier is
#: created in, and the access-code letter opens it.
KINDS: dict[str, DocumentKind] = {
    k.code: k
    for k in (
        ACCESS_CODE,
        *(_reminder(s) for s in STEPS if s.reminder),
        *(_late_notice(s) for s in STEPS if s.reminder),
        *(_phase_notice(p) for p in Phase if p is not Phase.preparation),
        BROCHURE,
    )
}


def kinds_of_phase(phase: Phase) -> list[str]:
    """The codes of the phase's mailings: its notice, and its steps' reminders and late notices."""
    return [
        k.code
        for k in KINDS.values()
        if k.phase is phase or (k.step is not None and k.step.phase is phase)
    ]


def kind(code: str | DocumentKind) -> DocumentKind:
    """The kind for ``code``; a ``KeyError`` lists the known codes."""
    if isinstance(code, DocumentKind):
        return code
    normalised = code.strip().replace("\u2212", "-")
    try:
        return KINDS[normalised]
    except KeyError:
        raise KeyError(
            f"kind: unknown document kind {code!r}; known kinds: {', '.join(KINDS)}"
        ) from None
