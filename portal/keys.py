"""The key that signs the portal's session cookie.

``SOCELEC_SECRET_KEY`` when it is set (several portal processes must share one key); else a
key generated once into ``SOCELEC_DATA_DIR/portal_secret_key``, readable by its owner only,
so a single-machine installation needs no set-up and keeps its sessions across restarts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from models.settings import Settings

KEY_FILE = "portal_secret_key"


def session_secret(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.data_dir) / KEY_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: of two processes starting at once, one writes and both read the same key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
