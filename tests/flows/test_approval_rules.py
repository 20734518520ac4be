"""Who may ask for a national mailing, and who may skip or give the four-eyes approval."""

from __future__ import annotations

import pytest

from flows.open_edition import check_request


def ask(**changes):
    arguments = {
        "yes": False,
        "dry_run": False,
        "from_deployment": True,
        "allowed": False,
        "requested_by": "Anne Peeters",
        "approvers": ["Bart Maes"],
    }
    return check_request(**arguments | changes)


def test_a_deployment_run_cannot_skip_the_approval_unless_the_machine_allows_it():
    with pytest.raises(ValueError, match="yes: a deployment run cannot skip"):
        ask(yes=True)
    assert ask(yes=True, allowed=True) == "Anne Peeters"  # training machine
    ask(yes=True, from_deployment=False)  # script, demo, test
    ask()  # the normal path


def test_a_deployment_run_names_its_requester_and_a_script_is_its_user():
    with pytest.raises(ValueError, match="requested_by: required on a deployment run"):
        ask(requested_by=None)
    with pytest.raises(ValueError, match="requested_by: required"):
        ask(requested_by="   ")
    assert ask(requested_by="  Anne   Peeters ") == "Anne Peeters"
    assert ask(from_deployment=False, requested_by=None).startswith("os:")


def test_without_configured_approvers_no_mailing_can_be_asked_for():
    with pytest.raises(ValueError, match="SOCELEC_APPROVERS: no approver is configured"):
        ask(approvers=[])
    ask(approvers=[], dry_run=True)  # nothing to approve
    ask(approvers=[], yes=True, from_deployment=False)
