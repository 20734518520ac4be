"""Exceptions of the e-Box adapter.

Outcomes the caller records per delivery (published, not digital, duplicate, rejected) are
results, not exceptions. Exceptions are for what stops a batch: input socelec should never
have produced, credentials the e-Box refuses, or an e-Box that stays unreachable after every
retry. None of them carries a token, a key or document bytes.
"""

from __future__ import annotations

from dataclasses import dataclass


class EboxError(Exception):
    """Base class of every adapter error."""


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"


#: Fields whose rule comes from socelec's settings, not from the document or its recipient.
CONFIGURATION_FIELDS = frozenset({"sender", "security_class"})


class PublicationInvalid(EboxError, ValueError):
    """The publication breaks a rule; nothing was sent."""

    @property
    def is_configuration(self) -> bool:
        """A broken setting (every publication would fail), not this document's own data."""
        return any(error.field in CONFIGURATION_FIELDS for error in self.errors)

    def __init__(self, idempotency_key: str, errors: list[FieldError]):
        self.idempotency_key = idempotency_key
        self.errors = errors
        where = f"publication {idempotency_key}: " if idempotency_key else ""
        super().__init__(where + "; ".join(str(e) for e in errors))


class CredentialOutsideSecureClass(PublicationInvalid):
    """A document carrying a credential was to go out under a non-secure class; refused."""

    def __init__(self, document_kind: str, security_class: str):
        super().__init__(
            "",
            [
                FieldError(
                    "security_class",
                    f"{document_kind} carries a credential: only the "
                    f"secure class may deliver it, not {security_class}",
                )
            ],
        )


class EboxConfigurationError(EboxError):
    """Settings are missing or unusable (names the variable)."""


class EboxAuthError(EboxError):
    """The e-Box refused our credentials (401 after one token refresh) or scope (403)."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        self.status = status
        self.code = code
        super().__init__(message)


class EboxUnavailable(EboxError):
    """Transient failures (429, 5xx, timeouts, dropped connections) outlasted every retry.

    Safe to retry later with the same idempotency key: the e-Box may or may not have accepted
    the last attempt, and a repeat answers 409 if it did.
    """

    def __init__(self, message: str, *, attempts: int, last_status: int | None = None):
        self.attempts = attempts
        self.last_status = last_status
        super().__init__(message)


class EboxProtocolError(EboxError):
    """An answer the API never gives (unexpected status or body): a wrong URL or a new API."""

    def __init__(self, message: str, *, status: int | None = None):
        self.status = status
        super().__init__(message)
