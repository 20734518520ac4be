"""``socelec outbox``: the help desk's view of a dossier's messages, with their e-Box ids."""

from __future__ import annotations

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from models import Delivery, Dossier
from models.db import session_scope
from models.delivery_queue import claim_deliveries
from models.outbox import Outcome, record_outcome
from templates.batches import prepare_documents
from tests.factories import load_sample

RUNNER = CliRunner(env={"COLUMNS": "200"})


def test_the_help_desk_sees_a_dossiers_messages_with_their_e_box_ids(engine):
    load_sample(engine, 1)
    with session_scope(engine) as session:
        dossier = session.exec(select(Dossier)).first()
        delivery = prepare_documents(session, "reminder-X-60", [dossier.id])[0]
        number, delivery_id = dossier.dossier_number, delivery.id
    with session_scope(engine) as session:
        claim_deliveries(session, "w", edition_id=dossier.edition_id, limit=10)
        record_outcome(
            session, delivery_id, "w", Outcome("sent", "msg-7f3a", subject="Rappel"), actor="test"
        )
    result = RUNNER.invoke(app, ["outbox", "show", number.replace("-", "").lower()])
    assert result.exit_code == 0, result.output
    assert "msg-7f3a" in result.stdout and "reminder-X-60" in result.stdout
    with Session(engine) as session:
        assert session.get(Delivery, delivery_id).subject == "Rappel"
    unknown = RUNNER.invoke(app, ["outbox", "show", "28-CE-999999-99"])
    assert unknown.exit_code == 2 and "no dossier" in unknown.output
