"""The business case report: one offline HTML page (``business_case.html``) from its JSON.

It shows the headline figures (NPV, payback, break-even, the gap per year), whether the team
is feasible with the planned staff (capacity), the cost, the revenue and the funding gap per
route and activity, the savings per financer beside the societal cost avoided (two different
questions), which rules each year uses (reviewed, announced, carried forward), the inputs with their sources
(placeholders marked) and how to reproduce the page. It is built like the scenario report and
shares its stylesheet and chart helpers (``passend.scenarios.report``; number formats from
``passend.i18n``): matplotlib charts as inline SVG with text kept as text and a fixed hash salt, a Jinja2
template, no external resources, so the same JSON gives the same bytes and the file works
offline. Dutch by default, English with ``lang="en"``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from passend.business_case import years as years_text
from passend.business_case.names import Names, default_catalogue
from passend.business_case.workbook import input_value
from passend.i18n import (
    BUSINESS_CASE_LABELS,
    LABELS,
    PARAMS,
    WORDS,
    euros,
    number,
    param_label,
    param_value,
    percent,
    short,
    work_value,
)
from passend.scenarios import report as scenario_report
from passend.scenarios.report import (
    BASE_COLOUR,
    INTER_COLOUR,
    NEG_COLOUR,
    POS_COLOUR,
    RC,
    SET_COLOURS,
    _figure,
    _svg,
    _tick_formatter,
    _wrap,
)

SOCIETAL_COLOUR = "#1b9e77"


def _imported(bc: dict[str, Any], lang: str) -> str:
    """Of a case on an imported population: where it came from (after the region)."""
    p = bc.get("population")
    if not p:
        return ""
    text = BUSINESS_CASE_LABELS[lang]["imported"]
    return "; " + text.format(name=p["name"], patients=number(p["patients"], lang))


TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "lang": "nl",
        "report": BUSINESS_CASE_LABELS["nl"]["business_case"],
        "subtitle": "Business case van passend: een regionaal transmuraal palliatief team",
        "contents": "Inhoud",
        "region": BUSINESS_CASE_LABELS["nl"]["region"],
        "host": BUSINESS_CASE_LABELS["nl"]["host"],
        "period": BUSINESS_CASE_LABELS["nl"]["period"],
        "discount_rate": "disconteringsvoet",
        "replicates": "replicaties",
        "catalogue": BUSINESS_CASE_LABELS["nl"]["catalogue"],
        "headline": "Kerncijfers",
        "npv": "Netto contante waarde",
        "npv_note": "besparingen van de financiers plus de opbrengst uit prestaties min de kosten van het team (financiers en team samen: geld via routes gaat van de een naar de ander), verdisconteerd met {rate}",
        "payback": "Terugverdientijd",
        "payback_years": "{n} jaar",
        "payback_none": "niet binnen {first}–{last}",
        "break_even_patients": BUSINESS_CASE_LABELS["nl"]["break_even_patients"],
        "break_even_price_patient": BUSINESS_CASE_LABELS["nl"]["break_even_price_patient"],
        "break_even_price_inhabitant": BUSINESS_CASE_LABELS["nl"]["break_even_price_inhabitant"],
        "none": LABELS["nl"]["none"],
        "patients_reached": BUSINESS_CASE_LABELS["nl"]["patients_reached"],
        "shortfall": "Personeelstekort",
        "interval": "interval over {n} replicaties: {lo} tot {hi}",
        "gap_per_year": "Per jaar",
        "year": LABELS["nl"]["year"],
        "cost": WORDS["nl"]["cost"],
        "revenue": WORDS["nl"]["revenue"],
        "gap": "Tekort",
        "savings": BUSINESS_CASE_LABELS["nl"]["savings"],
        "societal": BUSINESS_CASE_LABELS["nl"]["societal"],
        "total": BUSINESS_CASE_LABELS["nl"]["total"],
        "capacity": "Capaciteit: is het team haalbaar?",
        "feasible": "Haalbaar: de geplande bezetting ({planned} fte) dekt de benodigde {needed} fte.",
        "not_feasible": "Niet haalbaar met de geplande bezetting: nodig is {needed} fte, gepland {planned} fte, een tekort van {shortfall} fte.",
        "role": BUSINESS_CASE_LABELS["nl"]["role"],
        "rostered_hours": "Geroosterde uren",
        "workload_hours": "Werklast (uren)",
        "productive_hours_per_fte": BUSINESS_CASE_LABELS["nl"]["productive_hours_per_fte"],
        "fte_needed": "Nodig (fte)",
        "planned_fte": BUSINESS_CASE_LABELS["nl"]["planned_fte"],
        "shortfall_fte": BUSINESS_CASE_LABELS["nl"]["shortfall_fte"],
        "phone": BUSINESS_CASE_LABELS["nl"]["phone"],
        "phone_line": "{calls} oproepen per jaar van {minutes} minuten; doel: {target} binnen {seconds} seconden opgenomen.",
        "block": BUSINESS_CASE_LABELS["nl"]["block"],
        "hours_per_week": "Uren/week",
        "calls_per_hour": "Oproepen/uur",
        "agents": "Bezetting",
        "service_level": BUSINESS_CASE_LABELS["nl"]["service_level"],
        "wait_probability": "Wachtkans",
        "occupancy": BUSINESS_CASE_LABELS["nl"]["occupancy"],
        "agent_hours_per_year": "Uren/jaar",
        "fig_fte": "Benodigde en geplande fte per rol",
        "fig_fte_cap": "Benodigd: de werklast en het rooster gedeeld door de productieve uren per fte; gepland: de bezetting in de invoer. Het verschil staat rechts van de balken.",
        "needed": "Nodig",
        "planned": "Gepland",
        "fte_axis": BUSINESS_CASE_LABELS["nl"]["fte"],
        "cost_section": "Kosten en opbrengsten",
        "fig_cost_revenue": "Kosten en opbrengsten per jaar",
        "fig_cost_revenue_cap": "Kosten van het team en de opbrengsten uit alle routes, × € 1.000; boven de balken het tekort (kosten min opbrengsten).{cf}",
        "cf_hatch": " Gearceerd: jaren zonder herziene regels (aangekondigd of doorgetrokken).",
        "k_axis": "× € 1.000",
        "cost_table": "Kosten per rol (fte en euro)",
        "fte": BUSINESS_CASE_LABELS["nl"]["fte"],
        "revenue_section": "Opbrengsten en het financieringstekort",
        "fig_funding": "Het tekort per route en per activiteit",
        "fig_funding_cap": "Links: wat elke route per jaar dekt van de kosten, met het tekort erboven (rood). Rechts: het tekort per activiteit. × € 1.000.",
        "coverage": "Dekking per route",
        "gap_by_activity": "Tekort per activiteit",
        "route": BUSINESS_CASE_LABELS["nl"]["route"],
        "financer": LABELS["nl"]["financer"],
        "activity": LABELS["nl"]["activity"],
        "savings_section": BUSINESS_CASE_LABELS["nl"]["savings_section"],
        "savings_intro": "Twee verschillende vragen: de besparingen van de financiers zijn wat zorgverzekeraars, zorgkantoren en gemeenten minder betalen voor zorg die niet meer nodig is; de vermeden maatschappelijke kosten waarderen diezelfde zorg tegen de referentieprijzen van de Kostenhandleiding. Tel ze niet op.",
        "fig_savings": "Besparingen per financier, naast de vermeden maatschappelijke kosten",
        "fig_savings_cap": "Links: wat elke financier per jaar minder betaalt. Rechts: per jaar alle besparingen van de financiers naast de maatschappelijke kosten vermeden (Kostenhandleiding): een andere vraag, dus een ander paneel. × € 1.000.",
        "payers_panel": "Wat de financiers minder betalen",
        "societal_panel": "Twee vragen per jaar",
        "net": BUSINESS_CASE_LABELS["nl"]["net"],
        "party": WORDS["nl"]["party"],
        "by_insurer": BUSINESS_CASE_LABELS["nl"]["by_insurer"],
        "share": BUSINESS_CASE_LABELS["nl"]["share"],
        "patients": BUSINESS_CASE_LABELS["nl"]["patients"],
        "tornado": "Gevoeligheid van de netto contante waarde",
        "input": "Invoer",
        "low": "Laag",
        "high": "Hoog",
        "inputs": "Invoer en bronnen",
        "inputs_intro": "Elke invoer met haar bron. Waarden zonder publieke bron zijn gemarkeerd als",
        "placeholder": "placeholder",
        "placeholder_count": "{n} van de {total} invoerwaarden zijn placeholders; vervang ze door eigen of gecontracteerde cijfers.",
        "section": BUSINESS_CASE_LABELS["nl"]["section"],
        "name": BUSINESS_CASE_LABELS["nl"]["name"],
        "value": BUSINESS_CASE_LABELS["nl"]["value"],
        "unit": BUSINESS_CASE_LABELS["nl"]["unit"],
        "source": BUSINESS_CASE_LABELS["nl"]["source"],
        "section_roles": "Rollen",
        "section_service": "Dienst",
        "section_demand": "Vraag",
        "section_effects": "Effecten",
        "section_funding": "Financiering",
        "section_general": "Algemeen",
        "reproduce": "Reproduceren",
        "reproduce_intro": "Dezelfde invoer, software en catalogus geven dezelfde business_case.json, en die geeft deze pagina en de werkmap byte voor byte.",
        "command": "Commando",
        "business_case": BUSINESS_CASE_LABELS["nl"]["business_case"],
        "files": "Bestanden",
        "files_text": "business_case.json (alle cijfers, in eurocenten), business_case.xlsx (de werkmap) en deze pagina.",
    },
    "en": {
        "lang": "en",
        "report": BUSINESS_CASE_LABELS["en"]["business_case"],
        "subtitle": "passend business case: a regional transmural palliative team",
        "contents": "Contents",
        "region": BUSINESS_CASE_LABELS["en"]["region"],
        "host": BUSINESS_CASE_LABELS["en"]["host"],
        "period": BUSINESS_CASE_LABELS["en"]["period"],
        "discount_rate": "discount rate",
        "replicates": "replicates",
        "catalogue": BUSINESS_CASE_LABELS["en"]["catalogue"],
        "headline": "Headline figures",
        "npv": "Net present value",
        "npv_note": "the financers' savings plus the revenue from titles minus the team's cost (the financers and the team together: route money moves from one to the other), discounted at {rate}",
        "payback": "Payback",
        "payback_years": "{n} years",
        "payback_none": "not within {first}–{last}",
        "break_even_patients": BUSINESS_CASE_LABELS["en"]["break_even_patients"],
        "break_even_price_patient": BUSINESS_CASE_LABELS["en"]["break_even_price_patient"],
        "break_even_price_inhabitant": BUSINESS_CASE_LABELS["en"]["break_even_price_inhabitant"],
        "none": LABELS["en"]["none"],
        "patients_reached": BUSINESS_CASE_LABELS["en"]["patients_reached"],
        "shortfall": "Staff shortfall",
        "interval": "interval over {n} replicates: {lo} to {hi}",
        "gap_per_year": "Per year",
        "year": LABELS["en"]["year"],
        "cost": WORDS["en"]["cost"],
        "revenue": WORDS["en"]["revenue"],
        "gap": "Gap",
        "savings": BUSINESS_CASE_LABELS["en"]["savings"],
        "societal": BUSINESS_CASE_LABELS["en"]["societal"],
        "total": BUSINESS_CASE_LABELS["en"]["total"],
        "capacity": "Capacity: is the team feasible?",
        "feasible": "Feasible: the planned staff ({planned} FTE) covers the {needed} FTE needed.",
        "not_feasible": "Not feasible with the planned staff: {needed} FTE are needed, {planned} FTE planned, a shortfall of {shortfall} FTE.",
        "role": BUSINESS_CASE_LABELS["en"]["role"],
        "rostered_hours": "Rostered hours",
        "workload_hours": "Workload (hours)",
        "productive_hours_per_fte": BUSINESS_CASE_LABELS["en"]["productive_hours_per_fte"],
        "fte_needed": "Needed (FTE)",
        "planned_fte": BUSINESS_CASE_LABELS["en"]["planned_fte"],
        "shortfall_fte": BUSINESS_CASE_LABELS["en"]["shortfall_fte"],
        "phone": BUSINESS_CASE_LABELS["en"]["phone"],
        "phone_line": "{calls} calls a year of {minutes} minutes; target: {target} answered within {seconds} seconds.",
        "block": BUSINESS_CASE_LABELS["en"]["block"],
        "hours_per_week": "Hours/week",
        "calls_per_hour": "Calls/hour",
        "agents": "Staffing",
        "service_level": BUSINESS_CASE_LABELS["en"]["service_level"],
        "wait_probability": "Probability of waiting",
        "occupancy": BUSINESS_CASE_LABELS["en"]["occupancy"],
        "agent_hours_per_year": "Hours/year",
        "fig_fte": "FTE needed and planned per role",
        "fig_fte_cap": "Needed: the workload and the roster divided by the productive hours per FTE; planned: the staffing in the inputs. The difference is shown right of the bars.",
        "needed": "Needed",
        "planned": "Planned",
        "fte_axis": BUSINESS_CASE_LABELS["en"]["fte"],
        "cost_section": "Cost and revenue",
        "fig_cost_revenue": "Cost and revenue per year",
        "fig_cost_revenue_cap": "The team's cost and the revenue from all routes, × EUR 1,000; above the bars the gap (cost minus revenue).{cf}",
        "cf_hatch": " Hatched: years without reviewed rules (announced or carried forward).",
        "k_axis": "× EUR 1,000",
        "cost_table": "Cost per role (FTE and euros)",
        "fte": BUSINESS_CASE_LABELS["en"]["fte"],
        "revenue_section": "Revenue and the funding gap",
        "fig_funding": "The gap by route and by activity",
        "fig_funding_cap": "Left: what each route covers of the cost per year, with the gap on top (red). Right: the gap per activity. × EUR 1,000.",
        "coverage": "Coverage per route",
        "gap_by_activity": "Gap per activity",
        "route": BUSINESS_CASE_LABELS["en"]["route"],
        "financer": LABELS["en"]["financer"],
        "activity": LABELS["en"]["activity"],
        "savings_section": BUSINESS_CASE_LABELS["en"]["savings_section"],
        "savings_intro": "Two different questions: the financers' savings are what health insurers, care offices and municipalities stop paying for care that is no longer needed; the societal cost avoided values that same care at the reference prices of the Kostenhandleiding (Dutch costing manual). Do not add them up.",
        "fig_savings": "Savings per financer, beside the societal cost avoided",
        "fig_savings_cap": "Left: what each financer stops paying per year. Right: per year all financers' savings beside the societal cost avoided (Kostenhandleiding): a different question, hence a separate panel. × EUR 1,000.",
        "payers_panel": "What the financers stop paying",
        "societal_panel": "Two questions per year",
        "net": BUSINESS_CASE_LABELS["en"]["net"],
        "party": WORDS["en"]["party"],
        "by_insurer": BUSINESS_CASE_LABELS["en"]["by_insurer"],
        "share": BUSINESS_CASE_LABELS["en"]["share"],
        "patients": BUSINESS_CASE_LABELS["en"]["patients"],
        "tornado": "Sensitivity of the net present value",
        "input": "Input",
        "low": "Low",
        "high": "High",
        "inputs": "Inputs and sources",
        "inputs_intro": "Every input with its source. Values without a public source are marked",
        "placeholder": "placeholder",
        "placeholder_count": "{n} of the {total} inputs are placeholders; replace them with your own or contracted figures.",
        "section": BUSINESS_CASE_LABELS["en"]["section"],
        "name": BUSINESS_CASE_LABELS["en"]["name"],
        "value": BUSINESS_CASE_LABELS["en"]["value"],
        "unit": BUSINESS_CASE_LABELS["en"]["unit"],
        "source": BUSINESS_CASE_LABELS["en"]["source"],
        "section_roles": "Roles",
        "section_service": "Service",
        "section_demand": "Demand",
        "section_effects": "Effects",
        "section_funding": "Funding",
        "section_general": "General",
        "reproduce": "Reproduce",
        "reproduce_intro": "The same inputs, software and catalogue give the same business_case.json, and that gives this page and the workbook byte for byte.",
        "command": "Command",
        "business_case": BUSINESS_CASE_LABELS["en"]["business_case"],
        "files": "Files",
        "files_text": "business_case.json (all figures, in euro cents), business_case.xlsx (the workbook) and this page.",
    },
}
EXTRA_CSS = """
tr.total td { font-weight: 600; border-top: 1px solid var(--ink); }
.badge.cf { background: var(--muted); }
.verdict { font-weight: 600; }
"""


# ---------------------------------------------------------------------------- charts


def _k_axis(ax: Any, lang: str, axis: str = "y") -> None:
    getattr(ax, f"{axis}axis").set_major_formatter(_tick_formatter(lang))
    ax.grid(axis=axis, color="#dddddd", linewidth=0.5)


def chart_cost_revenue(bc: dict[str, Any], lang: str, t: dict[str, str]) -> Markup:
    """Per year: the cost and the revenue side by side, the gap written above them."""
    years = bc["years"]
    fig = _figure(9.0, 3.2)
    ax = fig.add_subplot()
    xs = range(len(years))
    for off, key, colour, name in (
        (-0.2, "cost_cents", BASE_COLOUR, t["cost"]),
        (0.2, "revenue_cents", INTER_COLOUR, t["revenue"]),
    ):
        bars = ax.bar(
            [x + off for x in xs],
            [y[key] / 1e5 for y in years],
            width=0.38,
            color=colour,
            label=name,
        )
        for bar, y in zip(bars, years, strict=True):
            if y["year_status"] != "reviewed":
                bar.set_hatch("//")
                bar.set_edgecolor("white")
    for x, y in zip(xs, years, strict=True):
        top = max(y["cost_cents"], y["revenue_cents"]) / 1e5
        ax.annotate(
            f"{t['gap']} {euros(y['gap_cents'], lang, 0)}",
            (x, top),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            color=NEG_COLOUR if y["gap_cents"] > 0 else POS_COLOUR,
        )
    ax.set_xticks(list(xs), [years_text.tick(y, lang) for y in years])
    ax.set_ylabel(t["k_axis"])
    _k_axis(ax, lang)
    ax.tick_params(axis="x", length=0)
    ax.margins(y=0.15)
    fig.legend(loc="outside lower center", ncols=2)
    return _svg(fig, "fig-cost-revenue")


def _stack(ax: Any, xs: list[int], series: list[tuple[str, list[float], Any]]) -> None:
    bottom = [0.0] * len(xs)
    for name, values, style in series:
        ax.bar(xs, values, bottom=bottom, width=0.6, label=name, **style)
        bottom = [b + max(v, 0.0) for b, v in zip(bottom, values, strict=True)]


def chart_funding(bc: dict[str, Any], names: Names, lang: str, t: dict[str, str]) -> Markup:
    """Left: per year the revenue per route stacked, the gap on top (together the cost).
    Right: per year the gap per activity stacked."""
    years = bc["years"]
    xs = list(range(len(years)))
    routes: list[tuple[str, str | None]] = []
    for y in years:
        for r in y["revenue"]:
            if (r["route"], r.get("title_code")) not in routes:
                routes.append((r["route"], r.get("title_code")))

    def per_year(field: str, match: Any) -> list[float]:
        return [sum(r["cents"] for r in y[field] if match(r)) / 1e5 for y in years]

    fig = _figure(9.5, 3.6)
    left, right = fig.subplots(1, 2, sharey=True)
    series = [
        (
            _wrap(names.route(route, code), 34),
            per_year(
                "revenue", lambda r, a=route, c=code: (r["route"], r.get("title_code")) == (a, c)
            ),
            {"color": SET_COLOURS[(i + 1) % len(SET_COLOURS)]},
        )
        for i, (route, code) in enumerate(routes)
    ]
    gap = [max(y["gap_cents"], 0) / 1e5 for y in years]
    series.append((t["gap"], gap, {"color": NEG_COLOUR, "hatch": "//", "edgecolor": "white"}))
    _stack(left, xs, series)
    activities: list[str] = []
    for y in years:
        for r in y["gap_by_activity"]:
            if r["activity"] not in activities:
                activities.append(r["activity"])
    _stack(
        right,
        xs,
        [
            (
                _wrap(names.activity(a), 34),
                per_year("gap_by_activity", lambda r, a=a: r["activity"] == a),
                {"color": SET_COLOURS[(i + 3) % len(SET_COLOURS)]},
            )
            for i, a in enumerate(activities)
        ],
    )
    for ax, title in ((left, t["coverage"]), (right, t["gap_by_activity"])):
        ax.set_title(title, loc="left")
        ax.set_xticks(xs, [years_text.tick(y, lang) for y in years])
        ax.tick_params(axis="x", length=0)
        _k_axis(ax, lang)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=7.5)
    left.set_ylabel(t["k_axis"])
    return _svg(fig, "fig-funding")


def chart_savings(bc: dict[str, Any], names: Names, lang: str, t: dict[str, str]) -> Markup:
    """Left: per financer (rows) its savings per year. Right: per year the financers'
    savings beside the societal cost avoided."""
    years = bc["years"]
    financers: list[str] = []
    for y in years:
        for r in y["savings"]:
            if r["financer_id"] not in financers:
                financers.append(r["financer_id"])
    fig = _figure(9.5, 1.8 + 0.45 * max(len(financers), 2))
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    n = len(years)
    height = 0.8 / max(n, 1)
    for j, y in enumerate(years):
        values = [
            sum(r["cents"] for r in y["savings"] if r["financer_id"] == f) / 1e5 for f in financers
        ]
        left.barh(
            [i + (j - (n - 1) / 2) * height for i in range(len(financers))],
            values,
            height=height * 0.92,
            color=SET_COLOURS[j % len(SET_COLOURS)],
            label=str(y["year"]),
        )
    left.set_yticks(range(len(financers)), [names.financer(f) for f in financers])
    left.set_ylim(len(financers) - 0.5, -0.5)
    left.tick_params(axis="y", length=0)
    left.set_xlabel(t["k_axis"])
    left.set_title(t["payers_panel"], loc="left")
    _k_axis(left, lang, "x")
    left.legend(loc="best", fontsize=7.5)
    xs = range(n)
    for off, key, colour, name in (
        (-0.2, "savings_cents", POS_COLOUR, t["savings"]),
        (0.2, "societal_cents", SOCIETAL_COLOUR, t["societal"]),
    ):
        right.bar(
            [x + off for x in xs],
            [y[key] / 1e5 for y in years],
            0.38,
            color=colour,
            label=_wrap(name, 30),
        )
    right.set_xticks(list(xs), [str(y["year"]) for y in years])
    right.tick_params(axis="x", length=0)
    right.set_title(t["societal_panel"], loc="left")
    _k_axis(right, lang)
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=7.5, ncols=2)
    return _svg(fig, "fig-savings")


def chart_fte(bc: dict[str, Any], names: Names, lang: str, t: dict[str, str]) -> Markup:
    """Per role: the FTE needed beside the FTE planned, the shortfall written to the right."""
    roles = bc["capacity"]["roles"]
    fig = _figure(9.0, 1.2 + 0.55 * len(roles))
    ax = fig.add_subplot()
    for off, key, colour, name in (
        (-0.2, "fte_needed", INTER_COLOUR, t["needed"]),
        (0.2, "planned_fte", BASE_COLOUR, t["planned"]),
    ):
        ax.barh(
            [i + off for i in range(len(roles))],
            [r[key] for r in roles],
            0.38,
            color=colour,
            label=name,
        )
    for i, r in enumerate(roles):
        gap = r["fte_needed"] - r["planned_fte"]
        ax.annotate(
            number(gap, lang, 2, signed=True) + f" {t['fte_axis']}",
            (max(r["fte_needed"], r["planned_fte"]), i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=NEG_COLOUR if gap > 0 else POS_COLOUR,
        )
    ax.set_yticks(range(len(roles)), [_wrap(names.role(r["role"]), 34) for r in roles])
    ax.set_ylim(len(roles) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(t["fte_axis"])
    _k_axis(ax, lang, "x")
    ax.margins(x=0.12)
    fig.legend(loc="outside lower center", ncols=2)
    return _svg(fig, "fig-fte")


# ---------------------------------------------------------------------------- the page


def _money_table(bc: dict[str, Any], field: str, key: Any, label: Any, lang: str) -> dict[str, Any]:
    """Rows (label, euros per year, total) of ``years[*][field]`` grouped by ``key``."""
    years = [y["year"] for y in bc["years"]]
    order: list[Any] = []
    cents: dict[Any, dict[int, int]] = {}
    for y in bc["years"]:
        for r in y[field]:
            kk = key(r)
            if kk not in cents:
                order.append(kk)
                cents[kk] = {}
            cents[kk][y["year"]] = cents[kk].get(y["year"], 0) + r["cents"]
    rows = [
        {
            "label": label(kk),
            "cells": [euros(cents[kk].get(y, 0), lang, 0) for y in years],
            "total": euros(sum(cents[kk].values()), lang, 0),
        }
        for kk in order
    ]
    totals = [sum(cents[kk].get(y, 0) for kk in order) for y in years]
    return {
        "rows": rows,
        "totals": [euros(c, lang, 0) for c in totals],
        "total": euros(sum(totals), lang, 0),
    }


def _interval(pair: Any, n: int, lang: str, t: dict[str, str]) -> str | None:
    if not pair:
        return None
    return t["interval"].format(n=n, lo=euros(pair[0], lang, 0), hi=euros(pair[1], lang, 0))


def _value(v: Any, lang: str, name: str = "") -> str:
    """An input's value in ``lang``; a share (the discount rate) as a percentage, amounts as
    numbers (the unit column says EUR)."""
    v = input_value(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return param_value(v, "bool", lang)
    kind = PARAMS.get(name.rpartition(".")[2], ("", "", ""))[2]
    if isinstance(v, (int, float)) and kind == "share":
        return param_value(v, kind, lang)
    if isinstance(v, (int, float)):
        return short(float(v), lang, 4)
    return str(v)


def _input_name(name: str, names: Names, lang: str, section: str = "") -> str:
    """An input's name as the report shows it: 'nurse_specialist.cost_per_fte_eur' ->
    'Verpleegkundig specialist: kosten per fte'; 'phone.target' -> 'telefoonlijn: doel';
    a service line 'activity (role)' and a funding route by their names."""
    if section == "funding":
        return names.route(name, name)
    if work := re.fullmatch(r"([a-z0-9_]+) \(([a-z0-9_]+)\)", name):
        return f"{names.activity(work[1])} ({names.role(work[2])})"
    owner, dot, key = name.rpartition(".")
    if not dot:
        return param_label(name, lang) if name in PARAMS else name
    who = param_label(owner, lang) if owner in PARAMS else names.role(owner)
    return f"{who}: {param_label(key, lang)}"


def headline(
    bc: dict[str, Any], lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The key figures of ``bc`` (business_case.json) as the report shows them: the cards (NPV,
    payback, break-even, staff shortfall: ``label``, ``value``, ``sign``, ``note``,
    ``interval``), the rows per year (cost, revenue, gap, savings, societal cost avoided) and
    their totals."""
    lang = "en" if lang == "en" else "nl"
    t = TEXT[lang]
    years = bc["years"]
    cap = bc["capacity"]
    be = bc.get("break_even") or {}
    intervals = bc.get("intervals") or {}
    reps = int(bc.get("replicates", 1))
    rate = float(bc["discount_rate"])

    def maybe(cents: int | None, decimals: int = 0) -> str:
        return t["none"] if cents is None else euros(cents, lang, decimals)

    payback = bc.get("payback_years")
    cards = [
        {
            "label": t["npv"],
            "value": euros(bc["npv_cents"], lang, 0),
            "sign": (bc["npv_cents"] > 0) - (bc["npv_cents"] < 0),
            "note": t["npv_note"].format(rate=percent(rate, lang, 1)),
            "interval": _interval(intervals.get("npv_cents"), reps, lang, t),
        },
        {
            "label": t["payback"],
            "value": t["payback_years"].format(n=short(payback, lang, 1))
            if payback is not None
            else t["payback_none"].format(first=bc["first_year"], last=bc["last_year"]),
            "sign": 0,
        },
        {
            "label": t["break_even_patients"],
            "value": t["none"]
            if be.get("patients_reached") is None
            else number(be["patients_reached"], lang, 0),
            "sign": 0,
            "note": f"{t['patients_reached']}: {number((bc.get('patients') or {}).get('reached', 0), lang, 0)}",
        },
        {
            "label": t["break_even_price_patient"],
            "value": maybe(be.get("price_per_patient_cents")),
            "sign": 0,
        },
        {
            "label": t["break_even_price_inhabitant"],
            "value": maybe(be.get("price_per_inhabitant_cents"), 2),
            "sign": 0,
        },
        {
            "label": t["shortfall"],
            "value": f"{number(cap['shortfall_fte'], lang, 1)} {t['fte']}",
            "sign": -1 if cap["shortfall_fte"] > 0 else 0,
        },
    ]
    keys = ("cost_cents", "revenue_cents", "gap_cents", "savings_cents", "societal_cents")
    gap_iv = intervals.get("gap_cents") or {}
    sav_iv = intervals.get("savings_cents") or {}
    year_rows = [
        {
            "year": y["year"],
            "rules": years_text.badge(y, lang),
            "gap_sign": (y["gap_cents"] > 0) - (y["gap_cents"] < 0),
            "cells": [euros(y[key], lang, 0) for key in keys],
            "gap_interval": _range(gap_iv.get(str(y["year"])), lang),
            "savings_interval": _range(sav_iv.get(str(y["year"])), lang),
        }
        for y in years
    ]
    year_total = [euros(sum(y[key] for y in years), lang, 0) for key in keys]
    return cards, year_rows, year_total


