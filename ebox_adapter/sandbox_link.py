"""Wiring socelec to its own e-Box sandbox when no real e-Box is configured.

"When no base URL is set, socelec starts and uses its sandbox": ``ensure_sandbox`` makes the
sender's key pair once (0600, in ``SOCELEC_DATA_DIR/ebox``), registers its public key as an
OAuth client of the running sandbox through the sandbox's admin API, and returns the settings
that point the adapter at it. With ``SOCELEC_EBOX_BASE_URL`` set it changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ebox_adapter.settings import PREFERENCE_SCOPE, PUBLICATION_SCOPE, TOKEN_PATH, EboxSettings
from ebox_sandbox.admin_client import SandboxAdmin

SANDBOX_CLIENT_ID = "socelec-sandbox"
# A valid enterprise number that is nobody's (mod-97 check digits 22): the sandbox's FPS.
SANDBOX_SENDER = "0999999922"


def ensure_sender_key(path: Path) -> Path:
    """Create an RSA-2048 private key at ``path`` once, readable by its owner only."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return path


def public_key_pem(private_key_file: Path) -> str:
    key = serialization.load_pem_private_key(private_key_file.read_bytes(), None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def sandbox_client(settings: EboxSettings, data_dir: Path) -> tuple[EboxSettings, dict]:
    """What links socelec to its sandbox at ``settings.sandbox_url``: the adapter's settings for
    it, and the OAuth client registration the sandbox must hold (the sender's key is made once,
    0600, in ``data_dir/ebox``)."""
    key_file = settings.private_key_file or ensure_sender_key(data_dir / "ebox" / "sender-key.pem")
    client_id = settings.client_id or SANDBOX_CLIENT_ID
    sender = settings.sender or SANDBOX_SENDER
    url = settings.sandbox_url.rstrip("/")
    registration = {
        "client_id": client_id,
        "public_key_pem": public_key_pem(key_file),
        "enterprise_number": sender,
        "scopes": [PUBLICATION_SCOPE, PREFERENCE_SCOPE],
        "applications": sorted({settings.secure_application_id, settings.general_application_id}),
    }
    linked = settings.model_copy(
        update={
            "base_url": url,
            "token_url": url + TOKEN_PATH,
            "client_id": client_id,
            "private_key_file": key_file.resolve(),
            "sender": sender,
        }
    )
    return linked, registration


def ensure_sandbox(
    settings: EboxSettings | None = None,
    *,
    data_dir: Path | None = None,
    admin_token: str | None = None,
) -> EboxSettings:
    """Settings for the adapter: unchanged when a real e-Box is configured, else the sandbox's.

    The sandbox must be running at ``settings.sandbox_url`` (``socelec ebox-sandbox`` or
    ``ebox_sandbox.process.SandboxProcess``); ``data_dir`` (socelec's) keeps the sender's key
    and the sandbox's admin token. Registration is an upsert: calling this at every start of
    ``socelec serve`` is cheap and repairs a sandbox whose database was reset.
    """
    settings = settings or EboxSettings()
    if settings.base_url:
        return settings
    if data_dir is None:
        raise ValueError("data_dir: required to link socelec to its e-Box sandbox")
    linked, registration = sandbox_client(settings, data_dir)
    with SandboxAdmin(linked.base_url, admin_token, data_dir=data_dir) as admin:
        admin.register_client(**registration)
    return linked
