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
``patient_bound``, ``conditions``, ``caveats``, ``sources``; added: ``included``,
``claimed_by_asker``, ``counted_as``), ``routes`` and ``caveats``.

Care paid within an integral tariff (``Title.includes``: nursing in a Wlz stay, a GP's consult
in an ELV stay) is answered with that title, marked ``included``, also when another provider
claims it; an activity that counts as another for some professionals (``Activity.counts_as``:
terminal care by a district nurse is nursing) is answered with that activity's titles too.
The claims stage reads the same data through :func:`candidate_titles` and :func:`included_in`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from passend.catalogue.loader import Catalogue, UnknownIdError
from passend.catalogue.schema import (
    AppliesTo,
    Bottleneck,
    Claimant,
    CountsAs,
    Route,
    Source,
    Title,
)
from passend.i18n import cite, document_title

STATUS_ORDER = {"claimable": 0, "experimental": 1, "proposed": 2}
CLAIMABLE_STATUSES = {"claimable", "experimental"}


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


def meanings(cat: Catalogue, activity: str, professional: str | None) -> list[CountsAs]:
    """What ``activity`` counts as when ``professional`` gives it (``Activity.counts_as``)."""
    return [c for c in cat.activities[activity].counts_as if professional in c.professionals]


def meant_activities(cat: Catalogue, activity: str, professional: str | None) -> list[str]:
    """``activity``, then the activities it counts as for ``professional``."""
    acts = [activity]
    for c in meanings(cat, activity, professional):
        acts += [a for a in c.activities if a not in acts]
    return acts


def candidate_titles(
    cat: Catalogue, activity: str, setting: str | None, year: int, professional: str | None = None
) -> list[Title]:
    """Titles valid in ``year`` covering ``activity`` or, given by ``professional``, an
    activity it counts as (in ``setting`` when given); catalogue order."""
    acts = meant_activities(cat, activity, professional)
    return [
        t
        for t in cat.titles.values()
        if t.valid_in(year)
        and any(a in t.activities or a in t.includes for a in acts)
        and (setting is None or t.covers_setting(setting, year))
    ]


def included_in(t: Title, activities: list[str]) -> bool:
    """True when ``t`` pays the activities within its own line (``Title.includes``, e.g. the
    nursing within an integral Wlz or ELV day tariff), so they are not claimed separately."""
    return bool(set(activities) & set(t.includes)) and not set(activities) & set(t.activities)


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
        {
            "document": s.document,
            "section": s.section,
            "title": document_title(cat.documents, s.document),
        }
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


