"""``passend catalogue check|list|show``: the catalogue's laws, financers, payment titles,
tariffs and bottlenecks per year."""

from __future__ import annotations

from typing import Annotated

import typer

from passend.catalogue import browse
from passend.catalogue.loader import UnknownIdError
from passend.cli import common
from passend.cli.common import ExtraOpt, JsonOpt, LangOpt, _lang, _print_json, fail, out
from passend.cli.tables import Column, Table, show
from passend.i18n import CLI_LABELS, LABELS, euros

app = typer.Typer(
    help="De catalogus: wetten, financiers, betaaltitels, tarieven en knelpunten per jaar.",
    no_args_is_help=True,
)


@app.command("check")
def catalogue_check(extra: ExtraOpt = None, lang: LangOpt = "nl") -> None:
    """Laad en controleer elk catalogusbestand (schema en verwijzingen)."""
    lang = _lang(lang)
    cat = common._load(extra)
    placeholders = sum(1 for t in cat.titles.values() for x in t.tariffs if x.placeholder)
    tariffs = sum(len(t.tariffs) for t in cat.titles.values())
    out.print(
        CLI_LABELS[lang]["catalogue_ok"].format(
            version=cat.meta.version,
            files=len(cat.files),
            titles=len(cat.titles),
            tariffs=tariffs,
            placeholders=placeholders,
            bottlenecks=len(cat.bottlenecks),
            routes=len(cat.routes),
        )
    )


@app.command("list")
def catalogue_list(
    json_: JsonOpt = False,
    year: Annotated[int | None, typer.Option(help="Only titles valid in this year.")] = None,
    law: Annotated[str | None, typer.Option(help="Only titles under this law id.")] = None,
    status: Annotated[str | None, typer.Option(help="claimable, experimental or proposed.")] = None,
    extra: ExtraOpt = None,
    lang: LangOpt = "nl",
) -> None:
    """Elke betaaltitel met code, naam, wet en status."""
    lang = _lang(lang)
    cat = common._load(extra)
    try:
        titles = browse.titles(cat, year, law, status)
    except UnknownIdError as e:
        fail(e)
    if json_:
        _print_json([browse.title_row(t) for t in titles])
        return
    L = {**LABELS[lang], **CLI_LABELS[lang]}
    cols = (L["code"], L["name"], L["law"], L["status"], L["sector"])
    table = Table(L["options"], [Column(c) for c in cols])
    for t in titles:
        table.add(
            t.code,
            t.name,
            cat.laws[t.law].name.get(lang),
            L[t.status],
            cat.sectors[t.sector].name.get(lang),
        )
    show(table)


@app.command("show")
def catalogue_show(
    code: Annotated[str, typer.Argument(help="Title code, e.g. 12011 or MSZ-DBC-PZ.")],
    json_: JsonOpt = False,
    extra: ExtraOpt = None,
    lang: LangOpt = "nl",
) -> None:
    """Alles over één betaaltitel: regels, tarieven per jaar en bronnen."""
    lang = _lang(lang)
    cat = common._load(extra)
    try:
        t = browse.title(cat, code)
    except UnknownIdError as e:
        fail(e)
    if json_:
        _print_json(t.model_dump(mode="json"))
        return
    L = {**LABELS[lang], **CLI_LABELS[lang]}
    grid = Table("", [Column(""), Column("")], header=False)
    grid.add(L["code"], f"{t.code}" + ("" if t.official_code else f" ({L['passend_id']})"))
    grid.add(L["name"], t.name)
    grid.add("", t.description.get(lang))
    grid.add(L["law"], cat.laws[t.law].name.get(lang))
    grid.add(L["financer"], cat.financer_kinds[t.financer_kind].name.get(lang))
    grid.add(
        L["sector"], cat.sectors[t.sector].name.get(lang) + (f" / {t.segment}" if t.segment else "")
    )
    grid.add(L["status"], L[t.status])
    grid.add(L["contract"], L["yes"] if t.contract_required else L["no"])
    grid.add(
        L["valid"],
        f"{t.valid_from.isoformat()} – {t.valid_to.isoformat() if t.valid_to else ''}",
    )
    for tariff in t.tariffs:
        amount = euros(tariff.cents, lang) if tariff.cents is not None else L["no_tariff"]
        flag = f" ({L['placeholder']})" if tariff.placeholder else ""
        grid.add(f"{L['tariff']} {tariff.year}", amount + flag)
    for c in t.conditions:
        grid.add(L["conditions"], c.get(lang))
    for s in t.sources:
        grid.add(L["sources"], f"{s.document} — {s.section}")
    show(grid)
