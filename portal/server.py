"""Serving the portal with uvicorn: one function for ``socelec portal`` and ``socelec serve``."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from portal.app import create_app
from portal.settings import PortalSettings, get_portal_settings


def uvicorn_config(
    app: FastAPI | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    settings: PortalSettings | None = None,
    log_level: str = "info",
) -> uvicorn.Config:
    """A uvicorn config for the portal: proxy headers trusted only from
    ``SOCELEC_PORTAL_FORWARDED_ALLOW_IPS``, no Server header."""
    settings = settings or get_portal_settings()
    return uvicorn.Config(
        app or create_app(settings),
        host=host or settings.host,
        port=port if port is not None else settings.port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
        log_level=log_level,
    )


def serve(
    host: str | None = None, port: int | None = None, settings: PortalSettings | None = None
) -> None:
    """Run the portal in the foreground until interrupted."""
    uvicorn.Server(uvicorn_config(host=host, port=port, settings=settings)).run()
