"""No secret anywhere (the four-eyes gate: test_four_eyes.py). (Workers killed with -9 mid-campaign:
tests/reliability/test_crashes.py.)"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from flows.open_edition import open_edition
from tests.factories import load_sample
from tests.flows.helpers import (
    access_codes,
    all_messages,
    assert_no_password,
    in_threads,
    prefect_stores,
    seed_sandbox,
    sqlite_files,
)

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_password_in_prefect_logs_artifacts_results_or_metadata(
    prefect_server, engine, sandbox, database_url, capfd
):
    load_sample(engine, 12, open_edition=False)
    seed_sandbox(engine, sandbox)
    in_threads(open_edition)(edition=2028, batch_size=5, yes=True)
    passwords = []
    with Session(engine) as session:
        from models import Enterprise

        for number in session.exec(select(Enterprise.enterprise_number)):
            try:
                passwords += access_codes(sandbox, number).values()
            except Exception:  # not in the CBE: no e-Box to read
                continue
    assert len(passwords) >= 10
    assert_no_password(
        passwords,
        {
            **prefect_stores(),
            "socelec database": sqlite_files(database_url),
            "sandbox metadata": repr(all_messages(sandbox)).encode(),
            "console": "".join(capfd.readouterr()).encode(),
        },
    )
