"""The e-Box Enterprise v3 client: publish a document, pre-check recipients.

One ``EboxClient`` holds one ``httpx.Client`` (a pool of keep-alive connections) and one cached
access token for all its calls, from any number of threads: a campaign of 11,569 letters opens
a handful of TLS connections and asks for a token every few minutes, not per letter.

``check_configuration()`` is what a run calls before it changes anything: settings that cannot
work (a sender that is no enterprise number, a missing message type, an unreadable key, a
client the token endpoint refuses) raise ``EboxConfigurationError`` naming the setting.

Result mapping (docs/ebox.md#mapping); the outbox decides what each means for its rows
(``tasks.delivery``):
- 201 → published, or not_digital when the body's code is NO_DIGITAL_USER
  (docs/ebox.md#no-digital-user);
- 409 → duplicate: this idempotency key was accepted before, the letter is delivered;
- 400 → rejected, not retried, with the e-Box's code and message kept;
- 401 → the token is dropped and fetched again once; a second 401 or a 403 → EboxAuthError;
- 429, 5xx, timeouts, refused or dropped connections → retried with the same Idempotency-Key,
  exponential backoff with full jitter, or the server's Retry-After when it gives one;
  EboxUnavailable when every attempt failed.

The retry loop is hand-written: it must honour Retry-After, refresh the token on 401 without
spending an attempt, and keep the key; tenacity is not a dependency and would need all three
as custom hooks.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import httpx

from ebox_adapter.auth import TokenSource, TransientTokenError, load_private_key
from ebox_adapter.errors import (
    EboxAuthError,
    EboxConfigurationError,
    EboxProtocolError,
    EboxUnavailable,
    FieldError,
    PublicationInvalid,
)
from ebox_adapter.publication import (
    Publication,
    check_publication,
    format_idempotency_key,
    is_valid_enterprise_number,
    message_to_publish,
    multipart_files,
)
from ebox_adapter.settings import PREFERENCES_PATH, PUBLISH_PATH, EboxSettings, SecurityClass

log = logging.getLogger(__name__)

NO_DIGITAL_USER = "NO_DIGITAL_USER"
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class PublicationOutcome(StrEnum):
    published = "published"
    not_digital = "not_digital"  # published, but the company never opened its e-Box
    duplicate = "duplicate"  # 409: accepted earlier under this key; treat as delivered
    rejected = "rejected"  # 400: the e-Box refused the content; do not retry


@dataclass(frozen=True)
class PublicationResult:
    outcome: PublicationOutcome
    idempotency_key: str
    http_status: int
    attempts: int
    message_id: str | None = None
    expiration_date: str | None = None
    code: str | None = None  # NO_DIGITAL_USER on 201; INVALID_INPUT, ... on 400
    message: str | None = None
    error_id: str | None = None  # the e-Box's StatusMessage.id, to quote to Smals support

    @property
    def delivered(self) -> bool:
        return self.outcome is not PublicationOutcome.rejected


@dataclass(frozen=True)
class EboxPreference:
    """One e-Box found by the Federation pre-check (docs/ebox.md#preferences-search)."""

    enterprise_number: str
    exclusively_ebox: bool
    last_connection_date: str | None  # None: never opened, a publication answers NO_DIGITAL_USER
    total_messages: int | None = None
    unread_messages: int | None = None


class EboxClient:
    """Context manager around one pooled ``httpx.Client``; thread-safe.

    >>> with EboxClient(settings) as ebox:          # doctest: +SKIP
    ...     result = ebox.publish(publication)
    """

    def __init__(
        self,
        settings: EboxSettings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ):
        self.settings = settings = settings or EboxSettings()
        missing = settings.missing()
        if missing:
            raise EboxConfigurationError(
                f"{', '.join(missing)}: required to reach the e-Box; with socelec's sandbox, "
                "`socelec ebox-sandbox worker-env` prints these settings for the machines that "
                "deliver (README, Distributed set-up)"
            )
        password = settings.private_key_password
        key = load_private_key(
            settings.private_key_file, password.get_secret_value() if password else None
        )
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(
                settings.read_timeout, connect=settings.connect_timeout, pool=settings.pool_timeout
            ),
            limits=httpx.Limits(
                max_connections=settings.max_connections,
                max_keepalive_connections=settings.max_connections,
            ),
            headers={"Accept": "application/json", "User-Agent": "socelec-ebox-adapter"},
        )
        self.tokens = TokenSource(
            self._http,
            token_url=settings.effective_token_url,
            client_id=settings.client_id,
            private_key=key,
            scopes=settings.scopes,
            refresh_margin=settings.token_refresh_margin,
        )
        self._sleep = sleep
        self._jitter = jitter

    def __enter__(self) -> EboxClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def check_configuration(self) -> None:
        """Raise ``EboxConfigurationError`` naming the setting that cannot work; send nothing
        but a token request. An e-Box that does not answer is not a configuration mistake:
        that is logged and left to the delivery retries."""
        settings = self.settings
        if not settings.sender or not is_valid_enterprise_number(settings.sender):
            raise EboxConfigurationError(
                "SOCELEC_EBOX_SENDER: must be the FPS's 10-digit enterprise number with valid "
                "mod-97 check digits"
            )
        for security_class in SecurityClass:
            route = settings.route(security_class)
            for name, value in (
                ("application_id", route.application_id),
                ("message_type_id", route.message_type_id),
            ):
                if not value or not value.strip():
                    raise EboxConfigurationError(
                        f"SOCELEC_EBOX_{security_class.upper()}_{name.upper()}: required (the "
                        f"{security_class} class's pair agreed at onboarding)"
                    )
        try:
            self.tokens.get()
        except EboxAuthError as exc:
            raise EboxConfigurationError(
                f"SOCELEC_EBOX_CLIENT_ID, SOCELEC_EBOX_PRIVATE_KEY_FILE: {exc} (the client or "
                "its key is not the one registered, or lacks the scopes)"
            ) from None
        except TransientTokenError as exc:
            log.warning(
                "e-Box configuration check: token endpoint not answering (%s); "
                "deliveries will retry",
                exc.status or "connection error",
            )

    def check(self, publication: Publication) -> None:
        """Validate without sending (raises PublicationInvalid naming each broken rule)."""
        check_publication(
            publication, self.settings.sender, self.settings.route(publication.security_class)
        )

    def publish(self, publication: Publication) -> PublicationResult:
        """Publish one document; see the module docstring for what each answer becomes."""
        route = self.settings.route(publication.security_class)
        check_publication(publication, self.settings.sender, route)
        message = message_to_publish(publication, self.settings.sender, route)
        headers = {"Idempotency-Key": format_idempotency_key(publication.idempotency_key)}

        def send(token: str) -> httpx.Response:
            return self._http.post(
                PUBLISH_PATH,
                files=multipart_files(publication, message),
                headers={**headers, "Authorization": f"Bearer {token}"},
            )

        response, attempts = self._call(send, what=f"publication {publication.idempotency_key}")
        result = _publication_result(response, publication.idempotency_key, attempts)
        log.info(
            "e-Box publication %s (%s): %s after %d attempt(s)%s",
            publication.idempotency_key,
            publication.document_kind,
            result.outcome,
            attempts,
            f", code {result.code}" if result.code else "",
        )
        return result

    def search_preferences(
        self, enterprise_numbers: Iterable[str]
    ) -> dict[str, EboxPreference | None]:
        """Federation pre-check, in batches: every number maps to its e-Box, or None if none.

        The Smals guide prefers "publish and read NO_DIGITAL_USER" (e-Box first); this call
        serves the reports that want to know before a mailing (docs/ebox.md#no-digital-user).
        """
        numbers = list(dict.fromkeys(enterprise_numbers))
        bad = [n for n in numbers if not is_valid_enterprise_number(n)]
        if bad:
            raise PublicationInvalid(
                "",
                [
                    FieldError(
                        "enterprise_numbers", f"not valid enterprise numbers: {', '.join(bad[:10])}"
                    )
                ],
            )
        found: dict[str, EboxPreference | None] = dict.fromkeys(numbers)
        size = self.settings.preference_batch_size
        for start in range(0, len(numbers), size):
            batch = numbers[start : start + size]
            body = {
                "eboxType": "ENTERPRISE",
                "eboxIdType": "EnterpriseNumber",
                "eboxIdValueList": batch,
            }

            def send(token: str, body=body) -> httpx.Response:
                return self._http.post(
                    PREFERENCES_PATH, json=body, headers={"Authorization": f"Bearer {token}"}
                )

            response, _ = self._call(send, what="e-Box preferences search")
            if response.status_code != 200:
                raise EboxProtocolError(
                    f"e-Box preferences search: HTTP {response.status_code} "
                    f"{_status_message(response).get('code', '')}",
                    status=response.status_code,
                )
            for item in response.json():
                preference = _preference(item)
                if preference.enterprise_number in found:
                    found[preference.enterprise_number] = preference
        return found

    def _call(
        self, send: Callable[[str], httpx.Response], *, what: str
    ) -> tuple[httpx.Response, int]:
        """Send until a final answer; return it with the number of attempts."""
        settings = self.settings
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            retry_after: str | None = None
            try:
                token = self.tokens.get()
                response = send(token)
            except TransientTokenError as exc:
                status, retry_after = exc.status, exc.retry_after
            except TRANSIENT_ERRORS as exc:
                log.debug("%s: attempt %d: %s", what, attempt, type(exc).__name__)
            else:
                status = response.status_code
                if status == 401 and not refreshed:
                    # An expired or revoked token: fetch a new one, once, at no attempt's cost.
                    self.tokens.invalidate(token)
                    refreshed = True
                    attempt -= 1
                    continue
                if status in (401, 403):
                    body = _status_message(response)
                    raise EboxAuthError(
                        f"{what}: HTTP {status} {body.get('code', '')}: "
                        + (
                            "token refused after a refresh"
                            if status == 401
                            else "the client lacks the scope for this call"
                        ),
                        status=status,
                        code=body.get("code"),
                    )
                if status != 429 and status < 500:
                    return response, attempt
                retry_after = response.headers.get("Retry-After")
            if attempt >= settings.max_attempts:
                raise EboxUnavailable(
                    f"{what}: no answer after {attempt} attempt(s) (last: "
                    f"{status or 'connection error'}); retry later with the same key",
                    attempts=attempt,
                    last_status=status,
                )
            self._sleep(self._delay(attempt, retry_after))

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Retry-After when the server gives one (capped), else full-jitter exponential backoff."""
        settings = self.settings
        wait = parse_retry_after(retry_after)
        if wait is not None:
            return min(wait, settings.retry_after_max)
        ceiling = min(settings.backoff_max, settings.backoff_initial * 2 ** (attempt - 1))
        return ceiling * self._jitter()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """RFC 9110 § 10.2.3: delay-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_message(response: httpx.Response) -> dict:
    """The e-Box's StatusMessage {id, code, message} (docs/ebox.md#answers), or {} if not JSON."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _publication_result(response: httpx.Response, key: str, attempts: int) -> PublicationResult:
    status = response.status_code
    body = _status_message(response)
    common = {
        "idempotency_key": key,
        "http_status": status,
        "attempts": attempts,
        "code": body.get("code"),
        "message": body.get("message"),
    }
    if status == 201:
        if not body.get("messageId"):
            raise EboxProtocolError(f"publication {key}: 201 without a messageId", status=201)
        outcome = (
            PublicationOutcome.not_digital
            if body.get("code") == NO_DIGITAL_USER
            else PublicationOutcome.published
        )
        return PublicationResult(
            outcome,
            message_id=body["messageId"],
            expiration_date=body.get("expirationDate"),
            **common,
        )
    if status == 409:
        # The 409 body is not documented (docs/ebox.md#idempotency): keep the first messageId.
        return PublicationResult(
            PublicationOutcome.duplicate,
            message_id=body.get("messageId"),
            error_id=body.get("id"),
            **common,
        )
    if status == 400:
        return PublicationResult(PublicationOutcome.rejected, error_id=body.get("id"), **common)
    raise EboxProtocolError(
        f"publication {key}: unexpected HTTP {status} {body.get('code', '')}", status=status
    )


def _preference(item: dict) -> EboxPreference:
    try:
        return EboxPreference(
            enterprise_number=item["eboxId"]["eboxIdValue"],
            exclusively_ebox=bool(item.get("exclusivelyEbox", False)),
            last_connection_date=item.get("lastConnectionDate"),
            total_messages=item.get("totalNumberOfMessages"),
            unread_messages=item.get("totalNumberOfUnreadMessages"),
        )
    except (KeyError, TypeError):
        raise EboxProtocolError("e-Box preferences search: an item without eboxId") from None
