"""Fixtures of the e-Box tests: the sandbox as a real server, sample enterprises, documents."""

from __future__ import annotations

import pytest

from ebox_adapter import Document, EboxClient, EboxSettings, Publication, SecurityClass
from ebox_adapter.sandbox_link import ensure_sender_key
from ebox_sandbox.seed import enterprise_seed
from tests.ebox.sandbox_server import ebox_sandbox  # noqa: F401 (fixture)


def enterprise_number(base: int) -> str:
    """A valid enterprise number from its first 8 digits (mod-97 check digits)."""
    return f"{base:08d}{97 - base % 97:02d}"


# By ebox_sandbox.seed.ebox_status: the bucket is the first 8 digits modulo 100.
DIGITAL = enterprise_number(10_000_010)
DIGITAL_2 = enterprise_number(10_000_011)
NEVER_LOGGED_IN = enterprise_number(10_000_003)
NOT_IN_CBE = enterprise_number(10_000_000)
SAMPLE_PDF = b"%PDF-1.7\n% a letter\n" + b"0" * 2000 + b"\n%%EOF\n"


def publication(
    key: str,
    *,
    enterprise: str = DIGITAL,
    carries_credential: bool = True,
    security_class: SecurityClass = SecurityClass.secure,
    **changes,
) -> Publication:
    values = {
        "enterprise_number": enterprise,
        "language": "fr",
        "subject": "Élections sociales 2028 : vos codes d'accès",
        "document_kind": "access_code" if carries_credential else "brochure",
        "carries_credential": carries_credential,
        "security_class": security_class,
        "main": Document("codes-acces-28-CPPT-000412-51.pdf", SAMPLE_PDF),
        "idempotency_key": key,
    }
    return Publication(**{**values, **changes})


@pytest.fixture(scope="module")
def seeded_sandbox(ebox_sandbox):  # noqa: F811 (the imported fixture)
    ebox_sandbox.admin.seed(
        [
            enterprise_seed(n, f"Company {n}")
            for n in (DIGITAL, DIGITAL_2, NEVER_LOGGED_IN, NOT_IN_CBE)
        ]
    )
    return ebox_sandbox


# The adapter against in-process fakes (respx): an ACC host, a fresh key, no real sleeps.
BASE = "https://services-acpt.socialsecurity.be"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    return ensure_sender_key(tmp_path_factory.mktemp("key") / "key.pem")


@pytest.fixture
def settings(key_file) -> EboxSettings:
    return EboxSettings(
        _env_file=None,
        base_url=BASE,
        client_id="fps:socelec",
        private_key_file=key_file,
        sender="0999999922",
        backoff_initial=0.5,
        backoff_max=30,
    )


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(settings, sleeps):
    with EboxClient(settings, sleep=sleeps.append, jitter=lambda: 1.0) as ebox:
        yield ebox
