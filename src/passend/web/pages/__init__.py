"""The server-rendered pages (Jinja2, Dutch by default, ``?lang=en`` for English): the
wegwijzer, the catalogue browser, the calculators, the scenario and business-case pages. Each
module is one router built with :func:`common.page_router`; :func:`common.render` renders a page
in the base layout (navigation
from :data:`common.NAV`, labels from :data:`passend.i18n.PAGE_LABELS`, the CSRF token for POST forms)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from passend.templating import STYLESHEETS


def router() -> APIRouter:
    from passend.web.pages import calculators, catalogue, runs, wegwijzer

    pages = APIRouter(include_in_schema=False)
    for module in (wegwijzer, catalogue, calculators, runs):
        pages.include_router(module.router)

    # the report stylesheet is the scenario reports' own file; served beside web/static's
    # files (this route comes before the /static mount)
    @pages.get("/static/report.css")
    def report_css() -> FileResponse:
        return FileResponse(STYLESHEETS["report.css"], media_type="text/css")

    # the reports (served by the API) link no icon, so a browser asks for this one: nothing,
    # rather than a 404 in its console
    @pages.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    return pages
