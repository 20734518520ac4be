"""Settings of the officer portal (environment prefix ``SOCELEC_PORTAL_``).

The defaults follow OWASP's session and authentication cheat sheets: a short idle timeout,
an absolute session lifetime, a lockout after a handful of wrong passwords that grows with
each new series of failures, and a per-address ceiling on failed logins.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCELEC_PORTAL_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    session_idle_minutes: int = Field(default=30, ge=1)
    session_hours: int = Field(default=8, ge=1)
    lockout_threshold: int = Field(
        default=5, ge=1, description="Wrong passwords in a row that lock a dossier."
    )
    lockout_minutes: int = Field(
        default=15, ge=1, description="First lockout; each further series doubles it."
    )
    lockout_max_hours: int = Field(default=24, ge=1)
    ip_failed_logins: str = Field(
        default="20 per 15 minutes",
        description="Failed logins one client address may make (limits' notation).",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where the per-address counters live (limits storage URI). memory:// is "
        "per process; use redis://… when several portal processes serve behind one address.",
    )
    due_soon_days: int = Field(
        default=14, ge=0, description="A step this many days ahead or less is 'due soon'."
    )
    as_of: date | None = Field(
        default=None,
        description="Training and demo only: the portal behaves as if today were this day "
        "(a banner says so on every page).",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Reverse proxies whose X-Forwarded-For/-Proto headers are trusted.",
    )


@lru_cache
def get_portal_settings() -> PortalSettings:
    return PortalSettings()
