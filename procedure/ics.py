"""A computed calendar as an iCalendar (RFC 5545) file for the election officer's agenda.

One all-day event per step, on its effective date: the day the officer must act. The UID is
built from the edition, Y and the step code, so importing a newer file (after a change of the
company's closed days, say) updates the events instead of duplicating them; a new Y is a new
procedure and gets new events. The output is byte-for-byte deterministic for the same input
(DTSTAMP does not read the clock unless asked), so the outbox digest of a delivered file is
stable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from icalendar import Calendar as ICalendar
from icalendar import Event

from procedure.calendar import Calendar, CalendarEntry

__all__ = ["PRODID", "calendar_to_ics", "event_uid"]

PRODID = "-//FPS Employment//socelec social elections calendar//EN"


def event_uid(calendar: Calendar, code: str) -> str:
    """Stable UID of one step's event: edition, Y and step code."""
    return f"socelec-{calendar.edition_year}-Y{calendar.y_day.isoformat()}-{code}@socelec"


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
    generated_at: datetime | None = None,
    title_of: Callable[[CalendarEntry], str] | None = None,
    description_of: Callable[[CalendarEntry], str] | None = None,
) -> bytes:
    """Serialise ``calendar`` as an .ics file.

    ``generated_at`` stamps the events (DTSTAMP); by default it is midnight UTC on the legal
    date of X-60 so that the same calendar always gives the same bytes. ``title_of`` and
    ``description_of`` word an event in the reader's language (the officer portal passes
    ``procedure.i18n`` texts); by default the catalogue's English title and details.
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
        uid=f"socelec-{calendar.edition_year}-Y{calendar.y_day.isoformat()}@socelec",
    )
    for entry in calendar.entries:
        ical.add_component(
            Event.new(
                uid=event_uid(calendar, entry.code),
                start=entry.effective_date,
                end=entry.effective_date + timedelta(days=1),
                summary=f"{title_prefix} {entry.code}: {title_of(entry)}",
                description=description_of(entry),
                categories=[entry.step.phase.value],
                stamp=stamp,
                transparency="TRANSPARENT",  # a reminder, not a meeting: do not block time
            )
        )
    return ical.to_ical()
