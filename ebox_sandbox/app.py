"""The e-Box Enterprise sandbox: a FastAPI app that answers like the real v3 API.

Sender side (same paths, payloads, status codes and StatusMessage bodies as reference
ebox-enterprise-api.md § 2.4–2.5): the OAuth v5 token endpoint, ``POST …/v3/ebox/messages``,
``GET …/v3/refData/messageTypes/{id}`` and the Federation ``eboxPreferences/search``.
Recipient side (the sandbox's own, under ``/sandbox``): what each user of each enterprise
sees, as JSON and as a small HTML view; and an admin API (clients, CBE seeding, faults,
message counts) behind a bearer token. Run it with ``socelec ebox-sandbox``.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from ebox_sandbox.faults import FaultInjector
from ebox_sandbox.oauth import Grant, OAuthError, ReplayGuard, issue_token, verify_access_token
from ebox_sandbox.settings import FaultPlan, SandboxSettings
from ebox_sandbox.store import ROLES, STATUSES, DuplicateKey, Store
from ebox_sandbox.validation import (
    MAX_FILES,
    ApiError,
    FilePart,
    check_attachments,
    check_languages,
    check_recipient,
    check_sender,
    invalid,
    parse_idempotency_key,
    parse_message,
)

log = logging.getLogger(__name__)

# The real paths (reference § 2.2, § 2.4) and scope strings (§ 2.3).
TOKEN_PATH = "/REST/oauth/v5/token"  # noqa: S105 (a URL path)
REGISTRY = "/REST/ebox/enterprise/messageRegistry/v3"
PUBLISH_PATH = REGISTRY + "/ebox/messages"
PREFERENCES_PATH = "/REST/ebox/enterprise/federation/v1/eboxPreferences/search"
PUBLICATION_SCOPE = "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
PREFERENCE_SCOPE = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
REFERENCE_SCOPES = {
    PUBLICATION_SCOPE,
    "scope:document:management:consult:ws-eboxrestentreprise:referencedata",
}
BRUSSELS = ZoneInfo("Europe/Brussels")
PREFERENCES_MAX = 1000
ADMIN_COOKIE = "sandbox_admin"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def status_message(error: ApiError) -> JSONResponse:
    """The e-Box error body StatusMessage {id, code, message} (§ 2.5 Errors)."""
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else None
    return JSONResponse(
        {"id": str(uuid.uuid4()), "code": error.code, "message": error.message},
        status_code=error.status,
        headers=headers,
    )


def local_time(value: datetime) -> str:
    return value.astimezone(BRUSSELS).isoformat(timespec="seconds")


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
    validity_days: int = Field(default=365, ge=1)


def create_app(settings: SandboxSettings | None = None) -> FastAPI:
    settings = settings or SandboxSettings()
    store = Store(settings.effective_database_path)
    admin_token = settings.admin_token_value()
    signing_key = store.signing_key()
    replay = ReplayGuard()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        store.close()

    app = FastAPI(
        title="e-Box Enterprise sandbox",
        docs_url="/sandbox/docs",
        openapi_url="/sandbox/openapi.json",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError):
        return status_message(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if request.url.path.startswith("/REST/"):
            return status_message(invalid(f"Invalid Schema: {where}: {first['msg']}"))
        return JSONResponse({"detail": f"{where}: {first['msg']}"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/REST/"):
            return status_message(
                ApiError(exc.status_code, f"HTTP_{exc.status_code}", str(exc.detail))
            )
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    def require(request: Request, scopes: set[str]) -> Grant:
        grant = verify_access_token(request.headers.get("Authorization"), signing_key)
        if grant is None or store.client(grant.client_id) is None:
            raise ApiError(401, "UNAUTHORIZED", "Token invalid, expired or missing")
        if not grant.scopes & scopes:
            raise ApiError(403, "FORBIDDEN", "Token valid, scope missing: " + " ".join(scopes))
        return grant

    def admin(request: Request) -> None:
        header = request.headers.get("Authorization", "")
        given = (
            header[7:] if header.startswith("Bearer ") else request.cookies.get(ADMIN_COOKIE, "")
        )
        if not secrets.compare_digest(given.encode(), admin_token.encode()):
            raise StarletteHTTPException(401, "admin token required (Authorization: Bearer …)")

    admin_only = [Depends(admin)]

    # ----- the real API's paths -------------------------------------------------------------

    @app.post(TOKEN_PATH)
    async def token(request: Request):
        form = dict((await request.form()).items())
        audience = f"{request.url.scheme}://{request.url.netloc}{TOKEN_PATH}"
        try:
            body = issue_token(
                form,
                audience=audience,
                client_lookup=store.client,
                signing_key=signing_key,
                ttl=settings.token_ttl_seconds,
                replay=replay,
            )
        except OAuthError as exc:
            return JSONResponse(
                {"error": exc.error, "error_description": exc.description}, status_code=exc.status
            )
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @app.post(PUBLISH_PATH, status_code=201)
    async def publish(request: Request):
        grant = require(request, {PUBLICATION_SCOPE})
        key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise invalid("Invalid Schema: a multipart/form-data request is expected")
        text, parts = await read_multipart(request)
        msg = parse_message(text)
        if key is not None and store.key_used(msg.senderApplicationId, key):
            request.app.state.faults.duplicate_refused()
            raise duplicate()
        language = check_languages(msg)
        check_sender(msg, store.client(grant.client_id), store.message_type(msg.messageTypeId))
        recipient = store.enterprise(msg.recipient.enterpriseNumber or "")
        check_recipient(msg, recipient)
        attachments = check_attachments(msg, parts)
        attention = msg.forTheAttentionOf
        try:
            row = store.publish(
                client_id=grant.client_id,
                sender_enterprise=msg.sender.enterpriseNumber,
                application_id=msg.senderApplicationId,
                message_type_id=msg.messageTypeId,
                recipient=recipient,
                idempotency_key=key,
                language=language,
                subject=msg.subject[language],
                attention_ssin=attention.ssin if attention else None,
                attention_label=attention.label if attention else None,
                attachments=attachments,
            )
        except DuplicateKey:  # a concurrent request with the same key won the race
            request.app.state.faults.duplicate_refused()
            raise duplicate() from None
        body = {
            "messageId": row["message_id"],
            "expirationDate": local_time(row["expiration_date"]),
        }
        if row["no_digital_user"]:
            body |= {
                "code": "NO_DIGITAL_USER",
                "message": "The recipient has never consulted its e-Box",
            }
        return JSONResponse(body, status_code=201)

    @app.get(REGISTRY + "/refData/messageTypes/{message_type_id}")
    async def message_type_reference(message_type_id: str, request: Request):
        require(request, REFERENCE_SCOPES)
        kind = store.message_type(message_type_id)
        if kind is None:
            raise ApiError(404, "NOT_FOUND", f"Unknown message type {message_type_id}")
        return {
            "messageTypeId": kind["message_type_id"],
            "messageTypeName": {"fr": kind["name"]},
            "validityPeriod": {
                "validityPeriodNumber": kind["validity_days"],
                "validityPeriodUnit": "day",
            },
            "senderApplicationIds": [kind["application_id"]],
        }

    @app.post(PREFERENCES_PATH)
    async def preferences(request: Request):
        require(request, {PREFERENCE_SCOPE})
        try:
            body = await request.json()
        except ValueError:
            raise invalid("Invalid Schema: body is not JSON") from None
        numbers = body.get("eboxIdValueList") if isinstance(body, dict) else None
        if (
            body.get("eboxType") != "ENTERPRISE"
            or body.get("eboxIdType") != "EnterpriseNumber"
            or not isinstance(numbers, list)
            or not all(isinstance(n, str) for n in numbers)
        ):
            raise invalid(
                "Invalid Schema: expected eboxType ENTERPRISE, eboxIdType "
                "EnterpriseNumber and eboxIdValueList"
            )
        if len(numbers) > PREFERENCES_MAX:
            raise invalid(f"eboxIdValueList: at most {PREFERENCES_MAX} values")
        answer = []
        for box in store.preferences(numbers):
            item = {
                "eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": box["enterprise_number"]},
                "exclusivelyEbox": box["exclusively_ebox"],
                "totalNumberOfMessages": box["total"],
                "totalNumberOfUnreadMessages": box["unread"],
            }
            if box["last_connection_at"]:
                item["lastConnectionDate"] = local_time(box["last_connection_at"])
            answer.append(item)
        return answer

    # ----- the sandbox's own: health, admin, recipient views -------------------------------

    @app.get("/sandbox/health")
    async def health():
        return {"status": "ok", "messages": store.stats()["messages"]}

    @app.put("/sandbox/admin/clients/{client_id}", status_code=204, dependencies=admin_only)
    def register_client(client_id: str, body: ClientRegistration):
        store.register_client(client_id=client_id, **body.model_dump())

    @app.put(
        "/sandbox/admin/message-types/{message_type_id}", status_code=204, dependencies=admin_only
    )
    def define_message_type(message_type_id: str, body: MessageTypeDefinition):
        store.upsert_message_type({"message_type_id": message_type_id, **body.model_dump()})

    @app.put("/sandbox/admin/enterprises", dependencies=admin_only)
    def seed(body: list[EnterpriseSeed]):
        return {"seeded": store.seed_enterprises([e.model_dump() for e in body])}

    @app.get("/sandbox/admin/faults", dependencies=admin_only)
    async def get_faults(request: Request):
        injector: FaultInjector = request.app.state.faults
        return {
            **injector.plan.model_dump(),
            "counts": injector.counts,
            "pressure": injector.pressure,
        }

    @app.put("/sandbox/admin/faults", dependencies=admin_only)
    async def set_faults(plan: FaultPlan, request: Request):
        request.app.state.faults.configure(plan)
        return plan.model_dump()

    @app.get("/sandbox/admin/stats", dependencies=admin_only)
    def stats():
        return store.stats()

    @app.get("/sandbox/admin/messages", dependencies=admin_only)
    def messages(
        recipient: str | None = None,
        idempotency_key: str | None = None,
        limit: int = Query(100, ge=1, le=10_000),
        offset: int = Query(0, ge=0),
    ):
        return store.messages(
            recipient=recipient, idempotency_key=idempotency_key, limit=limit, offset=offset
        )

    @app.delete("/sandbox/admin/messages", dependencies=admin_only)
    def delete_messages():
        return {"deleted": store.reset_messages()}

    def mailbox_user(number: str, user_id: str) -> dict:
        user = store.user(number, user_id)
        if user is None:
            raise StarletteHTTPException(404, f"no user {user_id} in the e-Box of {number}")
        return user

    @app.get("/sandbox/enterprises/{number}/users", dependencies=admin_only)
    def users(number: str):
        return store.users(number)

    @app.get("/sandbox/enterprises/{number}/users/{user_id}/messages", dependencies=admin_only)
    def visible_messages(number: str, user_id: str):
        """What ``user_id`` sees in the e-Box (an inspection: it does not count as a login)."""
        return store.visible_messages(number, mailbox_user(number, user_id))

    @app.get(
        "/sandbox/enterprises/{number}/users/{user_id}/messages/{message_id}"
        "/attachments/{position}/content",
        dependencies=admin_only,
    )
    def attachment_content(number: str, user_id: str, message_id: str, position: int):
        found = store.open_attachment(number, mailbox_user(number, user_id), message_id, position)
        if found is None:
            raise StarletteHTTPException(404, "no such document for this user")
        return Response(
            found["content"],
            media_type=found["media_type"],
            headers={
                "Content-Disposition": f"inline; filename*=UTF-8''{quote(found['file_name'])}",
                "Cache-Control": "no-store",
            },
        )

    @app.get("/sandbox/login")
    def login(token: str):
        """Sets the admin cookie for a browser, so the HTML views open without a header."""
        if not secrets.compare_digest(token.encode(), admin_token.encode()):
            raise StarletteHTTPException(401, "wrong admin token")
        response = RedirectResponse("/sandbox/view", status_code=303)
        response.set_cookie(ADMIN_COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.get("/sandbox/view", response_class=HTMLResponse, dependencies=admin_only)
    def view_index(request: Request, q: str = "", offset: int = Query(0, ge=0)):
        return TEMPLATES.TemplateResponse(
            request,
            "index.html",
            {
                "enterprises": store.enterprises(query=q, offset=offset),
                "q": q,
                "offset": offset,
                "stats": store.stats(),
            },
        )

    @app.get(
        "/sandbox/view/{number}/{user_id}", response_class=HTMLResponse, dependencies=admin_only
    )
    def view_mailbox(request: Request, number: str, user_id: str):
        """A user opening their e-Box: from now on the company counts as digital."""
        user = mailbox_user(number, user_id)
        store.record_connection(number)
        return TEMPLATES.TemplateResponse(
            request,
            "mailbox.html",
            {
                "enterprise": store.enterprise(number),
                "user": user,
                "users": store.users(number),
                "messages": store.visible_messages(number, user),
            },
        )

    def duplicate() -> ApiError:
        return ApiError(
            409,
            "DUPLICATE_IDEMPOTENCY_KEY",
            "A message was already published with this Idempotency-Key",
        )

    return app


async def read_multipart(request: Request) -> tuple[str | None, list[FilePart]]:
    """The messageToPublish text and the file parts, in the order they came (any order, § 2.5)."""
    try:
        form = await request.form(max_files=MAX_FILES + 4, max_fields=MAX_FILES + 4)
    except MultiPartException as exc:
        raise invalid(f"Invalid Schema: unreadable multipart body ({exc.message})") from None
    try:
        text = None
        parts = []
        for name, value in form.multi_items():
            if isinstance(value, str):
                if name == "messageToPublish":
                    text = value
                else:
                    parts.append(FilePart(name, None, None, value.encode()))
            elif name == "messageToPublish":
                text = (await value.read()).decode("utf-8", "replace")
            else:
                parts.append(FilePart(name, value.filename, value.content_type, await value.read()))
        return text, parts
    finally:
        await form.close()


def create_asgi_app(settings: SandboxSettings | None = None):
    """The app wrapped in fault injection: what uvicorn serves (``--factory``)."""
    settings = settings or SandboxSettings()
    app = create_app(settings)
    injector = FaultInjector(app, settings.faults)
    app.state.faults = injector
    return injector
