"""The portal's pure rules and its choice of language, without a server."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from models.settings import Settings
from portal.app import create_app
from portal.election_day import check_change, day_choices
from portal.errors import RuleError
from portal.i18n import negotiate
from portal.keys import KEY_FILE, session_secret
from portal.lockout import lock_until
from portal.progress import confirmable
from portal.settings import PortalSettings
from portal.stop import Workforce, check_stop, stoppable_categories
from procedure import compute_calendar
from procedure.editions import KNOWN_EDITIONS
from procedure.step_state import Shown, step_state

EDITION = KNOWN_EDITIONS[2028]
Y = date(2028, 5, 8)
NOW = datetime(2028, 1, 1, tzinfo=UTC)


def test_lockout_every_series_of_failures_locks_twice_as_long_up_to_a_ceiling():
    def lock(failures: int):
        until = lock_until(
            failures,
            NOW,
            threshold=5,
            first_lock=timedelta(minutes=15),
            longest_lock=timedelta(hours=24),
        )
        return None if until is None else until - NOW

    assert [lock(n) for n in range(1, 5)] == [None] * 4
    assert lock(5) == timedelta(minutes=15)
    assert lock(6) is None
    assert lock(10) == timedelta(minutes=30)
    assert lock(15) == timedelta(hours=1)
    assert lock(500) == timedelta(hours=24)


@pytest.mark.parametrize(
    ("body", "workforce", "expected"),
    [
        ("CPPT", Workforce(60, 40, 30, 20), ("blue_collar", "white_collar", "young")),
        ("CE", Workforce(60, 40, 30, 20), ("blue_collar", "white_collar", "young", "cadre")),
        ("CE", Workforce(0, 140, 24, 14), ("white_collar",)),
    ],
)
def test_stoppable_categories_follow_reference_3_3(body, workforce, expected):
    assert stoppable_categories(body, workforce) == expected


def test_a_stop_is_possible_from_x_plus_36_to_x_plus_79_only():
    calendar = compute_calendar(EDITION, Y)
    common = dict(
        status="open",
        calendar=calendar,
        kind="complete",
        categories=(),
        stoppable=("blue_collar", "white_collar"),
        already_stopped=(),
    )
    with pytest.raises(RuleError) as refused:
        check_stop(today=date(2028, 3, 14), **common)
    assert (refused.value.field, refused.value.rule) == ("kind", "error.outside_stop_window")
    assert check_stop(today=date(2028, 3, 15), **common) == ("blue_collar", "white_collar")
    assert check_stop(today=date(2028, 4, 27), **common)
    with pytest.raises(RuleError):
        check_stop(today=date(2028, 4, 28), **common)


def test_a_second_partial_stop_adds_to_the_first():
    calendar = compute_calendar(EDITION, Y)
    stopped = check_stop(
        status="open",
        calendar=calendar,
        today=date(2028, 3, 20),
        kind="partial",
        categories=["young"],
        stoppable=("blue_collar", "white_collar", "young"),
        already_stopped=("white_collar",),
    )
    assert stopped == ("white_collar", "young")


def test_y_rules():
    today = date(2028, 2, 10)
    offered = day_choices(EDITION, today)
    assert [c.y_day for c in offered][:3] == [date(2028, 5, 8), date(2028, 5, 9), date(2028, 5, 10)]
    assert not offered[0].available and offered[-1].available
    assert date(2028, 5, 25) not in [c.y_day for c in offered]  # Ascension Day is a holiday
    check_change(EDITION, "open", date(2028, 5, 19), date(2028, 5, 16), today)
    for status, current, new, rule in [
        ("stopped", None, date(2028, 5, 16), "error.dossier_not_open"),
        ("open", date(2028, 5, 9), date(2028, 5, 16), "error.after_day_x"),
        ("open", None, date(2028, 5, 9), "error.day_x_past"),
        ("open", None, date(2028, 5, 13), "error.not_working_day"),
        ("open", None, date(2028, 6, 1), "error.outside_window"),
    ]:
        with pytest.raises(RuleError) as refused:
            check_change(EDITION, status, current, new, today)
        assert (refused.value.field, refused.value.rule) == ("election_day", rule)


def test_only_a_followed_step_without_evidence_and_near_its_date_is_confirmable():
    calendar = compute_calendar(EDITION, Y)
    shown = Shown(confirmed=frozenset({"X+14"}))

    def confirmable_on(code, today):
        entry = calendar.entry(code)
        return confirmable(entry, step_state(entry, today, shown, due_days=14))

    assert confirmable_on("X+40", date(2028, 3, 10))  # due in a week
    assert confirmable_on("X+40", date(2028, 3, 20))  # late
    assert confirmable_on("X+14", date(2028, 1, 1))  # done: it may be undone
    assert not confirmable_on("Y+45", date(2028, 2, 8))  # months ahead: "later"
    assert not confirmable_on("X-60", date(2027, 12, 1))  # its evidence is a document and form
    assert not confirmable_on("X-30", date(2028, 1, 20))  # not the employer's act


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("en-GB,en;q=0.9", None),
        ("nl-BE,nl;q=0.9,fr;q=0.8", "nl"),
        ("fr;q=0.4, de;q=0.8", "de"),
        ("de;q=0, nl", "nl"),
        ("de;q=x, nl;q=0.1", "nl"),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert negotiate(header) == expected


def test_every_form_endpoint_declares_its_csrf_field():
    spec = create_app(PortalSettings()).openapi()
    posts = {path: ops["post"] for path, ops in spec["paths"].items() if "post" in ops}
    assert set(posts) >= {
        "/login",
        "/logout",
        "/dossiers/{number}/election-day",
        "/dossiers/{number}/stop",
        "/dossiers/{number}/password",
        "/dossiers/{number}/steps/{code}",
        "/dossiers/{number}/evidence/{code}",
    }
    for path, operation in posts.items():
        # A form (x-www-form-urlencoded, its model by reference) or an upload (multipart).
        (content,) = operation["requestBody"]["content"].values()
        schema = content["schema"]
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert "csrf_token" in schema["properties"], path


def test_the_session_key_is_generated_once_and_private(tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key=None)
    first = session_secret(settings)
    assert session_secret(settings) == first and len(first) >= 64
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert session_secret(Settings(data_dir=tmp_path, secret_key="from-the-environment")) == (
        "from-the-environment"
    )


def test_a_portal_starting_while_another_writes_the_session_key_never_reads_it_empty(
    tmp_path, monkeypatch
):
    """Two portal processes start at once: the first is stopped the moment it opens the key
    file for writing; the second reads the key meanwhile. Both must end with the same key."""
    settings = Settings(data_dir=tmp_path, secret_key=None)
    opened, read = threading.Event(), threading.Event()
    fdopen = os.fdopen

    def fdopen_then_wait(*args, **kwargs):
        if threading.current_thread().name == "first":
            opened.set()
            read.wait(30)
        return fdopen(*args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen_then_wait)
    keys = {}
    first = threading.Thread(
        target=lambda: keys.update(first=session_secret(settings)), name="first"
    )
    first.start()
    assert opened.wait(30)
    keys["second"] = session_secret(settings)
    read.set()
    first.join(30)
    assert keys["second"] and keys["second"] == keys["first"]
    assert (tmp_path / KEY_FILE).read_text() == keys["first"]
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temporary file left
