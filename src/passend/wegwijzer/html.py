"""A wegwijzer answer as HTML: the view the templates show (the answer of :func:`ask` with the
catalogue's names in the page's language, tariffs in euros, sources with their document's title
and address), the form's choices, and the offline page of ``make demo``. The web app's
wegwijzer page renders the same ``_answer.html.j2`` from the same view.

Every key of the answer is shown, or left out on purpose (``LEFT_OUT``): a test compares
these lists with the answer, so a new key of the navigator needs a decision here."""

from __future__ import annotations

from typing import Any

from passend.catalogue.loader import Catalogue
from passend.i18n import PAGE_LABELS, UNITS, euros
from passend.templating import inline_css, render

LEFT_OUT = {
    # the page's footer names the catalogue's version (the same value)
    "answer": {"catalogue_version", "year_status"},  # the warning says an announced year
    "option": set(),
    "caveat": set(),
    "route": set(),
    "source": set(),  # the document id is read to show the document's title, never shown
}


def name(cat: Catalogue, table: str, ident: str | None, lang: str) -> str | None:
    """The name of ``ident`` in the catalogue's ``table`` (``activities``, ``laws``, …)."""
    return None if ident is None else getattr(cat, table)[ident].name.get(lang)


def with_titles(cat: Catalogue, text: str | None) -> str | None:
    """``text`` with each document id (a seed's file name) replaced by the document's title:
    the navigator's reasons cite sources by id."""
    if text is None:
        return None
    for d in cat.documents.values():
        text = text.replace(d.id, d.title)
    return text


