"""When wrong passwords lock a dossier, and for how long (pure).

OWASP's authentication cheat sheet: lock after a few failures, for a time rather than for
ever (a permanent lock lets anyone who knows a dossier number, printed on letters, shut its
officer out), and make each further series of failures lock longer, so guessing a 74-bit
password stays hopeless while a mistyping officer waits only minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# 2**12 first-lock periods is already far beyond any sensible cap: stop doubling there.
_MAX_DOUBLINGS = 12


def lock_until(
    failures: int,
    now: datetime,
    *,
    threshold: int,
    first_lock: timedelta,
    longest_lock: timedelta,
) -> datetime | None:
    """The end of the lock that the ``failures``-th wrong password in a row starts, if any.

    Every ``threshold``-th failure locks: the first series for ``first_lock``, each further
    series twice as long as the one before, never longer than ``longest_lock``.
    """
    if failures < threshold or failures % threshold:
        return None
    series = min(failures // threshold - 1, _MAX_DOUBLINGS)
    return now + min(first_lock * 2**series, longest_lock)
