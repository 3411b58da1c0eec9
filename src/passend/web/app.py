"""``create_app``: the FastAPI application: the API (``/api/v1``, OpenAPI at ``/openapi.json``,
docs at ``/docs``), the pages, the static files that ship in the package, and the middleware
every request passes (body limit, security headers). The catalogue is loaded once, at start."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from passend import __version__
from passend.catalogue.loader import Catalogue, load_catalogue
from passend.tokens import TokenStore
from passend.web import errors
from passend.web.security import BodyLimit, SecurityHeaders
from passend.web.settings import Settings

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, catalogue: Catalogue | None = None) -> FastAPI:
    """The application for ``settings`` (default: from the environment); ``catalogue``
    replaces the shipped one (tests, or a catalogue with a user's extra files)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        from passend.web.api.deps import make_store

        app.state.jobs = make_store(app.state)  # marks the runs a stopped server left
        yield
        app.state.jobs.shutdown(wait=False)

    app = FastAPI(
        title="passend",
        version=__version__,
        description="De financiering van palliatieve zorg als software: de wegwijzer, de "
        "catalogus, rekenhulpen, scenario's en businesscases. Bedragen in JSON in centen.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.catalogue = catalogue or load_catalogue()
    app.state.tokens = TokenStore(settings.data_dir)
    app.state.jobs = None
    errors.install(app)

    from passend.web import api, pages

    app.include_router(api.router())
    app.include_router(pages.router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=settings.upload_limit)
    return app
