"""The sandbox's OAuth v5 server: client credentials with private_key_jwt, scopes per endpoint.

As the real service does (docs/ebox.md#oauth), the client authenticates with an RS256 JWT
signed by its certificate's key, ``aud`` = the token URL. The sandbox checks the signature
against the public key registered for ``iss``, the audience, ``exp`` and ``iat``, refuses a
replayed ``jti``, and grants the requested scopes if the client holds them all (no scope
requested: every granted scope).
Access tokens are HS256 JWTs signed with a key kept in the sandbox's database, so they survive
a restart of the sandbox like the real service's tokens survive a node restart.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

import jwt

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = 600  # seconds between iat and exp that the server accepts
LEEWAY = 5  # clock skew tolerated, seconds


class OAuthError(Exception):
    """RFC 6749 § 5.2 error response."""

    def __init__(self, status: int, error: str, description: str):
        self.status = status
        self.error = error
        self.description = description
        super().__init__(f"{status} {error}: {description}")


@dataclass(frozen=True)
class Grant:
    client_id: str
    enterprise_number: str
    scopes: frozenset[str]


class ReplayGuard:
    """Remembers each assertion's jti until it expires (RFC 7523 § 3 allows refusing reuse)."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, jti: str, expires: float) -> bool:
        now = time.time()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            if jti in self._seen and self._seen[jti] > now:
                return False
            self._seen[jti] = expires + LEEWAY
            return True


def issue_token(
    form: dict, *, audience: str, client_lookup, signing_key: str, ttl: int, replay: ReplayGuard
) -> dict:
    """Check the token request; return the RFC 6749 § 5.1 body or raise OAuthError."""
    if form.get("grant_type") != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "only client_credentials is supported")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        raise OAuthError(401, "invalid_client", "a private_key_jwt client assertion is required")
    assertion = form["client_assertion"]
    try:
        claimed = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise OAuthError(401, "invalid_client", "the client assertion is not a JWT") from None
    client_id = claimed.get("iss")
    client = client_lookup(client_id) if isinstance(client_id, str) else None
    if client is None or form.get("client_id") not in (None, client_id):
        raise OAuthError(401, "invalid_client", "unknown client")
    try:
        claims = jwt.decode(
            assertion,
            client["public_key_pem"],
            algorithms=["RS256"],
            audience=audience,
            leeway=LEEWAY,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
        )
    except jwt.InvalidAudienceError:
        raise OAuthError(401, "invalid_client", f"assertion audience must be {audience}") from None
    except jwt.ExpiredSignatureError:
        raise OAuthError(401, "invalid_client", "the client assertion has expired") from None
    except jwt.PyJWTError as exc:
        raise OAuthError(
            401, "invalid_client", f"client assertion rejected: {type(exc).__name__}"
        ) from None
    if claims["sub"] != client_id:
        raise OAuthError(401, "invalid_client", "assertion sub must equal iss (the client id)")
    if claims["exp"] - claims["iat"] > MAX_ASSERTION_LIFETIME:
        raise OAuthError(401, "invalid_client", "client assertion lives too long")
    if not replay.first_use(str(claims["jti"]), float(claims["exp"])):
        raise OAuthError(401, "invalid_client", "client assertion already used (jti)")
    granted = set(client["scopes"].split())
    requested = set(form.get("scope", "").split()) or granted
    if not requested <= granted:
        raise OAuthError(
            400,
            "invalid_scope",
            "scope not granted to this client: " + " ".join(sorted(requested - granted)),
        )
    now = int(time.time())
    token = jwt.encode(
        {
            "sub": client_id,
            "org": client["enterprise_number"],
            "scope": " ".join(sorted(requested)),
            "iat": now,
            "exp": now + ttl,
            "jti": str(uuid.uuid4()),
        },
        signing_key,
        algorithm="HS256",
    )
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": " ".join(sorted(requested)),
    }


def verify_access_token(header: str | None, signing_key: str) -> Grant | None:
    """The grant behind ``Authorization: Bearer …``; None if missing, forged or expired."""
    if not header or not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(
            header[7:],
            signing_key,
            algorithms=["HS256"],
            options={"require": ["sub", "exp", "scope"]},
        )
    except jwt.PyJWTError:
        return None
    return Grant(claims["sub"], claims.get("org", ""), frozenset(claims["scope"].split()))
