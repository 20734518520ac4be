"""The key that signs the portal's session cookie.

``SOCELEC_SECRET_KEY`` when it is set (several portal processes must share one key); else a
key generated once into ``SOCELEC_DATA_DIR/portal_secret_key``, readable by its owner only,
so a single-machine installation needs no set-up and keeps its sessions across restarts.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from models.files import create_private_file
from models.settings import Settings

KEY_FILE = "portal_secret_key"


def session_secret(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.data_dir) / KEY_FILE
    if not path.exists():
        # Of two processes starting at once, one creates it and both read that key, complete.
        create_private_file(path, secrets.token_urlsafe(48).encode("ascii"))
    return path.read_text().strip()