def sources(cat: Catalogue, items: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Sources (``document``, ``section``, ``title`` as the navigator gives them) as shown:
    the document's title, the section and the document's address."""
    return [
        {
            "title": s["title"],
            "section": s["section"],
            "url": cat.documents[s["document"]].url,
            "placeholder": False,
        }
        for s in items
    ]


def tariff_text(cents: int | None, kind: str, unit: str, lang: str) -> str:
    L = PAGE_LABELS[lang]
    if cents is None:
        return L["free"] if kind == "free" else L["no_tariff"]
    return f"{euros(cents, lang)} {L['per']} {UNITS[lang][unit]}"


def time_band(cat: Catalogue, code: str, lang: str) -> str | None:
    band = cat.titles[code].time_band if code in cat.titles else None
    if band is None:
        return None
    L = PAGE_LABELS[lang]
    if band.max_minutes is None:
        return f"{band.min_minutes} {L['minutes']} {L['or_more']}"
    return f"{band.min_minutes}–{band.max_minutes} {L['minutes']}"


def _caveat(cat: Catalogue, c: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "id": c["bottleneck_id"],
        "kind": PAGE_LABELS[lang][f"kind_{c['kind']}"],
        "title": c["title"],
        "text": with_titles(cat, c["text"]),
        "resolution_from": c["resolution_from"],
        "sources": sources(cat, c["sources"]),
    }


def _option(cat: Catalogue, o: dict[str, Any], lang: str) -> dict[str, Any]:
    L = PAGE_LABELS[lang]
    sector = name(cat, "sectors", o["sector"], lang)
    if o["segment"]:
        segments = {s.id: s.name.get(lang) for s in cat.sectors[o["sector"]].segments}
        sector = f"{sector}, {segments[o['segment']]}"
    claimed_by = ", ".join(
        name(cat, "provider_kinds", k, lang) for k in o["claimed_by"]["provider_kinds"]
    )
    if o["claimed_by"]["in_name_of"]:
        specs = ", ".join(name(cat, "specialties", s, lang) for s in o["claimed_by"]["in_name_of"])
        claimed_by += f" ({L['in_name_of']} {specs})"
    return {
        "code": o["title_code"],
        "name": o["title_name"],
        "official_code": o["official_code"],
        "description": o["description"],
        "law": name(cat, "laws", o["law"], lang),
        "financer": name(cat, "financer_kinds", o["financer_kind"], lang),
        "sector": sector,
        "status": o["status"],
        "status_text": L[o["status"]],
        "included": o["included"],
        "contract_required": o["contract_required"],
        "tariff_kind": L[f"tariff_{o['tariff_kind']}"],
        "tariff": tariff_text(o["tariff_cents"], o["tariff_kind"], o["unit"], lang),
        "placeholder": bool(o["tariff_placeholder"]),
        "override": o["tariff_origin"] == "override",
        "tariff_note": o["tariff_note"],
        "unit": UNITS[lang][o["unit"]],
        "time_band": time_band(cat, o["title_code"], lang),
        "patient_bound": o["patient_bound"],
        "claimed_by": claimed_by,
        "by_asker": o["claimed_by_asker"],
        "counted_as": name(cat, "activities", o["counted_as"], lang),
        "valid_from": o["valid_from"],
        "valid_to": o["valid_to"],
        "contract_forms": [
            name(cat, "contract_forms", f, lang) for f in o["typical_contract_forms"]
        ],
        "conditions": [with_titles(cat, c) for c in o["conditions"]],
        "caveats": [_caveat(cat, c, lang) for c in o["caveats"]],
        "sources": sources(cat, o["sources"]),
    }


def _route(cat: Catalogue, r: dict[str, Any], lang: str) -> dict[str, Any]:
    L = PAGE_LABELS[lang]
    return {
        "id": r["route_id"],
        "name": r["name"],
        "text": with_titles(cat, r["text"]),
        "kind": L[f"route_{r['kind']}"],
        "financer": name(cat, "financer_kinds", r["financer_kind"], lang),
        "status": r["status"],
        "status_text": L[r["status"]],
        "contract_required": r["contract_required"],
        "sources": sources(cat, r["sources"]),
    }


def answer_view(cat: Catalogue, answer: dict[str, Any]) -> dict[str, Any]:
    """What ``_answer.html.j2`` shows of ``answer`` (the dict of :func:`ask`)."""
    q = answer["query"]
    lang = q["lang"]
    L = PAGE_LABELS[lang]
    question = [
        (L["activity"], name(cat, "activities", q["activity"], lang)),
        (L["professional"], name(cat, "professionals", q["professional"], lang)),
    ]
    if q["specialty"]:
        question.append((L["specialty"], name(cat, "specialties", q["specialty"], lang)))
    question.append((L["setting"], name(cat, "settings", q["setting"], lang) or L["any"]))
    question.append((L["year"], str(q["year"])))
    return {
        "question": question,
        "warning": answer["warning"],
        "eligible": answer["eligible"],
        "reason": with_titles(cat, answer["reason"]),
        "options": [_option(cat, o, lang) for o in answer["options"]],
        "caveats": [_caveat(cat, c, lang) for c in answer["caveats"]],
        "routes": [_route(cat, r, lang) for r in answer["routes"]],
    }


def choices(cat: Catalogue, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The form's options per field, ``(id, name)`` sorted by name; years first to last."""

    def named(table: str) -> list[tuple[str, str]]:
        items = getattr(cat, table).values()
        return sorted(((e.id, e.name.get(lang)) for e in items), key=lambda x: x[1].lower())

    years = range(cat.meta.first_year, cat.meta.last_year + 1)
    return {
        "activity": named("activities"),
        "professional": named("professionals"),
        "specialty": named("specialties"),
        "setting": named("settings"),
        "year": [(str(y), str(y)) for y in years],
    }


def render_static(cat: Catalogue, answered: list[tuple[str, dict[str, Any]]], lang: str) -> str:
    """One self-contained page (stylesheet inline, no script, no link to a server) with each
    ``(question, answer)``: the offline rendering of the wegwijzer page."""
    L = PAGE_LABELS[lang]
    return render(
        "wegwijzer_offline.html.j2",
        lang=lang,
        L=L,
        nav=[],
        lang_switch=None,
        stylesheets=[],
        inline_css=inline_css(),
        catalogue_version=cat.meta.version,
        page_title=L["offline_title"],
        intro=L["offline_intro"].format(version=cat.meta.version),
        answers=[
            {"id": f"q{i}", "question": question, "view": answer_view(cat, answer)}
            for i, (question, answer) in enumerate(answered, start=1)
        ],
    )
