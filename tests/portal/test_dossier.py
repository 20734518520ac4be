"""The dossier page: choosing Y, the recalculated calendar, statuses, the FPS's messages, ICS."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from icalendar import Calendar as ICalendar
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.delivery import Delivery
from models.dossier import Dossier
from models.portal import StepConfirmation
from procedure import STEPS
from procedure.i18n import FPS_PAGE
from tests.documents.conftest import dates_in_another_form
from tests.portal.helpers import dossier_row, log_in, officer_dossier, post_form, text

Y = date(2028, 5, 8)  # a Monday of the 2028 window; X = 8 Feb 2028, X−60 = 10 Dec 2027


def logged_in(client, engine, **kwargs):
    officer = officer_dossier(engine, **kwargs)
    assert log_in(client, officer).status_code == 303
    return officer, f"/dossiers/{officer.number}"


def on_day(client, clock, officer, day: date) -> None:
    """Move the clock to ``day``; the idle session ends with the jump, so log in again."""
    clock.set_day(day)
    assert log_in(client, officer).status_code == 303


def test_the_page_names_the_company_unit_body_and_edition(client, engine):
    officer, url = logged_in(client, engine, body="CE", name="Maes Chimie SA")
    page = text(client.get(url))
    assert "Maes Chimie SA" in page
    assert "conseil d'entreprise (CE)" in page
    assert "2028 – période électorale provisoire" in page
    assert "Vous utilisez encore le mot de passe de la lettre" in page


def unit_of(engine, officer) -> tuple[str, str]:
    """The name and code of the officer's technical unit."""
    with Session(engine) as session:
        unit = session.get(Dossier, officer.dossier_id).technical_unit
        return unit.name, unit.code


def test_the_unit_is_named_as_in_the_letters_with_its_code_only_to_tell_it_apart(client, engine):
    leuven = officer_dossier(engine, language="nl", unit_name="Vestiging Leuven")
    gent = officer_dossier(engine, same_enterprise_as=leuven, unit_name="Vestiging Gent")
    for officer in (leuven, gent):
        assert log_in(client, officer).status_code == 303
        name, _ = unit_of(engine, officer)
        assert f"<dd>{name}, Rue de la Gare 12" in text(client.get(f"/dossiers/{officer.number}"))
    # A second "Vestiging Leuven" of the same enterprise: now the code tells them apart.
    twin = officer_dossier(engine, same_enterprise_as=leuven, unit_name="vestiging  leuven")
    for officer in (leuven, twin):
        assert log_in(client, officer).status_code == 303
        name, code = unit_of(engine, officer)
        page = text(client.get(f"/dossiers/{officer.number}"))
        assert f"<dd>{name} ({code}), Rue de la Gare 12" in page


def test_choosing_y_recalculates_the_calendar(client, engine):
    officer, url = logged_in(client, engine)
    before = text(client.get(url))
    assert "Choisissez le jour Y" in before and "Calendrier de la procédure" not in before
    assert 'value="2028-05-08"' in before and 'value="2028-05-14"' not in before  # a Sunday
    response = post_form(client, url, f"{url}/election-day", {"election_day": Y.isoformat()})
    assert response.status_code == 303
    page = text(client.get(url))
    assert "Jour Y enregistré" in page
    assert "lundi 8 mai 2028" in page and "mardi 8 février 2028" in page  # Y and X
    assert page.count('<tr id="step-') == len(STEPS)
    assert re.search(r'id="step-X-60".*?10 décembre 2027', page, re.S)
    assert dossier_row(engine, officer).election_day == Y
    # Choosing again, while day X is ahead, moves the whole calendar.
    post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-16"})
    page = text(client.get(url))
    assert re.search(r'id="step-X-60".*?18 décembre 2027', page, re.S)
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "portal.election_day")
        ).all()
    assert [(e.detail["before"], e.detail["after"]) for e in events] == [
        (None, "2028-05-08"),
        ("2028-05-08", "2028-05-16"),
    ]


def test_a_y_that_breaks_a_rule_is_refused_with_the_rule_and_changes_nothing(client, engine, clock):
    officer, url = logged_in(client, engine)
    cases = {
        "2028-05-14": "n'est pas un jour ouvrable",  # Sunday
        "2028-05-25": "en dehors de la période électorale",
        "yesterday": "Choisissez un jour dans la liste",
    }
    for value, rule in cases.items():
        response = post_form(client, url, f"{url}/election-day", {"election_day": value})
        assert response.status_code == 422, value
        assert rule in text(response), value
        assert 'href="#election_day"' in response.text  # the error summary links to the field
    assert dossier_row(engine, officer).election_day is None


