"""Human output of a wegwijzer answer with Rich: Dutch by default, English with ``lang="en"``."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from passend.catalogue.loader import Catalogue
from passend.i18n import LABELS, UNITS, euros


def _tariff(opt: dict[str, Any], lang: str) -> str:
    L = LABELS[lang]
    unit = UNITS[lang][opt["unit"]]
    if opt["tariff_cents"] is None:
        return L["free"] if opt["tariff_kind"] == "free" else L["no_tariff"]
    text = f"{euros(opt['tariff_cents'], lang)} {L['per']} {unit}"
    if opt["tariff_placeholder"]:
        text += f" ({L['placeholder']})"
    elif opt["tariff_origin"] == "override":
        text += f" ({L['override']})"
    return text


def _sources(sources: list[dict[str, str]]) -> str:
    return "; ".join(f"{s['document']} — {s['section']}" for s in sources)


def render_answer(answer: dict[str, Any], cat: Catalogue, console: Console) -> None:
    lang = answer["query"]["lang"]
    L = LABELS[lang]
    q = answer["query"]

    def name(kind: str, ident: str | None) -> str:
        if ident is None:
            return L["any"]
        return getattr(cat, kind)[ident].name.get(lang)

    head = Table.grid(padding=(0, 2))
    head.add_row(L["activity"], name("activities", q["activity"]))
    head.add_row(L["professional"], name("professionals", q["professional"]))
    if q["specialty"]:
        head.add_row(L["specialty"], name("specialties", q["specialty"]))
    head.add_row(L["setting"], name("settings", q["setting"]))
    head.add_row(L["year"], str(q["year"]))
    verdict = Text(
        L["yes"] if answer["eligible"] else L["no"],
        style="bold green" if answer["eligible"] else "bold red",
    )
    head.add_row(L["eligible"], verdict)
    if answer["reason"]:
        head.add_row(L["reason"], answer["reason"])
    console.print(Panel(head, title=f"passend wegwijzer — {L['question']}", expand=False))

    if answer["options"]:
        console.print(Text(L["options"], style="bold"))
    for opt in answer["options"]:
        grid = Table.grid(padding=(0, 2))
        grid.add_row(L["law"], name("laws", opt["law"]))
        grid.add_row(L["financer"], name("financer_kinds", opt["financer_kind"]))
        sector = name("sectors", opt["sector"])
        if opt["segment"]:
            seg = {s.id: s.name.get(lang) for s in cat.sectors[opt["sector"]].segments}
            sector += f", {seg[opt['segment']]}"
        grid.add_row(L["sector"], sector)
        status = L[opt["status"]] + (f"; {L['included']}" if opt["included"] else "")
        grid.add_row(L["status"], status)
        grid.add_row(L["contract"], L["yes"] if opt["contract_required"] else L["no"])
        grid.add_row(L["tariff"], _tariff(opt, lang))
        if opt["conditions"]:
            grid.add_row(L["conditions"], "\n".join(f"• {c}" for c in opt["conditions"]))
        if opt["caveats"]:
            grid.add_row(
                L["caveats"], "\n".join(f"⚠ {c['title']}: {c['text']}" for c in opt["caveats"])
            )
        grid.add_row(L["sources"], Text(_sources(opt["sources"]), style="dim"))
        style = {"claimable": "green", "experimental": "yellow", "proposed": "bright_black"}
        console.print(
            Panel(
                Group(Text(opt["description"], style="italic"), grid),
                title=f"{opt['title_code']} · {opt['title_name']}",
                border_style=style[opt["status"]],
            )
        )
    if answer["caveats"]:
        console.print(Text(L["caveats"], style="bold"))
        for c in answer["caveats"]:
            console.print(f"⚠ {c['title']}: {c['text']}")
            console.print(Text(f"  {_sources(c['sources'])}", style="dim"))
    if answer["routes"]:
        console.print(Text(L["routes"], style="bold"))
        for r in answer["routes"]:
            status = "" if r["status"] == "claimable" else f" [{L[r['status']]}]"
            console.print(f"→ {r['name']}{status}: {r['text']}")
            console.print(Text(f"  {_sources(r['sources'])}", style="dim"))
    if not answer["options"] and not answer["routes"]:
        console.print(f"{L['options']}: {L['none']}")
