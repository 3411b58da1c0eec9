"""Which rules a year of a business case uses, and how the terminal, the report and the
workbook say it (one text for the three).

The case runs past the catalogue's reviewed years (``Catalogue.check_year``):

- a reviewed year (2023-2026) uses its own rules: titles and routes;
- an announced year (2027: ``meta.announced``) uses its dated rules for the routes (e.g. the
  VWS subsidy of the PZNL consultation ends with 2026), while the titles are priced with the
  rules and tariffs of the last reviewed year (``rules_year``; the catalogue holds no tariffs
  after it). Its rules are announced, not final: it says so, with the announcement's sources;
- a year after every year with rules carries the last one forward: the routes as in that year
  (``routes_year``; no dated rule changes after it), the titles at ``rules_year``.
"""

from __future__ import annotations

from typing import Any

from passend.catalogue.loader import Catalogue, YearError

TEXT = {
    "nl": {
        "reviewed": "herzien",
        "announced": "aangekondigde regels (niet definitief)",
        "carried_forward": "regels van {routes} doorgetrokken",
        "tick_announced": "aangekondigd",
        "tick_carried_forward": "doorgetrokken",
        "announced_note": "{year}: aangekondigde regels (niet definitief): de routes en "
        "subsidies volgen de regels van {year}, de betaaltitels de regels en tarieven van "
        "{titles}; {warning}",
        "carried_note": "{years}: na {routes} heeft de catalogus geen regels; die van {routes} "
        "zijn doorgetrokken (de betaaltitels met de regels en tarieven van {titles}). Lees die "
        "jaren als een voortzetting van het beleid, niet als een prognose ervan.",
    },
    "en": {
        "reviewed": "reviewed",
        "announced": "announced rules (not final)",
        "carried_forward": "rules of {routes} carried forward",
        "tick_announced": "announced",
        "tick_carried_forward": "carried forward",
        "announced_note": "{year}: announced rules (not final): the routes and grants follow "
        "the rules of {year}, the titles the rules and tariffs of {titles}; {warning}",
        "carried_note": "{years}: after {routes} the catalogue has no rules; those of {routes} "
        "were carried forward (the titles with the rules and tariffs of {titles}). Read those "
        "years as a continuation of policy, not a forecast of it.",
    },
}


def year_rules(cat: Catalogue, year: int) -> dict[str, Any]:
    """The rules ``year`` of a case uses: ``year_status`` (reviewed, announced or
    carried_forward), ``rules_year`` (the titles' rules and tariffs: the year itself up to the
    last reviewed year), ``routes_year`` (the routes' rules: the year itself, or for a
    carried-forward year the last year before it with rules) and ``carried_forward``."""
    meta = cat.meta
    try:
        status: str = cat.check_year(year)
    except YearError:
        status = "carried_forward"
    with_rules = [meta.last_year, *(a.year for a in meta.announced if a.year < year)]
    return {
        "year_status": status,
        "rules_year": min(year, meta.last_year),
        "routes_year": max(with_rules) if status == "carried_forward" else year,
        "carried_forward": status == "carried_forward",
    }


def announced(cat: Catalogue, years: list[int]) -> list[dict[str, Any]]:
    """The announced years among ``years`` with the catalogue's warning per language (what was
    announced and its sources)."""
    return [
        {"year": y, "warning": {lang: cat.year_warning(y, lang) for lang in ("nl", "en")}}
        for y in years
        if year_rules(cat, y)["year_status"] == "announced"
    ]


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "nl"


def badge(y: dict[str, Any], lang: str) -> str | None:
    """What a year's row says about its rules (None for a reviewed year)."""
    status = y["year_status"]
    if status == "reviewed":
        return None
    return TEXT[_lang(lang)][status].format(routes=y["routes_year"])


def cell(y: dict[str, Any], lang: str) -> str:
    """A year's rules as a table's cell: its badge, or reviewed."""
    return badge(y, lang) or TEXT[_lang(lang)]["reviewed"]


def tick(y: dict[str, Any], lang: str) -> str:
    """A year as a chart's axis names it: the year, and under it announced or carried forward."""
    status = y["year_status"]
    if status == "reviewed":
        return str(y["year"])
    return f"{y['year']}\n({TEXT[_lang(lang)]['tick_' + status]})"


def notes(bc: dict[str, Any], lang: str) -> list[str]:
    """The notes under a case's years: per announced year what its rules are (and the
    announcement with its sources), then the carried-forward years with the year they carry."""
    t = TEXT[_lang(lang)]
    warnings = {a["year"]: a["warning"][_lang(lang)] for a in bc.get("announced", [])}
    out = [
        t["announced_note"]
        .format(year=y["year"], titles=y["rules_year"], warning=warnings.get(y["year"], ""))
        .rstrip("; ")
        for y in bc["years"]
        if y["year_status"] == "announced"
    ]
    carried: dict[tuple[int, int], list[int]] = {}
    for y in bc["years"]:
        if y["year_status"] == "carried_forward":
            carried.setdefault((y["routes_year"], y["rules_year"]), []).append(y["year"])
    for (routes, titles), ys in carried.items():
        span = str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"
        out.append(t["carried_note"].format(years=span, routes=routes, titles=titles))
    return out


__all__ = ["TEXT", "announced", "badge", "cell", "notes", "tick", "year_rules"]