def test_y_can_change_until_day_x_and_never_to_a_y_whose_x_has_passed(client, engine, clock):
    officer, url = logged_in(client, engine, election_day=date(2028, 5, 19))  # X = 19 Feb
    on_day(client, clock, officer, date(2028, 2, 10))
    refused = post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-09"})
    assert refused.status_code == 422  # its X, 9 Feb, is in the past
    assert "le jour X serait le 9 février 2028, qui est déjà passé" in text(refused)
    moved = post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-16"})
    assert moved.status_code == 303  # X = 16 Feb
    on_day(client, clock, officer, date(2028, 2, 16))  # day X itself: still allowed
    assert "Changer le jour Y" in text(client.get(url))
    on_day(client, clock, officer, date(2028, 2, 17))
    assert "Le jour X est passé" in text(client.get(url))
    refused = post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-19"})
    assert refused.status_code == 422
    assert "son jour X (16 février 2028) est passé" in text(refused)
    assert dossier_row(engine, officer).election_day == date(2028, 5, 16)


def test_statuses_and_the_officers_confirmations(client, engine, clock):
    officer, url = logged_in(client, engine, election_day=Y)
    on_day(client, clock, officer, date(2028, 3, 10))  # X+14 (22 Feb) passed, X+40 due
    page = client.get(url).text
    assert 'id="step-X-60" class="status-late"' in page  # no notice uploaded, no form
    # Steps the employer does not do: passed, never "done" (issue 14).
    assert 'id="step-X-30" class="status-passed"' in page
    assert 'id="step-X-28" class="status-passed"' in page
    assert 'id="step-X+14" class="status-late"' in page
    assert 'id="step-X+40" class="status-due"' in page
    assert 'id="step-Y+45" class="status-later"' in page
    response = post_form(client, url, f"{url}/steps/X+14", {"done": "true"})
    assert response.status_code == 303 and response.headers["location"].endswith("#step-X+14")
    assert 'id="step-X+14" class="status-done"' in client.get(url).text
    post_form(client, url, f"{url}/steps/X+14", {"done": "false"})
    assert 'id="step-X+14" class="status-late"' in client.get(url).text
    refusals = {
        "X-30": "Cette étape ne se marque pas comme faite.",
        "X-60": "L'étape X−60 est faite quand son document est déposé ou son formulaire envoyé",
        # Y+45 on 10 March: months ahead (issue 14: "can be marked done without a word").
        "Y+45": "L'étape Y+45 n'est pas encore à faire : elle pourra être marquée comme faite "
        "à partir du 8 juin 2028.",
    }
    for code, refusal in refusals.items():
        refused = post_form(client, url, f"{url}/steps/{code}", {"done": "true"})
        assert refused.status_code == 422, code
        assert refusal in text(refused), code
    assert post_form(client, url, f"{url}/steps/Z+1", {"done": "true"}).status_code == 404
    with Session(engine) as session:
        assert session.exec(select(StepConfirmation)).all() == []


def test_the_fps_messages_are_shown_with_their_outcome(client, engine, clock):
    officer, url = logged_in(
        client,
        engine,
        election_day=Y,
        deliveries=(
            ("access-code", "access-code", "sent"),
            ("reminder-X-60", "X-60", "sent"),
            ("reminder-X-35", "X-35", "failed"),
            ("phase-pre_procedure", "phase:pre_procedure", "non_digital"),
        ),
    )
    on_day(client, clock, officer, date(2028, 1, 10))
    page = text(client.get(url))
    x60 = re.search(r'id="step-X-60".*?</tr>', page, re.S).group(0)
    assert "« Rappel » déposé dans l'e-Box le 3 décembre 2027" in x60
    # Sent at 07:00 UTC (tests/portal/helpers.py), read back from SQLite without its zone:
    # shown in Brussels time, as the e-Box (and its sandbox's view) shows it.
    assert "08:00" in x60 and "07:00" not in x60
    # The e-Box's messageId is for staff (socelec outbox), not for the officer.
    assert "messageId" not in page and "msg-" not in page
    x35 = re.search(r'id="step-X-35".*?</tr>', page, re.S).group(0)
    assert "l'envoi a échoué (INVALID_INPUT)" in x35
    x_day = re.search(r'id="step-X".*?</tr>', page, re.S).group(0)
    assert "pas encore dû (prévu à partir du 8 février 2028)" in x_day  # X: on the day
    others = page[page.index("Autres messages du SPF") :]
    # Each with the subject it bears in the e-Box, so the officer finds it there.
    assert f"Élections sociales 2028 – vos codes d'accès – dossier {officer.number}" in others
    assert "nouvelle phase : Procédure préélectorale" in others
    assert "n'utilise pas l'e-Box" in others


