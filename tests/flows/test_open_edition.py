"""The campaign on a real Prefect server and the real e-Box sandbox."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from flows.open_edition import open_edition
from models import Delivery, Dossier
from tests.ebox.sandbox_server import running_sandbox
from tests.factories import load_sample
from tests.flows.helpers import point_at_sandbox, seed_sandbox

pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    with running_sandbox(tmp_path / "sandbox") as running:
        point_at_sandbox(monkeypatch, running)
        yield running


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_campaign_delivers_each_letter_once(prefect_server, engine, sandbox):
    load_sample(engine, 40, open_edition=False)
    seed_sandbox(engine, sandbox)
    summary = open_edition(edition=2028, batch_size=25, yes=True)
    with Session(engine) as session:
        dossiers = session.exec(select(Dossier)).all()
        states = Counter(d.state for d in session.exec(select(Delivery)))
    assert summary["dossiers_created"] == len(dossiers)
    assert summary["letters_rendered"] == len(dossiers)
    assert states["rendered"] == 0 and states["failed"] == 0
    assert states["sent"] + states["non_digital"] + states["rejected"] == 2 * len(dossiers)
    again = open_edition(edition=2028, batch_size=25, yes=True)
    assert again["letters_rendered"] == 0 and again["delivered_now"] == {}
