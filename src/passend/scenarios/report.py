"""The scenario report: one self-contained HTML file (``report.html`` in the run's folder).

It reads what ``passend simulate`` wrote (``summary.json`` and the Parquet tables) and the
scenario, and shows the headline figures, a chart per question of DESIGN section 7
(stakeholder margins, the baseline-to-intervention waterfall, the incentives, the wrong-pocket
matrix, the outcomes and their intervals), the assumptions with their sources (placeholders
marked) and how to reproduce the run. Charts are inline SVG drawn with matplotlib (text kept
as text, no dates, a fixed hash salt: the same run gives the same bytes); the page is a Jinja2
template with a small print-friendly stylesheet and no external resources, so it works offline.
Dutch by default, English with ``lang='en'``.
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from passend.catalogue.loader import Catalogue
from passend.i18n import (
    OUTCOME_LABELS,
    PARTY_LABELS,
    WORDS,
    document_title,
    euros,
    number,
    params_text,
    party,
    percent,
    short,
    thousands,
)
from passend.scenarios.results import HEADLINE_OUTCOMES, interval
from passend.scenarios.schema import LoadedScenario

PLACEHOLDER = "passend_placeholder"
PAYERS = ("health_insurer", "care_office", "municipality", "government", "patient")

SHARES = {"deaths_home", "deaths_preferred", "deaths_hospital"}
UNITS = (
    "avoided_admission",
    "avoided_ed_visit",
    "avoided_icu_day",
    "extra_consultation",
    "extra_acp",
    "extra_nursing_hour",
)
BASE_COLOUR = "#9aa5b1"
INTER_COLOUR = "#1f5f99"
NEG_COLOUR = "#b2182b"
POS_COLOUR = "#2166ac"
SET_COLOURS = ("#1f5f99", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d")
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "passend-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.grid": False,
    "legend.frameon": False,
    "path.simplify": False,
}

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "lang": "nl",
        "report": WORDS["nl"]["report"],
        "subtitle": "Scenario-rapport van passend: betaalmodellen en interventie naast elkaar",
        "contents": "Inhoud",
        "population": "Populatie",
        "region": "regio",
        "year": "jaar",
        "seed": "seed",
        "scale": "schaal",
        "replicates": "replicaties",
        "imported_line": "geïmporteerd uit {name}: {patients} patiënten, {activities} "
        "activiteiten, {claims}; jaar {year}, regio {region}; gebruikt zoals gegeven (niet "
        "gegenereerd, dus geen kalibratie van een synthetische regio), 1 replicatie",
        "imported_claims": "{n} declaratieregels uit {name}",
        "imported_declared": "gedeclareerd door passend",
        "imported_no_region": "onbekend",
        "imported_no_inhabitants": " (geen inwonertal: geef population.region als de data die "
        "hele regio is)",
        "intervention": "Interventie",
        "contract_sets": "Contractsets",
        "contract_set": "Contractset",
        "baseline_set": "basis",
        "headline": "Kerncijfers",
        "headline_money": "Verandering in marge door de interventie (interventie min basis), per contractset",
        "headline_outcomes": "Uitkomsten per patiënt in het laatste levensjaar",
        "party": WORDS["nl"]["party"],
        "base": WORDS["nl"]["base"],
        "inter": WORDS["nl"]["inter"],
        "delta": "Verschil",
        "interval_note": "Tussen haken: het {lo}–{hi}%-interval over {n} replicaties.",
        "one_replicate": "Eén replicatie: er zijn geen onzekerheidsintervallen. Draai met --replicates 200 (of zet monte_carlo.replicates) voor {lo}–{hi}%-intervallen.",
        "cost_sentence": "Onder {set} veranderen de totale kosten van zorg met {cost}, de vaste teamkosten van de interventie ({team} per jaar) inbegrepen.",
        "cost_sentence_noteam": "Onder {set} veranderen de totale zorgkosten met {cost}.",
        "charts": "Grafieken",
        "fig_margins": "Marge per partij en contractset, basis en interventie",
        "fig_margins_cap": "Marge (geld in min geld uit min kosten) per partij, in miljoen euro. Financiers hebben een negatieve marge: wat zij uitgeven. Boven de financiers, onder de aanbieders (andere schaal). Gegevens: groups.parquet.",
        "fig_waterfall": "Van basis naar interventie: verandering in marge per partij ({set})",
        "fig_waterfall_cap": "Verandering in marge per partij onder de basiscontractset {set}, × € 1.000, van groot naar klein opgeteld. Het totaal ({total}) is de som van alle veranderingen.{equal} Gegevens: wrong_pocket.parquet.",
        "waterfall_equal": " Geld dat de een betaalt ontvangt een ander, dus het totaal is de besparing op de totale kosten (die veranderen met {cost}).",
        "pp": " %-punt",
        "per100": "per 100 overledenen",
        "fig_incentives": "Prikkels: marge van één vermeden of extra eenheid per aanbieder en contractset",
        "fig_incentives_cap": "Marginale marge (opbrengst min variabele kosten) voor de aanbieder van één vermeden of extra eenheid, in euro, uit de regels van de basis en het model dat ze betaalt. Een eenheid bij een onderaannemer telt ook voor de hoofdaannemer, met de onderaanneming die die betaalt of uitspaart (wie houdt de besparing). Rood: de aanbieder verliest, blauw: de aanbieder wint. De tabel eronder geeft opbrengst, kosten en marge. Gegevens: incentives.parquet.",
        "fig_wrong_pocket": "Wrong-pocketmatrix: wie betaalt mee en wie ontvangt de besparing",
        "fig_wrong_pocket_cap": "Verandering in marge per partij (rijen) en contractset (kolommen), × € 1.000, interventie min basis. Rood: de partij betaalt mee (marge daalt); blauw: de partij ontvangt de besparing (marge stijgt; voor financiers: minder uitgaven). Kleur op een wortelschaal.{omitted} Gegevens: wrong_pocket.parquet.",
        "omitted": " Zonder verandering en weggelaten: {groups}.",
        "fig_outcomes": "Uitkomsten: basis en interventie",
        "fig_outcomes_cap": "Per 100 overledenen: hoeveel thuis, op de voorkeursplek en in het ziekenhuis overleden (dus een percentage), en het aantal opnames en SEH-bezoeken in hun laatste 30 dagen.{bars} Gegevens: outcomes.parquet.",
        "bars_interval": " Foutbalken: {lo}–{hi}%-interval over {n} replicaties.",
        "fig_uncertainty": "Onzekerheid: intervallen van de verschillen",
        "fig_uncertainty_cap": "Verschil (interventie min basis) met het {lo}–{hi}%-interval over {n} replicaties: links de marge van de belangrijkste partijen per contractset (× € 1.000), rechts de uitkomsten per 100 overledenen. Gegevens: summary.json.",
        "fig_uncertainty_cap1": "Eén replicatie: alleen puntschattingen, geen intervallen. Links de verandering in marge van de belangrijkste partijen per contractset (× € 1.000), rechts de uitkomsten per 100 overledenen. Gegevens: summary.json.",
        "margin_axis": "Marge (€ mln)",
        "k_axis": "Verandering in marge (× € 1.000)",
        "payers": "Financiers en patiënten",
        "providers": "Aanbieders",
        "total": "Totaal (= minder kosten)",
        "per100_axis": "Per 100 overledenen",
        "delta_per100_axis": "Verschil per 100 overledenen",
        "incentive_table": "Prikkeltabel: marge, opbrengst en kosten van één eenheid, in euro",
        "unit": "Eenheid",
        "provider_kind": "Aanbieder",
        "units_in_baseline": "Aantal in basis",
        "revenue": "opbr.",
        "cost": "kosten",
        "margin": "marge",
        "no_incentives": "Geen prikkels berekend (incentives.parquet ontbreekt of is leeg).",
        "assumptions": "Aannames en bronnen",
        "assumptions_intro": "Elke aanname met haar bron. Bedragen en parameters zonder publieke bron zijn gemarkeerd als",
        "placeholder": "placeholder",
        "placeholder_count": "{n} van de aannames hieronder zijn placeholders; vervang ze door eigen of gecontracteerde cijfers.",
        "catalogue_placeholders": "In de catalogus (versie {version}) zijn {ph} van de {n} tarieven placeholders (zie passend catalogue list).",
        "scenario": "Scenario",
        "sources": "Bronnen",
        "effects": "Effecten van de interventie",
        "rate": "{event}: × {value} ({pct})",
        "odds_home": "Odds-ratio om thuis te overlijden: {value}",
        "rr_home": "Relatief risico om thuis te overlijden: {value} (de kans maal {value}, hoogstens 1)",
        "ed_total": "Alle SEH-bezoeken (met en zonder opname): × {value} ({pct}); daaruit afgeleid voor SEH-bezoek zonder opname: × {derived}",
        "ed_total_rise": "Let op: met de mix van deze populatie kunnen beide gepubliceerde cijfers (SEH-opnames en alle SEH-bezoeken) alleen samen kloppen als SEH-bezoeken zonder opname stijgen.",
        "reach": "Bereik: de effecten gelden voor {share} van de {who} ({n} patiënten in de basis){note}",
        "odds_preferred": "Odds-ratio om op de voorkeursplek te overlijden: {value}",
        "added": "Toegevoegde activiteiten",
        "added_item": "{activity} door {professional} ({kind}): {quantity} {unit}, bij {share} van {who}, gemiddeld {per} per patiënt, in de laatste {days} dagen",
        "team_costs": "Teamkosten (vast, per jaar)",
        "team_item": "{amount} per jaar, gedragen door {who}",
        "monte_carlo": "Onzekere parameters (Monte Carlo)",
        "drawn": "Getrokken waarden (min–max over de replicaties)",
        "model": "model",
        "scope": "reikwijdte",
        "params": "parameters",
        "addons": "add-ons",
        "budgets": "Budgetten",
        "default": "Overig: standaard {model}",
        "cost_model": "Kostenmodel van de aanbieders: {p}; kostprijzen: {c}.",
        "shipped": "meegeleverd",
        "documents": "Geciteerde documenten",
        "set_not_loaded": "Contractset niet te laden: {err}",
        "reproduce": "Reproduceren",
        "reproduce_intro": "Hetzelfde scenariobestand, dezelfde seed, software en catalogus geven dezelfde resultaten en dit rapport byte voor byte.",
        "command": "Commando",
        "scenario_file": "Scenariobestand",
        "software": "Software",
        "catalogue": "Catalogusversie",
        "interval": "Interval",
        "files": "Bestanden in deze map",
        "files_text": "summary.json (kerncijfers), groups.parquet, wrong_pocket.parquet, outcomes.parquet, incentives.parquet en settlements/<contractset>/<arm>/ (de afrekening van replicatie 0, regel voor regel).",
        "who_all": "alle patiënten",
        "who_at_home": "patiënten thuis",
        "who_resident": "Wlz-bewoners",
        "who_marked": "gemarkeerde patiënten",
        "who_marked_at_home": "gemarkeerde patiënten thuis",
        "unit_minutes": "minuten",
        "unit_days": "dagen",
        "unit_count": "keer",
        **OUTCOME_LABELS["nl"],
        "avoided_admission": "Vermeden ziekenhuisopname",
        "avoided_ed_visit": "Vermeden SEH-bezoek",
        "avoided_icu_day": "Vermeden IC-dag",
        "extra_consultation": "Extra palliatieve consultatie",
        "extra_acp": "Extra gesprek proactieve zorgplanning",
        "extra_nursing_hour": "Extra uur wijkverpleging",
        "mln": "mln",
    },
    "en": {
        "lang": "en",
        "report": WORDS["en"]["report"],
        "subtitle": "passend scenario report: payment models and intervention side by side",
        "contents": "Contents",
        "population": "Population",
        "region": "region",
        "year": "year",
        "seed": "seed",
        "scale": "scale",
        "replicates": "replicates",
        "imported_line": "imported from {name}: {patients} patients, {activities} activities, "
        "{claims}; year {year}, region {region}; used as given (not generated, so no "
        "calibration of a synthetic region), 1 replicate",
        "imported_claims": "{n} claim lines from {name}",
        "imported_declared": "declared by passend",
        "imported_no_region": "unknown",
        "imported_no_inhabitants": " (no inhabitants: give population.region when the data is "
        "that whole region)",
        "intervention": "Intervention",
        "contract_sets": "Contract sets",
        "contract_set": "Contract set",
        "baseline_set": "baseline",
        "headline": "Headline figures",
        "headline_money": "Change in margin from the intervention (intervention minus baseline), per contract set",
        "headline_outcomes": "Outcomes per patient in the last year of life",
        "party": WORDS["en"]["party"],
        "base": WORDS["en"]["base"],
        "inter": WORDS["en"]["inter"],
        "delta": "Difference",
        "interval_note": "In brackets: the {lo}–{hi}% interval over {n} replicates.",
        "one_replicate": "One replicate: there are no uncertainty intervals. Run with --replicates 200 (or set monte_carlo.replicates) for {lo}–{hi}% intervals.",
        "cost_sentence": "Under {set} the total cost of care changes by {cost}, including the intervention's fixed team costs ({team} per year).",
        "cost_sentence_noteam": "Under {set} the total cost of care changes by {cost}.",
        "charts": "Charts",
        "fig_margins": "Margin per party and contract set, baseline and intervention",
        "fig_margins_cap": "Margin (money in minus money out minus cost) per party, in millions of euros. Financers have a negative margin: what they spend. Top: financers; bottom: providers (another scale). Data: groups.parquet.",
        "fig_waterfall": "From baseline to intervention: change in margin per party ({set})",
        "fig_waterfall_cap": "Change in margin per party under the baseline contract set {set}, × EUR 1,000, added from large to small. The total ({total}) is the sum of all changes.{equal} Data: wrong_pocket.parquet.",
        "waterfall_equal": " Money one party pays another receives, so the total is the saving on total cost (which changes by {cost}).",
        "pp": " pp",
        "per100": "per 100 decedents",
        "fig_incentives": "Incentives: margin of one avoided or extra unit per provider and contract set",
        "fig_incentives_cap": "Marginal margin (revenue minus variable cost) for the provider of one avoided or extra unit, in euros, from the baseline's lines and the model that pays them. A unit at a subcontractor also counts for the principal (hoofdaannemer), with the subcontract it pays or saves (who keeps the savings). Red: the provider loses; blue: the provider gains. The table below gives revenue, cost and margin. Data: incentives.parquet.",
        "fig_wrong_pocket": "Wrong-pocket matrix: who pays and who receives the savings",
        "fig_wrong_pocket_cap": "Change in margin per party (rows) and contract set (columns), × EUR 1,000, intervention minus baseline. Red: the party pays (its margin falls); blue: the party receives the savings (its margin rises; for financers: less spending). Colour on a square-root scale.{omitted} Data: wrong_pocket.parquet.",
        "omitted": " Unchanged and left out: {groups}.",
        "fig_outcomes": "Outcomes: baseline and intervention",
        "fig_outcomes_cap": "Per 100 decedents: how many died at home, at the preferred place and in hospital (a percentage), and the number of admissions and ED visits in their last 30 days.{bars} Data: outcomes.parquet.",
        "bars_interval": " Error bars: {lo}–{hi}% interval over {n} replicates.",
        "fig_uncertainty": "Uncertainty: intervals of the differences",
        "fig_uncertainty_cap": "Difference (intervention minus baseline) with the {lo}–{hi}% interval over {n} replicates: left, the margin of the main parties per contract set (× EUR 1,000); right, the outcomes per 100 decedents. Data: summary.json.",
        "fig_uncertainty_cap1": "One replicate: point estimates only, no intervals. Left, the change in margin of the main parties per contract set (× EUR 1,000); right, the outcomes per 100 decedents. Data: summary.json.",
        "margin_axis": "Margin (EUR million)",
        "k_axis": "Change in margin (× EUR 1,000)",
        "payers": "Financers and patients",
        "providers": "Providers",
        "total": "Total (= less cost)",
        "per100_axis": "Per 100 decedents",
        "delta_per100_axis": "Difference per 100 decedents",
        "incentive_table": "Incentive table: margin, revenue and cost of one unit, in euros",
        "unit": "Unit",
        "provider_kind": "Provider",
        "units_in_baseline": "Number in baseline",
        "revenue": "rev.",
        "cost": "cost",
        "margin": "margin",
        "no_incentives": "No incentives computed (incentives.parquet is missing or empty).",
        "assumptions": "Assumptions and sources",
        "assumptions_intro": "Every assumption with its source. Amounts and parameters without a public source are marked",
        "placeholder": "placeholder",
        "placeholder_count": "{n} of the assumptions below are placeholders; replace them with your own or contracted figures.",
        "catalogue_placeholders": "In the catalogue (version {version}) {ph} of the {n} tariffs are placeholders (see passend catalogue list).",
        "scenario": "Scenario",
        "sources": "Sources",
        "effects": "Effects of the intervention",
        "rate": "{event}: × {value} ({pct})",
        "odds_home": "Odds ratio for dying at home: {value}",
        "rr_home": "Relative risk of dying at home: {value} (the probability times {value}, at most 1)",
        "ed_total": "All ED visits (with and without admission): × {value} ({pct}); derived from it for ED visits without admission: × {derived}",
        "ed_total_rise": "Note: with this population's mix both published figures (ED admissions and all ED visits) can only hold together if ED visits without admission rise.",
        "reach": "Reach: the effects hold for {share} of the {who} ({n} patients in the baseline){note}",
        "odds_preferred": "Odds ratio for dying at the preferred place: {value}",
        "added": "Added activities",
        "added_item": "{activity} by {professional} ({kind}): {quantity} {unit}, for {share} of {who}, on average {per} per patient, in the last {days} days",
        "team_costs": "Team costs (fixed, per year)",
        "team_item": "{amount} per year, borne by {who}",
        "monte_carlo": "Uncertain parameters (Monte Carlo)",
        "drawn": "Drawn values (min–max over the replicates)",
        "model": "model",
        "scope": "scope",
        "params": "parameters",
        "addons": "add-ons",
        "budgets": "Budgets",
        "default": "Everything else: default {model}",
        "cost_model": "Providers' cost model: {p}; cost prices: {c}.",
        "shipped": "shipped",
        "documents": "Documents cited",
        "set_not_loaded": "Contract set could not be loaded: {err}",
        "reproduce": "Reproduce",
        "reproduce_intro": "The same scenario file, seed, software and catalogue give the same results and this report byte for byte.",
        "command": "Command",
        "scenario_file": "Scenario file",
        "software": "Software",
        "catalogue": "Catalogue version",
        "interval": "Interval",
        "files": "Files in this folder",
        "files_text": "summary.json (headline figures), groups.parquet, wrong_pocket.parquet, outcomes.parquet, incentives.parquet and settlements/<contract set>/<arm>/ (the settlement of replicate 0, line by line).",
        "who_all": "all patients",
        "who_at_home": "patients at home",
        "who_resident": "Wlz residents",
        "who_marked": "marked patients",
        "who_marked_at_home": "marked patients at home",
        "unit_minutes": "minutes",
        "unit_days": "days",
        "unit_count": "times",
        **OUTCOME_LABELS["en"],
        "avoided_admission": "Avoided hospital admission",
        "avoided_ed_visit": "Avoided ED visit",
        "avoided_icu_day": "Avoided ICU day",
        "extra_consultation": "Extra palliative consultation",
        "extra_acp": "Extra advance care planning conversation",
        "extra_nursing_hour": "Extra district nursing hour",
        "mln": "million",
    },
}


# ---------------------------------------------------------------------------- number formats


def group_order(groups: Sequence[str]) -> list[str]:
    known = list(PAYERS) + [g for g in PARTY_LABELS["nl"] if g not in PAYERS]
    rank = {g: i for i, g in enumerate(known)}
    return sorted(set(groups), key=lambda g: (rank.get(g, len(rank)), g))


# ---------------------------------------------------------------------------- charts


def _svg(fig: Any, fig_id: str) -> Markup:
    """The figure as an inline <svg> element: no XML prolog, DOCTYPE or metadata, ids
    prefixed with the figure's id so that several charts can share one page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{fig_id}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{fig_id}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{fig_id}-\1"', text)
    text = text.replace("<svg ", f'<svg role="img" class="chart" id="{fig_id}-svg" ', 1)
    return Markup(text.strip())


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _wrap(text: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _tick_formatter(lang: str) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: short(x, lang, 2))


