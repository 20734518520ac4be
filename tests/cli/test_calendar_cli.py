"""``socelec calendar`` as staff and officers use it: table, JSON, ICS, clear errors."""

from __future__ import annotations

import json

from icalendar import Calendar as ICalendar
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner(env={"COLUMNS": "200"})


def calendar(*args: str):
    return runner.invoke(app, ["calendar", "--edition", "2024", *args])


def test_json_has_x_y_and_moved_deadlines(database_url):
    result = calendar("--election-day", "2024-05-17", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["x_day"] == "2024-02-17" and data["y_day"] == "2024-05-17"
    entries = {e["code"]: e for e in data["entries"]}
    # X-35 = Saturday 13 January 2024: moves to Friday 12 January (Securex,
    # docs/procedure.md#deadlines-on-non-working-days).
    assert entries["X-35"]["legal_date"] == "2024-01-13"
    assert entries["X-35"]["effective_date"] == "2024-01-12"


def test_saturday_worked_keeps_a_saturday_deadline(database_url):
    data = json.loads(
        calendar("--election-day", "2024-05-17", "--saturday-worked", "--format", "json").stdout
    )
    x35 = next(e for e in data["entries"] if e["code"] == "X-35")
    assert x35["effective_date"] == "2024-01-13"


def test_table_lists_every_step(database_url):
    result = calendar("--election-day", "2024-05-13")
    assert result.exit_code == 0
    for text in ("X = 2024-02-13", "Y = 2024-05-13", "X-60", "X+36", "Y+45", "2023-12-15"):
        assert text in result.output, text


def test_ics_parses_and_has_one_event_per_step(database_url):
    result = calendar("--election-day", "2024-05-13", "--format", "ics")
    parsed = ICalendar.from_ical(result.stdout_bytes)
    events = [c for c in parsed.walk("VEVENT")]
    assert len(events) >= 36
    assert {str(e["DTSTART"].dt) for e in events} >= {"2023-12-15", "2024-05-13"}


def test_invalid_election_day_is_a_clear_error(database_url):
    result = calendar("--election-day", "2024-05-20")
    assert result.exit_code == 2
    assert "election_day 2024-05-20 is not a working day" in result.output
    result = runner.invoke(app, ["calendar", "--edition", "2031", "--election-day", "2031-05-12"])
    assert result.exit_code == 2 and "edition: no edition 2031" in result.output
