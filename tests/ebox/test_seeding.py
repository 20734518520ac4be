"""Seeding the sandbox from socelec's registry; the sandbox link; the CLI; pure sandbox rules."""

from __future__ import annotations

import os
import stat
import uuid

import pytest
from stdnum.be import ssn
from typer.testing import CliRunner

from cli.main import app
from ebox_adapter import EboxClient, EboxSettings, PublicationOutcome, ensure_sandbox
from ebox_adapter.sandbox_link import ensure_sender_key
from ebox_sandbox.seed import ebox_status, enterprise_seed, seeds_from_registry, synthetic_ssin
from ebox_sandbox.settings import FaultPlan
from ebox_sandbox.store import can_read
from ebox_sandbox.validation import ApiError, parse_idempotency_key
from models.db import session_scope
from models.registry_file import parse_registry
from models.registry_import import import_registry
from models.registry_sample import sample_registry
from tests.ebox.conftest import DIGITAL, NEVER_LOGGED_IN, NOT_IN_CBE, publication


def test_status_follows_the_documented_buckets():
    assert [ebox_status(n) for n in (DIGITAL, NEVER_LOGGED_IN, NOT_IN_CBE)] == [
        "digital",
        "never_logged_in",
        "not_in_cbe",
    ]


def test_synthetic_ssins_are_valid_and_repeatable():
    assert synthetic_ssin("a") == synthetic_ssin("a") != synthetic_ssin("b")
    assert all(ssn.is_valid(synthetic_ssin(str(i))) for i in range(200))


def test_every_e_box_has_an_access_manager_an_officer_and_a_clerk():
    users = {u["user_id"]: u for u in enterprise_seed(DIGITAL, "X", "85073003328")["users"]}
    assert users["am"]["role"] == "access_manager"
    assert users["officer"]["services"] == ["social-elections"]
    assert users["officer"]["ssin"] == "85073003328"  # the registry's officer
    assert "social-elections" not in users["clerk"]["services"]


@pytest.mark.parametrize(
    ("role", "services", "level", "service", "sees"),
    [
        ("access_manager", [], 2, "social-elections", True),
        ("user", ["social-elections"], 2, "social-elections", True),
        ("user", ["dmfa"], 2, "social-elections", False),
        ("user", [], 1, None, True),
    ],
)
def test_who_reads_what(role, services, level, service, sees):
    assert can_read(role, services, level, service) is sees


def test_fault_plans_are_checked():
    with pytest.raises(ValueError, match="more than 1"):
        FaultPlan(error_rates={503: 0.8}, drop_after_accept=0.3)
    with pytest.raises(ValueError, match="not a 4xx or 5xx"):
        FaultPlan(error_rates={200: 0.1})


def test_idempotency_key_parsing():
    assert parse_idempotency_key('"a\\"b"') == 'a"b'
    assert parse_idempotency_key(None) is None
    for bad in ("abc", '""', '"é"'):
        with pytest.raises(ApiError):
            parse_idempotency_key(bad)


def test_sender_key_is_made_once_and_private(tmp_path):
    path = ensure_sender_key(tmp_path / "ebox" / "sender-key.pem")
    first = path.read_bytes()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert ensure_sender_key(path).read_bytes() == first


def test_a_configured_real_e_box_is_left_alone():
    real = EboxSettings(_env_file=None, base_url="https://services.socialsecurity.be")
    assert ensure_sandbox(real) is real


@pytest.mark.integration
def test_registry_enterprises_get_e_boxes_that_behave_as_predicted(database_url, ebox_sandbox):
    units = parse_registry(sample_registry(40, seed=3).encode())
    with session_scope() as session:
        import_registry(session, units, actor="test")
        seeds = seeds_from_registry(session)
    assert len(seeds) == 40
    assert ebox_sandbox.admin.seed(seeds) == 40
    by_status: dict[str, list[str]] = {}
    for seed in seeds:
        by_status.setdefault(seed["status"], []).append(seed["enterprise_number"])
        users = ebox_sandbox.admin._json(
            "GET", f"/sandbox/enterprises/{seed['enterprise_number']}/users"
        )
        assert [u["role"] for u in users].count("access_manager") == 1
    assert "digital" in by_status
    expected = {
        "digital": PublicationOutcome.published,
        "never_logged_in": PublicationOutcome.not_digital,
        "not_in_cbe": PublicationOutcome.rejected,
    }
    with EboxClient(ebox_sandbox.settings) as ebox:
        for status, numbers in by_status.items():
            # The sandbox outlives one backend's run: a fresh key each time.
            result = ebox.publish(publication(f"seed-{uuid.uuid4()}", enterprise=numbers[0]))
            assert result.outcome is expected[status], status


@pytest.mark.integration
def test_cli_seeds_and_shows_an_inbox(database_url, ebox_sandbox):
    units = parse_registry(sample_registry(5, seed=9).encode())
    with session_scope() as session:
        import_registry(session, units, actor="test")
    runner = CliRunner()
    env = {"SOCELEC_SANDBOX_DATA_DIR": str(ebox_sandbox.data_dir)}
    seeded = runner.invoke(app, ["ebox-sandbox", "seed", "--url", ebox_sandbox.base_url], env=env)
    assert seeded.exit_code == 0, seeded.output
    assert "seeded 5 e-Box(es)" in seeded.output
    number = units[0].enterprise.enterprise_number
    inbox = runner.invoke(
        app, ["ebox-sandbox", "inbox", number, "clerk", "--url", ebox_sandbox.base_url], env=env
    )
    assert inbox.exit_code == 0, inbox.output
    assert "visible to clerk" in inbox.output
    bad = runner.invoke(
        app,
        ["ebox-sandbox", "faults", "--error", "503=1.5", "--url", ebox_sandbox.base_url],
        env=env,
    )
    assert bad.exit_code == 2 and "probability" in bad.output
