"""The rule for a password the officer chooses (pure).

NIST SP 800-63B § 5.1.1.2: a minimum length and a check against obvious values, no
composition rules. ``models.credentials`` compares passwords without spaces, dashes or letter
case (officers copy the generated one from paper), so the length is counted the same way and
the minimum is 12 rather than 8 to make up for the ignored case.
"""

from __future__ import annotations

from models.credentials import normalise_password, verify_password
from portal.errors import RuleError

MIN_LENGTH = 12
MAX_LENGTH = 128


def check_new_password(
    new: str, confirmation: str, *, current_hash: str, dossier_number: str
) -> None:
    """Raise :class:`RuleError` unless ``new`` may replace the current password."""
    if len(new) > MAX_LENGTH:
        raise RuleError("new_password", "error.password_too_long", max=MAX_LENGTH)
    normalised = normalise_password(new)
    if len(normalised) < MIN_LENGTH:
        raise RuleError("new_password", "error.password_too_short", min=MIN_LENGTH)
    if len(set(normalised)) < 4 or normalised in normalise_password(dossier_number):
        raise RuleError("new_password", "error.password_too_simple")
    if new != confirmation:
        raise RuleError("confirmation", "error.password_mismatch")
    if verify_password(current_hash, new):
        raise RuleError("new_password", "error.password_unchanged")
