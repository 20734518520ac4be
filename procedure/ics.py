"""A computed calendar as an iCalendar (RFC 5545) file for the election officer's agenda.

One all-day event per step, on its effective date: the day the officer must act. A dossier's
events are identified (UID, RFC 5545 § 3.8.4.7) by its dossier number and the step code, so
the CE and CPPT dossiers of one unit keep separate events in one agenda, and importing a newer
file (a new Y, a change of the company's closed days) updates the events instead of
duplicating them. Every event carries the dossier's calendar revision as its SEQUENCE (§
3.8.7.4: https://www.rfc-editor.org/rfc/rfc5545#section-3.8.7.4), which the portal raises with
each new Y, so an agenda takes the moved dates over the ones it holds. A calendar without a
dossier (``socelec calendar``) is identified by edition and Y. The output is byte-for-byte
deterministic for the same input (DTSTAMP does not read the clock unless asked), so the outbox
digest of a delivered file is stable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from icalendar import Calendar as ICalendar
from icalendar import Event

from procedure.calendar import Calendar, CalendarEntry

__all__ = ["PRODID", "calendar_to_ics", "event_uid"]

PRODID = "-//FPS Employment//socelec social elections calendar//EN"


def _scope(calendar: Calendar, dossier_number: str | None) -> str:
    return dossier_number or f"{calendar.edition_year}-Y{calendar.y_day.isoformat()}"


def event_uid(calendar: Calendar, code: str, dossier_number: str | None = None) -> str:
    """Stable UID of one step's event: the dossier number (else edition and Y) and step code."""
    return f"socelec-{_scope(calendar, dossier_number)}-{code}@socelec"


def _description(entry: CalendarEntry) -> str:
    s = entry.step
    lines = [s.title, f"Who: {s.actor}"]
    if entry.moved:
        lines.append(
            f"Legal date: {entry.legal_date.isoformat()} (not a working day; "
            f"moved to the last working day before: {entry.effective_date.isoformat()})"
        )
    if entry.period_end is not None:
        lines.append(f"Period: until {entry.period_end.isoformat()} included")
    if s.documents:
        lines.append("Documents: " + ", ".join(s.documents))
    if s.web_app:
        lines.append("Through the FPS web application")
    lines.append(f"Source: {s.source}")
    return "\n".join(lines)


def calendar_to_ics(
    calendar: Calendar,
    title_prefix: str = "Social elections",
    *,
    dossier_number: str | None = None,
    sequence: int = 0,
    generated_at: datetime | None = None,
    title_of: Callable[[CalendarEntry], str] | None = None,
    description_of: Callable[[CalendarEntry], str] | None = None,
    url_of: Callable[[CalendarEntry], str] | None = None,
) -> bytes:
    """Serialise ``calendar`` as an .ics file.

    ``dossier_number`` identifies the events (module docstring); ``sequence`` is the dossier's
    calendar revision, the SEQUENCE of every event.
    ``generated_at`` stamps the events (DTSTAMP); by default it is midnight UTC on the legal
    date of X-60 so that the same calendar always gives the same bytes. ``title_of`` and
    ``description_of`` word an event in the reader's language (the officer portal passes
    ``procedure.i18n`` texts); by default the catalogue's English title and details.
    ``url_of`` gives an event its URL (RFC 5545 § 3.8.4.6: "a URL associated with the
    iCalendar object", https://www.rfc-editor.org/rfc/rfc5545#section-3.8.4.6); none by default.
    """
    title_of = title_of or (lambda entry: entry.step.title)
    description_of = description_of or _description
    stamp = generated_at or datetime.combine(
        calendar.x_day - timedelta(days=60), time(), tzinfo=UTC
    )
    name = f"{title_prefix} {calendar.edition_year} (Y = {calendar.y_day.isoformat()})"
    ical = ICalendar.new(
        prodid=PRODID,
        name=name,
        uid=f"socelec-{_scope(calendar, dossier_number)}@socelec",
    )
    for entry in calendar.entries:
        ical.add_component(
            Event.new(
                uid=event_uid(calendar, entry.code, dossier_number),
                sequence=sequence,
                start=entry.effective_date,
                end=entry.effective_date + timedelta(days=1),
                summary=f"{title_prefix} {entry.code}: {title_of(entry)}",
                description=description_of(entry),
                categories=[entry.step.phase.value],
                stamp=stamp,
                transparency="TRANSPARENT",  # a reminder, not a meeting: do not block time
                url=url_of(entry) if url_of else None,
            )
        )
    return ical.to_ical()
