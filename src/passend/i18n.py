"""Languages, number formats and the labels that more than one module shows: Dutch (``nl``,
the default) and English (``en``). A plain library: the command line, the reports, the
workbook and the web app all format numbers here, so a figure reads the same everywhere.

Number formats, one per language:

    nl: 1.234,5   € 1.234,56   −€ 79.525   12,5%
    en: 1,234.5   EUR 1,234.56 −EUR 79,525 12.5%

Negative numbers carry the minus sign (U+2212, not a hyphen), ``signed=True`` adds '+' to
positive ones, and a value that rounds to zero is '0' without a sign. Rounding is to the
nearest, halves to even (Python's ``round``); integers (cents) are rounded exactly, as
decimals, never through a float.
"""

from __future__ import annotations

from decimal import Decimal

LANGS = ("nl", "en")
"""The languages of human output; the first is the default."""

MINUS = "\u2212"
_SEPARATORS = {"nl": str.maketrans(",.", ".,"), "en": str.maketrans({})}
_EURO = {"nl": "€ ", "en": "EUR "}


def check_lang(lang: str) -> str:
    """``lang`` if it is one of ``LANGS``, else a ValueError naming the valid ones."""
    if lang not in LANGS:
        raise ValueError(f"must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def _exact(x: int | float | Decimal) -> float | Decimal:
    """Integers as decimals: formatting an int with 'f' would go through a float."""
    return Decimal(x) if isinstance(x, int) else x


def number(x: int | float | Decimal, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """1234.5 -> '1.234,5' (nl) or '1,234.5' (en) with ``decimals=1``; ``signed`` adds '+'
    to positive values; -3 -> '−3'."""
    value = _exact(x)
    if round(value, decimals) == 0:
        value = Decimal(0)
    text = f"{value:+,.{decimals}f}" if signed and value != 0 else f"{value:,.{decimals}f}"
    return text.translate(_SEPARATORS[lang]).replace("-", MINUS)


def short(x: int | float | Decimal, lang: str, most: int = 3, signed: bool = False) -> str:
    """A number with at most ``most`` decimals and no trailing zeros: 0.5 -> '0,5' (nl)."""
    value = _exact(x)
    decimals = next(d for d in range(most + 1) if round(value, d) == round(value, most))
    return number(value, lang, decimals, signed)


def percent(share: float | Decimal, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """A share as a percentage: 0.125 -> '12,5%' (nl) or '12.5%' (en)."""
    return number(100 * share, lang, decimals, signed) + "%"


def euros(cents: int | float, lang: str, decimals: int = 2, signed: bool = False) -> str:
    """Cents as euros: 123456 -> '€ 1.234,56' (nl) or 'EUR 1,234.56' (en); -123456 with
    ``decimals=0`` -> '−€ 1.235'; ``signed`` adds '+' to gains."""
    value = round(Decimal(cents).scaleb(-2) if isinstance(cents, int) else cents / 100, decimals)
    sign = MINUS if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{_EURO[lang]}{number(abs(value), lang, decimals)}"


def thousands(cents: int | float, lang: str, signed: bool = False) -> str:
    """Cents as thousands of euros, rounded, for tables that must fit a terminal (headed
    ``K_EUROS``): 862538600 -> '8.625' (nl) or '8,625' (en); ``signed`` adds '+' to gains."""
    value = Decimal(cents).scaleb(-5) if isinstance(cents, int) else cents / 100_000
    return number(value, lang, 0, signed)


K_EUROS = {"nl": "× € 1.000", "en": "× EUR 1,000"}
"""The unit of a table of ``thousands``."""

LABELS = {
    "nl": {
        "question": "Vraag",
        "activity": "Activiteit",
        "professional": "Zorgverlener",
        "specialty": "Specialisme",
        "setting": "Setting",
        "year": "Jaar",
        "any": "elke",
        "eligible": "Kan declareren",
        "yes": "ja",
        "no": "nee",
        "reason": "Reden",
        "options": "Betaaltitels",
        "none": "geen",
        "law": "Wet",
        "financer": "Financier",
        "sector": "Sector",
        "status": "Status",
        "contract": "Contract nodig",
        "tariff": "Tarief",
        "per": "per",
        "placeholder": "plaatshouder",
        "conditions": "Voorwaarden",
        "caveats": "Knelpunten",
        "routes": "Andere routes",
        "sources": "Bronnen",
        "claimable": "declarabel",
        "experimental": "experimenteel",
        "proposed": "voorgesteld (bestaat nog niet)",
        "free": "vrij tarief",
        "no_tariff": "geen bedrag",
        "override": "eigen bedrag",
        "included": "inbegrepen, niet apart te declareren",
    },
    "en": {
        "question": "Question",
        "activity": "Activity",
        "professional": "Professional",
        "specialty": "Specialty",
        "setting": "Setting",
        "year": "Year",
        "any": "any",
        "eligible": "May claim",
        "yes": "yes",
        "no": "no",
        "reason": "Reason",
        "options": "Payment titles",
        "none": "none",
        "law": "Law",
        "financer": "Financer",
        "sector": "Sector",
        "status": "Status",
        "contract": "Contract needed",
        "tariff": "Tariff",
        "per": "per",
        "placeholder": "placeholder",
        "conditions": "Conditions",
        "caveats": "Bottlenecks",
        "routes": "Other routes",
        "sources": "Sources",
        "claimable": "claimable",
        "experimental": "experimental",
        "proposed": "proposed (does not exist yet)",
        "free": "free tariff",
        "no_tariff": "no amount",
        "override": "own amount",
        "included": "included, not claimed separately",
    },
}
"""The wegwijzer's and the catalogue's words: a question, a payment title and its status."""

PARTY_LABELS = {
    "nl": {
        "health_insurer": "Zorgverzekeraars",
        "care_office": "Zorgkantoren",
        "municipality": "Gemeenten",
        "government": "Rijk (subsidie)",
        "patient": "Patiënten",
        "hospital": "Ziekenhuizen",
        "gp_practice": "Huisartsenpraktijken",
        "gp_out_of_hours": "Huisartsenposten",
        "zorggroep": "Zorggroepen",
        "district_nursing_org": "Wijkverpleging",
        "hospice_high_care": "Hospices (high care)",
        "hospice_low_care": "Bijna-thuishuizen",
        "nursing_home": "Verpleeghuizen",
        "consultation_team": "Consultatieteam",
        "wmo_provider": "Wmo-aanbieders",
        "network": "Netwerk palliatieve zorg",
        "provider": "Zorgaanbieders",
    },
    "en": {
        "health_insurer": "Health insurers",
        "care_office": "Care offices",
        "municipality": "Municipalities",
        "government": "Government (subsidy)",
        "patient": "Patients",
        "hospital": "Hospitals",
        "gp_practice": "GP practices",
        "gp_out_of_hours": "GP out-of-hours",
        "zorggroep": "GP care groups",
        "district_nursing_org": "District nursing",
        "hospice_high_care": "Hospices (high care)",
        "hospice_low_care": "Low-care hospices",
        "nursing_home": "Nursing homes",
        "consultation_team": "Consultation team",
        "wmo_provider": "Wmo providers",
        "network": "Palliative care network",
        "provider": "Providers",
    },
}
"""The parties of a settlement: the financer kinds, the patients and the providers by kind
(``provider`` for a provider without one); payers first, then providers."""


def party(key: str, lang: str) -> str:
    """A party's name; a key no table knows is shown as it is, never silently renamed."""
    return PARTY_LABELS[lang].get(key, key)


OUTCOME_LABELS = {
    "nl": {
        "deaths_home": "Overleden thuis",
        "deaths_preferred": "Overleden op voorkeursplek",
        "deaths_hospital": "Overleden in ziekenhuis",
        "admissions_last_30d": "Opnames laatste 30 dagen",
        "ed_visits_last_30d": "SEH-bezoeken laatste 30 dagen",
    },
    "en": {
        "deaths_home": "Died at home",
        "deaths_preferred": "Died at preferred place",
        "deaths_hospital": "Died in hospital",
        "admissions_last_30d": "Admissions in the last 30 days",
        "ed_visits_last_30d": "ED visits in the last 30 days",
    },
}
"""The headline outcomes per patient (``scenarios.results.HEADLINE_OUTCOMES``)."""

WORDS = {
    "nl": {
        "party": "Partij",
        "outcome": "Uitkomst",
        "base": "Basis",
        "inter": "Interventie",
        "report": "Rapport",
        "cost": "Kosten",
        "revenue": "Opbrengsten",
        "gap": "Tekort",
    },
    "en": {
        "party": "Party",
        "outcome": "Outcome",
        "base": "Baseline",
        "inter": "Intervention",
        "report": "Report",
        "cost": "Cost",
        "revenue": "Revenue",
        "gap": "Gap",
    },
}
"""Headers and words that the terminal tables and the reports share."""

BUSINESS_CASE_LABELS = {
    "nl": {
        "business_case": "Business case",
        "region": "Regio",
        "host": "Penvoerder",
        "period": "Periode",
        "catalogue": "Catalogusversie",
        "break_even_patients": "Break-even: bereikte patiënten per jaar",
        "break_even_price_patient": "Break-even: prijs per patiënt",
        "break_even_price_inhabitant": "Break-even: prijs per inwoner",
        "patients_reached": "Bereikte patiënten per jaar",
        "savings": "Besparingen financiers",
        "societal": "Maatschappelijke kosten vermeden",
        "total": "Totaal",
        "role": "Rol",
        "productive_hours_per_fte": "Productieve uren per fte",
        "planned_fte": "Gepland (fte)",
        "shortfall_fte": "Tekort (fte)",
        "phone": "Telefonische bereikbaarheid",
        "block": "Blok",
        "service_level": "Servicegraad",
        "occupancy": "Bezettingsgraad",
        "fte": "fte",
        "route": "Route",
        "savings_section": "Besparingen",
        "net": "Netto per partij (besparing min bijdrage aan het team)",
        "by_insurer": "Bereikte patiënten per zorgverzekeraar",
        "share": "Aandeel",
        "patients": "Patiënten",
        "section": "Onderdeel",
        "name": "Naam",
        "value": "Waarde",
        "unit": "Eenheid",
        "source": "Bron",
    },
    "en": {
        "business_case": "Business case",
        "region": "Region",
        "host": "Host (penvoerder)",
        "period": "Period",
        "catalogue": "Catalogue version",
        "break_even_patients": "Break-even: patients reached per year",
        "break_even_price_patient": "Break-even: price per patient",
        "break_even_price_inhabitant": "Break-even: price per inhabitant",
        "patients_reached": "Patients reached per year",
        "savings": "Financers' savings",
        "societal": "Societal cost avoided",
        "total": "Total",
        "role": "Role",
        "productive_hours_per_fte": "Productive hours per FTE",
        "planned_fte": "Planned (FTE)",
        "shortfall_fte": "Shortfall (FTE)",
        "phone": "Telephone availability",
        "block": "Block",
        "service_level": "Service level",
        "occupancy": "Occupancy",
        "fte": "FTE",
        "route": "Route",
        "savings_section": "Savings",
        "net": "Net per party (savings minus contribution to the team)",
        "by_insurer": "Patients reached per health insurer",
        "share": "Share",
        "patients": "Patients",
        "section": "Section",
        "name": "Name",
        "value": "Value",
        "unit": "Unit",
        "source": "Source",
    },
}
"""What the business case's report and its workbook both show: headers, figures, sections."""
