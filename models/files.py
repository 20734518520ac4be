"""Files that hold secrets (generated keys, print batches with passwords in clear)."""

from __future__ import annotations

import glob
import os
import uuid
from pathlib import Path


def create_private_file(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data``, readable by its owner only, unless it exists already.
    True if this call created it.

    The bytes go into a private temporary file, which is then hard-linked into place: a
    process that finds ``path`` finds it complete (creating it with O_EXCL and then writing
    let another process read it empty), and of two processes creating it at once one wins the
    link and the other leaves the winner's file as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # on disk before anything records it as written
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink()


def delete_private_file(path: Path) -> None:
    """Delete ``path`` and any temporary file of it that a writer killed before its link left
    behind (it may hold the same secrets). Only once nobody may still be creating ``path``."""
    for leftover in (path, *path.parent.glob(f".{glob.escape(path.name)}.*")):
        leftover.unlink(missing_ok=True)
