"""The web application: the API under /api/v1 and the server-rendered pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from phalanx import __version__
from phalanx.config import Settings, get_settings
from phalanx.services.db import Database
from phalanx.web import problems
from phalanx.web.api import organization as org_api

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Phalanx",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database.from_url(settings.database_url)
    problems.install(app)
    app.include_router(org_api.router, prefix="/api/v1")
    from phalanx.web.pages import routes as pages

    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
