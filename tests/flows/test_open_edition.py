"""The campaign on a real Prefect server, real worker processes and the real e-Box sandbox."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from flows.open_edition import open_edition
from models import Delivery, Dossier, Enterprise, TechnicalUnit
from models.credentials import verify_password
from tests.factories import load_sample
from tests.flows.helpers import (
    DOSSIER_RE,
    PASSWORD_RE,
    access_codes,
    all_messages,
    letter_text,
    seed_sandbox,
)

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_campaign_reaches_each_company_once_and_a_rerun_sends_nothing(
    prefect_server, engine, sandbox
):
    load_sample(engine, 135, open_edition=False)
    seed_sandbox(engine, sandbox)
    summary = open_edition(edition=2028, batch_size=60, yes=True)

    with Session(engine) as session:
        dossiers = session.exec(
            select(Dossier.id, Dossier.dossier_number, Enterprise.enterprise_number)
            .select_from(Dossier)
            .join(TechnicalUnit)
            .join(Enterprise)
        ).all()
        deliveries = session.exec(select(Delivery)).all()
    assert len(dossiers) >= 200  # "a few hundred dossiers"
    assert summary["dossiers_created"] == summary["letters_rendered"] == len(dossiers)
    states = Counter(d.state for d in deliveries)
    companies = len({enterprise for _, _, enterprise in dossiers})
    assert summary["brochures_rendered"] == companies  # once per legal entity
    assert states["sent"] + states["non_digital"] + states["rejected"] == len(dossiers) + companies
    assert not states["rendered"] and not states["failed"]

    messages = all_messages(sandbox)
    published = [d for d in deliveries if d.state in ("sent", "non_digital")]
    assert len(messages) == len(published)
    assert len({m["idempotency_key"] for m in messages}) == len(messages)

    # Every company's access manager sees exactly the letters of its own dossiers; companies
    # the e-Box refused (not in the CBE: 400 INVALID_INPUT) have no e-Box to look into.
    refused = {d.dossier_id for d in deliveries if d.state == "rejected"}
    by_enterprise: dict[str, set[str]] = {}
    skipped = set()
    for dossier_id, number, enterprise in dossiers:
        by_enterprise.setdefault(enterprise, set()).add(number)
        if dossier_id in refused:
            skipped.add(enterprise)
    for enterprise, numbers in by_enterprise.items():
        if enterprise in skipped:
            continue
        visible = sandbox.admin.visible_messages(enterprise, "am")
        letters = [letter_text(sandbox, enterprise, m) for m in visible]
        seen = {DOSSIER_RE.search(text).group(0) for text in letters if PASSWORD_RE.search(text)}
        assert seen == numbers, enterprise
    assert len(skipped) < 0.1 * len(by_enterprise)

    again = open_edition(edition=2028, batch_size=60, yes=True)
    assert again["letters_rendered"] == again["brochures_rendered"] == 0
    assert again["delivered_now"] == {}
    assert len(all_messages(sandbox)) == len(messages)

    # The codes in the letters open the dossiers: what an officer reads is what was hashed.
    enterprise = next(e for e in by_enterprise if e not in skipped)
    codes = access_codes(sandbox, enterprise)
    with Session(engine) as session:
        for number, password in codes.items():
            stored = session.exec(select(Dossier).where(Dossier.dossier_number == number)).one()
            assert verify_password(stored.password_hash, password)
