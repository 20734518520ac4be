"""Configuration of the e-Box Enterprise adapter, from the environment (prefix ``SOCELEC_EBOX_``).

The same code talks to the real e-Box (ACC or PROD) or to socelec's sandbox: only these values
differ. When ``SOCELEC_EBOX_BASE_URL`` is unset, ``ebox_adapter.sandbox_link.ensure_sandbox``
fills in the sandbox's URL, a generated key and a registered client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The real scope strings (docs/ebox.md#scopes).
PUBLICATION_SCOPE = "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
PREFERENCE_SCOPE = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"

# Every path hangs off the services host (docs/ebox.md#hosts-and-paths).
TOKEN_PATH = "/REST/oauth/v5/token"  # noqa: S105 (a URL path)
PUBLISH_PATH = "/REST/ebox/enterprise/messageRegistry/v3/ebox/messages"
PREFERENCES_PATH = "/REST/ebox/enterprise/federation/v1/eboxPreferences/search"

# The FPS Employment's own application and social-elections message type
# (docs/ebox.md#the-fpss-application-and-message-type).
FPS_APPLICATION_ID = "db2b.SPFETCS-FODWASO.fgov.be"
FPS_SECURE_MESSAGE_TYPE = "SpfFodSocialElections"
# Not in any source: the level-1 message type for documents without a credential is to be agreed
# with eBoxIntegration@smals.be at onboarding (docs/ebox.md#onboarding).
FPS_GENERAL_MESSAGE_TYPE = "SpfFodSocialElectionsInfo"


class SecurityClass(StrEnum):
    """How confidential a document is; each class maps to one (application, message type) pair.

    ``secure``: a message type of security level 2, readable only by the access manager and the
    users granted the social-elections online service (docs/ebox.md#security-levels).
    ``general``: level 1, every e-Box user of the company.
    """

    secure = "secure"
    general = "general"


@dataclass(frozen=True)
class ClassRoute:
    """The pair agreed at onboarding for one security class (docs/ebox.md#onboarding)."""

    application_id: str
    message_type_id: str


#: The settings that say which e-Box to reach and as whom (EboxSettings.environment).
CONNECTION = ("base_url", "token_url", "client_id", "private_key_file", "sender")


class EboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOCELEC_EBOX_", env_file=".env", extra="ignore")

    base_url: str | None = Field(
        default=None,
        description="Services host, e.g. https://services.socialsecurity.be; unset: the sandbox.",
    )
    token_url: str | None = Field(
        default=None, description="OAuth v5 token URL; default: base_url + /REST/oauth/v5/token."
    )
    client_id: str | None = Field(default=None, description="OAuth client id given at onboarding.")
    private_key_file: Path | None = Field(
        default=None, description="PEM file of the private key of the sender's certificate."
    )
    private_key_password: SecretStr | None = None
    sender: str | None = Field(default=None, description="The FPS's enterprise number (10 digits).")

    scopes: tuple[str, ...] = Field(
        default=(PUBLICATION_SCOPE, PREFERENCE_SCOPE),
        description="Scopes requested with each token (JSON list); each must be granted "
        "to the client (docs/ebox.md#scopes).",
    )

    secure_application_id: str = FPS_APPLICATION_ID
    secure_message_type_id: str = FPS_SECURE_MESSAGE_TYPE
    general_application_id: str = FPS_APPLICATION_ID
    general_message_type_id: str = FPS_GENERAL_MESSAGE_TYPE

    # An access token is reused until this many seconds before it expires.
    token_refresh_margin: float = Field(default=60.0, ge=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    # Uploads of a few hundred kB; the e-Box answers after storing the files.
    read_timeout: float = Field(default=60.0, gt=0)
    pool_timeout: float = Field(default=30.0, gt=0)
    max_connections: int = Field(default=16, ge=1)

    max_attempts: int = Field(default=8, ge=1, description="Tries per request, the first included.")
    backoff_initial: float = Field(default=0.5, ge=0, description="Seconds before the 2nd try.")
    backoff_max: float = Field(default=30.0, ge=0)
    retry_after_max: float = Field(
        default=120.0, ge=0, description="Longest Retry-After honoured, in seconds."
    )
    preference_batch_size: int = Field(default=100, ge=1, le=1000)

    sandbox_url: str = Field(
        default="http://127.0.0.1:8790",
        description="Where socelec's e-Box sandbox listens when base_url is unset.",
    )

    @property
    def effective_token_url(self) -> str:
        if self.token_url:
            return self.token_url
        if not self.base_url:
            raise ValueError("SOCELEC_EBOX_BASE_URL: required to reach the e-Box")
        return self.base_url.rstrip("/") + TOKEN_PATH

    def route(self, security_class: SecurityClass) -> ClassRoute:
        if security_class is SecurityClass.secure:
            return ClassRoute(self.secure_application_id, self.secure_message_type_id)
        return ClassRoute(self.general_application_id, self.general_message_type_id)

    def environment(self, *extra: str) -> dict[str, str]:
        """These settings as ``SOCELEC_EBOX_*`` variables, for the processes that deliver.

        Flow runs and their workers are child processes that read their settings from the
        environment. What reaches the e-Box (:data:`CONNECTION`) plus the ``extra`` fields
        named, when set; never the key's password: the key stays in its file.
        """
        values = {name: getattr(self, name) for name in (*CONNECTION, *extra)}
        return {
            f"SOCELEC_EBOX_{name.upper()}": str(value)
            for name, value in values.items()
            if value is not None
        }

    def missing(self) -> list[str]:
        """The variables still needed before the adapter can talk to an e-Box."""
        names = {
            "base_url": self.base_url,
            "client_id": self.client_id,
            "private_key_file": self.private_key_file,
            "sender": self.sender,
        }
        return [f"SOCELEC_EBOX_{name.upper()}" for name, value in names.items() if not value]
