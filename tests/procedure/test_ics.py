"""The calendar as iCalendar: parsed back with icalendar."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar as ICalendar

from procedure import (
    KNOWN_EDITIONS,
    PRODID,
    WorkingDays,
    calendar_to_ics,
    compute_calendar,
    event_uid,
)

E2024 = KNOWN_EDITIONS[2024]


def _events(ics: bytes):
    parsed = ICalendar.from_ical(ics)
    return parsed, {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def test_one_all_day_event_per_step_on_its_effective_date():
    calendar = compute_calendar(E2024, date(2024, 5, 17))
    parsed, events = _events(calendar_to_ics(calendar))
    assert str(parsed["PRODID"]) == PRODID and "socelec" in PRODID
    assert len(events) == len(calendar.entries)
    for entry in calendar.entries:
        event = events[event_uid(calendar, entry.code)]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and start == entry.effective_date
        assert end == start + timedelta(days=1)
        assert str(event["SUMMARY"]).startswith(f"Social elections {entry.code}: ")
        description = str(event["DESCRIPTION"])
        assert entry.step.source in description
        for document in entry.step.documents:
            assert document in description


def test_moved_deadline_states_its_legal_date():
    calendar = compute_calendar(E2024, date(2024, 5, 17))
    _, events = _events(calendar_to_ics(calendar))
    event = events[event_uid(calendar, "X-35")]
    assert event.decoded("DTSTART") == date(2024, 1, 12)
    assert "Legal date: 2024-01-13" in str(event["DESCRIPTION"])
    assert "X-35 notice" in str(event["DESCRIPTION"])
    unmoved = events[event_uid(calendar, "X")]
    assert "Legal date" not in str(unmoved["DESCRIPTION"])
    stop = events[event_uid(calendar, "X+36")]
    assert "until 2024-05-06" in str(stop["DESCRIPTION"])


def test_uids_are_stable_so_a_reimport_updates():
    y = date(2024, 5, 17)
    plain = compute_calendar(E2024, y)
    closed = compute_calendar(E2024, y, WorkingDays(closed_days={date(2024, 1, 12)}))
    assert calendar_to_ics(plain) == calendar_to_ics(plain)  # deterministic bytes
    _, first = _events(calendar_to_ics(plain))
    _, second = _events(calendar_to_ics(closed))
    assert first.keys() == second.keys()
    uid = event_uid(plain, "X-35")
    assert "2024" in uid and "2024-05-17" in uid and "X-35" in uid
    assert second[uid].decoded("DTSTART") == date(2024, 1, 11)
    # another Y is another procedure: other events
    _, other = _events(calendar_to_ics(compute_calendar(E2024, date(2024, 5, 21))))
    assert not other.keys() & first.keys()


def test_title_prefix_and_stamp():
    calendar = compute_calendar(E2024, date(2024, 5, 13))
    stamp = datetime(2023, 11, 1, 8, 30, tzinfo=UTC)
    parsed, events = _events(calendar_to_ics(calendar, "Élections sociales", generated_at=stamp))
    assert "Élections sociales 2024" in str(parsed["X-WR-CALNAME"])
    for event in events.values():
        assert str(event["SUMMARY"]).startswith("Élections sociales ")
        assert event.decoded("DTSTAMP") == stamp


def test_each_dossier_has_its_own_events_and_a_new_y_updates_them_with_a_higher_sequence():
    """The CE and CPPT dossiers of one unit share Y; an agenda holding both keeps both. A new
    Y keeps the dossier's events (UID) and raises their SEQUENCE, so the agenda moves them."""
    y = date(2024, 5, 17)
    calendar = compute_calendar(E2024, y)
    _, ce = _events(calendar_to_ics(calendar, dossier_number="24-CE-000007-88", sequence=1))
    _, cppt = _events(calendar_to_ics(calendar, dossier_number="24-CPPT-000007-88", sequence=1))
    assert len(ce) == len(cppt) == len(calendar.entries)
    assert not ce.keys() & cppt.keys()
    assert all("24-CE-000007-88" in uid for uid in ce)

    moved = compute_calendar(E2024, date(2024, 5, 21))
    again = calendar_to_ics(moved, dossier_number="24-CE-000007-88", sequence=2)
    assert again == calendar_to_ics(moved, dossier_number="24-CE-000007-88", sequence=2)
    _, after = _events(again)
    assert after.keys() == ce.keys()
    uid = event_uid(calendar, "X-60", "24-CE-000007-88")
    assert after[uid].decoded("DTSTART") != ce[uid].decoded("DTSTART")
    assert {e.decoded("SEQUENCE") for e in ce.values()} == {1}
    assert {e.decoded("SEQUENCE") for e in after.values()} == {2}


def test_every_event_carries_a_sequence():
    _, events = _events(calendar_to_ics(compute_calendar(E2024, date(2024, 5, 13))))
    assert {e.decoded("SEQUENCE") for e in events.values()} == {0}