def _caveat(b: Bottleneck, year: int, cat: Catalogue, lang: str, covered: bool) -> dict[str, Any]:
    """One bottleneck as a caveat. From its resolution's date it carries the resolution where
    the question is ``covered`` by the resolution's scope, and what it leaves open elsewhere."""
    text = b.description.get(lang) if b.description else b.name.get(lang)
    res = b.resolution
    due = res is not None and res.date <= dt.date(year, 12, 31)
    resolved = due and covered
    if resolved:
        text = f"{text} {res.text.get(lang)}"
    elif due and res.not_covered is not None:
        text = f"{text} {res.not_covered.get(lang)}"
    sources = b.sources + (res.sources if due else [])
    return {
        "bottleneck_id": b.id,
        "kind": b.kind,
        "title": b.name.get(lang),
        "text": text,
        "resolution_from": res.date.isoformat() if resolved else None,
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


def _covered(b: Bottleneck, q: Query, t: Title | None, codes: set[str], sectors: set[str]) -> bool:
    """Does the question fall within the scope of ``b``'s resolution? A scope limited to some
    settings only covers a question that names one of them."""
    res = b.resolution
    if res is None or (res.applies_to.settings and q.setting is None):
        return False
    return _applies(res.applies_to, q, t, codes, sectors)


def _kinds(cat: Catalogue, kinds: list[str], lang: str) -> str:
    return ", ".join(cat.provider_kinds[k].name.get(lang) for k in kinds)


def _claimed_by(t: Title, claimant: Claimant | None) -> list[str]:
    """The provider kinds that claim ``t``: the matching rule's, or all rules' for a title
    the asking professional does not claim (care included in an institution's line)."""
    rules = [claimant] if claimant is not None else t.claimants
    return list(dict.fromkeys(k for c in rules for k in c.provider_kinds))


def _included_text(cat: Catalogue, t: Title, claimant: Claimant | None, lang: str) -> str:
    who = _kinds(cat, _claimed_by(t, claimant), lang).lower()
    if lang == "en":
        return (
            f"Paid within the {t.code} line (claimed by {who}); "
            f"within a {t.code} stay or line it is not claimed separately."
        )
    return (
        f"Inbegrepen in de declaratie van {t.code} (gedeclareerd door {who}); "
        f"binnen {t.code} niet apart te declareren."
    )


def _option(
    cat: Catalogue, t: Title, claimant: Claimant | None, q: Query, year: int, lang: str
) -> dict[str, Any]:
    """One title as an option. ``claimant`` is the rule the professional claims under, or
    None for an integral title that pays the activity within a line the professional does not
    claim (``included``)."""
    tariff = t.tariff(year)
    acts = meant_activities(cat, q.activity, q.professional)
    included = included_in(t, acts)
    conditions = [c.get(lang) for c in t.conditions]
    notes = [claimant] if claimant is not None else t.claimants
    conditions += [c.note.get(lang) for c in notes if c.note is not None]
    if t.gate_rule is not None:
        conditions.append(t.gate_rule.get(lang))
    if included:
        conditions.append(_included_text(cat, t, claimant, lang))
    counted_as = next((a for a in acts[1:] if a in t.activities or a in t.includes), None)
    if counted_as is not None and q.activity not in t.activities + t.includes:
        conditions += [
            m.note.get(lang)
            for m in meanings(cat, q.activity, q.professional)
            if counted_as in m.activities
        ]
    else:
        counted_as = None
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
        _caveat(b, year, cat, lang, _covered(b, q, t, set(), set()))
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
            "provider_kinds": _claimed_by(t, claimant),
            "in_name_of": list(claimant.in_name_of) if claimant is not None else [],
        },
        "included": included,
        "claimed_by_asker": claimant is not None,
        "counted_as": counted_as,
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


def _cite(cat: Catalogue, sources: list[Source], lang: str) -> str:
    """' (bron: title, section)': a reason cites its sources by their documents' titles."""
    label = "source" if lang == "en" else "bron"
    return f" ({label}: {cite(cat.documents, sources)})"


def _not_a_party(cat: Catalogue, professional: str, lang: str) -> list[str]:
    """The contracting rule of each provider kind the professional works for, when none of
    them is a contracting party (a network: seed 000 themes 2 and 7), with its source."""
    kinds = [cat.provider_kinds[k] for k in cat.professionals[professional].provider_kinds]
    if any(k.contracting_party for k in kinds):
        return []
    return [k.contracting_rule.get(lang) + _cite(cat, k.sources, lang) for k in kinds]


def _financed_by(cat: Catalogue, t: Title, lang: str) -> str:
    law = cat.laws[t.law].name.get(lang)
    return f"{law}, {cat.financer_kinds[t.financer_kind].name.get(lang).lower()}"


