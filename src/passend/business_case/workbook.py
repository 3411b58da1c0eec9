"""The business case as an Excel workbook (``business_case.xlsx``), built from its JSON.

Six sheets: the inputs with their sources (placeholders marked), the capacity (roles and the
phone line's blocks), the cost per role and year (FTE and euros), the revenue per route and
year (and the funding gap per activity), the savings per financer and year (beside the
societal cost avoided, a different question) and the summary (per year cost, revenue, gap,
savings, societal; NPV, payback, break-even). Amounts are numbers in euros (cents / 100) with
a euro number format, so the sheet can calculate with them; Excel's or LibreOffice's locale
chooses the separators. Dutch labels by default, English with ``lang="en"``.

openpyxl stamps the time of saving into ``docProps/core.xml`` and into every zip entry; this
module has ``passend.export.save_workbook`` (the one Excel writer of the runs) write both from
1 January of the first year instead, so the same JSON gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from passend.business_case import years as years_text
from passend.business_case.names import Names, default_catalogue
from passend.export import save_workbook
from passend.i18n import BUSINESS_CASE_LABELS, LABELS, WORDS, work_value

EUR = '"€" #,##0;[Red]-"€" #,##0'
FTE = "0.00"
HOURS = "#,##0"
SHARE = "0.0%"
COUNT = "#,##0"
HEADER_FILL = "F1F3F5"
PLACEHOLDER_FILL = "FFF3BF"
NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "inputs": "Invoer",
        "capacity": "Capaciteit",
        "cost": WORDS["nl"]["cost"],
        "revenue": WORDS["nl"]["revenue"],
        "savings": BUSINESS_CASE_LABELS["nl"]["savings_section"],
        "summary": "Samenvatting",
        "section": BUSINESS_CASE_LABELS["nl"]["section"],
        "name": BUSINESS_CASE_LABELS["nl"]["name"],
        "value": BUSINESS_CASE_LABELS["nl"]["value"],
        "unit": BUSINESS_CASE_LABELS["nl"]["unit"],
        "placeholder": "Placeholder",
        "source": BUSINESS_CASE_LABELS["nl"]["source"],
        "yes": "ja",
        "no": "nee",
        "role": BUSINESS_CASE_LABELS["nl"]["role"],
        "id": "Code",
        "rostered_hours": "Geroosterde uren per jaar",
        "workload_hours": "Werklast (uren per jaar)",
        "productive_hours_per_fte": BUSINESS_CASE_LABELS["nl"]["productive_hours_per_fte"],
        "fte_needed": "Benodigd (fte)",
        "planned_fte": BUSINESS_CASE_LABELS["nl"]["planned_fte"],
        "shortfall_fte": BUSINESS_CASE_LABELS["nl"]["shortfall_fte"],
        "total": BUSINESS_CASE_LABELS["nl"]["total"],
        "phone": BUSINESS_CASE_LABELS["nl"]["phone"],
        "calls_per_year": "Oproepen per jaar",
        "handling_minutes": "Gespreksduur (minuten)",
        "answer_within_seconds": "Opnemen binnen (seconden)",
        "target": "Doel (aandeel binnen die tijd)",
        "block": BUSINESS_CASE_LABELS["nl"]["block"],
        "hours_per_week": "Uren per week",
        "calls_per_hour": "Oproepen per uur",
        "agents": "Bezetting (personen)",
        "service_level": BUSINESS_CASE_LABELS["nl"]["service_level"],
        "wait_probability": "Kans op wachten",
        "occupancy": BUSINESS_CASE_LABELS["nl"]["occupancy"],
        "agent_hours_per_year": "Personeelsuren per jaar",
        "fte": BUSINESS_CASE_LABELS["nl"]["fte"],
        "euros": "kosten (€)",
        "route": BUSINESS_CASE_LABELS["nl"]["route"],
        "title_code": "Prestatiecode",
        "financer_kind": "Soort financier",
        "financer": LABELS["nl"]["financer"],
        "gap_by_activity": "Financieringstekort per activiteit (kosten min opbrengsten)",
        "activity": LABELS["nl"]["activity"],
        "payers_savings": "Besparingen van de financiers (wat zij minder betalen)",
        "societal": "Maatschappelijke kosten vermeden (Kostenhandleiding-referentieprijzen; een andere vraag dan wat de financiers minder betalen)",
        "net": BUSINESS_CASE_LABELS["nl"]["net"],
        "group": WORDS["nl"]["party"],
        "patients": BUSINESS_CASE_LABELS["nl"]["by_insurer"],
        "share": BUSINESS_CASE_LABELS["nl"]["share"],
        "patients_n": BUSINESS_CASE_LABELS["nl"]["patients"],
        "year": LABELS["nl"]["year"],
        "cost_col": WORDS["nl"]["cost"],
        "revenue_col": WORDS["nl"]["revenue"],
        "gap": "Financieringstekort",
        "savings_col": BUSINESS_CASE_LABELS["nl"]["savings"],
        "societal_col": BUSINESS_CASE_LABELS["nl"]["societal"],
        "rules": "Regels",
        "key_figures": "Kerncijfers",
        "business_case": BUSINESS_CASE_LABELS["nl"]["business_case"],
        "region": BUSINESS_CASE_LABELS["nl"]["region"],
        "host": BUSINESS_CASE_LABELS["nl"]["host"],
        "period": BUSINESS_CASE_LABELS["nl"]["period"],
        "discount_rate": "Disconteringsvoet",
        "replicates": "Replicaties",
        "catalogue_version": BUSINESS_CASE_LABELS["nl"]["catalogue"],
        "npv": "Netto contante waarde (besparingen plus prestaties min kosten)",
        "npv_low": "Netto contante waarde, ondergrens",
        "npv_high": "Netto contante waarde, bovengrens",
        "payback": "Terugverdientijd (jaren)",
        "payback_none": "niet binnen de periode",
        "break_even_patients": BUSINESS_CASE_LABELS["nl"]["break_even_patients"],
        "break_even_price_patient": BUSINESS_CASE_LABELS["nl"]["break_even_price_patient"],
        "break_even_price_inhabitant": BUSINESS_CASE_LABELS["nl"]["break_even_price_inhabitant"],
        "patients_reached": BUSINESS_CASE_LABELS["nl"]["patients_reached"],
        "none": LABELS["nl"]["none"],
    },
    "en": {
        "inputs": "Inputs",
        "capacity": "Capacity",
        "cost": WORDS["en"]["cost"],
        "revenue": WORDS["en"]["revenue"],
        "savings": BUSINESS_CASE_LABELS["en"]["savings_section"],
        "summary": "Summary",
        "section": BUSINESS_CASE_LABELS["en"]["section"],
        "name": BUSINESS_CASE_LABELS["en"]["name"],
        "value": BUSINESS_CASE_LABELS["en"]["value"],
        "unit": BUSINESS_CASE_LABELS["en"]["unit"],
        "placeholder": "Placeholder",
        "source": BUSINESS_CASE_LABELS["en"]["source"],
        "yes": "yes",
        "no": "no",
        "role": BUSINESS_CASE_LABELS["en"]["role"],
        "id": "Id",
        "rostered_hours": "Rostered hours per year",
        "workload_hours": "Workload (hours per year)",
        "productive_hours_per_fte": BUSINESS_CASE_LABELS["en"]["productive_hours_per_fte"],
        "fte_needed": "Needed (FTE)",
        "planned_fte": BUSINESS_CASE_LABELS["en"]["planned_fte"],
        "shortfall_fte": BUSINESS_CASE_LABELS["en"]["shortfall_fte"],
        "total": BUSINESS_CASE_LABELS["en"]["total"],
        "phone": BUSINESS_CASE_LABELS["en"]["phone"],
        "calls_per_year": "Calls per year",
        "handling_minutes": "Handling time (minutes)",
        "answer_within_seconds": "Answer within (seconds)",
        "target": "Target (share answered in time)",
        "block": BUSINESS_CASE_LABELS["en"]["block"],
        "hours_per_week": "Hours per week",
        "calls_per_hour": "Calls per hour",
        "agents": "Staffing (people)",
        "service_level": BUSINESS_CASE_LABELS["en"]["service_level"],
        "wait_probability": "Probability of waiting",
        "occupancy": BUSINESS_CASE_LABELS["en"]["occupancy"],
        "agent_hours_per_year": "Staff hours per year",
        "fte": BUSINESS_CASE_LABELS["en"]["fte"],
        "euros": "cost (EUR)",
        "route": BUSINESS_CASE_LABELS["en"]["route"],
        "title_code": "Title code",
        "financer_kind": "Financer kind",
        "financer": LABELS["en"]["financer"],
        "gap_by_activity": "Funding gap per activity (cost minus revenue)",
        "activity": LABELS["en"]["activity"],
        "payers_savings": "Savings of the financers (what they stop paying)",
        "societal": "Societal cost avoided (Kostenhandleiding reference prices; a different question than what the financers stop paying)",
        "net": BUSINESS_CASE_LABELS["en"]["net"],
        "group": WORDS["en"]["party"],
        "patients": BUSINESS_CASE_LABELS["en"]["by_insurer"],
        "share": BUSINESS_CASE_LABELS["en"]["share"],
        "patients_n": BUSINESS_CASE_LABELS["en"]["patients"],
        "year": LABELS["en"]["year"],
        "cost_col": WORDS["en"]["cost"],
        "revenue_col": WORDS["en"]["revenue"],
        "gap": "Funding gap",
        "savings_col": BUSINESS_CASE_LABELS["en"]["savings"],
        "societal_col": BUSINESS_CASE_LABELS["en"]["societal"],
        "rules": "Rules",
        "key_figures": "Key figures",
        "business_case": BUSINESS_CASE_LABELS["en"]["business_case"],
        "region": BUSINESS_CASE_LABELS["en"]["region"],
        "host": BUSINESS_CASE_LABELS["en"]["host"],
        "period": BUSINESS_CASE_LABELS["en"]["period"],
        "discount_rate": "Discount rate",
        "replicates": "Replicates",
        "catalogue_version": BUSINESS_CASE_LABELS["en"]["catalogue"],
        "npv": "Net present value (savings plus titles minus cost)",
        "npv_low": "Net present value, low",
        "npv_high": "Net present value, high",
        "payback": "Payback (years)",
        "payback_none": "not within the period",
        "break_even_patients": BUSINESS_CASE_LABELS["en"]["break_even_patients"],
        "break_even_price_patient": BUSINESS_CASE_LABELS["en"]["break_even_price_patient"],
        "break_even_price_inhabitant": BUSINESS_CASE_LABELS["en"]["break_even_price_inhabitant"],
        "patients_reached": BUSINESS_CASE_LABELS["en"]["patients_reached"],
        "none": LABELS["en"]["none"],
    },
}
SHEETS = ("inputs", "capacity", "cost", "revenue", "savings", "summary")


def cell_euros(cents: int | None) -> float | None:
    """Integer cents as a number of euros for a cell (exact to the cent)."""
    return None if cents is None else cents / 100


def input_value(v: Any) -> Any:
    """An input's value: numbers (also numbers written as text, such as "0.04") as numbers."""
    if isinstance(v, str) and NUMBER.match(v):
        return float(v) if "." in v else int(v)
    return v


