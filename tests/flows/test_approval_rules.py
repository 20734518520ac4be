"""Who may skip the four-eyes gate of a national mailing."""

from __future__ import annotations

import pytest

from flows.open_edition import check_approval_skip


def test_a_deployment_run_cannot_skip_the_approval_unless_the_machine_allows_it():
    with pytest.raises(ValueError, match="yes: a deployment run cannot skip"):
        check_approval_skip(yes=True, from_deployment=True, allowed=False)
    check_approval_skip(yes=True, from_deployment=True, allowed=True)  # training machine
    check_approval_skip(yes=True, from_deployment=False, allowed=False)  # script, demo, test
    check_approval_skip(yes=False, from_deployment=True, allowed=False)  # the normal path
