"""OAuth2 client credentials with private_key_jwt, as the e-Box's OAuth v5 server expects.

The client proves itself (docs/ebox.md#oauth) with a JWT signed RS256 by the key of its
certificate, ``iss = sub = client_id``, ``aud`` = the token URL, a unique ``jti`` and a short
``exp``. The access token is cached and shared by every thread
until ``token_refresh_margin`` seconds before it expires, and dropped after a 401.

Hand-written on PyJWT rather than authlib: PyJWT is already a dependency and the whole flow is
one form POST; authlib would add a second JWT stack for it.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from ebox_adapter.errors import EboxAuthError, EboxConfigurationError, EboxProtocolError

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 60  # seconds: the assertion is used at once


class TransientTokenError(Exception):
    """The token endpoint was unreachable or busy; the caller's retry loop decides."""

    def __init__(self, status: int | None, retry_after: str | None = None):
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"token endpoint unavailable (status {status})")


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float  # time.monotonic() clock

    def __repr__(self) -> str:  # never print the token
        return f"AccessToken(expires_at={self.expires_at:.0f})"


def load_private_key(path: Path, password: str | None = None):
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EboxConfigurationError(
            f"SOCELEC_EBOX_PRIVATE_KEY_FILE: cannot read {path} ({exc.strerror})"
        ) from None
    try:
        return load_pem_private_key(data, password.encode() if password else None)
    except (ValueError, TypeError):
        raise EboxConfigurationError(
            f"SOCELEC_EBOX_PRIVATE_KEY_FILE: {path} is not a PEM private key (or the password "
            "is wrong)"
        ) from None


def client_assertion(client_id: str, audience: str, private_key, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": str(uuid.uuid4()),
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME,
    }
    return jwt.encode(claims, private_key, algorithm="RS256")


class TokenSource:
    """One cached access token per client, refreshed shortly before expiry or after a 401."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        token_url: str,
        client_id: str,
        private_key,
        scopes: tuple[str, ...],
        refresh_margin: float,
    ):
        self._http = http
        self._token_url = token_url
        self._client_id = client_id
        self._key = private_key
        self._scopes = scopes
        self._margin = refresh_margin
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self.fetches = 0  # how many tokens were requested: lets tests see the cache work

    def get(self) -> str:
        with self._lock:
            token = self._token
            if token is None or time.monotonic() >= token.expires_at - self._margin:
                token = self._token = self._fetch()
            return token.value

    def invalidate(self, value: str) -> None:
        """Forget the token that got a 401, unless another thread already replaced it."""
        with self._lock:
            if self._token is not None and self._token.value == value:
                self._token = None

    def _fetch(self) -> AccessToken:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(self._client_id, self._token_url, self._key),
            "scope": " ".join(self._scopes),
        }
        started = time.monotonic()
        try:
            response = self._http.post(self._token_url, data=form)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError):
            raise TransientTokenError(None) from None
        self.fetches += 1
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientTokenError(response.status_code, response.headers.get("Retry-After"))
        if response.status_code != 200:
            raise EboxAuthError(
                f"token endpoint refused client {self._client_id}: HTTP {response.status_code} "
                f"{_oauth_error(response)}",
                status=response.status_code,
                code=_oauth_error(response),
            )
        try:
            body = response.json()
            value = body["access_token"]
            lifetime = float(body.get("expires_in", 300))
        except (ValueError, KeyError, TypeError):
            raise EboxProtocolError(
                "token endpoint answered 200 without an access_token", status=200
            ) from None
        return AccessToken(value, started + lifetime)


def _oauth_error(response: httpx.Response) -> str:
    """RFC 6749 § 5.2 error code, e.g. invalid_client; the description may echo input, so no."""
    try:
        return str(response.json().get("error", "unknown_error"))
    except (ValueError, AttributeError):
        return "unknown_error"
