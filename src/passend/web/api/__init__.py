"""The REST API, version 1 (``/api/v1``): the wegwijzer, the catalogue, the calculators and the
runs. Each module is one router; every error answers ``{error, detail, field}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel


class ErrorBody(BaseModel):
    """What every error answers: a short code, the message, and the field it concerns."""

    error: str
    detail: str
    field: str | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "A token is needed"),
        (404, "Unknown id (the detail lists the closest valid ones)"),
        (409, "Not ready"),
        (413, "Body too large"),
        (415, "Unsupported content type"),
        (422, "Invalid input (the field names it)"),
        (429, "Too many runs at once for this client"),
    )
}


def router() -> APIRouter:
    from passend.web.api import calc, catalogue, runs, wegwijzer

    api = APIRouter(prefix="/api/v1", responses=ERRORS)
    for module in (wegwijzer, catalogue, calc, runs):
        api.include_router(module.router)
    return api
