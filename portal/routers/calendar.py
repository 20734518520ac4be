"""The dossier's calendar as an iCalendar file, in the page's language."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from models.progress import dossier_calendar
from portal.deps import DbSession, OfficerDossier
from portal.i18n import Translator
from portal.web import page_language
from procedure import CalendarEntry, calendar_to_ics
from procedure.i18n import (
    FPS_PAGE,
    body_abbreviation,
    legal_basis,
    step_action,
    step_title,
    when_phrase,
)

router = APIRouter(tags=["calendar"])


@router.get(
    "/dossiers/{number}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    summary="The dossier's calendar as an .ics file",
)
def calendar_file(request: Request, dossier: OfficerDossier, db: DbSession) -> Response:
    if dossier.election_day is None:
        raise HTTPException(409, "error.no_calendar")  # the detail is a catalogue key
    lang = page_language(request)
    t = Translator(lang)
    calendar = dossier_calendar(db, dossier)

    dossier_page = str(request.url_for("show_dossier", number=dossier.dossier_number))

    def step_page(entry: CalendarEntry) -> str:
        return f"{dossier_page}#step-{entry.code}"

    def description(entry: CalendarEntry) -> str:
        # Links to the portal and the FPS's own page only, in the calendar's language; the
        # practitioners' pages the step rests on (Step.source) are for maintainers
        # (docs/procedure.md#the-fpss-pages-and-contact-addresses).
        when = when_phrase(entry.step.kind, entry.effective_date, lang, entry.period_end)
        return "\n\n".join(
            (
                when,
                step_action(entry.code, lang),
                legal_basis(entry.code, lang),
                t("calendar.event_dossier", url=step_page(entry)),
                t("calendar.event_fps", url=FPS_PAGE[lang]),
            )
        )

    body = calendar_to_ics(
        calendar,
        # Not inside an f-string: pybabel extract reads no call there (before Python 3.12).
        title_prefix=t("social_elections") + " " + body_abbreviation(dossier.body, lang),
        dossier_number=dossier.dossier_number,
        sequence=dossier.calendar_revision,
        title_of=lambda entry: step_title(entry.code, lang),
        description_of=description,
        url_of=step_page,
    )
    filename = f"socelec-{dossier.dossier_number}-{dossier.election_day.isoformat()}.ics"
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