def build_context(
    bc: dict[str, Any], lang: str, cat: Any = None, command: str | None = None
) -> dict[str, Any]:
    import matplotlib

    lang = "en" if lang == "en" else "nl"
    t = TEXT[lang]
    names = Names(cat if cat is not None else default_catalogue(), lang)
    years = bc["years"]
    cap = bc["capacity"]
    reps = int(bc.get("replicates", 1))
    rate = float(bc["discount_rate"])
    cards, year_rows, year_total = headline(bc, lang)

    roles_cost = []
    role_ids: list[str] = []
    by: dict[tuple[str, int], dict[str, Any]] = {}
    for y in years:
        for r in y["cost"]:
            if r["role"] not in role_ids:
                role_ids.append(r["role"])
            by[(r["role"], y["year"])] = r
    for role in role_ids:
        cells = []
        for y in years:
            r = by.get((role, y["year"]))
            cells.append((number(r["fte"], lang, 2), euros(r["cents"], lang, 0)) if r else ("", ""))
        roles_cost.append({"label": names.role(role), "cells": cells})
    cost_totals = [
        (number(sum(r["fte"] for r in y["cost"]), lang, 2), euros(y["cost_cents"], lang, 0))
        for y in years
    ]

    revenue = _money_table(
        bc,
        "revenue",
        lambda r: (r["route"], r.get("title_code"), r["financer_kind"], r["financer_id"]),
        lambda kk: {
            "main": names.route(kk[0], kk[1]),
            "sub": f"{names.financer(kk[3])} ({names.group(kk[2])})",
        },
        lang,
    )
    gap_activity = _money_table(
        bc,
        "gap_by_activity",
        lambda r: r["activity"],
        lambda kk: {"main": names.activity(kk), "sub": None},
        lang,
    )
    savings = _money_table(
        bc,
        "savings",
        lambda r: (r["financer_id"], r["financer_kind"]),
        lambda kk: {"main": names.financer(kk[0]), "sub": names.group(kk[1])},
        lang,
    )
    net = _money_table(
        bc, "net", lambda r: r["group"], lambda kk: {"main": names.group(kk), "sub": None}, lang
    )
    phone = cap.get("phone")
    phone_line = None
    if phone:
        phone_line = t["phone_line"].format(
            calls=number(phone["calls_per_year"], lang, 0),
            minutes=short(phone["handling_minutes"], lang, 1),
            target=percent(phone["target"], lang, 0),
            seconds=number(phone["answer_within_seconds"], lang, 0),
        )
    inputs = [
        {
            "section": t.get(f"section_{i['section']}", i["section"]),
            "name": _input_name(i["name"], names, lang, i["section"]),
            "value": work_value(i, lang) if "per" in i else _value(i["value"], lang, i["name"]),
            "unit": i.get("unit") or "",
            "placeholder": bool(i.get("placeholder")),
            "source": i.get("source") or "",
        }
        for i in bc["inputs"]
    ]
    with matplotlib.rc_context(RC):
        figures = {
            "fte": chart_fte(bc, names, lang, t),
            "cost_revenue": chart_cost_revenue(bc, lang, t),
            "funding": chart_funding(bc, names, lang, t),
            "savings": chart_savings(bc, names, lang, t),
        }
    any_cf = any(y["year_status"] != "reviewed" for y in years)
    host = bc["host"]
    return {
        "t": t,
        "lang": lang,
        "css": Markup(EXTRA_CSS),
        "title": bc["name"][lang],
        "id": bc["business_case"],
        "meta": [
            (t["region"], bc["region"] + _imported(bc, lang)),
            (
                t["host"],
                " ".join(
                    x
                    for x in (host.get("provider_id"), f"({names.group(host['provider_kind'])})")
                    if x
                ),
            ),
            (
                t["period"],
                f"{bc['first_year']}–{bc['last_year']}, {t['discount_rate']} "
                f"{percent(rate, lang, 1)}, {reps} {t['replicates']}",
            ),
            (t["catalogue"], bc["catalogue_version"]),
        ],
        "cards": cards,
        "year_rows": year_rows,
        "year_total": year_total,
        "any_cf": any_cf,
        "year_notes": years_text.notes(bc, lang),
        "capacity": {
            "verdict": (t["not_feasible"] if cap["shortfall_fte"] > 0 else t["feasible"]).format(
                needed=number(cap["fte_needed"], lang, 1),
                planned=number(cap["fte_planned"], lang, 1),
                shortfall=number(cap["shortfall_fte"], lang, 1),
            ),
            "feasible": cap["shortfall_fte"] <= 0,
            "roles": [
                {
                    "label": names.role(r["role"]),
                    "cells": [
                        number(r[c], lang, 0)
                        for c in ("rostered_hours", "workload_hours", "productive_hours_per_fte")
                    ]
                    + [
                        number(r[c], lang, 2)
                        for c in ("fte_needed", "planned_fte", "shortfall_fte")
                    ],
                    "short": r["shortfall_fte"] > 0,
                }
                for r in cap["roles"]
            ],
            "totals": [
                number(cap[c], lang, 2) for c in ("fte_needed", "fte_planned", "shortfall_fte")
            ],
            "phone_line": phone_line,
            "blocks": [
                {
                    "name": b["name"].replace("_", " "),
                    "cells": [
                        number(b["hours_per_week"], lang, 0),
                        short(b["calls_per_hour"], lang, 2),
                        number(b["agents"], lang, 0),
                        percent(b["service_level"], lang, 1),
                        percent(b["wait_probability"], lang, 1),
                        percent(b["occupancy"], lang, 1),
                        number(b["agent_hours_per_year"], lang, 0),
                    ],
                }
                for b in (phone or {}).get("blocks", [])
            ],
        },
        "years": [y["year"] for y in years],
        "roles_cost": roles_cost,
        "cost_totals": cost_totals,
        "revenue": revenue,
        "gap_activity": gap_activity,
        "savings": savings,
        "net": net,
        "by_insurer": [
            {
                "name": names.financer(p["financer_id"]),
                "share": percent(p["share"], lang, 1),
                "patients": number(p["patients"], lang, 0),
            }
            for p in (bc.get("patients") or {}).get("by_insurer", [])
        ],
        "tornado": [
            {
                "input": r["input"],
                "low": euros(r["low_npv_cents"], lang, 0),
                "high": euros(r["high_npv_cents"], lang, 0),
            }
            for r in bc.get("tornado") or []
        ],
        "figures": figures,
        "captions": {
            "cost_revenue": t["fig_cost_revenue_cap"].format(cf=t["cf_hatch"] if any_cf else ""),
        },
        "inputs": inputs,
        "placeholder_count": t["placeholder_count"].format(
            n=sum(i["placeholder"] for i in inputs), total=len(inputs)
        ),
        "command": command,
    }


def _range(pair: Any, lang: str) -> str | None:
    return f"[{euros(pair[0], lang, 0)}; {euros(pair[1], lang, 0)}]" if pair else None


def render(
    bc: dict[str, Any], lang: str = "nl", cat: Any = None, command: str | None = None
) -> str:
    env = scenario_report.jinja_env(Path(__file__).parent / "templates")
    return env.get_template("report.html.j2").render(**build_context(bc, lang, cat, command))


def write_report(
    bc: dict[str, Any],
    path: Path,
    lang: str = "nl",
    cat: Any = None,
    command: str | None = None,
) -> None:
    """Write the business case ``bc`` (its JSON as a dict) as one offline HTML page to
    ``path``. ``cat`` (the catalogue the run used) gives the names of roles, routes and
    activities (without it the shipped one is loaded); ``command`` is the command line that
    reproduces the run, shown under "how to reproduce" when given."""
    Path(path).write_text(render(bc, lang, cat, command), encoding="utf-8", newline="\n")
