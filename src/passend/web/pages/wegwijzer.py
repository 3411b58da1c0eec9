"""The wegwijzer page (``/wegwijzer``; ``/`` leads there): a GET form (activity, professional,
specialty, setting, year) and the answer of :func:`passend.wegwijzer.navigator.ask` as a
readable page. The page's URL is the answer's permalink."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from passend.catalogue.loader import Catalogue, UnknownIdError, YearError
from passend.i18n import PAGE_LABELS
from passend.web.pages.common import (
    PageError,
    absolute,
    catalogue,
    href,
    page_lang,
    page_router,
    render,
    unknown,
    year_of,
)
from passend.wegwijzer.html import answer_view, choices
from passend.wegwijzer.navigator import Query, ask

router = page_router()
FIELDS = ("activity", "professional", "specialty", "setting", "year")


@router.get("/")
def home(request: Request) -> Response:
    query = request.url.query
    return RedirectResponse("/wegwijzer" + (f"?{query}" if query else ""), status_code=302)


def _year(cat: Catalogue, raw: str, lang: str) -> int | None:
    """The form's year: a number is asked (``ask`` refuses a year the catalogue was not
    reviewed for, and warns for an announced one); anything else is ``year_of``'s 422."""
    return int(raw) if raw.isdigit() else year_of(cat, raw, lang, None)


def _permalink(request: Request, q: dict[str, Any]) -> str:
    return href(request, "/wegwijzer", **{k: q[k] for k in FIELDS})


@router.get("/wegwijzer")
def wegwijzer(request: Request) -> Response:
    cat = catalogue(request)
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    form = {k: request.query_params.get(k) or "" for k in FIELDS}
    picks = choices(cat, lang)  # the reviewed years, then the announced ones
    picks["year"] += [(str(a.year), str(a.year)) for a in cat.meta.announced]
    context: dict[str, Any] = {
        "page_title": L["nav_wegwijzer"],
        "choices": picks,
        "form": {**form, "year": form["year"] or str(cat.meta.default_year)},
        "view": None,
        "permalink": None,
        "error": None,
    }
    if not form["activity"] and not form["professional"]:
        return render(request, "wegwijzer.html.j2", **context)
    try:
        for field in ("activity", "professional"):
            if not form[field]:
                raise PageError(422, L["missing"].format(field=L[field]))
        query = Query(
            form["activity"],
            form["professional"],
            form["specialty"] or None,
            form["setting"] or None,
            _year(cat, form["year"], lang),
        )
        answer = ask(cat, query, lang=lang)
    except YearError as e:
        context["error"] = PageError(422, e.text(lang, L["year"]))
        return render(request, "wegwijzer.html.j2", status=422, **context)
    except UnknownIdError as e:
        kind = e.kind
        context["error"] = unknown(
            request, e, L[kind], lambda s: href(request, "/wegwijzer", **{**form, kind: s}), 422
        )
        return render(request, "wegwijzer.html.j2", status=422, **context)
    except PageError as e:
        context["error"] = e
        return render(request, "wegwijzer.html.j2", status=e.status, **context)
    context["view"] = answer_view(cat, answer)
    context["permalink"] = absolute(request, _permalink(request, answer["query"]))
    context["form"]["year"] = str(answer["query"]["year"])
    return render(request, "wegwijzer.html.j2", **context)