def _locator(n: int = 5) -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=n, steps=[1, 2, 2.5, 5, 10])


def _diverging(values: list[list[float | None]]) -> tuple[Any, Callable[[float], float]]:
    """A red-white-blue colour map and a sign-preserving square-root scale to [0, 1]."""
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("passend", [NEG_COLOUR, "#f7f7f7", POS_COLOUR])
    top = max((abs(v) for row in values for v in row if v is not None), default=0.0) or 1.0

    def scale(v: float) -> float:
        s = (abs(v) / top) ** 0.5
        return 0.5 + (0.5 * s if v > 0 else -0.5 * s)

    return cmap, scale


def _heatmap(
    values: list[list[float | None]],
    rows: list[str],
    cols: list[str],
    fmt: Callable[[float], str],
    fig_id: str,
) -> Markup:
    cmap, scale = _diverging(values)
    width = min(10.0, 3.2 + 1.65 * len(cols))
    fig = _figure(width, 0.9 + 0.36 * len(rows))
    ax = fig.add_subplot()
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            if v is None:
                ax.add_patch(_rect(c, r, "#ffffff", hatch=True))
                continue
            t = scale(v) if v != 0 else 0.5
            ax.add_patch(_rect(c, r, cmap(t)))
            colour = "white" if abs(t - 0.5) > 0.32 else "#1a1a1a"
            ax.text(c, r, fmt(v), ha="center", va="center", color=colour, fontsize=8.5)
    ax.set_xlim(-0.5, len(cols) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(range(len(cols)), [_wrap(c, 20) for c in cols])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return _svg(fig, fig_id)


def _rect(c: int, r: int, colour: Any, hatch: bool = False) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (c - 0.5, r - 0.5),
        1,
        1,
        facecolor=colour,
        edgecolor="white",
        linewidth=1.5,
        hatch="///" if hatch else None,
    )