class _Sheet:
    """Writes rows to one worksheet and remembers the widest text per column."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.row = 0
        self.widths: dict[int, int] = {}

    def put(
        self,
        values: Sequence[Any],
        formats: Sequence[str | None] = (),
        header: bool = False,
        fill: str | None = None,
    ) -> int:
        from openpyxl.styles import Font, PatternFill

        self.row += 1
        for c, v in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=c, value=v)
            fmt = formats[c - 1] if c - 1 < len(formats) else None
            if fmt and isinstance(v, (int, float)):
                cell.number_format = fmt
            if header:
                cell.font = Font(bold=True)
            colour = HEADER_FILL if header else fill
            if colour:
                cell.fill = PatternFill("solid", fgColor=colour)
            width = len(str(v)) if isinstance(v, str) else 14
            self.widths[c] = max(self.widths.get(c, 8), min(width + 2, 60))
        return self.row

    def title(self, text: str) -> None:
        from openpyxl.styles import Font

        self.row += 2 if self.row else 1
        self.ws.cell(row=self.row, column=1, value=text).font = Font(bold=True, size=12)

    def finish(self, freeze: str | None = "A2") -> None:
        from openpyxl.utils import get_column_letter

        for c, w in sorted(self.widths.items()):
            self.ws.column_dimensions[get_column_letter(c)].width = w
        if freeze:
            self.ws.freeze_panes = freeze


def _years(bc: dict[str, Any]) -> list[int]:
    return [y["year"] for y in bc["years"]]


def _pivot(
    bc: dict[str, Any], field: str, key: Any
) -> tuple[list[tuple[Any, ...]], dict[tuple[Any, ...], dict[int, int]]]:
    """Rows of ``years[*][field]`` grouped by ``key(row)``, in order of first appearance, with
    their cents per year."""
    order: list[tuple[Any, ...]] = []
    cents: dict[tuple[Any, ...], dict[int, int]] = {}
    for y in bc["years"]:
        for r in y[field]:
            k = key(r)
            if k not in cents:
                order.append(k)
                cents[k] = {}
            cents[k][y["year"]] = cents[k].get(y["year"], 0) + r["cents"]
    return order, cents


def _money_rows(
    sh: _Sheet,
    years: list[int],
    order: Iterable[tuple[Any, ...]],
    cents: dict[tuple[Any, ...], dict[int, int]],
    labels: Any,
    t: dict[str, str],
    n_label: int,
) -> None:
    """One row per key (its labels, then euros per year and the total), then a total row."""
    fmts = [None] * n_label + [EUR] * (len(years) + 1)
    totals = dict.fromkeys(years, 0)
    for k in order:
        per = cents[k]
        for y in years:
            totals[y] += per.get(y, 0)
        sh.put(
            [
                *labels(k),
                *(cell_euros(per.get(y, 0)) for y in years),
                cell_euros(sum(per.values())),
            ],
            fmts,
        )
    sh.put(
        [
            t["total"],
            *([None] * (n_label - 1)),
            *(cell_euros(totals[y]) for y in years),
            cell_euros(sum(totals.values())),
        ],
        fmts,
        header=True,
    )


def _inputs(ws: Any, bc: dict[str, Any], t: dict[str, str], lang: str) -> None:
    sh = _Sheet(ws)
    sh.put(
        [t["section"], t["name"], t["value"], t["unit"], t["placeholder"], t["source"]],
        header=True,
    )
    for i in bc["inputs"]:
        ph = bool(i.get("placeholder"))
        sh.put(
            [
                i["section"],
                i["name"],
                work_value(i, lang) if "per" in i else input_value(i["value"]),
                i.get("unit") or "",
                t["yes"] if ph else t["no"],
                i.get("source") or "",
            ],
            fill=PLACEHOLDER_FILL if ph else None,
        )
    sh.finish()


def _capacity(ws: Any, bc: dict[str, Any], t: dict[str, str], names: Names) -> None:
    cap = bc["capacity"]
    sh = _Sheet(ws)
    cols = (
        "rostered_hours",
        "workload_hours",
        "productive_hours_per_fte",
        "fte_needed",
        "planned_fte",
        "shortfall_fte",
    )
    fmts = [None, None, HOURS, HOURS, HOURS, FTE, FTE, FTE]
    sh.put([t["role"], t["id"], *(t[c] for c in cols)], header=True)
    for r in cap["roles"]:
        sh.put([names.role(r["role"]), r["role"], *(r[c] for c in cols)], fmts)
    sh.put(
        [
            t["total"],
            None,
            None,
            None,
            None,
            cap["fte_needed"],
            cap["fte_planned"],
            cap["shortfall_fte"],
        ],
        fmts,
        header=True,
    )
    phone = cap.get("phone")
    if phone:
        sh.title(t["phone"])
        for key, fmt in (
            ("calls_per_year", COUNT),
            ("handling_minutes", COUNT),
            ("answer_within_seconds", COUNT),
            ("target", SHARE),
        ):
            sh.put([t[key], None, phone[key]], [None, None, fmt])
        bcols = (
            "hours_per_week",
            "calls_per_hour",
            "agents",
            "service_level",
            "wait_probability",
            "occupancy",
            "agent_hours_per_year",
        )
        bfmts = [None, None, HOURS, "0.00", COUNT, SHARE, SHARE, SHARE, HOURS]
        sh.put([t["block"], t["id"], *(t[c] for c in bcols)], header=True)
        for b in phone["blocks"]:
            sh.put([b["name"], b["name"], *(b[c] for c in bcols)], bfmts)
    sh.finish()


def _cost(ws: Any, bc: dict[str, Any], t: dict[str, str], names: Names) -> None:
    from openpyxl.utils import get_column_letter

    years = _years(bc)
    sh = _Sheet(ws)
    sh.put([t["role"], t["id"], *(y for y in years for _ in (0, 1))], header=True)
    for i in range(len(years)):
        col = 3 + 2 * i
        ws.merge_cells(f"{get_column_letter(col)}1:{get_column_letter(col + 1)}1")
    sh.put([None, None, *(x for _ in years for x in (t["fte"], t["euros"]))], header=True)
    roles: list[str] = []
    by: dict[tuple[str, int], dict[str, Any]] = {}
    for y in bc["years"]:
        for r in y["cost"]:
            if r["role"] not in roles:
                roles.append(r["role"])
            by[(r["role"], y["year"])] = r
    fmts = [None, None, *([FTE, EUR] * len(years))]
    for role in roles:
        cells: list[Any] = []
        for y in years:
            r = by.get((role, y))
            cells += [r["fte"] if r else 0.0, cell_euros(r["cents"]) if r else 0.0]
        sh.put([names.role(role), role, *cells], fmts)
    total: list[Any] = []
    for y in bc["years"]:
        total += [sum(r["fte"] for r in y["cost"]), cell_euros(y["cost_cents"])]
    sh.put([t["total"], None, *total], fmts, header=True)
    sh.finish("C3")


def _revenue(ws: Any, bc: dict[str, Any], t: dict[str, str], names: Names) -> None:
    years = _years(bc)
    sh = _Sheet(ws)
    sh.put(
        [
            t["route"],
            t["id"],
            t["title_code"],
            t["financer_kind"],
            t["financer"],
            *years,
            t["total"],
        ],
        header=True,
    )
    order, cents = _pivot(
        bc,
        "revenue",
        lambda r: (r["route"], r.get("title_code"), r["financer_kind"], r["financer_id"]),
    )
    _money_rows(
        sh,
        years,
        order,
        cents,
        lambda k: (
            names.route(k[0], k[1]),
            k[0],
            k[1] or "",
            names.group(k[2]),
            names.financer(k[3]),
        ),
        t,
        5,
    )
    sh.title(t["gap_by_activity"])
    sh.put([t["activity"], t["id"], *[None] * 3, *years, t["total"]], header=True)
    order, cents = _pivot(bc, "gap_by_activity", lambda r: (r["activity"],))
    _money_rows(
        sh,
        years,
        order,
        cents,
        lambda k: (names.activity(k[0]), k[0], None, None, None),
        t,
        5,
    )
    sh.finish("F2")


def _savings(ws: Any, bc: dict[str, Any], t: dict[str, str], names: Names) -> None:
    years = _years(bc)
    sh = _Sheet(ws)
    sh.put([t["payers_savings"]], header=True)
    sh.put([t["financer"], t["id"], t["financer_kind"], *years, t["total"]], header=True)
    order, cents = _pivot(bc, "savings", lambda r: (r["financer_id"], r["financer_kind"]))
    _money_rows(
        sh,
        years,
        order,
        cents,
        lambda k: (names.financer(k[0]), k[0], names.group(k[1])),
        t,
        3,
    )
    sh.title(t["societal"])
    societal = {y["year"]: y["societal_cents"] for y in bc["years"]}
    sh.put([t["societal_col"], None, None, *years, t["total"]], header=True)
    sh.put(
        [
            t["societal_col"],
            None,
            None,
            *(cell_euros(societal[y]) for y in years),
            cell_euros(sum(societal.values())),
        ],
        [None, None, None, *[EUR] * (len(years) + 1)],
    )
    sh.title(t["net"])
    sh.put([t["group"], t["id"], None, *years, t["total"]], header=True)
    order, cents = _pivot(bc, "net", lambda r: (r["group"],))
    _money_rows(sh, years, order, cents, lambda k: (names.group(k[0]), k[0], None), t, 3)
    patients = bc.get("patients") or {}
    if patients.get("by_insurer"):
        sh.title(t["patients"])
        sh.put([t["financer"], t["id"], None, t["share"], t["patients_n"]], header=True)
        for p in patients["by_insurer"]:
            sh.put(
                [
                    names.financer(p["financer_id"]),
                    p["financer_id"],
                    None,
                    p["share"],
                    p["patients"],
                ],
                [None, None, None, SHARE, COUNT],
            )
    sh.finish("D3")


def _summary(ws: Any, bc: dict[str, Any], t: dict[str, str], lang: str) -> None:
    sh = _Sheet(ws)
    sh.put(
        [
            t["year"],
            t["cost_col"],
            t["revenue_col"],
            t["gap"],
            t["savings_col"],
            t["societal_col"],
            t["rules"],
        ],
        header=True,
    )
    fmts = [None, EUR, EUR, EUR, EUR, EUR]
    keys = ("cost_cents", "revenue_cents", "gap_cents", "savings_cents", "societal_cents")
    for y in bc["years"]:
        sh.put(
            [
                y["year"],
                *(cell_euros(y[k]) for k in keys),
                years_text.cell(y, lang),
            ],
            fmts,
        )
    sh.put(
        [t["total"], *(cell_euros(sum(y[k] for y in bc["years"])) for k in keys)], fmts, header=True
    )
    for note in years_text.notes(bc, lang):  # what the years without reviewed rules use
        sh.put([None, None, None, None, None, None, note])
    sh.title(t["key_figures"])
    be = bc.get("break_even") or {}
    iv = (bc.get("intervals") or {}).get("npv_cents")
    host = bc["host"]
    rows: list[tuple[str, Any, str | None]] = [
        (t["business_case"], f"{bc['name'][lang]} ({bc['business_case']})", None),
        (t["region"], bc["region"], None),
        (
            t["host"],
            " ".join(x for x in (host.get("provider_id"), f"({host['provider_kind']})") if x),
            None,
        ),
        (t["period"], f"{bc['first_year']}–{bc['last_year']}", None),
        (t["discount_rate"], input_value(bc["discount_rate"]), SHARE),
        (t["replicates"], bc["replicates"], COUNT),
        (t["catalogue_version"], bc["catalogue_version"], None),
        (t["npv"], cell_euros(bc["npv_cents"]), EUR),
    ]
    if iv:
        rows += [(t["npv_low"], cell_euros(iv[0]), EUR), (t["npv_high"], cell_euros(iv[1]), EUR)]
    payback = bc.get("payback_years")
    rows += [
        (t["payback"], payback if payback is not None else t["payback_none"], "0.0"),
        (t["patients_reached"], (bc.get("patients") or {}).get("reached"), COUNT),
        (t["break_even_patients"], _or(be.get("patients_reached"), t), COUNT),
        (t["break_even_price_patient"], _or(be.get("price_per_patient_cents"), t, cents=True), EUR),
        (
            t["break_even_price_inhabitant"],
            _or(be.get("price_per_inhabitant_cents"), t, cents=True),
            '"€" #,##0.00',
        ),
        (t["fte_needed"], bc["capacity"]["fte_needed"], FTE),
        (t["planned_fte"], bc["capacity"]["fte_planned"], FTE),
        (t["shortfall_fte"], bc["capacity"]["shortfall_fte"], FTE),
    ]
    for name, value, fmt in rows:
        sh.put([name, value], [None, fmt])
    sh.widths[1] = max(sh.widths[1], 24)
    sh.finish()


def _or(v: Any, t: dict[str, str], cents: bool = False) -> Any:
    if v is None:
        return t["none"]
    return cell_euros(v) if cents else v


def build_workbook(bc: dict[str, Any], lang: str = "nl", cat: Any = None) -> Any:
    """The openpyxl Workbook of the business case (not yet saved)."""
    from openpyxl import Workbook

    lang = "en" if lang == "en" else "nl"
    t = TEXT[lang]
    names = Names(cat if cat is not None else default_catalogue(), lang)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {key: wb.create_sheet(t[key]) for key in SHEETS}
    _inputs(sheets["inputs"], bc, t, lang)
    _capacity(sheets["capacity"], bc, t, names)
    _cost(sheets["cost"], bc, t, names)
    _revenue(sheets["revenue"], bc, t, names)
    _savings(sheets["savings"], bc, t, names)
    _summary(sheets["summary"], bc, t, lang)
    wb.active = len(SHEETS) - 1
    when = dt.datetime(int(bc["first_year"]), 1, 1)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "passend"
    wb.properties.title = bc["name"][lang]
    return wb


def write_workbook(bc: dict[str, Any], path: Path, lang: str = "nl", cat: Any = None) -> None:
    """Write the business case ``bc`` (its JSON as a dict) to the workbook ``path``. ``cat``
    (the catalogue the run used) gives the names of roles, routes and activities; without it
    the shipped one is loaded."""
    wb = build_workbook(bc, lang, cat)
    Path(path).write_bytes(save_workbook(wb, wb.properties.created))
