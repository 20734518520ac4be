"""The bodies of the sandbox's own admin API (seeding, clients, message types)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ebox_sandbox.store import ROLES, STATUSES


class ClientRegistration(BaseModel):
    public_key_pem: str
    enterprise_number: str = Field(pattern=r"^[01]\d{9}$")
    scopes: list[str]
    applications: list[str]


class UserSeed(BaseModel):
    user_id: str = Field(min_length=1, max_length=50)
    name: str = Field(max_length=200)
    ssin: str | None = Field(default=None, pattern=r"^\d{11}$")
    role: str = Field(pattern="^(" + "|".join(ROLES) + ")$")
    services: list[str] = Field(default_factory=list)


class EnterpriseSeed(BaseModel):
    enterprise_number: str = Field(pattern=r"^[01]\d{9}$")
    name: str = Field(max_length=200)
    status: str = Field(pattern="^(" + "|".join(STATUSES) + ")$")
    exclusively_ebox: bool = False
    last_connection_at: datetime | None = None
    users: list[UserSeed] = Field(default_factory=list)


class MessageTypeDefinition(BaseModel):
    application_id: str
    name: str
    security_level: int = Field(ge=1, le=2)
    online_service: str | None = None
    validity_days: int = Field(default=730, ge=1)