def test_each_message_shows_the_subject_it_bears_in_the_ebox_as_delivered(client, engine, clock):
    # A Dutch company's officer reads the portal in French: the subjects stay as the e-Box
    # shows them, in Dutch, so a search of the e-Box finds them.
    officer, url = logged_in(
        client,
        engine,
        language="nl",
        election_day=Y,
        deliveries=(
            ("access-code", "access-code", "sent"),
            ("reminder-X-60", "X-60", "sent"),
            ("phase-pre_procedure", "phase:pre_procedure", "rendered"),
        ),
    )
    with Session(engine) as session:
        delivered = {
            d.document_kind: d.subject
            for d in session.exec(select(Delivery).where(Delivery.dossier_id == officer.dossier_id))
        }
    client.get(f"/language/fr?next={url}")
    on_day(client, clock, officer, date(2028, 1, 10))
    page = client.get(url).text
    for kind in ("access-code", "reminder-X-60"):
        assert f'<q lang="nl">{html.escape(delivered[kind])}</q>' in page, kind
    assert f"uw toegangscodes – dossier {officer.number} (CPBW)" in text(client.get(url))
    # Not in the e-Box yet: its kind, and no subject made up in the page's language.
    assert delivered["phase-pre_procedure"] is None
    others = text(client.get(url)).split("Autres messages du SPF")[1]
    assert "« Avis de nouvelle phase » en cours d'envoi" in others
    assert "nouvelle phase : Procédure préélectorale" not in others
    assert others.count("Objet dans l'e-Box") == 1  # the access-code letter's only


def calendar_events(client, url) -> dict[str, tuple[date, int]]:
    """UID → (start, SEQUENCE) of each event of the dossier's calendar download."""
    response = client.get(f"{url}/calendar.ics")
    assert (
        response.status_code == 200
        and response.content == client.get(f"{url}/calendar.ics").content
    )  # the same file for the same dossier
    return {
        str(e["UID"]): (e.decoded("DTSTART"), e.decoded("SEQUENCE"))
        for e in ICalendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_calendar_events_are_the_dossiers_own_and_a_new_y_raises_their_sequence(client, engine):
    ce, url = logged_in(client, engine, body="CE")
    post_form(client, url, f"{url}/election-day", {"election_day": Y.isoformat()})
    first = calendar_events(client, url)
    assert len(first) == len(STEPS) and all(ce.number in uid for uid in first)
    assert {sequence for _, sequence in first.values()} == {1}

    post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-16"})
    post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-16"})  # no change
    moved = calendar_events(client, url)
    assert moved.keys() == first.keys()  # the agenda updates the same events
    assert {sequence for _, sequence in moved.values()} == {2}
    uid = next(uid for uid in first if uid.endswith(f"{ce.number}-X-60@socelec"))
    assert (first[uid][0], moved[uid][0]) == (date(2027, 12, 10), date(2027, 12, 17))  # Fri
    assert dossier_row(engine, ce).calendar_revision == 2

    # The CPPT of the same unit, on the same Y: events of its own, not the CE's.
    cppt = officer_dossier(engine, same_unit_as=ce)
    assert log_in(client, cppt).status_code == 303
    cppt_url = f"/dossiers/{cppt.number}"
    post_form(client, cppt_url, f"{cppt_url}/election-day", {"election_day": "2028-05-16"})
    assert not calendar_events(client, cppt_url).keys() & moved.keys()


def test_the_calendar_downloads_as_ics_in_the_page_language(client, engine):
    officer, url = logged_in(client, engine, language="nl")
    assert client.get(f"{url}/calendar.ics").status_code == 409  # no Y yet
    post_form(client, url, f"{url}/election-day", {"election_day": Y.isoformat()})
    response = client.get(f"{url}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert f"socelec-{officer.number}-2028-05-08.ics" in response.headers["content-disposition"]
    events = ICalendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == len(STEPS)
    by_start = {str(e["summary"]): e.decoded("dtstart") for e in events}
    x_notice = next(s for s in by_start if s.startswith("Sociale verkiezingen CPBW X:"))
    assert by_start[x_notice] == date(2028, 2, 8)


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_calendar_links_to_the_portal_and_the_fps_page_in_its_language_only(
    client, engine, language
):
    officer, url = logged_in(client, engine, language=language, election_day=Y)
    events = ICalendar.from_ical(client.get(f"{url}/calendar.ics").content).walk("VEVENT")
    assert len(events) == len(STEPS)
    portal = f"https://testserver/dossiers/{officer.number}#step-"
    for event in events:
        code = str(event["UID"]).removeprefix(f"socelec-{officer.number}-").split("@")[0]
        # Every property's value as an agenda reads it (unfolded, unescaped).
        values = " ".join(str(value) for value in event.values())
        links = set(re.findall(r"https?://\S+", values))
        assert links == {f"{portal}{code}", FPS_PAGE[language]}, code
        assert str(event["URL"]) == f"{portal}{code}"
        assert FPS_PAGE[language] in str(event["DESCRIPTION"])


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_every_date_and_time_of_the_dossier_page_is_written_one_way(
    client, engine, clock, language
):
    officer, url = logged_in(
        client,
        engine,
        language=language,
        election_day=Y,
        deliveries=(("access-code", "access-code", "sent"), ("reminder-X-60", "X-60", "sent")),
    )
    on_day(client, clock, officer, date(2028, 1, 10))
    page = text(client.get(url))
    moment = {"fr": "3 décembre 2027 à 08:00", "nl": "3 december 2027 om 08:00"}
    assert moment.get(language, "3. Dezember 2027 um 08:00 Uhr") in page
    assert dates_in_another_form(page, language) == []
