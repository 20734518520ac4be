"""What an officer found trying the portal (issue 14), settled: a day Y chosen late says which
steps are already late, a form sent after the session ended is not kept and the login page
says so, and the unit's working days (its week, its closure days) shape the calendar."""

from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar as ICalendar
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.evidence import ClosureDay
from tests.factories import submit, upload
from tests.portal.helpers import (
    dossier_row,
    log_in,
    officer_dossier,
    post_form,
    table_digests,
    text,
)
from tests.portal.test_dossier import Y, logged_in, on_day


def test_choosing_a_y_that_puts_steps_in_the_past_says_which_are_late(client, engine, clock):
    officer, url = logged_in(client, engine)
    on_day(client, clock, officer, date(2028, 1, 10))  # X−60 and X−35 of Y = 8 May are past
    saved = post_form(client, url, f"{url}/election-day", {"election_day": Y.isoformat()})
    assert saved.status_code == 303
    page = client.get(url)
    warning = re.search(r'<div class="notice notice-warning" role="status"><p>(.*?)</p>', page.text)
    assert warning, "no warning on the page"
    assert text(page).count("ces étapes sont déjà en retard : X−60, X−35.") == 1
    assert dossier_row(engine, officer).election_day == Y
    # A day Y chosen in time: nothing is late, nothing is said.
    other, other_url = logged_in(client, engine)
    on_day(client, clock, other, date(2027, 11, 20))
    post_form(client, other_url, f"{other_url}/election-day", {"election_day": Y.isoformat()})
    assert "déjà en retard" not in text(client.get(other_url))


def test_a_form_sent_after_the_session_ended_is_not_kept_and_the_login_page_says_so(
    client, engine, clock
):
    officer, url = logged_in(client, engine, election_day=Y)
    on_day(client, clock, officer, date(2028, 3, 10))
    page = client.get(url).text  # the tab the officer left open, with its form's token
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    clock.advance(minutes=45)  # longer than the idle timeout (30 minutes)
    # The ended session's own row is closed on the way: that is the session, not the action.
    sessions = frozenset({"portal_session"})
    before = table_digests(engine, leaving_out=sessions)
    for action, data in [
        (f"{url}/steps/X+40", {"done": "true"}),
        (f"{url}/election-day", {"election_day": "2028-05-15"}),
        (f"{url}/closure-days", {"day": "2028-03-20"}),
    ]:
        sent = client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)
        assert sent.status_code == 303, action
        assert sent.headers["location"] == f"/login?next=/dossiers/{officer.number}"
        login = text(client.get(sent.headers["location"]))
        assert (
            "Votre session avait pris fin : ce que vous veniez d'envoyer n'a pas été enregistré."
            in login
        )
        assert "Connectez-vous" in login
    assert table_digests(engine, leaving_out=sessions) == before
    # Logging in again brings the officer back to the dossier, where the step is still to do.
    assert log_in(client, officer).headers["location"].startswith(url)
    assert 'id="step-X+40" class="status-due"' in client.get(url).text


def test_a_unit_working_saturdays_may_choose_a_saturday_as_y(client, engine):
    saturday = date(2028, 5, 13)
    office, office_url = logged_in(client, engine)
    assert f'id="y-{saturday}"' not in client.get(office_url).text
    refused = post_form(
        client, office_url, f"{office_url}/election-day", {"election_day": saturday.isoformat()}
    )
    assert refused.status_code == 422
    shop, shop_url = logged_in(client, engine, working_days="mon-sat")
    assert f'id="y-{saturday}"' in client.get(shop_url).text
    chosen = post_form(
        client, shop_url, f"{shop_url}/election-day", {"election_day": saturday.isoformat()}
    )
    assert chosen.status_code == 303
    assert dossier_row(engine, shop).election_day == saturday


def step_date(client, url: str, code: str) -> str:
    row = re.search(rf'id="step-{re.escape(code)}".*?</tr>', text(client.get(url)), re.S)
    return re.sub(r"<[^>]+>", " ", row.group(0))


def ics_event(client, url: str, code: str):
    calendar = ICalendar.from_ical(client.get(f"{url}/calendar.ics").content)
    for event in calendar.walk("VEVENT"):
        if code in str(event["SUMMARY"]):
            return event
    raise AssertionError(f"no event for {code}")


