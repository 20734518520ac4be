"""The e-Box Enterprise v3 adapter: publish socelec's documents as secure e-Box messages.

Public API (see README, "e-Box delivery and the sandbox"):

- ``EboxSettings`` (env ``SOCELEC_EBOX_*``) and ``ensure_sandbox()`` for the sandbox fallback;
- ``Publication``/``Document``/``SecurityClass``: what to send;
- ``EboxClient(settings)``: context manager with one pooled HTTP client;
  ``.publish(publication) -> PublicationResult``, ``.search_preferences(numbers)``;
- ``PublicationOutcome``: published, not_digital, duplicate, rejected;
- errors: ``PublicationInvalid`` (and ``CredentialOutsideSecureClass``), ``EboxAuthError``,
  ``EboxUnavailable``, ``EboxConfigurationError``, ``EboxProtocolError``.
"""

from ebox_adapter.client import (
    EboxClient,
    EboxPreference,
    PublicationOutcome,
    PublicationResult,
)
from ebox_adapter.errors import (
    CredentialOutsideSecureClass,
    EboxAuthError,
    EboxConfigurationError,
    EboxError,
    EboxProtocolError,
    EboxUnavailable,
    FieldError,
    PublicationInvalid,
)
from ebox_adapter.publication import Document, Publication
from ebox_adapter.sandbox_link import ensure_sandbox
from ebox_adapter.settings import EboxSettings, SecurityClass

__all__ = [
    "CredentialOutsideSecureClass",
    "Document",
    "EboxAuthError",
    "EboxClient",
    "EboxConfigurationError",
    "EboxError",
    "EboxPreference",
    "EboxProtocolError",
    "EboxSettings",
    "EboxUnavailable",
    "FieldError",
    "Publication",
    "PublicationInvalid",
    "PublicationOutcome",
    "PublicationResult",
    "SecurityClass",
    "ensure_sandbox",
]