def chart_margins(
    groups: list[dict[str, Any]],
    sets: list[dict[str, Any]],
    interval_: tuple[float, float, int],
    lang: str,
    t: dict[str, str],
) -> Markup:
    """Per contract set (columns) and group (rows): baseline and intervention margin, with the
    interval over the replicates as error bars when there are several."""
    lo, hi, reps = interval_
    by: dict[tuple[str, str, str], list[float]] = {}
    for g in groups:
        by.setdefault((g["contract_set"], g["arm"], g["group"]), []).append(g["margin_cents"] / 1e8)
    present = group_order([g["group"] for g in groups])
    active = [
        g
        for g in present
        if any(abs(v) > 0 for (_, _, grp), vals in by.items() if grp == g for v in vals)
    ]
    panels = [
        (t["payers"], [g for g in active if g in PAYERS]),
        (t["providers"], [g for g in active if g not in PAYERS]),
    ]
    panels = [(name, gs) for name, gs in panels if gs]
    n_sets = len(sets)
    fig = _figure(min(10.5, 2.6 + 2.1 * n_sets), 1.4 + 0.3 * sum(len(gs) + 1 for _, gs in panels))
    grid = fig.add_gridspec(len(panels), n_sets, height_ratios=[len(gs) + 1 for _, gs in panels])
    for p, (pname, gs) in enumerate(panels):
        share = None
        for c, cs in enumerate(sets):
            ax = fig.add_subplot(grid[p, c], sharex=share, sharey=share)
            share = share or ax
            for a, (arm, colour, offset) in enumerate(
                (("baseline", BASE_COLOUR, -0.2), ("intervention", INTER_COLOUR, 0.2))
            ):
                means, errs = [], [[], []]
                for g in gs:
                    vals = by.get((cs["id"], arm, g), [0.0])
                    m, lo_v, hi_v = interval(vals, lo, hi)
                    means.append(m)
                    errs[0].append(m - lo_v)
                    errs[1].append(hi_v - m)
                ax.barh(
                    [i + offset for i in range(len(gs))],
                    means,
                    height=0.38,
                    color=colour,
                    xerr=errs if reps > 1 else None,
                    error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
                    label=(t["base"], t["inter"])[a],
                )
            ax.axvline(0, color="#333333", linewidth=0.6)
            ax.grid(axis="x", color="#dddddd", linewidth=0.5)
            ax.set_yticks(range(len(gs)), [party(g, lang) for g in gs])
            ax.set_ylim(len(gs) - 0.5, -0.5)
            ax.xaxis.set_major_formatter(_tick_formatter(lang))
            ax.xaxis.set_major_locator(_locator(4))
            ax.tick_params(axis="y", length=0)
            if c > 0:
                ax.tick_params(axis="y", labelleft=False)
            if p == 0:
                ax.set_title(_wrap(cs["name"][lang], 26), loc="left")
            if p == len(panels) - 1:
                ax.set_xlabel(t["margin_axis"])
            if c == 0:
                ax.set_ylabel(pname, color="#555555", style="italic")
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    return _svg(fig, "fig-margins")