def _reason(
    cat: Catalogue,
    q: Query,
    year: int,
    lang: str,
    barred: list[Title],
    included: list[Title],
    proposed_only: bool,
) -> str:
    """Why the professional may not claim: the contracting rule when they work only for a
    party that cannot contract; the integral titles that pay the activity within another
    provider's line; who may claim the titles that exist (each with its source); that only
    proposals exist, or that no title covers the activity; plus titles of other years."""
    en = lang == "en"
    act = cat.activities[q.activity].name.get(lang)
    prof = cat.professionals[q.professional].name.get(lang).lower()
    if q.specialty is not None:
        prof += f" ({cat.specialties[q.specialty].name.get(lang).lower()})"
    where = f" ({cat.settings[q.setting].name.get(lang).lower()})" if q.setting else ""
    parts: list[str] = _not_a_party(cat, q.professional, lang)
    for t in included:
        who = _kinds(cat, _claimed_by(t, None), lang).lower()
        parts.append(
            f"'{act}'{where} is paid in {year} within {t.name} ({t.code}; "
            f"{_financed_by(cat, t, lang)}), claimed by {who}; the {prof} does not claim it "
            f"separately.{_cite(cat, t.sources, lang)}"
            if en
            else f"'{act}'{where} wordt in {year} betaald binnen {t.name} ({t.code}; "
            f"{_financed_by(cat, t, lang)}), gedeclareerd door {who}; de {prof} declareert het "
            f"niet apart.{_cite(cat, t.sources, lang)}"
        )
    if barred:
        parts.append(
            f"The {prof} may not claim a payment title for '{act}'{where} in {year}."
            if en
            else f"De {prof} kan in {year} geen betaaltitel declareren voor '{act}'{where}."
        )
        for t in barred:
            who = _who_may_claim(cat, t, lang)
            parts.append(
                f"{t.name} ({t.code}): "
                + (f"only {who}" if en else f"alleen {who}")
                + _cite(cat, t.sources, lang)
                + "."
            )
            if t.gate_rule is not None:
                parts.append(t.gate_rule.get(lang))
    elif proposed_only:
        parts.append(
            f"For '{act}'{where} in {year} only proposed titles exist, which cannot be claimed yet."
            if en
            else f"Voor '{act}'{where} bestaan in {year} alleen voorgestelde titels, die nog niet te declareren zijn."
        )
    elif not included:
        parts.append(
            f"No payment title covers '{act}'{where} in {year}."
            if en
            else f"Er is in {year} geen betaaltitel voor '{act}'{where}."
        )
    acts = meant_activities(cat, q.activity, q.professional)
    other_years = sorted(
        (
            t
            for t in cat.titles.values()
            if any(a in t.activities for a in acts)
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
    """Answer one question. Raises UnknownIdError for an id the catalogue does not know and
    YearError for a year it was not reviewed for (an announced year is answered, with
    ``warning`` saying its rules are announced, not final)."""
    _check_ids(cat, q)
    year = q.year if q.year is not None else cat.meta.default_year
    warning = cat.year_warning(year, lang)
    candidates = candidate_titles(cat, q.activity, q.setting, year, q.professional)
    acts = meant_activities(cat, q.activity, q.professional)
    chosen: list[tuple[Title, Claimant | None]] = []
    barred: list[Title] = []
    # titles that pay the activity within a line another provider claims (a GP's consult in
    # an ELV stay): only asked about in a setting, as they pay only within their stay
    included: list[Title] = []
    for t in candidates:
        c = claimant_for(cat, t, q.professional, q.specialty)
        if c is not None:
            chosen.append((t, c))
        elif t.status != "proposed" and included_in(t, acts):
            if q.setting is not None:
                included.append(t)
        elif t.status != "proposed":
            barred.append(t)
    chosen.sort(key=lambda tc: STATUS_ORDER[tc[0].status])
    eligible = any(t.status in CLAIMABLE_STATUSES for t, _ in chosen)
    reason = None
    if not eligible:
        reason = _reason(cat, q, year, lang, barred, included, proposed_only=bool(chosen))
    chosen += [(t, None) for t in included]
    options = [_option(cat, t, c, q, year, lang) for t, c in chosen]

    codes = {t.code for t, _ in chosen} | {t.code for t in barred}
    sectors = {t.sector for t, _ in chosen}
    routes = [
        _route(r, cat, lang)
        for r in cat.routes.values()
        if r.valid_in(year) and _applies(r.applies_to, q, None, codes, sectors)
    ]
    general_caveats = [
        _caveat(b, year, cat, lang, _covered(b, q, None, codes, sectors))
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
        "year_status": "reviewed" if warning is None else "announced",
        "warning": warning,
        "eligible": eligible,
        "reason": reason,
        "options": options,
        "routes": routes,
        "caveats": general_caveats,
    }
