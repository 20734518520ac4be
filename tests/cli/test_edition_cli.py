"""Editions: known windows are seeded; staff change the provisional 2028 window."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import AuditEvent, Dossier, Edition, Enterprise, TechnicalUnit

runner = CliRunner(env={"COLUMNS": "200"})


def test_known_editions_are_seeded(database_url):
    result = runner.invoke(app, ["edition", "list"])
    assert result.exit_code == 0
    for text in (
        "2016",
        "2020",
        "2024",
        "2028",
        "2028-05-08 – 2028-05-21",
        "provisional",
        "2020-11-16 – 2020-11-29",
    ):
        assert text in result.output, text


def test_set_window_changes_it_and_audits(engine):
    result = runner.invoke(
        app,
        [
            "edition",
            "set-window",
            "2028",
            "--first",
            "2028-05-15",
            "--last",
            "2028-05-28",
            "--official",
        ],
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        edition = session.exec(select(Edition).where(Edition.year == 2028)).one()
        assert (edition.window_first, edition.window_last, edition.status) == (
            date(2028, 5, 15),
            date(2028, 5, 28),
            "official",
        )
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "edition.set_window")
        ).one()
        assert event.detail["before"]["window_first"] == "2028-05-08"


def test_set_window_refuses_bad_input_and_changes_nothing(engine):
    cases = [
        (["2028", "--first", "2028-05-21", "--last", "2028-05-08"], "window: first day"),
        (["2028", "--first", "2027-05-08", "--last", "2028-05-21"], "is not in the year 2028"),
        (["2031", "--first", "2031-05-08", "--last", "2031-05-21"], "edition: no edition 2031"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["edition", "set-window", *args])
        assert result.exit_code == 2 and message in result.output, result.output
    with Session(engine) as session:
        edition = session.exec(select(Edition).where(Edition.year == 2028)).one()
        assert edition.window_first == date(2028, 5, 8)


def test_set_window_refuses_to_strand_a_chosen_day(engine):
    with Session(engine) as session:
        edition = session.exec(select(Edition).where(Edition.year == 2028)).one()
        enterprise = Enterprise(
            enterprise_number="0403170701",
            name="A",
            language="fr",
            street="Rue 1",
            postal_code="1000",
            city="Bruxelles",
        )
        session.add(enterprise)
        session.flush()
        unit = TechnicalUnit(
            enterprise_id=enterprise.id,
            code="1",
            name="Siège",
            street="Rue 1",
            postal_code="1000",
            city="Bruxelles",
        )
        session.add(unit)
        session.flush()
        session.add(
            Dossier(
                edition_id=edition.id,
                technical_unit_id=unit.id,
                body="CPPT",
                dossier_number="28-CPPT-000001-70",
                election_day=date(2028, 5, 9),
            )
        )
        session.commit()
    result = runner.invoke(
        app, ["edition", "set-window", "2028", "--first", "2028-05-15", "--last", "2028-05-28"]
    )
    assert result.exit_code == 2
    assert "1 dossier(s) chose a day Y outside" in result.output
    assert "28-CPPT-000001-70" in result.output