def chart_waterfall(deltas: list[tuple[str, int]], lang: str, t: dict[str, str]) -> Markup:
    """Horizontal waterfall: each group's change in margin added up, then the total."""
    steps = sorted(deltas, key=lambda x: -x[1])
    fig = _figure(9.0, 1.0 + 0.34 * (len(steps) + 1))
    ax = fig.add_subplot()
    cum = 0.0
    top = max([abs(d) for _, d in steps] + [1]) / 1e5
    for i, (_g, d) in enumerate(steps):
        v = d / 1e5
        ax.barh(i, v, left=cum, height=0.6, color=POS_COLOUR if v >= 0 else NEG_COLOUR)
        end = cum + v
        ax.text(
            max(cum, end) + 0.01 * top,
            i,
            thousands(d, lang, signed=True),
            va="center",
            ha="left",
            fontsize=8,
        )
        if i < len(steps) - 1:
            ax.plot([end, end], [i + 0.3, i + 0.7], color="#777777", linewidth=0.6)
        cum = end
    n = len(steps)
    ax.barh(n, cum, height=0.6, color="#333333")
    ax.text(
        max(cum, 0) + 0.01 * top,
        n,
        thousands(cum * 1e5, lang, signed=True),
        va="center",
        ha="left",
        fontsize=8,
    )
    ax.set_yticks(range(n + 1), [party(g, lang) for g, _ in steps] + [t["total"]])
    ax.set_ylim(n + 0.5, -0.5)
    ax.axvline(0, color="#333333", linewidth=0.6)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.xaxis.set_major_formatter(_tick_formatter(lang))
    ax.set_xlabel(t["k_axis"])
    ax.tick_params(axis="y", length=0)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi + 0.12 * (hi - lo))
    return _svg(fig, "fig-waterfall")