def test_a_closure_day_moves_the_deadline_on_it_for_both_bodies_of_the_unit(client, engine, clock):
    cppt, url = logged_in(client, engine, election_day=Y)
    ce = officer_dossier(engine, body="CE", same_unit_as=cppt, election_day=Y)
    closures = f"{url}/closure-days"
    assert "Aucun jour de fermeture n'est déclaré." in text(client.get(closures))
    # X+14 falls on Tuesday 22 February 2028; the unit closes that day.
    assert "22 février 2028" in step_date(client, url, "X+14")

    def revisions():
        return tuple(dossier_row(engine, o).calendar_revision for o in (cppt, ce))

    before = revisions()
    declared = post_form(client, closures, closures, {"day": "22/02/2028"})
    assert declared.status_code == 303
    listing = text(client.get(closures))
    assert "Jour de fermeture enregistré" in listing
    assert "mardi 22 février 2028" in listing
    moved = step_date(client, url, "X+14")
    assert "21 février 2028" in moved and "date légale" in moved
    assert ics_event(client, url, "X+14").decoded("DTSTART") == date(2028, 2, 21)
    assert revisions() == (before[0] + 1, before[1] + 1)  # both calendars change
    assert log_in(client, ce).status_code == 303  # the CE's officer sees it too
    assert "21 février 2028" in step_date(client, f"/dossiers/{ce.number}", "X+14")
    assert log_in(client, cppt).status_code == 303
    withdrawn = post_form(client, closures, f"{closures}/2028-02-22/withdraw", {})
    assert withdrawn.status_code == 303
    assert "22 février 2028" in step_date(client, url, "X+14")
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action, AuditEvent.detail).where(
                AuditEvent.subject == cppt.number, AuditEvent.action.like("%closure%")
            )
        ).all()
        assert [(a, d["day"]) for a, d in actions] == [
            ("portal.closure_day_declared", "2028-02-22"),
            ("portal.closure_day_withdrawn", "2028-02-22"),
        ]
        assert session.exec(select(ClosureDay)).all() == []


def test_a_closure_day_that_changes_nothing_or_comes_too_late_is_refused(client, engine, clock):
    officer, url = logged_in(client, engine, election_day=Y)
    closures = f"{url}/closure-days"
    assert post_form(client, closures, closures, {"day": "2028-03-01"}).status_code == 303
    refusals = {
        "1 mars": "Écrivez une date, par exemple 14/02/2028.",
        "2027-11-10": "Le 10 novembre 2027 n'est plus à venir",
        "2028-02-19": "Le 19 février 2028, l'unité technique ne travaille déjà pas",  # Saturday
        "2028-04-17": "Le 17 avril 2028, l'unité technique ne travaille déjà pas",  # Easter Mon.
        "2028-03-01": "Le 1 mars 2028 est déjà un jour de fermeture.",
        "2028-05-08": "Le 8 mai 2028 est le jour Y",
        "2029-01-08": "Le 8 janvier 2029 est après la dernière étape de la procédure",
    }
    for value, refusal in refusals.items():
        before = table_digests(engine)
        refused = post_form(client, closures, closures, {"day": value})
        assert refused.status_code == 422, value
        assert refusal in text(refused), value
        assert 'href="#day"' in refused.text and 'aria-invalid="true"' in refused.text
        assert table_digests(engine) == before, value
    # From day X the notice posted in the company fixes the calendar.
    on_day(client, clock, officer, date(2028, 2, 9))
    page = text(client.get(closures))
    assert "Depuis le jour X (8 février 2028), l'avis affiché fixe le calendrier" in page
    assert "Retirer" not in page
    late = post_form(client, closures, closures, {"day": "2028-03-02"})
    assert late.status_code == 422
    assert "Depuis le jour X (8 février 2028), les jours de fermeture ne changent plus." in text(
        late
    )
    withdraw = post_form(client, closures, f"{closures}/2028-03-01/withdraw", {})
    assert withdraw.status_code == 422


def test_another_dossier_s_closure_days_are_not_reachable(client, engine):
    mine, _ = logged_in(client, engine, election_day=Y)
    other = officer_dossier(engine, election_day=Y)
    assert client.get(f"/dossiers/{other.number}/closure-days").status_code == 404


def _step_row(page: str, code: str) -> str:
    return re.search(rf'<tr id="step-{re.escape(code)}" class="[^"]*">.*?</tr>', page, re.S).group(
        0
    )


def test_a_step_shown_by_its_document_and_form_links_to_both_and_turns_done(client, engine, clock):
    officer, url = logged_in(client, engine, election_day=Y)
    on_day(client, clock, officer, date(2027, 12, 20))  # before X−60 of Y = 8 May
    row = _step_row(client.get(url).text, "X-60")
    assert f'href="{url}/evidence/X-60">Envoyer le document' in row
    assert f'href="{url}/forms/basic">Fiche statistique de base (jour X−60) : à remplir' in row
    assert "status-done" not in row and "Marquer comme fait" not in row
    with Session(engine) as session:
        upload(session, officer.dossier_id, "X-60", date(2027, 12, 20))
        session.commit()
    row = _step_row(client.get(url).text, "X-60")
    assert "Document envoyé" in row and ": à remplir" in row and "status-done" not in row
    with Session(engine) as session:
        submit(session, officer.dossier_id, "basic", date(2027, 12, 20))
        session.commit()
    row = _step_row(client.get(url).text, "X-60")
    assert 'class="status-done"' in row
    assert "Fiche statistique de base (jour X−60) : envoyée" in row
