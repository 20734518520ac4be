"""``socelec status``: dossiers per phase, deliveries per state, upcoming mailings."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import Delivery, Dossier
from tests.factories import load_sample

runner = CliRunner(env={"COLUMNS": "200"})


def test_status_counts_phases_states_and_upcoming(engine):
    load_sample(engine, 12)
    with Session(engine) as session:
        dossiers = session.exec(select(Dossier)).all()
        dossiers[0].election_day = date(2028, 5, 19)
        dossiers[1].status = "stopped"
        session.add(
            Delivery(
                dossier_id=dossiers[2].id,
                document_kind="access-code",
                step_code="campaign",
                state="sent",
                idempotency_key="k1",
            )
        )
        session.commit()
        total = len(dossiers)
    # 1 Feb 2028: between X-60 (10 Dec 2027 for Y = 8 May) and X (8 Feb): pre-procedure.
    result = runner.invoke(app, ["status", "--edition", "2028", "--as-of", "2028-02-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dossiers"] == total
    assert data["dossiers_by_status"] == {"open": total - 1, "stopped": 1}
    assert data["open_by_phase"]["pre_procedure"] == total - 1
    assert data["without_election_day"] == total - 2
    assert data["deliveries_by_state"]["sent"] == 1
    # X of the provisional calendar (Y = 8 May 2028) is 8 Feb 2028 (leap year): on the day.
    assert {"date": "2028-02-08", "mailing": "X", "dossiers": total - 2} in data["upcoming"]
    table = runner.invoke(app, ["status", "--edition", "2028", "--as-of", "2028-02-01"])
    assert "Open dossiers per phase" in table.output and "pre_procedure" in table.output


def test_status_of_unknown_edition(database_url):
    result = runner.invoke(app, ["status", "--edition", "1999"])
    assert result.exit_code == 2 and "edition: no edition 1999" in result.output
