"""Redelivery after an outage, the postal batch for non-digital companies, the import flow."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort
from pypdf import PdfReader
from sqlmodel import Session, func, select

from flows.import_registry import import_registry
from flows.open_edition import open_edition
from flows.redeliver import redeliver
from models import Delivery, Enterprise
from models.registry_sample import sample_registry
from templates.print_batch import ATTENTION
from tests.factories import load_sample
from tests.flows.helpers import all_messages, in_threads, seed_sandbox

pytestmark = pytest.mark.integration


def states(engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(d.state for d in session.exec(select(Delivery)))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_redeliver_sends_what_an_outage_left_and_prints_non_digital_letters_once(
    prefect_server, engine, sandbox, monkeypatch
):
    load_sample(engine, 30, open_edition=False)
    seed_sandbox(engine, sandbox)
    # The e-Box is down for the whole campaign: every letter fails after its retries.
    sandbox.admin.set_faults(error_rates={503: 1.0})
    monkeypatch.setenv("SOCELEC_EBOX_MAX_ATTEMPTS", "2")
    in_threads(open_edition)(edition=2028, batch_size=20, yes=True)
    before = states(engine)
    assert before["failed"] > 0 and not before["sent"]
    sandbox.admin.set_faults()

    result = redeliver(edition=2028, batch_size=20)
    after = states(engine)
    assert not after["failed"] and not after["rendered"]
    assert len(all_messages(sandbox)) == after["sent"] + after["non_digital"]
    assert result["non_digital"] == after["non_digital"] > 0
    assert non_digital_rows_have_a_sending_time(engine)  # the portal shows when it went
    assert result["printed"] == after["non_digital"]
    [path] = result["print_batches"]
    batch = PdfReader(io.BytesIO(Path(path).read_bytes()))
    with Session(engine) as session:
        letter_pages = session.exec(
            select(func.sum(Delivery.page_count)).where(Delivery.state == "non_digital")
        ).one()
    assert len(batch.pages) == letter_pages + after["non_digital"]  # one address sheet each
    first_sheet = " ".join(batch.pages[0].extract_text().split())  # lines wrap in the window
    assert any(text in first_sheet for text in (ATTENTION.fr, ATTENTION.nl, ATTENTION.de))

    again = redeliver(edition=2028, batch_size=20)
    assert again["printed"] == 0 and again["delivered"] == {}
    assert again["print_batches_deleted"] == 0 and Path(path).exists()  # kept for 30 days
    with get_client(sync_client=True) as client:
        [summary] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["redeliver-2028-summary"])),
            limit=1,
            sort=ArtifactSort.CREATED_DESC,
        )
    assert "- print batches with passwords deleted (older than 30 days): 0" in summary.data


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_import_flow_loads_a_good_file_and_refuses_a_bad_one(prefect_server, engine, tmp_path):
    good = tmp_path / "registry.csv"
    good.write_text(sample_registry(12, seed=5))
    report = import_registry(str(good))
    assert report["enterprises_created"] == 12
    bad = tmp_path / "bad.csv"
    bad.write_text(sample_registry(14, seed=6).replace(",nl,", ",xx,", 1))
    state = import_registry(str(bad), return_state=True)
    assert state.is_failed()
    assert "language: must be fr, nl or de" in state.message
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Enterprise)).one() == 12


def non_digital_rows_have_a_sending_time(engine) -> bool:
    with Session(engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.state == "non_digital")).all()
    return bool(rows) and all(r.sent_at is not None and r.message_id for r in rows)
