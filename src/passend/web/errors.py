"""Errors as the API answers them: JSON ``{error, detail, field}`` with a 4xx status, for every
kind of bad input (unknown ids with the closest valid ones, invalid parameters, files that do
not validate, bodies too large). A traceback never reaches the client: an unexpected error is
logged on the server and answered with a plain 500."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from passend.catalogue.loader import CatalogueError, UnknownIdError

log = logging.getLogger("passend.web")


class ApiError(Exception):
    """An answer other than success: the status, a short code, the message and the field."""

    def __init__(self, status: int, error: str, detail: str, field: str | None = None):
        self.status = status
        self.error = error
        self.detail = detail
        self.field = field
        super().__init__(detail)


def body(error: str, detail: str, field: str | None = None) -> dict[str, Any]:
    return {"error": error, "detail": detail, "field": field}


def unknown_id(e: UnknownIdError, field: str | None = None) -> ApiError:
    """An id the catalogue does not know (404), with the closest valid ones. A well-formed id
    is valid input, so not a 422: the thing it names is not there."""
    return ApiError(404, "unknown_id", str(e), field or e.kind.replace(" ", "_"))


def invalid_file(e: CatalogueError) -> ApiError:
    """A submitted file that does not validate: every ``line: field: reason``, the first field."""
    first = e.issues[0] if e.issues else None
    detail = "; ".join(str(i) for i in e.issues)
    return ApiError(422, "invalid_file", detail, first.field if first else None)


def _field(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "cookie")]
    return ".".join(parts) or None


def allowed_methods(request: Request) -> list[str]:
    """Every method the API answers at this path, from its OpenAPI paths (Starlette's 405
    names only the first matching route's, and a path may have a GET and a POST route)."""
    methods: set[str] = set()
    for template, ops in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in ops if m in HTTP_METHODS}
    return sorted(methods)


HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def install(app: FastAPI) -> None:
    """Register the handlers that shape every error as ``{error, detail, field}``."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, e: ApiError) -> JSONResponse:
        return JSONResponse(body(e.error, e.detail, e.field), status_code=e.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        errs = e.errors()
        first = errs[0] if errs else {"loc": (), "msg": "invalid request"}
        field = _field(tuple(first.get("loc", ())))
        detail = "; ".join(
            f"{_field(tuple(x.get('loc', ()))) or 'request'}: {x['msg']}" for x in errs
        )
        return JSONResponse(body("invalid", detail, field), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported"}
        headers = dict(getattr(e, "headers", None) or {})
        if e.status_code == 405 and (methods := allowed_methods(request)):
            headers = {k: v for k, v in headers.items() if k.lower() != "allow"}
            headers["allow"] = ", ".join(methods)
        return JSONResponse(
            body(codes.get(e.status_code, "http_error"), str(e.detail)),
            status_code=e.status_code,
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, e: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            body("internal", "an unexpected error occurred; the server log has the details"),
            status_code=500,
        )
