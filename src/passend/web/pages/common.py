"""What every page shares: the navigation, the language (``?lang=en``; Dutch by default) and
links that keep it, rendering a template in the base layout, HTML error pages, and the CSRF
plumbing for POST forms.

A page module makes its router with :func:`page_router` (errors raised as :class:`PageError`
become an HTML page with that status) and answers with :func:`render`, which fills the base
layout's context (``lang``, ``L``, ``nav``, ``lang_switch``, ``stylesheets``, ``csrf_token``,
…) and sets the CSRF cookie. A POST form carries ``{{ csrf_field() }}``; its route depends on
:func:`require_csrf` (403 page when the token is missing or wrong)."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from markupsafe import Markup

from passend import messages, templating
from passend.catalogue.loader import Catalogue, UnknownIdError
from passend.i18n import PAGE_LABELS, lang_of
from passend.web.api.deps import catalogue
from passend.web.security import CSRF_COOKIE, CSRF_FIELD, csrf_ok, new_csrf_token


@dataclass(frozen=True)
class NavItem:
    label: str
    """Key of the label in :data:`passend.i18n.PAGE_LABELS` (``nav_*``)."""
    path: str


NAV: list[NavItem] = [
    NavItem("nav_wegwijzer", "/wegwijzer"),
    NavItem("nav_catalogue", "/catalogus"),
    NavItem("nav_calculators", "/rekenhulpen"),
    NavItem("nav_scenarios", "/scenarios"),
    NavItem("nav_business_case", "/businesscase"),
]
"""The header's navigation, in order. A new page adds its entry here (the labels
``nav_calculators``, ``nav_scenarios`` and ``nav_business_case`` exist already)."""

TOKEN = re.compile(r"^[A-Za-z0-9_\-]{43}$")  # what new_csrf_token makes


class PageError(Exception):
    """A page that cannot be shown: the status, the message, and links to what was meant
    (``(text, href)``, e.g. the closest valid ids)."""

    def __init__(self, status: int, message: str, suggestions: list[tuple[str, str]] = ()):
        self.status = status
        self.message = message
        self.suggestions = list(suggestions)
        super().__init__(message)


class PageRoute(APIRoute):
    """A route whose :class:`PageError` (and invalid parameters) answer an HTML page, not the
    API's JSON error."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except PageError as e:
                return error_page(request, e)
            except RequestValidationError as e:
                lang = page_lang(request)
                detail = "; ".join(
                    messages.text(messages.from_pydantic(x), lang) for x in e.errors()
                )
                return error_page(request, PageError(422, detail))

        return page_handler


def page_router(**kwargs: Any) -> APIRouter:
    """A router for pages: HTML errors, not in the OpenAPI schema."""
    return APIRouter(route_class=PageRoute, include_in_schema=False, **kwargs)


def page_lang(request: Request) -> str:
    return lang_of(request.query_params.get("lang"))


def href(request: Request, path: str, **params: Any) -> str:
    """A link to ``path`` with ``params`` (empty ones left out) in the request's language."""
    query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    if page_lang(request) == "en":
        query["lang"] = "en"
    return path + (f"?{urlencode(query)}" if query else "")


def absolute(request: Request, link: str) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{link}"


def _lang_switch(request: Request, lang: str) -> dict[str, str]:
    """The link to this same page (same query) in the other language."""
    L = PAGE_LABELS[lang]
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang == "nl":
        query.append(("lang", "en"))
    link = request.url.path + (f"?{urlencode(query)}" if query else "")
    return {"href": link, "label": L["other_lang"], "lang": L["other_lang_code"]}


def _nav(request: Request, lang: str) -> list[dict[str, Any]]:
    here = request.url.path
    return [
        {
            "label": PAGE_LABELS[lang][item.label],
            "href": href(request, item.path),
            "current": here == item.path or here.startswith(item.path + "/"),
        }
        for item in NAV
    ]


def year_of(cat: Catalogue, raw: str | None, lang: str, default: int | None) -> int | None:
    """A year from the query: ``default`` when absent or empty; a PageError (422) when it is
    not a year of the catalogue."""
    if raw is None or raw == "":
        return default
    if raw.isdigit() and cat.meta.first_year <= int(raw) <= cat.meta.last_year:
        return int(raw)
    L = PAGE_LABELS[lang]
    first, last = cat.meta.first_year, cat.meta.last_year
    raise PageError(422, L["bad_year"].format(first=first, last=last, value=raw))


def csrf_token(request: Request) -> str:
    """The client's CSRF token: the cookie's when it holds one, else a new one (set by
    :func:`render`)."""
    token = getattr(request.state, "csrf_token", None)
    if token is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        token = cookie if TOKEN.match(cookie) else new_csrf_token()
        request.state.csrf_token = token
    return token


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` in the base layout with ``context``; sets the CSRF cookie
    (HttpOnly, SameSite=Strict) when the client has none."""
    lang = page_lang(request)
    token = csrf_token(request)
    hidden = Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)
    base = {
        "lang": lang,
        "L": PAGE_LABELS[lang],
        "nav": _nav(request, lang),
        "lang_switch": _lang_switch(request, lang),
        "stylesheets": [f"/static/{name}" for name in templating.STYLESHEETS],
        "action": request.url.path,
        "inline_css": None,
        "catalogue_version": catalogue(request).meta.version,
        "csrf_token": token,
        "csrf_field": lambda: hidden,
    }
    response = HTMLResponse(templating.render(template, **{**base, **context}), status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def error_page(request: Request, e: PageError) -> HTMLResponse:
    return render(
        request,
        "error.html.j2",
        status=e.status,
        page_title=PAGE_LABELS[page_lang(request)]["error_title"],
        message=e.message,
        suggestions=e.suggestions,
    )


async def require_csrf(request: Request) -> None:
    """Dependency of a POST page: the form's ``csrf_token`` must equal the cookie's."""
    form = await request.form()
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD)):
        raise PageError(403, PAGE_LABELS[page_lang(request)]["csrf_failed"])


def unknown(
    request: Request, e: UnknownIdError, label: str, link: Callable[[str], str], status: int
) -> PageError:
    """An unknown id as a page error: the message in the page's language and a link per
    closest valid id (``link(id)``)."""
    L = PAGE_LABELS[page_lang(request)]
    message = f"{L['unknown']}: {label.lower()} {e.value!r}. {L['closest']}:"
    return PageError(status, message, [(s, link(s)) for s in e.suggestions])


__all__ = [
    "NAV",
    "NavItem",
    "PageError",
    "PageRoute",
    "absolute",
    "catalogue",
    "csrf_token",
    "href",
    "page_lang",
    "page_router",
    "render",
    "require_csrf",
    "unknown",
    "year_of",
]