def chart_outcomes(summary: dict[str, Any], lang: str, t: dict[str, str]) -> Markup:
    """Baseline and intervention per outcome, per 100 decedents (shares in %)."""
    o = summary["outcomes"]
    reps = int(summary["replicates"])
    fig = _figure(9.0, 3.3)
    ax = fig.add_subplot()
    for a, (arm, colour, off) in enumerate(
        (("baseline", BASE_COLOUR, -0.2), ("intervention", INTER_COLOUR, 0.2))
    ):
        vals = [o[f"{x}_per_patient_{arm}"] for x in HEADLINE_OUTCOMES]
        means = [100 * v["mean"] for v in vals]
        err = [
            [100 * (v["mean"] - v["low"]) for v in vals],
            [100 * (v["high"] - v["mean"]) for v in vals],
        ]
        xs = [i + off for i in range(len(HEADLINE_OUTCOMES))]
        ax.bar(
            xs,
            means,
            width=0.38,
            color=colour,
            yerr=err if reps > 1 else None,
            error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
            label=(t["base"], t["inter"])[a],
        )
        for x, m, e in zip(xs, means, err[1], strict=True):
            top = m + (e if reps > 1 else 0)
            ax.annotate(
                number(m, lang, 1),
                (x, top),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
            )
    ax.set_xticks(range(len(HEADLINE_OUTCOMES)), [_wrap(t[x], 18) for x in HEADLINE_OUTCOMES])
    ax.set_ylabel(t["per100_axis"])
    ax.yaxis.set_major_formatter(_tick_formatter(lang))
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    ax.tick_params(axis="x", length=0)
    ax.margins(y=0.12)
    ax.legend(loc="upper right")
    return _svg(fig, "fig-outcomes")


def chart_uncertainty(
    summary: dict[str, Any], main: list[str], lang: str, t: dict[str, str]
) -> Markup:
    """Forest plot of the differences with their intervals (points only for one replicate)."""
    sets = summary["contract_sets"]
    reps = int(summary["replicates"])
    wp = {(e["contract_set"], e["group"]): e for e in summary["wrong_pocket"]}
    fig = _figure(9.5, 1.4 + 0.42 * max(len(main), len(HEADLINE_OUTCOMES)))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.25, 1])
    ax = fig.add_subplot(grid[0, 0])
    n = len(sets)
    for s, cs in enumerate(sets):
        ys, xs, err = [], [], [[], []]
        for i, g in enumerate(main):
            e = wp.get((cs["id"], g))
            if e is None:
                continue
            m = e["delta_margin_cents"] / 1e5
            ys.append(i + (s - (n - 1) / 2) * (0.7 / max(n, 1)))
            xs.append(m)
            err[0].append(max(0.0, m - e["delta_margin_cents_low"] / 1e5))
            err[1].append(max(0.0, e["delta_margin_cents_high"] / 1e5 - m))
        ax.errorbar(
            xs,
            ys,
            xerr=err if reps > 1 else None,
            fmt="o",
            markersize=3.5,
            color=SET_COLOURS[s % len(SET_COLOURS)],
            elinewidth=1,
            capsize=2,
            label=_wrap(cs["name"][lang], 28),
        )
    ax.set_yticks(range(len(main)), [party(g, lang) for g in main])
    ax.set_ylim(len(main) - 0.5, -0.5)
    ax.axvline(0, color="#333333", linewidth=0.6)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.xaxis.set_major_formatter(_tick_formatter(lang))
    ax.xaxis.set_major_locator(_locator(5))
    ax.set_xlabel(t["k_axis"])
    ax.tick_params(axis="y", length=0)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, max(n, 1)), fontsize=7.5)
    ax2 = fig.add_subplot(grid[0, 1])
    o = summary["outcomes"]
    for i, x in enumerate(HEADLINE_OUTCOMES):
        d = o[f"{x}_per_patient_delta"]
        f = 100.0
        m = d["mean"] * f
        ax2.errorbar(
            [m],
            [i],
            xerr=[[max(0.0, m - d["low"] * f)], [max(0.0, d["high"] * f - m)]]
            if reps > 1
            else None,
            fmt="s",
            markersize=4,
            color=INTER_COLOUR,
            elinewidth=1,
            capsize=2,
        )
        ax2.annotate(
            number(m, lang, 1, signed=True),
            (m, i),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
        )
    ax2.set_yticks(range(len(HEADLINE_OUTCOMES)), [_wrap(t[x], 24) for x in HEADLINE_OUTCOMES])
    ax2.set_ylim(len(HEADLINE_OUTCOMES) - 0.5, -0.7)
    ax2.axvline(0, color="#333333", linewidth=0.6)
    ax2.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax2.xaxis.set_major_formatter(_tick_formatter(lang))
    ax2.set_xlabel(t["delta_per100_axis"])
    ax2.tick_params(axis="y", length=0)
    ax2.margins(x=0.2)
    return _svg(fig, "fig-uncertainty")


# ---------------------------------------------------------------------------- data


