"""What a delivery keeps of its message (the subject as the e-Box shows it, when it expires), and
the warning staff get when the e-Box would delete messages before the procedure ends."""

from __future__ import annotations

import json

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sqlmodel import Session, select

from flows.open_edition import open_edition
from models import Delivery
from tests.factories import load_sample
from tests.flows.helpers import all_messages, in_threads, seed_sandbox

pytestmark = pytest.mark.integration
SECURE_TYPE = {
    "application_id": "db2b.SPFETCS-FODWASO.fgov.be",
    "name": "Élections sociales (accès sécurisé)",
    "security_level": 2,
    "online_service": "social-elections",
}


def expiring_artifact() -> list:
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["deliver-2028-expiring-early"])
            )
        )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_delivery_keeps_its_subject_and_expiry_and_early_expiry_is_flagged(
    prefect_server, engine, sandbox
):
    load_sample(engine, 4, open_edition=False)
    seed_sandbox(engine, sandbox)
    before = len(expiring_artifact())
    # A message type that keeps its messages 30 days: deleted long before the procedure ends.
    sandbox.admin.define_message_type("SpfFodSocialElections", **SECURE_TYPE, validity_days=30)
    in_threads(open_edition)(edition=2028, batch_size=50, yes=True)
    by_key = {m["idempotency_key"]: m for m in all_messages(sandbox)}
    with Session(engine) as session:
        sent = session.exec(select(Delivery).where(Delivery.state == "sent")).all()
    assert sent
    for delivery in sent:  # the subject and the expiry the e-Box has
        message = by_key[delivery.idempotency_key]
        assert delivery.subject == message["subject"]
        assert delivery.expires_at is not None
    letters = [d for d in sent if d.document_kind == "access-code"]
    assert all((d.expires_at - d.sent_at).days <= 30 for d in letters)
    artifacts = expiring_artifact()
    assert len(artifacts) == before + 1
    newest = max(artifacts, key=lambda a: a.created)
    flagged = {row["dossier"] for row in json.loads(newest.data)}
    assert len(flagged) == len(letters)  # the brochures (another type) last two years
