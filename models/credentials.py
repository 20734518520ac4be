"""Dossier numbers and passwords: how an election officer proves which dossier is theirs.

The dossier number is not a secret: it is printed on letters and typed on the phone. It is
derived from the edition, the body and the technical unit, so re-running a campaign gives a
dossier the same number, and it carries mod-97 check digits (as Belgian enterprise and
national numbers do) so a typo is caught before any password is tried.

The password is the secret. It is drawn from ``secrets`` (the OS CSPRNG), uses an alphabet
without look-alike characters (no 0/O, 1/I/L) because officers copy it from paper, and has at
least 72 bits of entropy. Only its argon2id hash is stored, with OWASP's parameters
(m=19 MiB, t=2, p=1) rather than argon2-cffi's default (64 MiB, t=3), which costs several times
as much per hash and would make a 20,000-letter campaign spend minutes hashing
(docs/performance.md#password-hashing).
"""

from __future__ import annotations

import math
import os
import re
import secrets
import threading

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # noqa: S105 (an alphabet, not a secret)
PASSWORD_GROUPS = 3
PASSWORD_GROUP_LENGTH = 5
PASSWORD_BITS = PASSWORD_GROUPS * PASSWORD_GROUP_LENGTH * math.log2(len(PASSWORD_ALPHABET))
assert PASSWORD_BITS >= 72, PASSWORD_BITS  # noqa: S101 - a design invariant, checked at import

BODY_CODES = {"CPPT": 1, "CE": 2}
DOSSIER_NUMBER_RE = re.compile(r"^(\d{2})-(CPPT|CE)-(\d{6})-(\d{2})$")
# The same four parts once separators are gone: the parts have fixed widths and the body is
# letters between digits, so the number reads the same whatever was typed between them.
_COMPACT_RE = re.compile(r"^(\d{2})(CPPT|CE)(\d{6})(\d{2})$")
_SEPARATORS_RE = re.compile(r"[^0-9A-Z]")

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
# argon2id is memory-hard: each hash fills 19 MiB it has just allocated. More hashes at once
# than cores only add cache misses and page faults: 50 verifications took 1.03 s on 40 threads
# and 0.64 s on 2 (2 cores), so the portal's 40 request threads take turns, a core each.
_hash_slots = threading.BoundedSemaphore(os.cpu_count() or 1)


class DossierNumberError(ValueError):
    pass


class DossierNumberCheckError(DossierNumberError):
    """A dossier number of the right form whose check digits do not match: a typo."""


def _check_digits(year: int, body: str, serial: int) -> int:
    return 97 - int(f"{year % 100:02d}{BODY_CODES[body]}{serial:06d}") % 97


def dossier_number(year: int, body: str, serial: int) -> str:
    """E.g. ``28-CPPT-000412-51``: edition, body, serial (the technical unit), check digits."""
    if body not in BODY_CODES:
        raise DossierNumberError(f"body: must be CPPT or CE, not {body!r}")
    if not 0 < serial < 1_000_000:
        raise DossierNumberError(f"serial: must be 1 to 999999, not {serial}")
    return f"{year % 100:02d}-{body}-{serial:06d}-{_check_digits(year, body, serial):02d}"


def normalise_dossier_number(text: str) -> str:
    """The canonical number (``28-CPPT-000412-51``) for what people type: any case, with or
    without spaces, dashes or dots (the access-code letter says so). Text that has not the
    number's form comes back upper-cased without separators, so it never matches a dossier."""
    compact = _SEPARATORS_RE.sub("", text.upper())
    match = _COMPACT_RE.match(compact)
    return "-".join(match.groups()) if match else compact


def check_dossier_number(text: str) -> str:
    """The canonical number for ``text``; :class:`DossierNumberCheckError` when only its check
    digits are wrong, :class:`DossierNumberError` when it has not the number's form."""
    number = normalise_dossier_number(text)
    match = DOSSIER_NUMBER_RE.match(number)
    if not match or int(match[3]) == 0:
        raise DossierNumberError(f"dossier_number: {text!r} is not of the form 28-CPPT-000412-51")
    year, body, serial, check = match.groups()
    if _check_digits(int(year), body, int(serial)) != int(check):
        raise DossierNumberCheckError(
            f"dossier_number: the check digits of {number} do not match (a typo?)"
        )
    return number


def is_valid_dossier_number(text: str) -> bool:
    try:
        check_dossier_number(text)
    except DossierNumberError:
        return False
    return True


def generate_password() -> str:
    """A fresh password, e.g. ``7KQ2M-XH4TZ-9PWRN`` (74 bits)."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def normalise_password(text: str) -> str:
    """Officers may type the generated password without dashes or in lower case."""
    return re.sub(r"[\s-]", "", text).upper()


def hash_password(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(normalise_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _hash_slots:
            return _hasher.verify(password_hash, normalise_password(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