def _read(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist() if path.exists() else []


def _load_sets(ls: LoadedScenario, cat: Any) -> dict[str, Any]:
    """The scenario's contract sets by id (or the error text when one cannot be loaded)."""
    from passend.settlement.contracts import load_contract_set, resolve_contract_set

    out: dict[str, Any] = {}
    for c in ls.s.contract_sets:
        try:
            loaded = load_contract_set(
                resolve_contract_set(ls.resolve(c) if c.endswith(".yaml") else c), cat
            )
            out[loaded.cs.id] = loaded
        except Exception as e:  # a report still shows the results without the notes
            out[Path(c).stem] = str(e).splitlines()[0] if str(e) else type(e).__name__
    return out


class _Sources:
    """Renders sources as (title, section, placeholder) and collects the documents cited."""

    def __init__(self, cat: Any):
        self.cat = cat
        self.cited: dict[str, str] = {}
        self.placeholders = 0

    def __call__(self, sources: Sequence[Any]) -> list[dict[str, Any]]:
        out = []
        for s in sources:
            doc = getattr(s, "document", None) or s["document"]
            section = getattr(s, "section", None) or s["section"]
            title = doc if self.cat is None else document_title(self.cat.documents, doc)
            self.cited[doc] = title
            ph = doc == PLACEHOLDER
            self.placeholders += ph
            out.append({"document": doc, "title": title, "section": section, "placeholder": ph})
        return out


def _params(params: dict[str, Any], lang: str) -> str:
    """A contract's parameters as labelled values in ``lang`` (never raw JSON)."""
    return params_text(params, lang)


def _scope(scope: Any) -> str:
    parts = []
    for key, v in scope.model_dump(exclude_none=True).items():
        if v in ([], {}, None):
            continue
        if isinstance(v, list):
            parts.append(f"{key}: {', '.join(map(str, v))}")
        elif isinstance(v, dict):
            parts.append(f"{key}: " + ", ".join(f"{a}={b}" for a, b in v.items() if b is not None))
    return "; ".join(parts)


def _name(cat: Any, table: str, key: str, lang: str) -> str:
    if cat is not None:
        entry = getattr(cat, table, {}).get(key)
        if entry is not None:
            return entry.name.get(lang)
    return key


def _lower(text: str) -> str:
    """Lower-case the first letter inside a sentence, unless it starts an acronym."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _assumptions(
    ls: LoadedScenario, cat: Any, summary: dict[str, Any], lang: str, t: dict[str, str]
) -> dict[str, Any]:
    s = ls.s
    src = _Sources(cat)
    eff = s.intervention.effects
    effects = [
        t["rate"].format(
            event=ev, value=short(v, lang, 3), pct=percent(v - 1, lang, 1, signed=True)
        )
        for ev, v in eff.rate_multipliers.items()
    ]
    if eff.reach is not None:
        note = f"; {eff.reach.note}" if eff.reach.note else ""
        effects.insert(
            0,
            t["reach"].format(
                share=percent(eff.reach.share, lang, 0),
                who=t[f"who_{eff.reach.who}"],
                n=number(summary.get("reached_patients", 0), lang, 0),
                note=note,
            ),
        )
    if eff.ed_visits_total is not None:
        derived = [d["ed_visit_only"] for d in summary.get("derived_effects") or []]
        lo_d, hi_d = (min(derived), max(derived)) if derived else (1.0, 1.0)
        shown = (
            short(lo_d, lang, 3)
            if lo_d == hi_d
            else f"{short(lo_d, lang, 3)}–{short(hi_d, lang, 3)}"
        )
        v = eff.ed_visits_total
        effects.append(
            t["ed_total"].format(
                value=short(v, lang, 3), pct=percent(v - 1, lang, 1, signed=True), derived=shown
            )
        )
        if hi_d > 1:
            effects.append(t["ed_total_rise"])
    if eff.odds_home != 1:
        effects.append(t["odds_home"].format(value=number(eff.odds_home, lang, 2)))
    if eff.relative_risk_home is not None:
        effects.append(t["rr_home"].format(value=number(eff.relative_risk_home, lang, 2)))
    if eff.odds_preferred != 1:
        effects.append(t["odds_preferred"].format(value=number(eff.odds_preferred, lang, 2)))
    added = [
        t["added_item"].format(
            activity=_name(cat, "activities", a.activity, lang),
            professional=_lower(_name(cat, "professionals", a.professional, lang)),
            kind=party(a.provider_kind, lang),
            quantity=a.quantity,
            unit=t[f"unit_{a.unit}"],
            share=percent(a.share, lang, 0),
            who=t[f"who_{a.who}"],
            per=number(a.per_patient, lang, 1),
            days=a.window_days,
        )
        for a in eff.added
    ]
    team = [
        {
            "text": t["team_item"].format(
                amount=euros(round(tc.amount_eur * 100), lang, 0),
                who=tc.provider or party(tc.provider_kind or "", lang),
            ),
            "note": tc.note,
            "sources": src(tc.sources),
        }
        for tc in s.intervention.team_costs
    ]
    uncertain = []
    for key, d in s.monte_carlo.uncertain.items():
        ps = [
            f"{p} {short(getattr(d, p), lang, 4)}"
            for p in ("low", "mode", "high", "mean", "sd")
            if getattr(d, p) is not None
        ]
        uncertain.append(f"{key}: {d.dist} ({'; '.join(ps)})")
    drawn = []
    draws = summary.get("drawn_effects") or []
    for key in sorted({k_ for d in draws for k_ in d}):
        vals = [d[key] for d in draws if key in d]
        lo_v, hi_v = min(vals), max(vals)
        rng = (
            number(lo_v, lang, 3)
            if lo_v == hi_v
            else f"{number(lo_v, lang, 3)}–{number(hi_v, lang, 3)}"
        )
        drawn.append(f"{key}: {rng}")
    scenario_sources = src(s.sources)
    intervention_sources = src(s.intervention.sources)
    sets = []
    for cs_id, loaded in _load_sets(ls, cat).items():
        if isinstance(loaded, str):
            sets.append({"id": cs_id, "error": t["set_not_loaded"].format(err=loaded)})
            continue
        cs = loaded.cs
        contracts = [
            {
                "id": c.id,
                "name": c.name.get(lang) if c.name else c.id,
                "model": c.model,
                "scope": _scope(c.scope),
                "params": _params(c.params, lang),
                "addons": [f"{a.model}: {_params(a.params, lang)}" for a in c.addons],
                "note": c.note,
                "sources": src(c.sources),
            }
            for c in cs.contracts
        ]
        budgets = [
            {
                "id": b.id,
                "name": b.name.get(lang) if b.name else b.id,
                "model": b.model,
                "params": _params(b.params, lang),
                "note": b.note,
                "sources": src(b.sources),
            }
            for b in cs.budgets
        ]
        sets.append(
            {
                "id": cs.id,
                "name": cs.name.get(lang),
                "description": cs.description.get(lang) if cs.description else None,
                "sha256": loaded.sha256,
                "sources": src(cs.sources),
                "contracts": contracts,
                "budgets": budgets,
                "default": t["default"].format(model=cs.default.model)
                + (f" ({_params(cs.default.params, lang)})" if cs.default.params else ""),
            }
        )
    catalogue_line = None
    if cat is not None:
        n = sum(len(x.tariffs) for x in cat.titles.values())
        ph = sum(1 for x in cat.titles.values() for y in x.tariffs if y.placeholder)
        catalogue_line = t["catalogue_placeholders"].format(version=cat.meta.version, ph=ph, n=n)
    return {
        "scenario_sources": scenario_sources,
        "intervention_sources": intervention_sources,
        "effects": effects,
        "added": added,
        "team": team,
        "uncertain": uncertain,
        "drawn": drawn,
        "sets": sets,
        "cost_model": t["cost_model"].format(
            p=s.provider_costs or t["shipped"], c=s.cost_prices or t["shipped"]
        ),
        "placeholders": src.placeholders,
        "catalogue_line": catalogue_line,
        "documents": sorted(src.cited.items()),
    }


def _imported_line(p: dict[str, Any], lang: str, t: dict[str, str]) -> str:
    """Where an imported population came from (``run.imported_facts``), instead of a
    synthetic region's seed and scale."""
    claims = (
        t["imported_claims"].format(n=number(p["claims_lines"], lang), name=p["claims"])
        if p.get("claims")
        else t["imported_declared"]
    )
    return t["imported_line"].format(
        name=p["name"],
        patients=number(p["patients"], lang),
        activities=number(p["activities"], lang),
        claims=claims,
        year=p["year"],
        region=(p["region"] or t["imported_no_region"])
        + ("" if p.get("region_given") else t["imported_no_inhabitants"]),
    )


def _command(out_dir: Path, ls: LoadedScenario, summary: dict[str, Any], lang: str) -> str:
    parts = []
    extra = os.environ.get("PASSEND_CATALOGUE_EXTRA")
    if extra:
        parts.append(f"PASSEND_CATALOGUE_EXTRA={extra}")
    parts += ["passend", "simulate", str(ls.path), "--out", str(out_dir)]
    parts += ["--replicates", str(summary["replicates"])]
    if lang == "en":
        parts += ["--lang", "en"]
    return " ".join(parts)


# ---------------------------------------------------------------------------- the page


def parties(summary: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """The parties of ``summary`` in the reports' order: all of them, those whose margin or
    money out changes by at least a euro under some contract set, and the main ones (at most
    8 of the changed, each at least 2% of the largest change in margin)."""
    sets = summary["contract_sets"]
    wp = {(e["contract_set"], e["group"]): e for e in summary["wrong_pocket"]}
    all_groups = group_order([e["group"] for e in summary["wrong_pocket"]])
    changed = [
        g
        for g in all_groups
        if any(
            abs(wp[(c["id"], g)]["delta_margin_cents"]) >= 100
            or abs(wp[(c["id"], g)]["delta_money_out_cents"]) >= 100
            for c in sets
            if (c["id"], g) in wp
        )
    ]
    size = {
        g: max(abs(wp[(c["id"], g)]["delta_margin_cents"]) for c in sets if (c["id"], g) in wp)
        for g in changed
    }
    top = max(size.values(), default=0)
    ranked = sorted(changed, key=lambda g: -size[g])
    main = [g for g in ranked if top and size[g] >= 0.02 * top][:8]
    return all_groups, changed, [g for g in changed if g in main]


def headline_margins(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The headline's money: per main party (``parties``) its name and per contract set the
    change in margin (``value``, euros signed; ``sign``; ``interval`` with replicates)."""
    reps = int(summary["replicates"])
    wp = {(e["contract_set"], e["group"]): e for e in summary["wrong_pocket"]}

    def cell(e: dict[str, Any] | None) -> dict[str, Any] | None:
        if e is None:
            return None
        v = e["delta_margin_cents"]
        out = {"value": euros(v, lang, 0, signed=True), "sign": (v > 0) - (v < 0), "interval": None}
        if reps > 1:
            out["interval"] = (
                f"[{euros(e['delta_margin_cents_low'], lang, 0, signed=True)}; "
                f"{euros(e['delta_margin_cents_high'], lang, 0, signed=True)}]"
            )
        return out

    return [
        {
            "group": party(g, lang),
            "cells": [cell(wp.get((c["id"], g))) for c in summary["contract_sets"]],
        }
        for g in parties(summary)[2]
    ]


def build_context(
    out_dir: Path, ls: LoadedScenario, lang: str, cat: Catalogue | None = None
) -> dict[str, Any]:
    import matplotlib

    lang = "en" if lang == "en" else "nl"
    t = dict(TEXT[lang])
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    groups = _read(out_dir / "groups.parquet")
    incentives = _read(out_dir / "incentives.parquet")
    reps = int(summary["replicates"])
    lo, hi = (float(x) for x in summary.get("interval", (0.05, 0.95)))
    lo_pct, hi_pct = number(100 * lo, lang, 0), number(100 * hi, lang, 0)
    sets = summary["contract_sets"]
    set_name = {c["id"]: c["name"][lang] for c in sets}
    if cat is None:
        try:
            from passend.catalogue.loader import load_catalogue

            cat = load_catalogue(None)
        except Exception:  # the report still renders without names and document titles
            cat = None

    wp = {(e["contract_set"], e["group"]): e for e in summary["wrong_pocket"]}
    all_groups, changed, main = parties(summary)
    omitted = [g for g in all_groups if g not in changed]
    headline_money = headline_margins(summary, lang)
    o = summary["outcomes"]

    def ofmt(x: str, v: float, signed: bool = False) -> str:
        if x in SHARES:
            return number(100 * v, lang, 1, signed) + (t["pp"] if signed else "%")
        return number(100 * v, lang, 1, signed)

    headline_outcomes = []
    for x in HEADLINE_OUTCOMES:
        d = o[f"{x}_per_patient_delta"]
        headline_outcomes.append(
            {
                "label": t[x] if x in SHARES else f"{t[x]} ({t['per100']})",
                "base": ofmt(x, o[f"{x}_per_patient_baseline"]["mean"]),
                "inter": ofmt(x, o[f"{x}_per_patient_intervention"]["mean"]),
                "delta": ofmt(x, d["mean"], True),
                "interval": f"[{ofmt(x, d['low'], True)}; {ofmt(x, d['high'], True)}]"
                if reps > 1
                else None,
                "good": (d["mean"] > 0) == (x in ("deaths_home", "deaths_preferred")),
            }
        )
    first = sets[0]["id"]
    delta_cost = sum(
        e["delta_cost_cents"] for e in summary["wrong_pocket"] if e["contract_set"] == first
    )
    team_total = sum(round(tc.amount_eur * 100) for tc in ls.s.intervention.team_costs)
    sentence = (t["cost_sentence"] if team_total else t["cost_sentence_noteam"]).format(
        set=set_name[first],
        cost=euros(delta_cost, lang, 0, signed=True),
        team=euros(team_total, lang, 0),
    )

    with matplotlib.rc_context(RC):
        fig_margins = chart_margins(groups, sets, (lo, hi, reps), lang, t)
        deltas = [
            (g, wp[(first, g)]["delta_margin_cents"])
            for g in changed
            if (first, g) in wp and abs(wp[(first, g)]["delta_margin_cents"]) >= 100
        ]
        fig_waterfall = chart_waterfall(deltas, lang, t)
        total_margin = sum(
            e["delta_margin_cents"] for e in summary["wrong_pocket"] if e["contract_set"] == first
        )
        matrix = [
            [
                wp[(c["id"], g)]["delta_margin_cents"] / 1e5 if (c["id"], g) in wp else None
                for c in sets
            ]
            for g in changed
        ]
        fig_wrong = _heatmap(
            matrix,
            [party(g, lang) for g in changed],
            [c["name"][lang] for c in sets],
            lambda v: number(v, lang, 0, signed=True),
            "fig-wrong-pocket",
        )
        inc_rows, inc_matrix, inc_labels = [], [], []
        by_inc = {(r["contract_set"], r["provider_kind"], r["unit"]): r for r in incentives}
        keys = sorted(
            {(r["unit"], r["provider_kind"]) for r in incentives},
            key=lambda x: (UNITS.index(x[0]) if x[0] in UNITS else len(UNITS), x[0], x[1]),
        )
        for unit, kind in keys:
            rs = [by_inc.get((c["id"], kind, unit)) for c in sets]
            base_units = next((r["units_in_baseline"] for r in rs if r), None)
            inc_labels.append(f"{t.get(unit, unit)} · {party(kind, lang)}")
            inc_matrix.append([r["margin_cents"] / 100 if r else None for r in rs])
            inc_rows.append(
                {
                    "unit": t.get(unit, unit),
                    "kind": party(kind, lang),
                    "units": number(base_units, lang, 0) if base_units is not None else "",
                    "cells": [
                        {
                            "margin": number(r["margin_cents"] / 100, lang, 2, signed=True),
                            "revenue": number(r["revenue_cents"] / 100, lang, 2, signed=True),
                            "cost": number(r["cost_cents"] / 100, lang, 2, signed=True),
                            "sign": (r["margin_cents"] > 0) - (r["margin_cents"] < 0),
                        }
                        if r
                        else None
                        for r in rs
                    ],
                }
            )
        fig_incentives = (
            _heatmap(
                inc_matrix,
                inc_labels,
                [c["name"][lang] for c in sets],
                lambda v: number(v, lang, 0 if abs(v) >= 100 else 2, signed=True),
                "fig-incentives",
            )
            if inc_matrix
            else None
        )
        fig_outcomes = chart_outcomes(summary, lang, t)
        fig_uncertainty = chart_uncertainty(summary, main or changed[:8], lang, t)

    interval_args = {"lo": lo_pct, "hi": hi_pct, "n": reps}
    s = ls.s
    figures = [
        {
            "id": "fig-margins",
            "title": t["fig_margins"],
            "svg": fig_margins,
            "caption": t["fig_margins_cap"],
        },
        {
            "id": "fig-waterfall",
            "title": t["fig_waterfall"].format(set=set_name[first]),
            "svg": fig_waterfall,
            "caption": t["fig_waterfall_cap"].format(
                set=set_name[first],
                total=euros(total_margin, lang, 0, signed=True),
                equal=t["waterfall_equal"].format(cost=euros(delta_cost, lang, 0, signed=True))
                if abs(total_margin + delta_cost) <= 100 * len(all_groups)
                else "",
            ),
        },
        {
            "id": "fig-incentives",
            "title": t["fig_incentives"],
            "svg": fig_incentives,
            "caption": t["fig_incentives_cap"],
            "incentives": True,
        },
        {
            "id": "fig-wrong-pocket",
            "title": t["fig_wrong_pocket"],
            "svg": fig_wrong,
            "caption": t["fig_wrong_pocket_cap"].format(
                omitted=t["omitted"].format(groups=", ".join(party(g, lang) for g in omitted))
                if omitted
                else ""
            ),
        },
        {
            "id": "fig-outcomes",
            "title": t["fig_outcomes"],
            "svg": fig_outcomes,
            "caption": t["fig_outcomes_cap"].format(
                bars=t["bars_interval"].format(**interval_args) if reps > 1 else ""
            ),
        },
        {
            "id": "fig-uncertainty",
            "title": t["fig_uncertainty"],
            "svg": fig_uncertainty,
            "caption": (t["fig_uncertainty_cap"] if reps > 1 else t["fig_uncertainty_cap1"]).format(
                **interval_args
            ),
        },
    ]
    return {
        "t": t,
        "lang": lang,
        "title": s.name.get(lang),
        "description": s.description.get(lang) if s.description else None,
        "intervention": s.intervention.name.get(lang),
        "population": s.population,
        "replicates": reps,
        "population_line": (
            _imported_line(summary["population"], lang, t)
            if "population" in summary
            else f"{t['region']} {s.population.region}, {t['year']} {s.population.year}, "
            f"{t['seed']} {s.population.seed}, {t['scale']} {number(s.population.scale, lang, 2)}, "
            f"{reps} {t['replicates']}"
        ),
        "sets": [
            {"id": c["id"], "name": c["name"][lang], "baseline": i == 0} for i, c in enumerate(sets)
        ],
        "year_warning": (summary.get("warning") or {}).get(lang),  # an announced year
        "headline_money": headline_money,
        "headline_outcomes": headline_outcomes,
        "cost_sentence": sentence,
        "interval_note": t["interval_note"].format(**interval_args) if reps > 1 else None,
        "one_replicate": t["one_replicate"].format(**interval_args) if reps == 1 else None,
        "figures": figures,
        "incentive_rows": inc_rows,
        "a": _assumptions(ls, cat, summary, lang, t),
        "repro": {
            "command": _command(out_dir, ls, summary, lang),
            "scenario": str(ls.path),
            "sha256": summary.get("scenario_sha256", ls.sha256),
            "seed": summary.get("seed"),
            "replicates": reps,
            "interval": f"{lo_pct}–{hi_pct}%",
            "software": summary.get("software"),
            "catalogue": summary.get("catalogue_version"),
            "sets": [(c["id"], c.get("sha256", "")) for c in sets],
        },
    }


TEMPLATES = Path(__file__).parent / "templates"
"""The scenario report's template and the stylesheet (report.css) the reports share."""


def jinja_env(*folders: Path) -> Environment:
    """The Jinja environment of a report: its own templates first, then the shared ones."""
    return Environment(
        loader=FileSystemLoader([*folders, TEMPLATES]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(out_dir: Path, ls: LoadedScenario, lang: str, cat: Catalogue | None = None) -> str:
    env = jinja_env()
    return env.get_template("report.html.j2").render(**build_context(out_dir, ls, lang, cat))


def write_report(
    out_dir: Path, ls: LoadedScenario, lang: str, cat: Catalogue | None = None
) -> Path:
    """Write ``out_dir/report.html`` from the run's results; returns its path. ``cat`` (the
    catalogue the run used) saves loading it again; without it the default one is loaded."""
    out_dir = Path(out_dir)
    path = out_dir / "report.html"
    path.write_text(render(out_dir, ls, lang, cat), encoding="utf-8", newline="\n")
    return path
