"""The catalogue browser: the payment titles by sector for a year (filtered by law and status),
everything about one title (``/catalogus/titel/{code}``), and what changes between two years
(``/catalogus/wijzigingen?from=&to=``). The data comes from :mod:`passend.catalogue.browse`,
as for ``passend catalogue list|show`` and ``/api/v1/catalogue``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from passend.catalogue import browse
from passend.catalogue.loader import Catalogue, UnknownIdError
from passend.catalogue.schema import Source, Title
from passend.i18n import PAGE_LABELS, UNITS, euros
from passend.web.pages.common import (
    catalogue,
    href,
    page_lang,
    page_router,
    render,
    unknown,
    year_of,
)
from passend.wegwijzer.html import name, sources, tariff_text, time_band

router = page_router()


def _sources(cat: Catalogue, items: list[Source]) -> list[dict[str, Any]]:
    return sources(
        cat,
        [
            {"document": s.document, "section": s.section, "title": cat.documents[s.document].title}
            for s in items
        ],
    )


def _years(cat: Catalogue) -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in range(cat.meta.first_year, cat.meta.last_year + 1)]


def _row(request: Request, cat: Catalogue, t: Title, year: int | None, lang: str) -> dict:
    L = PAGE_LABELS[lang]
    tariff = t.tariff(year) if year is not None else None
    return {
        "code": t.code,
        "href": href(request, f"/catalogus/titel/{t.code}"),
        "name": t.name,
        "law": name(cat, "laws", t.law, lang),
        "status": t.status,
        "status_text": L[t.status],
        "valid_from": t.valid_from.isoformat(),
        "valid_to": t.valid_to.isoformat() if t.valid_to else None,
        "tariff": tariff_text(tariff.cents, t.tariff_kind, t.unit, lang) if tariff else None,
        "placeholder": bool(tariff and tariff.placeholder),
    }


@router.get("/catalogus")
def titles(request: Request) -> Response:
    cat = catalogue(request)
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    params = request.query_params
    year = year_of(cat, params.get("year"), lang, None)
    if "year" not in params:
        year = cat.meta.default_year
    law, status = params.get("law") or None, params.get("status") or None
    chosen = {"year": year, "law": law, "status": status}
    try:
        found = browse.titles(cat, year, law, status)
    except UnknownIdError as e:
        field = "law" if e.kind == "law" else "status"
        raise unknown(
            request,
            e,
            L[field],
            lambda s: href(request, "/catalogus", **{**chosen, field: s}),
            422,
        ) from None
    sectors = [
        {
            "name": s.name.get(lang),
            "rows": [_row(request, cat, t, year, lang) for t in found if t.sector == s.id],
        }
        for s in cat.sectors.values()
    ]
    return render(
        request,
        "catalogue/list.html.j2",
        page_title=L["nav_catalogue"],
        sectors=[s for s in sectors if s["rows"]],
        count=len(found),
        year=year,
        form={"year": str(year or ""), "law": law or "", "status": status or ""},
        choices={
            "year": _years(cat),
            "law": [(k, v.name.get(lang)) for k, v in cat.laws.items()],
            "status": [(s, L[s]) for s in browse.STATUSES],
        },
        changes_href=href(
            request, "/catalogus/wijzigingen", **{"from": (year or cat.meta.default_year) - 1}
        ),
    )


def _claimant(cat: Catalogue, c: Any, lang: str) -> str:
    L = PAGE_LABELS[lang]
    who = ", ".join(name(cat, "professionals", p, lang) for p in c.professionals)
    who = who or L["any_professional"]
    if c.specialties:
        who += " (" + ", ".join(name(cat, "specialties", s, lang) for s in c.specialties) + ")"
    if c.in_name_of:
        specs = ", ".join(name(cat, "specialties", s, lang) for s in c.in_name_of)
        who += f" {L['in_name_of']} {specs}"
    kinds = ", ".join(name(cat, "provider_kinds", k, lang) for k in c.provider_kinds)
    return f"{who}; {kinds}" + (f". {c.note.get(lang)}" if c.note else "")


def _title_view(request: Request, cat: Catalogue, t: Title, lang: str) -> dict[str, Any]:
    L = PAGE_LABELS[lang]
    sector = name(cat, "sectors", t.sector, lang)
    if t.segment:
        segments = {s.id: s.name.get(lang) for s in cat.sectors[t.sector].segments}
        sector = f"{sector}, {segments[t.segment]}"
    settings = []
    for s in t.settings:
        text = name(cat, "settings", s, lang)
        window = t.setting_windows.get(s)
        if window is not None:
            end = f" {L['valid_to']} {window.valid_to.isoformat()}" if window.valid_to else ""
            text += f" ({L['valid_from']} {window.valid_from.isoformat()}{end})"
        settings.append(text)
    wlz = {True: L["wlz_needed"], False: L["wlz_excluded"], None: None}[t.patient_wlz]
    return {
        "code": t.code,
        "name": t.name,
        "official_code": t.official_code,
        "code_note": t.code_note,
        "vektis_code": t.vektis_code,
        "description": t.description.get(lang),
        "law": name(cat, "laws", t.law, lang),
        "financer": name(cat, "financer_kinds", t.financer_kind, lang),
        "sector": sector,
        "status_text": L[t.status],
        "status": t.status,
        "contract_required": t.contract_required,
        "patient_bound": t.patient_bound,
        "unit": UNITS[lang][t.unit],
        "tariff_kind": L[f"tariff_{t.tariff_kind}"],
        "time_band": time_band(cat, t.code, lang),
        "valid_from": t.valid_from.isoformat(),
        "valid_to": t.valid_to.isoformat() if t.valid_to else None,
        "settings": settings,
        "activities": [name(cat, "activities", a, lang) for a in t.activities],
        "includes": [name(cat, "activities", a, lang) for a in t.includes],
        "claimants": [_claimant(cat, c, lang) for c in t.claimants],
        "gate_rule": t.gate_rule.get(lang) if t.gate_rule else None,
        "patient_wlz": wlz,
        "conditions": [c.get(lang) for c in t.conditions],
        "contract_forms": [name(cat, "contract_forms", f, lang) for f in t.typical_contract_forms],
        "tariffs": [
            {
                "year": x.year,
                "amount": euros(x.cents, lang) if x.cents is not None else L["no_tariff"],
                "placeholder": x.placeholder,
                "override": x.origin == "override",
                "note": x.note.get(lang) if x.note else None,
                "sources": _sources(cat, x.sources),
            }
            for x in sorted(t.tariffs, key=lambda x: x.year)
        ],
        "bottlenecks": [
            {
                "name": b.name.get(lang),
                "text": b.description.get(lang) if b.description else None,
                "sources": _sources(cat, b.sources),
            }
            for b in cat.bottlenecks.values()
            if t.code in b.applies_to.titles or t.sector in b.applies_to.sectors
        ],
        "sources": _sources(cat, t.sources),
    }


@router.get("/catalogus/titel/{code}")
def title(request: Request, code: str) -> Response:
    cat = catalogue(request)
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    try:
        t = browse.title(cat, code)
    except UnknownIdError as e:
        raise unknown(
            request, e, L["code"], lambda s: href(request, f"/catalogus/titel/{s}"), 404
        ) from None
    return render(
        request,
        "catalogue/title.html.j2",
        page_title=f"{t.code} · {t.name}",
        t=_title_view(request, cat, t, lang),
        back=href(request, "/catalogus"),
    )


@router.get("/catalogus/wijzigingen")
def changes(request: Request) -> Response:
    cat = catalogue(request)
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    params = request.query_params
    year_to = year_of(cat, params.get("to"), lang, cat.meta.default_year)
    year_from = year_of(cat, params.get("from"), lang, max(cat.meta.first_year, year_to - 1))
    diff = browse.changes(cat, year_from, year_to)

    def row(r: dict[str, Any]) -> dict[str, Any]:
        cents_from, cents_to = r.get("cents_from"), r.get("cents_to")
        both = cents_from is not None and cents_to is not None
        return {
            **r,
            "href": href(request, f"/catalogus/titel/{r['code']}"),
            "status_text": L[r["status"]],
            "law_name": name(cat, "laws", r["law"], lang),
            "from": euros(cents_from, lang) if cents_from is not None else L["no_tariff"],
            "to": euros(cents_to, lang) if cents_to is not None else L["no_tariff"],
            "difference": euros(cents_to - cents_from, lang) if both else "",
        }

    title_text = L["changes_title"].replace("{from}", str(year_from)).replace("{to}", str(year_to))
    return render(
        request,
        "catalogue/changes.html.j2",
        page_title=title_text,
        heading=title_text,
        form={"from": str(year_from), "to": str(year_to)},
        choices={"year": _years(cat)},
        added=[row(r) for r in diff["added"]],
        ended=[row(r) for r in diff["ended"]],
        tariffs=[row(r) for r in diff["tariffs"]],
        back=href(request, "/catalogus", year=year_to),
    )
