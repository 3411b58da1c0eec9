"""The wegwijzer (navigator): "how can this activity be paid for?"

It reads the catalogue's rules the other way round: from an activity, a professional (and
specialty), a setting and a year to the payment titles that professional may claim, with the
law, financer, contract requirement, tariff, conditions, the known bottlenecks (caveats) and the
other routes. The same rules (:meth:`Title.valid_in`, :meth:`Title.covers_setting`,
:func:`claimant_for`) are what the claims stage uses to declare activities, so there is one
source of truth.

The JSON answer (:func:`ask`) has these stable keys: ``query``, ``eligible``, ``reason``,
``options`` (each with ``title_code``, ``title_name``, ``law``, ``financer_kind``, ``sector``,
``segment``, ``status``, ``contract_required``, ``tariff_kind``, ``tariff_cents``, ``unit``,
``patient_bound``, ``conditions``, ``caveats``, ``sources``), ``routes`` and ``caveats``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from passend.catalogue.loader import Catalogue
from passend.catalogue.schema import AppliesTo, Bottleneck, Claimant, Route, Source, Title

STATUS_ORDER = {"claimable": 0, "experimental": 1, "proposed": 2}
CLAIMABLE_STATUSES = {"claimable", "experimental"}


class UnknownIdError(ValueError):
    """A query names an id the catalogue does not know."""

    def __init__(self, kind: str, value: str, known: list[str]):
        self.kind = kind
        self.value = value
        self.suggestions = get_close_matches(value, known, n=5, cutoff=0.5)
        if not self.suggestions:
            self.suggestions = sorted(known)[:8]
        super().__init__(
            f"unknown {kind} {value!r}; closest valid ids: {', '.join(self.suggestions)}"
        )


@dataclass(frozen=True)
class Query:
    activity: str
    professional: str
    specialty: str | None = None
    setting: str | None = None
    year: int | None = None


# -- the rules shared with the claims stage ---------------------------------------------------


def claimant_for(
    cat: Catalogue,
    title: Title,
    professional: str,
    specialty: str | None,
    provider_kind: str | None = None,
) -> Claimant | None:
    """The first claimant rule of ``title`` that lets ``professional`` (with ``specialty``)
    claim it, or None. The professional must be listed (or the list empty) and work for one of
    the rule's provider kinds (and, when given, ``provider_kind`` must be one of them); a rule
    with ``specialties`` needs one of them; a rule with
    ``in_name_of`` accepts no specialty or one of those (the specialty claimed in the name of)."""
    works_for = set(cat.professionals[professional].provider_kinds)
    for c in title.claimants:
        if c.professionals and professional not in c.professionals:
            continue
        if not works_for & set(c.provider_kinds):
            continue
        if provider_kind is not None and provider_kind not in c.provider_kinds:
            continue
        if c.specialties and specialty not in c.specialties:
            continue
        if c.in_name_of and specialty is not None and specialty not in c.in_name_of:
            continue
        return c
    return None


def candidate_titles(cat: Catalogue, activity: str, setting: str | None, year: int) -> list[Title]:
    """Titles valid in ``year`` covering ``activity`` (in ``setting`` when given)."""
    return [
        t
        for t in cat.titles_for(activity, year)
        if setting is None or t.covers_setting(setting, year)
    ]


# -- answering ------------------------------------------------------------------------------


def _check_ids(cat: Catalogue, q: Query) -> None:
    checks = [
        ("activity", q.activity, cat.activities),
        ("professional", q.professional, cat.professionals),
    ]
    if q.specialty is not None:
        checks.append(("specialty", q.specialty, cat.specialties))
    if q.setting is not None:
        checks.append(("setting", q.setting, cat.settings))
    for kind, value, known in checks:
        if value not in known:
            raise UnknownIdError(kind, value, list(known))


def _sources(sources: list[Source], cat: Catalogue) -> list[dict[str, str]]:
    return [
        {"document": s.document, "section": s.section, "title": cat.documents[s.document].title}
        for s in sources
    ]


def _applies(
    a: AppliesTo, q: Query, title: Title | None, option_codes: set[str], option_sectors: set[str]
) -> bool:
    """Does ``a`` match the question (and, where given, one option title)?"""
    codes = {title.code} if title is not None else option_codes
    sectors = {title.sector} if title is not None else option_sectors
    if a.titles and not codes & set(a.titles):
        return False
    if a.sectors and not sectors & set(a.sectors):
        return False
    if a.activities and q.activity not in a.activities:
        return False
    if a.professionals and q.professional not in a.professionals:
        return False
    if a.settings:
        if q.setting is not None:
            return q.setting in a.settings
        return title is not None and bool(set(title.settings) & set(a.settings))
    return True


def _caveat(b: Bottleneck, year: int, cat: Catalogue, lang: str) -> dict[str, Any]:
    text = b.description.get(lang) if b.description else b.name.get(lang)
    resolved = b.resolution is not None and b.resolution.date <= dt.date(year, 12, 31)
    if resolved:
        text = f"{text} {b.resolution.text.get(lang)}"
    sources = b.sources + (b.resolution.sources if resolved else [])
    return {
        "bottleneck_id": b.id,
        "kind": b.kind,
        "title": b.name.get(lang),
        "text": text,
        "resolution_from": b.resolution.date.isoformat() if resolved else None,
        "sources": _sources(sources, cat),
    }


def _route(r: Route, cat: Catalogue, lang: str) -> dict[str, Any]:
    return {
        "route_id": r.id,
        "name": r.name.get(lang),
        "text": r.description.get(lang) if r.description else r.name.get(lang),
        "kind": r.kind,
        "financer_kind": r.financer_kind,
        "status": r.status,
        "contract_required": r.contract_required,
        "sources": _sources(r.sources, cat),
    }


def _option(
    cat: Catalogue, t: Title, claimant: Claimant, q: Query, year: int, lang: str
) -> dict[str, Any]:
    tariff = t.tariff(year)
    conditions = [c.get(lang) for c in t.conditions]
    if claimant.note is not None:
        conditions.append(claimant.note.get(lang))
    if t.gate_rule is not None:
        conditions.append(t.gate_rule.get(lang))
    if q.activity in t.includes:
        conditions.append(
            f"Included in the {t.code} line; not claimed separately."
            if lang == "en"
            else f"Inbegrepen in de declaratie van {t.code}; niet apart te declareren."
        )
    if t.patient_wlz is not None:
        conditions.append(
            {
                (True, "en"): "Only for patients with a Wlz indication.",
                (
                    False,
                    "en",
                ): "Only for patients without a Wlz indication (with one, the Wlz pays).",
                (True, "nl"): "Alleen voor patiënten met een Wlz-indicatie.",
                (
                    False,
                    "nl",
                ): "Alleen voor patiënten zonder Wlz-indicatie (met indicatie betaalt de Wlz).",
            }[(t.patient_wlz, "en" if lang == "en" else "nl")]
        )
    caveats = [
        _caveat(b, year, cat, lang)
        for b in cat.bottlenecks.values()
        if b.valid_in(year)
        and (b.applies_to.titles or b.applies_to.sectors)
        and _applies(b.applies_to, q, t, set(), set())
    ]
    return {
        "title_code": t.code,
        "title_name": t.name,
        "official_code": t.official_code,
        "description": t.description.get(lang),
        "law": t.law,
        "financer_kind": t.financer_kind,
        "sector": t.sector,
        "segment": t.segment,
        "status": t.status,
        "contract_required": t.contract_required,
        "tariff_kind": t.tariff_kind,
        "tariff_cents": tariff.cents if tariff is not None else None,
        "tariff_placeholder": tariff.placeholder if tariff is not None else None,
        "tariff_note": tariff.note.get(lang) if tariff is not None and tariff.note else None,
        "tariff_origin": tariff.origin if tariff is not None else None,
        "unit": t.unit,
        "patient_bound": t.patient_bound,
        "claimed_by": {
            "provider_kinds": list(claimant.provider_kinds),
            "in_name_of": list(claimant.in_name_of),
        },
        "valid_from": t.valid_from.isoformat(),
        "valid_to": t.valid_to.isoformat() if t.valid_to else None,
        "typical_contract_forms": list(t.typical_contract_forms),
        "conditions": conditions,
        "caveats": caveats,
        "sources": _sources(t.sources, cat),
    }


def _who_may_claim(cat: Catalogue, t: Title, lang: str) -> str:
    parts = []
    for c in t.claimants:
        profs = ", ".join(cat.professionals[p].name.get(lang) for p in c.professionals)
        who = profs or (
            "elke zorgverlener van" if lang != "en" else "any professional of"
        ) + " " + ", ".join(cat.provider_kinds[k].name.get(lang) for k in c.provider_kinds)
        if c.specialties:
            specs = ", ".join(cat.specialties[s].name.get(lang) for s in c.specialties)
            who += f" ({specs})"
        if c.in_name_of:
            specs = ", ".join(cat.specialties[s].name.get(lang) for s in c.in_name_of)
            who += (" in the name of " if lang == "en" else " in naam van ") + specs
        parts.append(who)
    return "; ".join(parts)


def _reason(
    cat: Catalogue, q: Query, year: int, lang: str, barred: list[Title], proposed_only: bool
) -> str:
    """Why the professional may not claim: who may claim the titles that exist, that only
    proposals exist, or that no title covers the activity; plus titles of other years."""
    en = lang == "en"
    act = cat.activities[q.activity].name.get(lang)
    prof = cat.professionals[q.professional].name.get(lang).lower()
    if q.specialty is not None:
        prof += f" ({cat.specialties[q.specialty].name.get(lang).lower()})"
    where = f" ({cat.settings[q.setting].name.get(lang).lower()})" if q.setting else ""
    parts: list[str] = []
    if barred:
        parts.append(
            f"The {prof} may not claim a payment title for '{act}'{where} in {year}."
            if en
            else f"De {prof} kan in {year} geen betaaltitel declareren voor '{act}'{where}."
        )
        for t in barred:
            who = _who_may_claim(cat, t, lang)
            parts.append(f"{t.name} ({t.code}): " + (f"only {who}." if en else f"alleen {who}."))
            if t.gate_rule is not None:
                parts.append(t.gate_rule.get(lang))
    elif proposed_only:
        parts.append(
            f"For '{act}'{where} in {year} only proposed titles exist, which cannot be claimed yet."
            if en
            else f"Voor '{act}'{where} bestaan in {year} alleen voorgestelde titels, die nog niet te declareren zijn."
        )
    else:
        parts.append(
            f"No payment title covers '{act}'{where} in {year}."
            if en
            else f"Er is in {year} geen betaaltitel voor '{act}'{where}."
        )
    other_years = sorted(
        (
            t
            for t in cat.titles.values()
            if q.activity in t.activities
            and t.status != "proposed"
            and not t.valid_in(year)
            and (q.setting is None or q.setting in t.settings)
            and claimant_for(cat, t, q.professional, q.specialty) is not None
        ),
        key=lambda t: t.valid_from,
    )
    for t in other_years:
        if t.valid_from > dt.date(year, 12, 31):
            span = f"from {t.valid_from.isoformat()}" if en else f"vanaf {t.valid_from.isoformat()}"
        else:
            end = t.valid_to.isoformat() if t.valid_to else ""
            span = f"until {end}" if en else f"tot en met {end}"
        parts.append(f"{t.name} ({t.code}): {span}.")
    return " ".join(parts)


def ask(cat: Catalogue, q: Query, lang: str = "nl") -> dict[str, Any]:
    """Answer one question. Raises UnknownIdError for an id the catalogue does not know."""
    _check_ids(cat, q)
    year = q.year if q.year is not None else cat.meta.default_year
    candidates = candidate_titles(cat, q.activity, q.setting, year)
    chosen: list[tuple[Title, Claimant]] = []
    barred: list[Title] = []
    for t in candidates:
        c = claimant_for(cat, t, q.professional, q.specialty)
        if c is None:
            if t.status != "proposed":
                barred.append(t)
        else:
            chosen.append((t, c))
    chosen.sort(key=lambda tc: STATUS_ORDER[tc[0].status])
    options = [_option(cat, t, c, q, year, lang) for t, c in chosen]
    eligible = any(t.status in CLAIMABLE_STATUSES for t, _ in chosen)
    reason = None
    if not eligible:
        reason = _reason(cat, q, year, lang, barred, proposed_only=bool(chosen))

    codes = {t.code for t, _ in chosen} | {t.code for t in barred}
    sectors = {t.sector for t, _ in chosen}
    routes = [
        _route(r, cat, lang)
        for r in cat.routes.values()
        if r.valid_in(year) and _applies(r.applies_to, q, None, codes, sectors)
    ]
    general_caveats = [
        _caveat(b, year, cat, lang)
        for b in cat.bottlenecks.values()
        if b.valid_in(year)
        and not (b.applies_to.titles or b.applies_to.sectors)
        and _applies(b.applies_to, q, None, codes, sectors)
    ]
    return {
        "query": {
            "activity": q.activity,
            "professional": q.professional,
            "specialty": q.specialty,
            "setting": q.setting,
            "year": year,
            "lang": lang,
        },
        "catalogue_version": cat.meta.version,
        "eligible": eligible,
        "reason": reason,
        "options": options,
        "routes": routes,
        "caveats": general_caveats,
    }
