"""The e-Box Enterprise sandbox: a FastAPI app that answers like the real v3 API.

Sender side (same paths, payloads, status codes and StatusMessage bodies as the real service:
docs/ebox.md#hosts-and-paths, docs/ebox.md#publication, docs/ebox.md#answers): the OAuth v5
token endpoint, ``POST …/v3/ebox/messages``, ``GET …/v3/refData/messageTypes/{id}`` and the
Federation ``eboxPreferences/search``.
Recipient side (the sandbox's own, under ``/sandbox``): what each user of each enterprise
sees, as JSON and as a small HTML view; and an admin API (clients, CBE seeding, faults,
message counts) behind a bearer token. Run it with ``socelec ebox-sandbox``.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ebox_sandbox.api import status_message
from ebox_sandbox.faults import FaultInjector
from ebox_sandbox.oauth import ReplayGuard
from ebox_sandbox.routers import admin, federation, mailbox, oauth, publication
from ebox_sandbox.settings import SandboxSettings
from ebox_sandbox.store import Store
from ebox_sandbox.validation import ApiError, invalid

log = logging.getLogger(__name__)


def create_app(settings: SandboxSettings | None = None) -> FastAPI:
    """The sandbox's app: its state (store, keys, replay guard) and its routers per area."""
    settings = settings or SandboxSettings()
    store = Store(settings.effective_database_path)

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
    app.state.admin_token = settings.admin_token_value()
    app.state.signing_key = store.signing_key()
    app.state.replay = ReplayGuard()
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for area in (oauth, publication, federation, admin, mailbox):
        app.include_router(area.router)
    return app


async def _api_error(_request: Request, error: ApiError):
    return status_message(error)


async def _validation_error(request: Request, exc: RequestValidationError):
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    if request.url.path.startswith("/REST/"):
        return status_message(invalid(f"Invalid Schema: {where}: {first['msg']}"))
    return JSONResponse({"detail": f"{where}: {first['msg']}"}, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException):
    # The real API's paths answer with its StatusMessage body; the sandbox's own with FastAPI's.
    if request.url.path.startswith("/REST/"):
        return status_message(ApiError(exc.status_code, f"HTTP_{exc.status_code}", str(exc.detail)))
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


def create_asgi_app(settings: SandboxSettings | None = None):
    """The app wrapped in fault injection: what uvicorn serves (``--factory``)."""
    settings = settings or SandboxSettings()
    app = create_app(settings)
    injector = FaultInjector(app, settings.faults)
    app.state.faults = injector
    return injector
