"""A small client of the sandbox's admin and read APIs, for socelec, the CLI and tests."""

from __future__ import annotations

from pathlib import Path

import httpx

from ebox_sandbox.settings import SandboxSettings

SEED_CHUNK = 2000  # enterprises per request: a country in a few seconds, requests stay small


class SandboxAdminError(Exception):
    pass


class SandboxAdmin:
    """``SandboxAdmin(url)`` reads the admin token from the sandbox's data dir when not given."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        data_dir: Path | None = None,
        timeout: float = 30.0,
    ):
        if token is None:
            settings = SandboxSettings(**({"data_dir": data_dir} if data_dir else {}))
            token = settings.admin_token_value()
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, timeout=timeout, headers={"Authorization": f"Bearer {token}"}
        )

    def __enter__(self) -> SandboxAdmin:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _json(self, method: str, path: str, **kwargs):
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise SandboxAdminError(
                f"e-Box sandbox at {self.base_url} is not reachable "
                f"({type(exc).__name__}); start it with "
                "`socelec ebox-sandbox`"
            ) from None
        if response.status_code >= 400:
            raise SandboxAdminError(
                f"{method} {path}: HTTP {response.status_code} {response.text[:300]}"
            )
        return response.json() if response.content else None

    def health(self) -> dict:
        return self._json("GET", "/sandbox/health")

    def register_client(
        self,
        *,
        client_id: str,
        public_key_pem: str,
        enterprise_number: str,
        scopes: list[str],
        applications: list[str],
    ) -> None:
        self._json(
            "PUT",
            f"/sandbox/admin/clients/{client_id}",
            json={
                "public_key_pem": public_key_pem,
                "enterprise_number": enterprise_number,
                "scopes": scopes,
                "applications": applications,
            },
        )

    def define_message_type(self, message_type_id: str, **definition) -> None:
        """Create or change a message type (its application, level, validity_days, …)."""
        self._json("PUT", f"/sandbox/admin/message-types/{message_type_id}", json=definition)

    def seed(self, enterprises: list[dict]) -> int:
        done = 0
        for start in range(0, len(enterprises), SEED_CHUNK):
            chunk = [_jsonable(e) for e in enterprises[start : start + SEED_CHUNK]]
            done += self._json("PUT", "/sandbox/admin/enterprises", json=chunk)["seeded"]
        return done

    def set_faults(self, **plan) -> dict:
        return self._json("PUT", "/sandbox/admin/faults", json=plan)

    def faults(self) -> dict:
        return self._json("GET", "/sandbox/admin/faults")

    def stats(self) -> dict:
        return self._json("GET", "/sandbox/admin/stats")

    def messages(self, **filters) -> list[dict]:
        return self._json("GET", "/sandbox/admin/messages", params=filters)

    def reset_messages(self) -> int:
        return self._json("DELETE", "/sandbox/admin/messages")["deleted"]

    def visible_messages(self, enterprise_number: str, user_id: str) -> list[dict]:
        """What user ``user_id`` of the enterprise sees in their e-Box."""
        return self._json(
            "GET", f"/sandbox/enterprises/{enterprise_number}/users/{user_id}/messages"
        )

    def attachment(
        self, enterprise_number: str, user_id: str, message_id: str, position: int = 1
    ) -> bytes:
        response = self._http.get(
            f"/sandbox/enterprises/{enterprise_number}/users/{user_id}/messages/{message_id}"
            f"/attachments/{position}/content"
        )
        if response.status_code != 200:
            raise SandboxAdminError(f"attachment: HTTP {response.status_code}")
        return response.content


def _jsonable(seed: dict) -> dict:
    last = seed.get("last_connection_at")
    return {**seed, "last_connection_at": last.isoformat() if last else None}
