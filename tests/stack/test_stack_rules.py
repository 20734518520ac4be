"""The rules of the local stack that need no server: prefect.yaml as ``socelec serve`` reads
it, clear errors for taken ports and wrong files, the demo's refusal of a real e-Box."""

from __future__ import annotations

import os
import re
import socket

import pytest
from prefect import Flow
from typer.testing import CliRunner

from cli.main import app
from cli.serve import PREFECT_YAML, DeploymentFileError, read_deployments
from cli.stack import StackError, bind_listener, exported


def test_prefect_yaml_declares_the_four_deployments_and_their_flows():
    specs = {spec.name: spec for spec in read_deployments(PREFECT_YAML.read_text())}
    assert set(specs) == {
        "open-edition",
        "advance-procedure",
        "publish-results",
        "redeliver",
        "import-registry",
    }
    advance = specs["advance-procedure"]
    assert advance.schedules == (
        {"cron": "0 7 * * *", "timezone": "Europe/Brussels", "active": True},
    )
    assert advance.parameters == {"edition": 2028}
    for spec in specs.values():
        module, function = spec.module_and_flow
        flow = getattr(__import__(module, fromlist=[function]), function)
        assert isinstance(flow, Flow) and flow.name == spec.name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deployments: []", "deployments: the file declares none"),
        (
            "deployments:\n  - name: x\n    entrypoint: flows/x.py:x\n    triggers: []",
            "deployments[0]: unsupported key(s) triggers",
        ),
        ("deployments:\n  - name: x", "deployments[0].entrypoint: required"),
        (
            "deployments:\n  - name: x\n    entrypoint: flows.x.x",
            "deployments[0].entrypoint: path/to/file.py:flow_function expected",
        ),
        (
            "deployments:\n  - name: x\n    entrypoint: flows/x.py:x\n    schedules:\n"
            "      - interval: 3600",
            "deployments[0].schedules[0]: a cron schedule",
        ),
    ],
)
def test_a_wrong_deployment_file_is_refused_with_the_field(text, message):
    with pytest.raises(DeploymentFileError, match=re.escape(message)):
        read_deployments(text)


def test_a_taken_port_names_the_option_and_port_zero_finds_a_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            StackError,
            match=rf"--portal-port: .* 127\.0\.0\.1:{port} .*"
            r"--portal-port 0 picks a free one",
        ):
            bind_listener("127.0.0.1", port, "the portal", "--portal-port")
    free = bind_listener("127.0.0.1", 0, "the portal", "--portal-port")
    assert free.getsockname()[1] > 0
    free.close()


def test_exported_variables_are_restored_after(monkeypatch):
    monkeypatch.setenv("SOCELEC_STACK_TEST_A", "before")
    monkeypatch.delenv("SOCELEC_STACK_TEST_B", raising=False)
    with exported({"SOCELEC_STACK_TEST_A": "during", "SOCELEC_STACK_TEST_B": "during"}):
        assert os.environ["SOCELEC_STACK_TEST_A"] == os.environ["SOCELEC_STACK_TEST_B"] == "during"
    assert os.environ["SOCELEC_STACK_TEST_A"] == "before"
    assert "SOCELEC_STACK_TEST_B" not in os.environ


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_on_a_taken_portal_port_fails_before_starting_anything(database_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--portal-port", str(port)])
    assert result.exit_code == 2
    assert f"--portal-port: the portal cannot listen on 127.0.0.1:{port}" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_demo_refuses_a_real_ebox(database_url, monkeypatch):
    monkeypatch.setenv("SOCELEC_EBOX_BASE_URL", "https://services-acpt.socialsecurity.be")
    result = CliRunner().invoke(app, ["demo", "--companies", "3"])
    assert result.exit_code == 2
    assert "SOCELEC_EBOX_BASE_URL is set" in result.output
