"""Declaring a complete or partial stop between X+36 and X+79."""

from __future__ import annotations

from datetime import date

from tests.portal.helpers import dossier_row, log_in, officer_dossier, post_form, text

Y = date(2028, 5, 8)  # X = 8 Feb 2028: X+36 = 15 Mar, X+79 = 27 Apr 2028
IN_WINDOW = date(2028, 3, 20)


def logged_in(client, engine, clock, day: date, **kwargs):
    clock.set_day(day)
    officer = officer_dossier(engine, election_day=Y, **kwargs)
    assert log_in(client, officer).status_code == 303
    return officer, f"/dossiers/{officer.number}"


def test_no_stop_before_x_plus_36(client, engine, clock):
    officer, url = logged_in(client, engine, clock, date(2028, 3, 14))
    page = text(client.get(f"{url}/stop"))
    assert "seulement du 15 mars 2028 (X+36) au 27 avril 2028 (X+79)" in page
    assert 'name="kind"' not in page
    response = post_form(
        client, f"{url}/stop", f"{url}/stop", {"kind": "complete", "confirm": "true"}
    )
    assert response.status_code == 422
    assert dossier_row(engine, officer).status == "open"


def test_the_stop_page_states_its_window_once(client, engine, clock):
    for day in (date(2028, 3, 14), IN_WINDOW):  # before the window, then inside it
        officer, url = logged_in(client, engine, clock, day)
        pages = [
            text(client.get(f"{url}/stop")),
            text(post_form(client, f"{url}/stop", f"{url}/stop", {"kind": "complete"})),
        ]
        for page in pages:
            assert page.count("15 mars 2028") == 1 and page.count("27 avril 2028") == 1, day


def test_a_partial_stop_keeps_the_procedure_open(client, engine, clock):
    officer, url = logged_in(client, engine, clock, IN_WINDOW, body="CE", workers=(60, 40, 30, 20))
    form = text(client.get(f"{url}/stop"))
    for category in ("blue_collar", "white_collar", "young", "cadre"):
        assert f'value="{category}"' in form
    response = post_form(
        client,
        f"{url}/stop",
        f"{url}/stop",
        {"kind": "partial", "categories": ["young"], "confirm": "true"},
    )
    assert response.status_code == 303
    row = dossier_row(engine, officer)
    assert (row.status, row.stop_kind, row.stopped_categories) == ("open", "partial", "young")
    assert "Arrêt partiel déclaré pour : jeunes travailleurs" in text(client.get(url))


def test_a_complete_stop_ends_reminders_and_voids_the_later_steps(client, engine, clock):
    officer, url = logged_in(client, engine, clock, IN_WINDOW)
    response = post_form(
        client, f"{url}/stop", f"{url}/stop", {"kind": "complete", "confirm": "true"}
    )
    assert response.status_code == 303
    row = dossier_row(engine, officer)
    assert (row.status, row.stop_kind) == ("stopped", "complete")
    page = text(client.get(url))
    assert "vous ne recevrez plus de rappels" in page
    assert 'id="step-Y" class="status-void"' in page
    assert "Pas de rappel : la procédure est arrêtée" in page
    assert "Déclarer un arrêt" not in page
    again = post_form(client, url, f"{url}/election-day", {"election_day": "2028-05-09"})
    assert again.status_code == 422


def test_stop_declarations_that_break_a_rule_change_nothing(client, engine, clock):
    officer, url = logged_in(client, engine, clock, IN_WINDOW, workers=(60, 40, 3, 20))
    cases = [
        (
            {"kind": "partial", "categories": ["young"], "confirm": "true"},
            "Choisissez les catégories dans la liste",
        ),  # no youth mandate below 25
        ({"kind": "partial", "confirm": "true"}, "au moins une catégorie"),
        (
            {"kind": "partial", "categories": ["blue_collar", "white_collar"], "confirm": "true"},
            "c'est un arrêt complet",
        ),
        ({"kind": "complete"}, "Cochez la case"),
        ({"kind": "later", "confirm": "true"}, "Choisissez un arrêt complet ou partiel"),
    ]
    for data, rule in cases:
        response = post_form(client, f"{url}/stop", f"{url}/stop", data)
        assert response.status_code == 422, data
        assert rule in text(response), data
    row = dossier_row(engine, officer)
    assert (row.status, row.stop_kind, row.stopped_categories) == ("open", None, "")
