"""Helpers of the reliability tests and benches.

The soak's fault plan and the delivery audit (``audit_deliveries``): after a campaign, every
outbox row is set against what the e-Box sandbox holds, to count what was sent twice, what was
lost and what was recorded wrongly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from ebox_sandbox.seed import ebox_status
from models import Delivery, Dossier, Enterprise, TechnicalUnit
from models.approvals import record_review, skip
from models.db import session_scope
from models.delivery import FINAL_STATES
from models.editions import get_edition
from procedure.documents import BROCHURE
from templates.batches import prepare_access_code_letters, prepare_documents
from tests.flows.helpers import all_messages
from tests.portal.helpers import table_digests

# Issue 7: 20 % 503, 5 % 429 with Retry-After, 5 % accepted then dropped, 200 ms latency
# spikes (here on 10 % of the requests). The 503s carry no Retry-After, so the adapter's own
# backoff is exercised too; the 429s ask for 1 s, which the adapter must wait out.
SOAK_FAULTS = {
    "error_rates": {503: 0.20, 429: 0.05},
    "retry_after_seconds": 1,
    "retry_after_statuses": [429],
    "drop_after_accept": 0.05,
    "latency_ms": 200,
    "latency_share": 0.10,
}
SOAK_FAULT_KINDS = ("503", "429", "dropped_after_accept", "latency")

# The state a row must end in, by the e-Box status the sandbox seeds for its company
# (ebox_sandbox.seed.ebox_status): unknown to the CBE → 400, never opened → 201 NO_DIGITAL_USER.
EXPECTED_STATE = {"not_in_cbe": "rejected", "never_logged_in": "non_digital", "digital": "sent"}


def fingerprint(engine) -> str:
    """One digest of every table's rows: equal before and after means nothing changed."""
    return hashlib.sha256(repr(sorted(table_digests(engine).items())).encode()).hexdigest()


def render_outbox(engine, access_codes: int, actor: str = "test") -> None:
    """Fill the outbox through the real renderers and outbox writer: access-code letters for
    the first ``access_codes`` dossiers (released as a test may: a review with the approval
    skipped) and a brochure for every dossier.

    A brochure is rendered once per language and shared (templates.render), so a few hundred
    rows cost about a second; the access-code letters (~0.1 s each) keep the secure, encrypted
    path in the mix.
    """
    with session_scope(engine) as session:
        ids = list(session.exec(select(Dossier.id).order_by(col(Dossier.id))))
        prepare_access_code_letters(session, ids[:access_codes], actor=actor)
        prepare_documents(session, BROCHURE, ids, actor=actor)
        review = record_review(
            session, get_edition(session, 2028), flow_run_id="", requested_by=actor
        )
        if review is not None:
            skip(session, review, actor)


@dataclass
class DeliveryAudit:
    """The outbox against the e-Box, row by row; ``problems()`` lists each broken promise."""

    deliveries: int = 0
    states: Counter[str] = field(default_factory=Counter)
    expected_messages: int = 0  # rows for companies the CBE knows: each must be one message
    messages: int = 0
    duplicate_keys: int = 0  # messages beyond the first under one idempotency key
    duplicate_deliveries: int = 0  # messages beyond the first for one dossier, kind and step
    stray: int = 0  # messages whose key belongs to no outbox row
    lost: int = 0  # rows that should be in an e-Box and are not
    not_final: int = 0  # rows still to send (rendered, failed, pending)
    misrecorded: list[str] = field(default_factory=list)  # state or messageId disagrees
    by_client: Counter[str] = field(default_factory=Counter)  # messages per OAuth client

    def problems(self) -> list[str]:
        found = [
            f"{name.replace('_', ' ')}: {value}"
            for name, value in (
                ("duplicate_keys", self.duplicate_keys),
                ("duplicate_deliveries", self.duplicate_deliveries),
                ("stray", self.stray),
                ("lost", self.lost),
                ("not_final", self.not_final),
            )
            if value
        ]
        if self.messages != self.expected_messages:
            found.append(f"messages: {self.messages}, expected {self.expected_messages}")
        return found + self.misrecorded[:20]

    def summary(self) -> str:
        return (
            f"{self.deliveries} rows {dict(self.states)}; {self.messages} messages of "
            f"{self.expected_messages} expected; duplicates {self.duplicate_keys} by key, "
            f"{self.duplicate_deliveries} by dossier/kind/step; lost {self.lost}; stray "
            f"{self.stray}; not final {self.not_final}; misrecorded "
            f"{len(self.misrecorded)}"
        )


def audit_deliveries(engine, sandbox) -> DeliveryAudit:
    """Set every outbox row of the database against the sandbox's messages."""
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery, Enterprise.enterprise_number)
            .join(Dossier, col(Dossier.id) == col(Delivery.dossier_id))
            .join(TechnicalUnit, col(TechnicalUnit.id) == col(Dossier.technical_unit_id))
            .join(Enterprise, col(Enterprise.id) == col(TechnicalUnit.enterprise_id))
        ).all()
    messages = all_messages(sandbox)
    audit = DeliveryAudit(deliveries=len(rows), messages=len(messages))
    by_key: dict[str, list[dict]] = {}
    for message in messages:
        by_key.setdefault(message["idempotency_key"], []).append(message)
        audit.by_client[message["client_id"]] += 1
    audit.duplicate_keys = sum(len(found) - 1 for found in by_key.values())
    triples: Counter[tuple] = Counter()
    keys = set()
    for delivery, number in rows:
        keys.add(delivery.idempotency_key)
        audit.states[delivery.state] += 1
        audit.not_final += delivery.state not in FINAL_STATES
        status = ebox_status(number)
        found = by_key.get(delivery.idempotency_key, [])
        triples[(delivery.dossier_id, delivery.document_kind, delivery.step_code)] += len(found)
        if status != "not_in_cbe":
            audit.expected_messages += 1
            audit.lost += not found
        expected = EXPECTED_STATE[status]
        if delivery.state in FINAL_STATES and delivery.state != expected:
            audit.misrecorded.append(
                f"delivery {delivery.id} ({delivery.document_kind}, "
                f"{status}): {delivery.state}, expected {expected}"
            )
        if found and delivery.message_id and delivery.message_id != found[0]["message_id"]:
            audit.misrecorded.append(
                f"delivery {delivery.id}: messageId {delivery.message_id}"
                f", the e-Box has {found[0]['message_id']}"
            )
    audit.duplicate_deliveries = sum(n - 1 for n in triples.values() if n > 1)
    audit.stray = sum(len(found) for key, found in by_key.items() if key not in keys)
    return audit
