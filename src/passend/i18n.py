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

import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

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


def significant(x: int | float | Decimal, lang: str, digits: int = 6) -> str:
    """A measured value to ``digits`` significant digits without trailing zeros (like '%g',
    never in exponent form): 112143.3875 -> '112.143' (nl), 0.4343 -> '0,4343'."""
    value = _exact(x)
    if value == 0:
        return "0"
    magnitude = Decimal(repr(value) if isinstance(value, float) else value).adjusted()
    return short(value, lang, max(0, digits - 1 - magnitude))


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
        "imported": "geïmporteerde populatie {name}: {patients} patiënten, gebruikt zoals "
        "gegeven; verzekerden per verzekeraar uit de data",
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
        "imported": "imported population {name}: {patients} patients, used as given; the "
        "insured per insurer from the data",
    },
}
"""What the business case's report and its workbook both show: headers, figures, sections."""


# -- the columns of a run's result tables (CSV and the --xlsx workbook, passend.export) ------

COLUMN_LABELS = {
    "nl": {
        "replicate": "Replicatie",
        "contract_set": "Contractset",
        "arm": "Arm (basis of interventie)",
        "group": "Partij",
        "money_in": "Ontvangen",
        "money_out": "Betaald",
        "cost": "Kosten",
        "margin": "Marge",
        "subset": "Patiënten (all: iedereen, reached: bereikt)",
        "patients": "Patiënten",
        "deaths_home": OUTCOME_LABELS["nl"]["deaths_home"],
        "deaths_preferred": OUTCOME_LABELS["nl"]["deaths_preferred"],
        "deaths_hospital": OUTCOME_LABELS["nl"]["deaths_hospital"],
        "admissions_last_30d": OUTCOME_LABELS["nl"]["admissions_last_30d"],
        "ed_visits_last_30d": OUTCOME_LABELS["nl"]["ed_visits_last_30d"],
        "ed_visits": "SEH-bezoeken laatste levensjaar",
        "admissions_via_ed": "Opnames via de SEH",
        "admissions_other": "Overige opnames",
        "provider_kind": "Soort aanbieder",
        "unit": "Eenheid",
        "units_in_baseline": "Eenheden in de basis",
        "revenue": "Opbrengst per eenheid",
        "baseline_": "Basis: ",
        "delta_": "Verschil (interventie − basis): ",
        "_low": " (ondergrens)",
        "_high": " (bovengrens)",
        "euro": " (€)",
        "sheet.groups": "Partijen",
        "sheet.wrong_pocket": "Wie betaalt, wie bespaart",
        "sheet.outcomes": "Uitkomsten",
        "sheet.incentives": "Prikkels",
    },
    "en": {
        "replicate": "Replicate",
        "contract_set": "Contract set",
        "arm": "Arm (baseline or intervention)",
        "group": "Party",
        "money_in": "Received",
        "money_out": "Paid",
        "cost": "Cost",
        "margin": "Margin",
        "subset": "Patients (all: everyone, reached: reached)",
        "patients": "Patients",
        "deaths_home": OUTCOME_LABELS["en"]["deaths_home"],
        "deaths_preferred": OUTCOME_LABELS["en"]["deaths_preferred"],
        "deaths_hospital": OUTCOME_LABELS["en"]["deaths_hospital"],
        "admissions_last_30d": OUTCOME_LABELS["en"]["admissions_last_30d"],
        "ed_visits_last_30d": OUTCOME_LABELS["en"]["ed_visits_last_30d"],
        "ed_visits": "ED visits in the last year of life",
        "admissions_via_ed": "Admissions via the ED",
        "admissions_other": "Other admissions",
        "provider_kind": "Provider kind",
        "unit": "Unit",
        "units_in_baseline": "Units in the baseline",
        "revenue": "Revenue per unit",
        "baseline_": "Baseline: ",
        "delta_": "Change (intervention − baseline): ",
        "_low": " (lower bound)",
        "_high": " (upper bound)",
        "euro": " (EUR)",
        "sheet.groups": "Parties",
        "sheet.wrong_pocket": "Who pays, who saves",
        "sheet.outcomes": "Outcomes",
        "sheet.incentives": "Incentives",
    },
}
"""The headers of the result tables: a column id's words (``_cents`` dropped), a prefix
(``baseline_``, ``delta_``) and an interval bound (``_low``, ``_high``) composed by
``column_label``."""


def column_label(name: str, lang: str) -> str:
    """The header of the column ``name`` in ``lang``: ``delta_margin_cents_low`` is
    "Verschil (interventie − basis): Marge (€) (ondergrens)". A column no table knows keeps
    its id (never silently renamed)."""
    c = COLUMN_LABELS[lang]
    prefix = next((p for p in ("baseline_", "delta_") if name.startswith(p)), "")
    bound = next((b for b in ("_low", "_high") if name.endswith(b)), "")
    core = name.removeprefix(prefix).removesuffix(bound) if bound else name.removeprefix(prefix)
    money = core.endswith("_cents")
    core = core.removesuffix("_cents")
    if core not in c:
        return name
    return (
        (c[prefix] if prefix else "")
        + c[core]
        + (c["euro"] if money else "")
        + (c[bound] if bound else "")
    )


# -- the units of payment titles ----------------------------------------------------------

UNITS = {
    "nl": {
        "consult": "consult",
        "visit": "visite",
        "hour": "uur",
        "day": "dag",
        "trajectory": "traject",
        "product": "zorgproduct",
        "client_month": "cliënt per maand",
        "meeting": "overleg",
        "item": "stuk",
        "year": "jaar",
    },
    "en": {
        "consult": "consultation",
        "visit": "visit",
        "hour": "hour",
        "day": "day",
        "trajectory": "trajectory",
        "product": "care product",
        "client_month": "client per month",
        "meeting": "meeting",
        "item": "item",
        "year": "year",
    },
}


# -- the HTML pages (the web app's and the offline wegwijzer page): the wegwijzer's labels
# plus the pages' own -----------------------------------------------------------------------

_PAGES: dict[str, dict[str, str]] = {
    "nl": {
        "app": "passend",
        "tagline": "De financiering van palliatieve zorg",
        "skip": "Naar de inhoud",
        "nav": "Hoofdmenu",
        "nav_wegwijzer": "Wegwijzer",
        "nav_catalogue": "Catalogus",
        "nav_calculators": "Rekenhulpen",
        "nav_scenarios": "Scenario's",
        "nav_business_case": "Businesscase",
        "other_lang": "English",
        "other_lang_code": "en",
        "wegwijzer_title": "Wegwijzer: hoe kan deze activiteit betaald worden?",
        "wegwijzer_intro": "Kies een activiteit en een zorgverlener; de wegwijzer zoekt de "
        "betaaltitels, voorwaarden, knelpunten en andere routes in de catalogus.",
        "ask": "Toon het antwoord",
        "choose": "kies…",
        "answer": "Antwoord",
        "permalink": "Link naar dit antwoord",
        "description": "Omschrijving",
        "claimed_by": "Gedeclareerd door",
        "in_name_of": "in naam van",
        "not_by_asker": "niet door deze zorgverlener zelf",
        "counted_as": "Telt als",
        "unit": "Eenheid",
        "tariff_kind": "Soort tarief",
        "time_band": "Tijdsduur",
        "minutes": "min",
        "or_more": "of meer",
        "patient_bound": "Patiëntgebonden",
        "valid": "Geldig",
        "valid_from": "vanaf",
        "valid_to": "tot en met",
        "contract_forms": "Gebruikelijke contractvormen",
        "passend_id": "passend-id, geen officiële code",
        "vektis_code": "Vektis-code",
        "note": "Toelichting",
        "resolved_from": "opgelost vanaf",
        "kind": "Soort",
        "kind_payment_title": "betaaltitel",
        "kind_contracting": "contractering",
        "route_agreement": "afspraak",
        "route_subsidy": "subsidie",
        "route_one_off": "eenmalige vergoeding",
        "route_transformation_funds": "transformatiemiddelen",
        "route_project": "project",
        "route_own_payment": "eigen betaling",
        "tariff_maximum": "maximumtarief",
        "tariff_free": "vrij tarief",
        "tariff_integral_hourly": "integraal uurtarief",
        "tariff_day": "dagtarief",
        "tariff_lump": "vast bedrag",
        "no_options": "Geen betaaltitel en geen andere route gevonden.",
        "catalogue_title": "Catalogus: betaaltitels per sector en jaar",
        "catalogue_intro": "Elke betaaltitel met wet, status en tarief; kies een jaar, wet of "
        "status.",
        "all_years": "alle jaren",
        "all_laws": "alle wetten",
        "all_statuses": "alle statussen",
        "filter": "Filter",
        "code": "Code",
        "name": "Naam",
        "titles_count": "betaaltitels",
        "no_titles": "Geen betaaltitels voor deze keuze.",
        "changes": "Wat verandert er tussen jaren",
        "changes_title": "Wat verandert er van {from} naar {to}",
        "from": "Van jaar",
        "to": "Naar jaar",
        "show": "Toon",
        "added": "Nieuwe betaaltitels",
        "ended": "Vervallen betaaltitels",
        "tariff_changes": "Gewijzigde tarieven",
        "difference": "Verschil",
        "nothing": "geen",
        "title_page": "Betaaltitel",
        "rules": "Regels",
        "settings": "Settings",
        "activities": "Activiteiten",
        "includes": "Inbegrepen zorg",
        "claimants": "Wie mag declareren",
        "any_professional": "elke zorgverlener",
        "gate_rule": "Poortregel",
        "patient_wlz": "Wlz-indicatie",
        "wlz_needed": "alleen met Wlz-indicatie",
        "wlz_excluded": "alleen zonder Wlz-indicatie",
        "tariffs": "Tarieven per jaar",
        "amount": "Bedrag",
        "bottlenecks": "Knelpunten bij deze titel",
        "back_to_catalogue": "Terug naar de catalogus",
        "error": "Fout",
        "error_title": "Dit lukte niet",
        "closest": "Bedoelde u",
        "unknown": "Niet in de catalogus",
        "missing": "Vul ook in: {field}.",
        "bad_year": "het jaar moet een getal van {first} tot en met {last} zijn, niet {value!r}",
        "csrf_failed": "Het formulier is verlopen of niet van deze site; laad de pagina opnieuw "
        "en probeer het nog eens.",
        "offline_title": "Wegwijzer: vragen uit de praktijk",
        "offline_intro": "Vragen van netwerkcoördinatoren (seed 000 en 002) met de antwoorden "
        "van de wegwijzer, uit catalogus {version}.",
        "contents": "Inhoud",
        "catalogue_version": "Catalogus",
    },
    "en": {
        "app": "passend",
        "tagline": "The financing of palliative care",
        "skip": "Skip to content",
        "nav": "Main menu",
        "nav_wegwijzer": "Navigator",
        "nav_catalogue": "Catalogue",
        "nav_calculators": "Calculators",
        "nav_scenarios": "Scenarios",
        "nav_business_case": "Business case",
        "other_lang": "Nederlands",
        "other_lang_code": "nl",
        "wegwijzer_title": "Navigator: how can this activity be paid for?",
        "wegwijzer_intro": "Choose an activity and a professional; the navigator finds the "
        "payment titles, conditions, bottlenecks and other routes in the catalogue.",
        "ask": "Show the answer",
        "choose": "choose…",
        "answer": "Answer",
        "permalink": "Link to this answer",
        "description": "Description",
        "claimed_by": "Claimed by",
        "in_name_of": "in the name of",
        "not_by_asker": "not by this professional",
        "counted_as": "Counts as",
        "unit": "Unit",
        "tariff_kind": "Kind of tariff",
        "time_band": "Duration",
        "minutes": "min",
        "or_more": "or more",
        "patient_bound": "Patient-bound",
        "valid": "Valid",
        "valid_from": "from",
        "valid_to": "until",
        "contract_forms": "Usual contract forms",
        "passend_id": "passend id, not an official code",
        "vektis_code": "Vektis code",
        "note": "Note",
        "resolved_from": "resolved from",
        "kind": "Kind",
        "kind_payment_title": "payment title",
        "kind_contracting": "contracting",
        "route_agreement": "agreement",
        "route_subsidy": "subsidy",
        "route_one_off": "one-off compensation",
        "route_transformation_funds": "transformation funds",
        "route_project": "project",
        "route_own_payment": "own payment",
        "tariff_maximum": "maximum tariff",
        "tariff_free": "free tariff",
        "tariff_integral_hourly": "integral hourly rate",
        "tariff_day": "day tariff",
        "tariff_lump": "fixed amount",
        "no_options": "No payment title and no other route found.",
        "catalogue_title": "Catalogue: payment titles by sector and year",
        "catalogue_intro": "Every payment title with its law, status and tariff; choose a year, "
        "law or status.",
        "all_years": "all years",
        "all_laws": "all laws",
        "all_statuses": "all statuses",
        "filter": "Filter",
        "code": "Code",
        "name": "Name",
        "titles_count": "payment titles",
        "no_titles": "No payment titles for this choice.",
        "changes": "What changes between years",
        "changes_title": "What changes from {from} to {to}",
        "from": "From year",
        "to": "To year",
        "show": "Show",
        "added": "New payment titles",
        "ended": "Payment titles that end",
        "tariff_changes": "Changed tariffs",
        "difference": "Difference",
        "nothing": "none",
        "title_page": "Payment title",
        "rules": "Rules",
        "settings": "Settings",
        "activities": "Activities",
        "includes": "Care included",
        "claimants": "Who may claim",
        "any_professional": "any professional",
        "gate_rule": "Gate rule",
        "patient_wlz": "Wlz indication",
        "wlz_needed": "only with a Wlz indication",
        "wlz_excluded": "only without a Wlz indication",
        "tariffs": "Tariffs per year",
        "amount": "Amount",
        "bottlenecks": "Bottlenecks of this title",
        "back_to_catalogue": "Back to the catalogue",
        "error": "Error",
        "error_title": "That did not work",
        "closest": "Did you mean",
        "unknown": "Not in the catalogue",
        "missing": "Please also fill in: {field}.",
        "bad_year": "the year must be a number from {first} to {last}, not {value!r}",
        "csrf_failed": "The form has expired or is not from this site; reload the page and try "
        "again.",
        "offline_title": "Navigator: questions from practice",
        "offline_intro": "Questions of network coordinators (seeds 000 and 002) with the "
        "navigator's answers, from catalogue {version}.",
        "contents": "Contents",
        "catalogue_version": "Catalogue",
    },
}

PAGE_LABELS: dict[str, dict[str, str]] = {lang: {**LABELS[lang], **_PAGES[lang]} for lang in LANGS}


def lang_of(value: str | None) -> str:
    """A page's language: ``en`` when asked for, Dutch otherwise (a page never refuses)."""
    return "en" if value == "en" else "nl"


_CALC_PAGES: dict[str, dict[str, str]] = {
    "nl": {
        "calc_title": "Rekenhulpen",
        "calc_intro": "Eén contract doorrekenen uit totalen, voor een snelle wat-als: de uitkomst "
        "en de berekening stap voor stap, met de formule en haar bron. Bedragen in euro's; "
        "een komma of een punt als decimaalteken.",
        "calc_name": "Rekenhulp",
        "calc_summary": "Wat het berekent",
        "calc_inputs": "Invoer",
        "calc_compute": "Bereken",
        "calc_result": "Uitkomst",
        "calc_item": "Onderdeel",
        "calc_value": "Waarde",
        "calc_steps": "De berekening stap voor stap",
        "calc_formula": "Formule en bron",
        "calc_formula_lang": "De beschrijving in de code (Engels), module",
        "calc_all": "Alle rekenhulpen",
        "calc_permalink": "Link naar deze berekening",
        "calc_unknown": "Deze rekenhulp bestaat niet",
        "calc_required": "Vul dit veld in.",
        "calc_required_mark": "verplicht",
        "calc_default": "Standaard: {default}.",
        "calc_empty_none": "Leeg laten: geen.",
        "calc_hint_amount": "Bedrag in euro's, bijvoorbeeld 1250000,00.",
        "calc_hint_rate": "Een decimaal getal van 0 tot 1, bijvoorbeeld 0,5 (= 50%).",
        "calc_hint_number": "Een getal; decimalen na een komma of een punt.",
        "calc_hint_bool": "",
        "calc_hint_mapping": "Eén per regel: naam=waarde. Bijvoorbeeld:",
        "calc_hint_indicator": "Eén indicator per regel: naam=score:doel:gewicht; zet < voor het "
        "doel wanneer lager beter is. Bijvoorbeeld:",
        "calc_part": "Deel van {name}",
        "calc.shared-savings.benchmark": "Benchmark B (verwachte kosten)",
        "calc.shared-savings.actual": "Werkelijke kosten A",
        "calc.shared-savings.msr": "Minimale besparing (MSR), deel van B",
        "calc.shared-savings.mlr": "Minimaal verlies (MLR), deel van B",
        "calc.shared-savings.sharing_rate": "Deel van de besparing voor de aanbieder",
        "calc.shared-savings.loss_sharing_rate": "Deel van een verlies dat terugbetaald wordt",
        "calc.shared-savings.quality_score": "Kwaliteitsscore",
        "calc.shared-savings.savings_cap": "Plafond op het verdiende deel, deel van B",
        "calc.shared-savings.loss_cap": "Plafond op een terug te betalen verlies, deel van B",
        "calc.shared-savings.payment_factor": "Betalingsfactor (1 = geen correctie)",
        "calc.shared-savings.loss_factor": "Verliesfactor (1 = het verliesdeel volledig)",
        "calc.shared-savings.one_sided": "Eenzijdig contract: geen verliesdeling",
        "calc.revenue-cap.claimed": "Gedeclareerd",
        "calc.revenue-cap.cap": "Omzetplafond",
        "calc.revenue-cap.above_cap_share": "Deel van de declaraties boven het plafond dat "
        "betaald wordt",
        "calc.revenue-cap.terminal": "Deel van de declaraties voor terminale zorg",
        "calc.revenue-cap.exempt_terminal": "Terminale zorg vrijstellen van het plafond (AZWA: "
        "alleen wijkverpleging thuis)",
        "calc.efficiency.rate": "Integraal uurtarief",
        "calc.efficiency.hours": "Uren wijkverpleging",
        "calc.efficiency.client_months": "Cliëntmaanden (cliënten × maanden in zorg)",
        "calc.efficiency.norm": "Norm: gemiddeld aantal uren per cliënt per maand",
        "calc.efficiency.payback_share": "Deel van de uren boven de norm dat terugbetaald wordt",
        "calc.efficiency.terminal_hours": "Uren voor terminale cliënten",
        "calc.efficiency.terminal_client_months": "Cliëntmaanden van terminale cliënten",
        "calc.efficiency.exclude_terminal": "AZWA: terminale cliënten buiten de normtoets laten",
        "calc.availability.budget": "Budget",
        "calc.availability.share": "Aandeel per financier",
        "calc.availability.share.example": "cz=0,4\nvgz=0,6",
        "calc.bundle.price": "Prijs per patiënt per klasse, in euro's",
        "calc.bundle.price.example": "kanker=9000\noverig=6000",
        "calc.bundle.patients": "Aantal patiënten per klasse",
        "calc.bundle.patients.example": "kanker=100\noverig=50",
        "calc.bundle.actual": "Werkelijke kosten",
        "calc.bundle.corridor": "Risicocorridor, deel van de betaling",
        "calc.bundle.corridor_share": "Deel dat buiten de corridor verrekend wordt",
        "calc.bundle.outliers": "Kosten van uitschieters (buiten de bundel betaald)",
        "calc.lump-sum.amount": "Aanneemsom",
        "calc.lump-sum.share": "Werkelijk marktaandeel per verzekeraar",
        "calc.lump-sum.share.example": "cz=0,6\nvgz=0,4",
        "calc.lump-sum.contract_value": "PxQ-waarde waarop de aanneemsom gebaseerd is (bij "
        "een corridor)",
        "calc.lump-sum.actual_value": "Gerealiseerde PxQ-waarde (bij een corridor)",
        "calc.lump-sum.corridor": "Corridor, deel van de contractwaarde",
        "calc.lump-sum.corridor_share": "Deel dat buiten de corridor verrekend wordt",
        "calc.capitation.rate": "Bedrag per inwoner per jaar, per band, in euro's",
        "calc.capitation.rate.example": "v80=120\nm80=110",
        "calc.capitation.inhabitants": "Inwoners per band",
        "calc.capitation.inhabitants.example": "v80=1000\nm80=800",
        "calc.capitation.bonus_rate": "Kwaliteitsbonus, deel van de betaling",
        "calc.capitation.quality_score": "Kwaliteitsscore",
        "calc.p4p.pool": "Bonuspot",
        "calc.p4p.indicator": "Indicatoren",
        "calc.p4p.indicator.example": "acp=0,40:0,50:2\nseh=0,25:<0,20:1",
        "calc.p4p.threshold": "Score nodig voor de bonus",
        "calc.p4p.malus_rate": "Malus, deel van de pot",
        "calc.p4p.malus_below": "Malus wanneer de score lager is dan",
        "calc.staffing.calls_per_hour": "Oproepen per uur",
        "calc.staffing.handling_minutes": "Gemiddelde gesprekstijd in minuten",
        "calc.staffing.answer_within_seconds": "Opnemen binnen zoveel seconden",
        "calc.staffing.target": "Doel voor de servicegraad",
        "calc.out.benchmark_cents": "Benchmark B",
        "calc.out.actual_cents": "Werkelijke kosten",
        "calc.out.savings_cents": "Besparing S = B − A",
        "calc.out.threshold_cents": "Drempel",
        "calc.out.earned_cents": "Deel voor de aanbieder",
        "calc.out.owed_cents": "Terug te betalen door de aanbieder",
        "calc.out.capped": "Plafond bereikt",
        "calc.out.outcome": "Uitkomst",
        "calc.out.claimed_cents": "Gedeclareerd",
        "calc.out.exempt_cents": "Vrijgesteld",
        "calc.out.cap_cents": "Omzetplafond",
        "calc.out.paid_cents": "Betaald",
        "calc.out.unpaid_cents": "Niet betaald (voor rekening van de aanbieder)",
        "calc.out.over_cap_cents": "Boven het plafond",
        "calc.out.payback_cents": "Terugbetaling",
        "calc.out.net_cents": "Netto betaald",
        "calc.out.hours_tested": "Getoetste uren",
        "calc.out.norm_hours": "Norm in uren",
        "calc.out.excess_hours": "Uren boven de norm",
        "calc.out.average_hours_per_client_month": "Gemiddeld aantal uren per cliënt per maand",
        "calc.out.payment_cents": "Betaling",
        "calc.out.outlier_cents": "Uitschieters",
        "calc.out.result_cents": "Resultaat (positief: bespaard)",
        "calc.out.settlement_cents": "Verrekening",
        "calc.out.consortium_result_cents": "Resultaat voor het consortium",
        "calc.out.financer_pays_cents": "De financier betaalt",
        "calc.out.amount_cents": "Aanneemsom",
        "calc.out.deviation_cents": "Afwijking (gerealiseerd − contract)",
        "calc.out.total_cents": "Totaal",
        "calc.out.inhabitants": "Inwoners",
        "calc.out.bonus_cents": "Bonus",
        "calc.out.malus_cents": "Malus",
        "calc.out.score": "Score",
        "calc.out.achievements": "Behaald",
        "calc.out.agents": "Medewerkers op dienst",
        "calc.out.load": "Aangeboden belasting (Erlang)",
        "calc.out.service_level": "Servicegraad",
        "calc.out.wait_probability": "Kans op wachten",
        "calc.out.occupancy": "Bezettingsgraad",
        "calc.outcome.shared_savings": "besparing gedeeld",
        "calc.outcome.below_msr": "besparing onder de drempel",
        "calc.outcome.shared_loss": "verlies gedeeld",
        "calc.outcome.within_mlr": "verlies binnen de drempel",
        "calc.outcome.one_sided_loss": "verlies, eenzijdig contract",
    },
    "en": {
        "calc_title": "Calculators",
        "calc_intro": "One contract computed from totals, for a quick what-if: the result and "
        "the calculation step by step, with the formula and its source. Amounts in euros; a "
        "point or a comma as the decimal separator.",
        "calc_name": "Calculator",
        "calc_summary": "What it computes",
        "calc_inputs": "Inputs",
        "calc_compute": "Compute",
        "calc_result": "Result",
        "calc_item": "Item",
        "calc_value": "Value",
        "calc_steps": "The calculation step by step",
        "calc_formula": "Formula and source",
        "calc_formula_lang": "The description in the code, module",
        "calc_all": "All calculators",
        "calc_permalink": "Link to this calculation",
        "calc_unknown": "There is no such calculator",
        "calc_required": "Please fill in this field.",
        "calc_required_mark": "required",
        "calc_default": "Default: {default}.",
        "calc_empty_none": "Leave empty: none.",
        "calc_hint_amount": "Amount in euros, e.g. 1250000.00.",
        "calc_hint_rate": "A decimal from 0 to 1, e.g. 0.5 (= 50%).",
        "calc_hint_number": "A number; decimals after a point or a comma.",
        "calc_hint_bool": "",
        "calc_hint_mapping": "One per line: name=value. For example:",
        "calc_hint_indicator": "One indicator per line: name=score:target:weight; put < before "
        "the target when lower is better. For example:",
        "calc_part": "Part of {name}",
        "calc.shared-savings.benchmark": "Benchmark B (expected spending)",
        "calc.shared-savings.actual": "Actual spending A",
        "calc.shared-savings.msr": "Minimum savings rate (MSR), share of B",
        "calc.shared-savings.mlr": "Minimum loss rate (MLR), share of B",
        "calc.shared-savings.sharing_rate": "Share of the savings for the provider",
        "calc.shared-savings.loss_sharing_rate": "Share of a loss paid back",
        "calc.shared-savings.quality_score": "Quality score",
        "calc.shared-savings.savings_cap": "Cap on earned savings, share of B",
        "calc.shared-savings.loss_cap": "Cap on an owed loss, share of B",
        "calc.shared-savings.payment_factor": "Payment adjustment factor (1 = none)",
        "calc.shared-savings.loss_factor": "Loss adjustment factor (1 = the loss share in full)",
        "calc.shared-savings.one_sided": "One-sided contract: no loss sharing",
        "calc.revenue-cap.claimed": "Claimed",
        "calc.revenue-cap.cap": "Revenue cap",
        "calc.revenue-cap.above_cap_share": "Share of the claims above the cap that is paid",
        "calc.revenue-cap.terminal": "Part of the claims for terminal care",
        "calc.revenue-cap.exempt_terminal": "Exempt terminal care from the cap (AZWA: district "
        "nursing at home only)",
        "calc.efficiency.rate": "Integral hourly rate",
        "calc.efficiency.hours": "Hours of district nursing",
        "calc.efficiency.client_months": "Client-months (clients × months in care)",
        "calc.efficiency.norm": "Norm: average hours per client per month",
        "calc.efficiency.payback_share": "Share of the hours above the norm paid back",
        "calc.efficiency.terminal_hours": "Hours for terminal clients",
        "calc.efficiency.terminal_client_months": "Client-months of terminal clients",
        "calc.efficiency.exclude_terminal": "AZWA: leave terminal clients out of the norm test",
        "calc.availability.budget": "Budget",
        "calc.availability.share": "Share per financer",
        "calc.availability.share.example": "cz=0.4\nvgz=0.6",
        "calc.bundle.price": "Price per patient per class, in euros",
        "calc.bundle.price.example": "cancer=9000\nother=6000",
        "calc.bundle.patients": "Patients per class",
        "calc.bundle.patients.example": "cancer=100\nother=50",
        "calc.bundle.actual": "Actual costs",
        "calc.bundle.corridor": "Risk corridor, share of the payment",
        "calc.bundle.corridor_share": "Share settled beyond the corridor",
        "calc.bundle.outliers": "Costs of outliers (paid outside the bundle)",
        "calc.lump-sum.amount": "Lump sum",
        "calc.lump-sum.share": "Actual market share per insurer",
        "calc.lump-sum.share.example": "cz=0.6\nvgz=0.4",
        "calc.lump-sum.contract_value": "PxQ value the lump sum was based on (with a corridor)",
        "calc.lump-sum.actual_value": "Realised PxQ value (with a corridor)",
        "calc.lump-sum.corridor": "Corridor, share of the contract value",
        "calc.lump-sum.corridor_share": "Share settled beyond the corridor",
        "calc.capitation.rate": "Amount per inhabitant per year, per band, in euros",
        "calc.capitation.rate.example": "f80=120\nm80=110",
        "calc.capitation.inhabitants": "Inhabitants per band",
        "calc.capitation.inhabitants.example": "f80=1000\nm80=800",
        "calc.capitation.bonus_rate": "Quality bonus, share of the payment",
        "calc.capitation.quality_score": "Quality score",
        "calc.p4p.pool": "Bonus pool",
        "calc.p4p.indicator": "Indicators",
        "calc.p4p.indicator.example": "acp=0.40:0.50:2\ned=0.25:<0.20:1",
        "calc.p4p.threshold": "Score needed for the bonus",
        "calc.p4p.malus_rate": "Malus, share of the pool",
        "calc.p4p.malus_below": "Malus when the score is below",
        "calc.staffing.calls_per_hour": "Calls per hour",
        "calc.staffing.handling_minutes": "Average handling time in minutes",
        "calc.staffing.answer_within_seconds": "Answer within this many seconds",
        "calc.staffing.target": "Service level target",
        "calc.out.benchmark_cents": "Benchmark B",
        "calc.out.actual_cents": "Actual spending",
        "calc.out.savings_cents": "Savings S = B − A",
        "calc.out.threshold_cents": "Threshold",
        "calc.out.earned_cents": "Paid to the provider",
        "calc.out.owed_cents": "Paid back by the provider",
        "calc.out.capped": "Capped",
        "calc.out.outcome": "Outcome",
        "calc.out.claimed_cents": "Claimed",
        "calc.out.exempt_cents": "Exempt",
        "calc.out.cap_cents": "Revenue cap",
        "calc.out.paid_cents": "Paid",
        "calc.out.unpaid_cents": "Not paid (borne by the provider)",
        "calc.out.over_cap_cents": "Above the cap",
        "calc.out.payback_cents": "Paid back",
        "calc.out.net_cents": "Net paid",
        "calc.out.hours_tested": "Hours tested",
        "calc.out.norm_hours": "Norm in hours",
        "calc.out.excess_hours": "Hours above the norm",
        "calc.out.average_hours_per_client_month": "Average hours per client per month",
        "calc.out.payment_cents": "Payment",
        "calc.out.outlier_cents": "Outliers",
        "calc.out.result_cents": "Result (positive: saved)",
        "calc.out.settlement_cents": "Settlement",
        "calc.out.consortium_result_cents": "Result for the consortium",
        "calc.out.financer_pays_cents": "The financer pays",
        "calc.out.amount_cents": "Lump sum",
        "calc.out.deviation_cents": "Deviation (realised − contract)",
        "calc.out.total_cents": "Total",
        "calc.out.inhabitants": "Inhabitants",
        "calc.out.bonus_cents": "Bonus",
        "calc.out.malus_cents": "Malus",
        "calc.out.score": "Score",
        "calc.out.achievements": "Achieved",
        "calc.out.agents": "Agents on duty",
        "calc.out.load": "Offered load (Erlang)",
        "calc.out.service_level": "Service level",
        "calc.out.wait_probability": "Probability of waiting",
        "calc.out.occupancy": "Occupancy",
        "calc.outcome.shared_savings": "savings shared",
        "calc.outcome.below_msr": "savings below the threshold",
        "calc.outcome.shared_loss": "loss shared",
        "calc.outcome.within_mlr": "loss within the threshold",
        "calc.outcome.one_sided_loss": "loss, one-sided contract",
    },
}
"""The calculator pages: each field's label (``calc.<calculator>.<field>``; a mapping's example
in ``….example``), each result's (``calc.out.<key>``), the hints per kind of field."""
# -- the scenario and business-case pages (web/pages/runs.py) -------------------------------

_RUN_PAGES: dict[str, dict[str, str]] = {
    "nl": {
        "scenarios_title": "Scenario's: wie betaalt en wie bespaart?",
        "scenarios_intro": "Kies een voorbeeldscenario of upload een eigen YAML-bestand "
        "(docs/scenarios.md). De run simuleert de regio met en zonder de interventie en rekent "
        "af onder elke contractset; volg de voortgang, lees het rapport en download de tabellen.",
        "bc_title": "Businesscase van een transmuraal team",
        "bc_intro": "Kies een voorbeeld-businesscase of upload een eigen YAML-bestand "
        "(docs/business-case.md): capaciteit, kosten, bekostiging en besparing per jaar.",
        "start": "Start een run",
        "example": "Voorbeeld",
        "example_none": "geen (ik upload een bestand)",
        "inhabitants_about": "ca. {n} inwoners",
        "heavy": "zwaar: {n} inwoners, minuten rekenen en enkele GB geheugen; draai dit "
        "met de opdrachtregel",
        "upload": "Of upload een YAML-bestand",
        "upload_hint": "Een upload gaat voor het voorbeeld. Het mag de meegeleverde "
        "voorbeeldbestanden en contractsets bij naam noemen.",
        "replicates": "Replicaties (leeg: die van het bestand)",
        "overrides": "Het voorbeeld aanpassen (leeg: zoals in het voorbeeld)",
        "overrides_hint": "Alleen voor een voorbeeld, niet voor een upload. De interventie "
        "blijft die van het voorbeeld.",
        "region": "Regio",
        "region_example": "die van het voorbeeld",
        "scale": "Schaal van de populatie (groter dan 0, ten hoogste 1)",
        "scale_hint": "Bijvoorbeeld 0,1 voor een tiende van de inwoners; leeg: die van het "
        "voorbeeld.",
        "contract_sets": "Contractsets (niets aangevinkt: die van het voorbeeld)",
        "overrides_example_only": "wat u hier aanpast, past een voorbeeld aan: kies een "
        "voorbeeld en upload geen bestand",
        "bad_scale": "population.scale: {value!r} is geen getal; een decimaal getal groter "
        "dan 0 en ten hoogste 1, bijvoorbeeld 0,1",
        "bc_overrides_hint": "Alleen voor een voorbeeld, niet voor een upload. De rest van de "
        "invoer (kosten per fte, uren, de uitgespaarde zorg) blijft die van het voorbeeld; wat "
        "u invult, wordt net zo gecontroleerd als een bestand.",
        "discount_rate_field": "Disconteringsvoet (bijvoorbeeld 0,04 voor 4%)",
        "start_up_field": "Opstartkosten in het eerste jaar, in euro's",
        "planned_fte": "Geplande fte: {role}",
        "bad_number": "{field}: {value!r} is geen getal",
        "role_absent": "roles: {role!r} komt niet voor in {example}",
        "run": "Start",
        "choose_input": "Kies een voorbeeld of upload een bestand.",
        "bad_replicates": "replicaties: een geheel getal van 1 tot en met 10000",
        "bad_example": "geen voorbeeld van deze pagina: {value!r}",
        "invalid_upload": "Het bestand is niet in orde",
        "too_many_runs": "U hebt al {limit} runs in de wachtrij of bezig; wacht tot er een "
        "klaar is.",
        "too_large": "Het bestand is te groot: {size} bytes, de grens is {limit}.",
        "token_required": "Deze run bevat geïmporteerde gegevens: daarvoor is een token nodig.",
        "unavailable": "De runs zijn nu niet beschikbaar: {detail}",
        "unknown_run": "Geen run met id {value!r}.",
        "runs": "Runs",
        "no_runs": "Nog geen runs.",
        "run_id": "Run",
        "run_name": "Naam",
        "created": "Gestart op",
        "progress": "Voortgang",
        "steps": "{done} van {total} stappen",
        "status_queued": "in de wachtrij",
        "status_running": "bezig",
        "status_done": "klaar",
        "status_failed": "mislukt",
        "run_title": "Run {id}",
        "refreshing": "Deze pagina ververst zich elke 2 seconden tot de run klaar is.",
        "failed_because": "De run is mislukt",
        "results": "Resultaten",
        "open_report": "Open het rapport",
        "downloads": "Downloads",
        "table": "Tabel",
        "files": "Bestanden",
        "workbook": "Werkmap (Excel)",
        "summary_file": "Kerncijfers (summary.json)",
        "bc_file": "Alle cijfers (business_case.json)",
        "back_to_runs": "Terug naar de runs",
        "bc_inputs": "De invoer",
        "bc_examples": "De voorbeelden",
        "scenario": "Scenario",
        "start_up": "Opstartkosten",
        "discount_rate": "Disconteringsvoet",
        "timings": "Rekentijd",
        "seconds": "{n} s",
        "cents_note": "Bedragen in euro; de tabellen zelf in centen.",
    },
    "en": {
        "scenarios_title": "Scenarios: who pays and who saves?",
        "scenarios_intro": "Choose an example scenario or upload your own YAML file "
        "(docs/scenarios.md). The run simulates the region with and without the intervention "
        "and settles it under every contract set; follow its progress, read the report and "
        "download the tables.",
        "bc_title": "Business case of a transmural team",
        "bc_intro": "Choose an example business case or upload your own YAML file "
        "(docs/business-case.md): capacity, cost, funding and savings per year.",
        "start": "Start a run",
        "example": "Example",
        "example_none": "none (I upload a file)",
        "inhabitants_about": "about {n} inhabitants",
        "heavy": "heavy: {n} inhabitants, minutes of computing and some GB of memory; run "
        "it on the command line",
        "upload": "Or upload a YAML file",
        "upload_hint": "An upload takes precedence over the example. It may name the shipped "
        "example files and contract sets.",
        "replicates": "Replicates (empty: the file's)",
        "overrides": "Adjust the example (empty: as in the example)",
        "overrides_hint": "For an example only, not for an upload. The intervention stays the "
        "example's.",
        "region": "Region",
        "region_example": "the example's",
        "scale": "Population scale (greater than 0, at most 1)",
        "scale_hint": "For example 0.1 for a tenth of the inhabitants; empty: the example's.",
        "contract_sets": "Contract sets (none ticked: the example's)",
        "overrides_example_only": "what you adjust here adjusts an example: choose an example "
        "and do not upload a file",
        "bad_scale": "population.scale: {value!r} is not a number; a decimal number greater "
        "than 0 and at most 1, for example 0.1",
        "bc_overrides_hint": "For an example only, not for an upload. The rest of the inputs "
        "(cost per FTE, hours, the care avoided) stays the example's; what you fill in is "
        "checked as a file is.",
        "discount_rate_field": "Discount rate (for example 0.04 for 4%)",
        "start_up_field": "Start-up cost in the first year, in euros",
        "planned_fte": "Planned FTE: {role}",
        "bad_number": "{field}: {value!r} is not a number",
        "role_absent": "roles: {role!r} is not in {example}",
        "run": "Start",
        "choose_input": "Choose an example or upload a file.",
        "bad_replicates": "replicates: a whole number from 1 to 10000",
        "bad_example": "not an example of this page: {value!r}",
        "invalid_upload": "The file is not valid",
        "too_many_runs": "You have {limit} runs queued or running already; wait until one is done.",
        "too_large": "The file is too large: {size} bytes, the limit is {limit}.",
        "token_required": "This run holds imported data: it needs a token.",
        "unavailable": "Runs are not available now: {detail}",
        "unknown_run": "No run with id {value!r}.",
        "runs": "Runs",
        "no_runs": "No runs yet.",
        "run_id": "Run",
        "run_name": "Name",
        "created": "Started on",
        "progress": "Progress",
        "steps": "{done} of {total} steps",
        "status_queued": "queued",
        "status_running": "running",
        "status_done": "done",
        "status_failed": "failed",
        "run_title": "Run {id}",
        "refreshing": "This page refreshes every 2 seconds until the run is done.",
        "failed_because": "The run failed",
        "results": "Results",
        "open_report": "Open the report",
        "downloads": "Downloads",
        "table": "Table",
        "files": "Files",
        "workbook": "Workbook (Excel)",
        "summary_file": "Headline figures (summary.json)",
        "bc_file": "All figures (business_case.json)",
        "back_to_runs": "Back to the runs",
        "bc_inputs": "The inputs",
        "bc_examples": "The examples",
        "scenario": "Scenario",
        "start_up": "Start-up cost",
        "discount_rate": "Discount rate",
        "timings": "Computing time",
        "seconds": "{n} s",
        "cents_note": "Amounts in euros; the tables themselves in cents.",
    },
}

for _lang in LANGS:
    PAGE_LABELS[_lang].update(_CALC_PAGES[_lang])
    PAGE_LABELS[_lang].update(_RUN_PAGES[_lang])


# -- refusals (issue 18 point 2): years outside the catalogue's reviewed range, paths that do
# not exist. ``what`` is how the value was given (``--year``, ``year``, ``--population``).
YEAR_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "refused": "{what} {year}: niemand heeft de regels voor {year} nagekeken; kies een "
        "jaar van {first} tot en met {last} (de herziene jaren van de catalogus){announced}",
        "refused_announced": " of {years} (aangekondigde regels, niet definitief)",
        "announced": "let op: {year} valt na de herziene jaren van de catalogus ({first}–{last}); "
        "de regels voor {year} zijn aangekondigd, niet definitief: {rules} [bron: {sources}]",
    },
    "en": {
        "refused": "{what} {year}: nobody reviewed the rules for {year}; choose a year from "
        "{first} to {last} (the catalogue's reviewed years){announced}",
        "refused_announced": " or {years} (announced rules, not final)",
        "announced": "warning: {year} is after the catalogue's reviewed years ({first}–{last}); "
        "the rules for {year} are announced, not final: {rules} [source: {sources}]",
    },
}

PATH_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "missing": "{what} {path}: bestaat niet",
        "not_folder": "{what} {path}: is geen map",
        "not_file": "{what} {path}: is geen bestand",
        "no_tables": "{what} {path}: deze map bevat geen van {tables}",
    },
    "en": {
        "missing": "{what} {path}: does not exist",
        "not_folder": "{what} {path}: is not a folder",
        "not_file": "{what} {path}: is not a file",
        "no_tables": "{what} {path}: this folder holds none of {tables}",
    },
}
# -- the command line: its own words (the tables' headers, its lines) and its help ----------

LANG_ENV = "PASSEND_LANG"
"""The environment variable that sets the command line's language: its help (built before
the options are read, so ``--lang`` cannot change it) and the default of ``--lang``."""


def env_lang() -> str:
    """The command line's language from ``PASSEND_LANG`` (nl or en); Dutch when it is unset or
    unknown (the help must print, whatever the variable says)."""
    value = os.environ.get(LANG_ENV, "")
    return value if value in LANGS else LANGS[0]


CLI_LABELS = {
    "nl": {
        "written": "Geschreven naar",
        "results": "Resultaten",
        "problems": "{n} probleem/problemen",
        "catalogue_problems": "de catalogus heeft {n} probleem/problemen",
        "rejected_lines": "Geweigerde regels",
        "rejected_rows": "Geweigerde rijen",
        "note": "let op",
        "admin_token": "Beheerderstoken (één keer getoond; bewaar het veilig):",
        "demo_wegwijzer": "Resultaat (wegwijzer)",
        "demo_report": "Resultaat (rapport)",
        "demo_case": "Resultaat (businesscase)",
        "catalogue_ok": "Catalogus {version} in orde: {files} bestanden, {titles} betaaltitels, "
        "{tariffs} tarieven ({placeholders} plaatshouders), {bottlenecks} knelpunten, {routes} "
        "routes.",
        "not_a_folder": "{path}: geen map",
        "outside_year": "Buiten contractjaar {year} (niet afgerekend): {lines} regel(s), {amount}",
        "whole_population": "Populatie van overledenen in {year}: hun hele laatste levensjaar is "
        "afgerekend in {year} (--year {year} voor alleen de zorg van dat jaar)",
        "own_reference": "Zonder --reference: {contracts} zetten plafonds, prijzen of benchmarks "
        "uit het eigen volume van deze afrekening",
        "ledger_ok": "{rows} grootboekregels; declaraties {claims} = per regel betaald "
        "{claims_paid} + herprijsd {repriced} + binnen andere betalingen {in_scope}; het geld "
        "sluit.",
        "sim_title": "Verandering in marge door de interventie, {unit} (interventie min basis)",
        "sim_outcomes": "Uitkomsten per patiënt",
        "money_in_cents": "Ontvangen",
        "money_out_cents": "Betaald",
        "cost_cents": "Kosten",
        "margin_cents": "Marge",
        "code": "Code",
        "name": "Naam",
        "passend_id": "passend-id",
        "valid": "Geldig",
        "total": "Totaal",
        "lines": "Regels",
        "rows": "Rijen",
        "amount": "Bedrag",
        "volume": "Volume",
        "cost_price": "Kosten (kostprijs)",
        "declared_by_financer": "Declaraties {year} per financier",
        "declared_by_law": "Declaraties {year} per wet",
        "declared_by_title": "Declaraties per betaaltitel (de grootste 15)",
        "not_declared": "Niet gedeclareerd (financieringsgaten en ander geld)",
        "declared_sum": "Activiteiten {activities} = declaratieregels {lines} + niet "
        "gedeclareerd {unclaimed}",
        "unfunded.no_title": "geen betaaltitel",
        "unfunded.contract_only": "alleen via een contract",
        "unfunded.no_amount": "titel zonder bedrag",
        "unfunded.lump_funded": "vast budget of subsidie",
        "unfunded.included": "inbegrepen in een andere declaratie",
        "unfunded.no_rules": "geen regels voor dat jaar (vóór de catalogus)",
        "unit.minutes": "minuten",
        "unit.days": "dagen",
        "unit.count": "stuks",
        "count": "Aantal",
        "read": "gelezen",
        "accepted": "geaccepteerd",
        "rejected": "geweigerd",
        "table": "Tabel",
        "file": "Bestand",
        "unreadable_amounts": "{n} regel(s) met een onleesbaar bedrag (niet in de totalen).",
        "above_max": "{n} regel(s) boven het maximumtarief: geaccepteerd en gemarkeerd "
        "(above_max_tariff).",
        "flagged_lines": "{n} regel(s) geaccepteerd met opmerking: {path}",
        "exported": "{files} {format}-bestand(en), {lines} prestatieregels; {left_out} regel(s) "
        "buiten {format} ({outside}).",
        "outside.aw319": "huisarts, ziekenhuis, Wmo, subsidie of zonder patiënt",
        "outside.zh308": "geen ziekenhuiszorg of zonder patiënt",
        "synthetic_bsn": "Let op: het BSN-veld bevat synthetische nummers (11-proef), geen BSN's "
        "van patiënten.",
        "regions": "Regio's",
        "inhabitants": "Inwoners",
        "insurers_explicit": "Verzekeraars (expliciet)",
        "national_split": "landelijke verdeling",
        "population_title": "Populatie {region} {year}, {view} (seed {seed}, schaal {scale})",
        "view.deaths": "overledenen",
        "view.calendar": "kalenderjaar",
        "flagged_rows": "Geaccepteerd met opmerking",
        "calibration_title": "Kalibratie {region} {year} (seed {seed}, schaal {scale})",
        "target": "Doel",
        "target_value": "Doelwaarde",
        "generated": "Gegenereerd",
        "tolerance": "Tolerantie",
        "source": "Bron",
        "bc_title": "Businesscase per jaar, {unit}",
        "savings": "Besparing financiers",
        "net": "Netto",
        "carried": "regels van {y} doorgetrokken",
        "npv": "Netto contante waarde: {v}; terugverdiend na: {p}",
        "never": "nooit binnen de horizon",
        "years": "{n} jaar",
        "year_1": "1 jaar",
        "fte": "Fte nodig: {need} (gepland {plan}; tekort, opgeteld over de rollen waar het "
        "ontbreekt: {short})",
    },
    "en": {
        "written": "Written to",
        "results": "Results",
        "problems": "{n} problem(s)",
        "catalogue_problems": "the catalogue has {n} problem(s)",
        "rejected_lines": "Rejected lines",
        "rejected_rows": "Rejected rows",
        "note": "note",
        "admin_token": "Admin token (shown once; store it safely):",
        "demo_wegwijzer": "Result (navigator)",
        "demo_report": "Result (report)",
        "demo_case": "Result (business case)",
        "catalogue_ok": "Catalogue {version} OK: {files} files, {titles} payment titles, "
        "{tariffs} tariffs ({placeholders} placeholders), {bottlenecks} bottlenecks, {routes} "
        "routes.",
        "not_a_folder": "{path}: not a folder",
        "outside_year": "Outside contract year {year} (not settled): {lines} line(s), {amount}",
        "whole_population": "Population of the people who die in {year}: their whole last year "
        "of care is settled in {year} (--year {year} for the care of that year only)",
        "own_reference": "Without --reference: {contracts} set caps, prices or benchmarks from "
        "this settlement's own volume",
        "ledger_ok": "{rows} ledger rows; claims {claims} = paid per line {claims_paid} + "
        "repriced {repriced} + in scope of other payments {in_scope}; money conserved.",
        "sim_title": "Change in margin from the intervention, {unit} (intervention minus baseline)",
        "sim_outcomes": "Outcomes per patient",
        "money_in_cents": "Money in",
        "money_out_cents": "Money out",
        "cost_cents": "Cost",
        "margin_cents": "Margin",
        "code": "Code",
        "name": "Name",
        "passend_id": "passend id",
        "valid": "Valid",
        "total": "Total",
        "lines": "Lines",
        "rows": "Rows",
        "amount": "Amount",
        "volume": "Volume",
        "cost_price": "Cost (cost price)",
        "declared_by_financer": "Claims {year} per financer",
        "declared_by_law": "Claims {year} per law",
        "declared_by_title": "Claims per payment title (the largest 15)",
        "not_declared": "Not claimed (funding gaps and other money)",
        "declared_sum": "Activities {activities} = claim lines {lines} + not claimed {unclaimed}",
        "unfunded.no_title": "no payment title",
        "unfunded.contract_only": "by contract only",
        "unfunded.no_amount": "title without an amount",
        "unfunded.lump_funded": "fixed budget or subsidy",
        "unfunded.included": "included in another claim",
        "unfunded.no_rules": "no rules for that year (before the catalogue)",
        "unit.minutes": "minutes",
        "unit.days": "days",
        "unit.count": "items",
        "count": "Count",
        "read": "read",
        "accepted": "accepted",
        "rejected": "rejected",
        "table": "Table",
        "file": "File",
        "unreadable_amounts": "{n} line(s) with an unreadable amount (not in the totals).",
        "above_max": "{n} line(s) above the maximum tariff: accepted and flagged "
        "(above_max_tariff).",
        "flagged_lines": "{n} line(s) accepted with a flag: {path}",
        "exported": "{files} {format} file(s), {lines} service lines; {left_out} line(s) "
        "outside {format} ({outside}).",
        "outside.aw319": "GP, hospital, Wmo, subsidy or without a patient",
        "outside.zh308": "no hospital care or without a patient",
        "synthetic_bsn": "Note: the BSN field holds synthetic numbers (eleven test), not "
        "patients' BSNs.",
        "regions": "Regions",
        "inhabitants": "Inhabitants",
        "insurers_explicit": "Insurers (explicit)",
        "national_split": "national split",
        "population_title": "Population {region} {year}, {view} (seed {seed}, scale {scale})",
        "view.deaths": "deaths",
        "view.calendar": "calendar year",
        "flagged_rows": "Accepted with a flag",
        "calibration_title": "Calibration {region} {year} (seed {seed}, scale {scale})",
        "target": "Target",
        "target_value": "Target value",
        "generated": "Generated",
        "tolerance": "Tolerance",
        "source": "Source",
        "bc_title": "Business case per year, {unit}",
        "savings": "Financers' savings",
        "net": "Net",
        "carried": "rules of {y} carried forward",
        "npv": "Net present value: {v}; paid back after: {p}",
        "never": "never within the horizon",
        "years": "{n} years",
        "year_1": "1 year",
        "fte": "FTE needed: {need} (planned {plan}; shortfall, summed over the roles that lack "
        "it: {short})",
    },
}
"""The command line's own words: its tables' titles and headers and its lines."""

CLI_HELP = {
    "nl": {
        "Show version.": "Toon de versie.",
        "Activity id, e.g. patz_meeting.": "Id van de activiteit, bijvoorbeeld patz_meeting.",
        "Professional id, e.g. gp_palliative.": "Id van de zorgverlener, bijvoorbeeld "
        "gp_palliative.",
        "Specialty id of a medical specialist.": "Id van het specialisme van een medisch "
        "specialist.",
        "Setting id, e.g. home or hospice.": "Id van de setting, bijvoorbeeld home of hospice.",
        "Year (default: the catalogue's default).": "Jaar (standaard: dat van de catalogus).",
        "Print JSON instead of a table.": "Druk JSON af in plaats van een tabel.",
        "Language of human output: nl or en.": "Taal van de uitvoer: nl of en (standaard: "
        "PASSEND_LANG, anders nl).",
        "nl or en.": "nl of en (standaard: PASSEND_LANG, anders nl).",
        "Extra catalogue YAML file or folder (e.g. your own tariff_overrides).": "Extra "
        "YAML-bestand of -map voor de catalogus (bijvoorbeeld eigen tariff_overrides).",
        "Folder for the results.": "Map voor de resultaten.",
        "Scenario to simulate (make demo: examples/zuid-gelderland-pzt.yaml).": "Te simuleren "
        "scenario (make demo: examples/zuid-gelderland-pzt.yaml).",
        "Business case to build (make demo: examples/business-case-zuid-gelderland.yaml).": "Op "
        "te stellen businesscase (make demo: examples/business-case-zuid-gelderland.yaml).",
        "Folder with claims.parquet (and unfunded).": "Map met claims.parquet (en unfunded).",
        "Contract-set YAML file, or a shipped one: pxq, current, ...": "YAML-bestand met een "
        "contractset, of een meegeleverde: pxq, current, ...",
        "Folder for the ledger and summaries.": "Map voor het grootboek en de overzichten.",
        "Population folder (patients, providers, financers), if any.": "Map van de populatie "
        "(patiënten, aanbieders, financiers), als die er is.",
        "Settlement folder of the baseline: fixes caps, prices, benchmarks.": "Map met de "
        "afrekening van de basis: legt plafonds, prijzen en benchmarks vast.",
        "Your own provider costs YAML.": "Eigen YAML-bestand met de kosten van aanbieders.",
        "Your own cost prices YAML.": "Eigen YAML-bestand met kostprijzen.",
        "Extra region file or folder.": "Extra regiobestand of -map.",
        "Print JSON (cents).": "Druk JSON af (in centen).",
        "Scenario YAML file (see docs/scenarios.md).": "YAML-bestand van het scenario (zie "
        "docs/scenarios.md).",
        "Override the scenario's number of replicates.": "Aantal replicaties in plaats van dat "
        "van het scenario.",
        "Write the HTML report.": "Schrijf het HTML-rapport.",
        "Processes to run the steps in (default: the cores this process may use, within a "
        "container's CPU quota); the results do not depend on it. Each national step needs up "
        "to ~4 GiB.": "Processen voor de stappen (standaard: de kernen die dit proces mag "
        "gebruiken, binnen het CPU-quotum van een container); de resultaten hangen er niet van "
        "af. Elke landelijke stap vraagt tot ~4 GiB.",
        "Engine of the queries: duckdb (in this process) or spark (Apache Spark; install "
        "'.\\[spark]', Java 17; master from PASSEND_SPARK_MASTER, default local[*]). The cents "
        "are the same.": "Rekenmotor van de queries: duckdb (in dit proces) of spark (Apache "
        "Spark; installeer '.\\[spark]', Java 17; master uit PASSEND_SPARK_MASTER, standaard "
        "local[*]). De centen zijn dezelfde.",
        "Business case YAML file (docs/business-case.md).": "YAML-bestand van de businesscase "
        "(docs/business-case.md).",
        "Print the JSON.": "Druk de JSON af.",
        "Processes for the simulation (0: the cores).": "Processen voor de simulatie (0: de "
        "kernen).",
        "Address to listen on.": "Adres waarop de server luistert.",
        "Port to listen on.": "Poort waarop de server luistert.",
        "Processes beside the server that execute runs (scenarios, business cases); each "
        "national run needs up to ~4 GiB.": "Processen naast de server die de runs uitvoeren "
        "(scenario's, businesscases); elke landelijke run vraagt tot ~4 GiB.",
        "Data folder (runs, tokens).": "Datamap (runs, tokens).",
        "Largest upload in MiB (413 beyond).": "Grootste upload in MiB (daarboven 413).",
        "Runs one client may have queued or running at once.": "Runs die één gebruiker tegelijk "
        "in de wachtrij of bezig mag hebben.",
        "Trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy).": "Vertrouw "
        "X-Forwarded-* van --forwarded-allow-ips (achter een proxy).",
        "Proxies whose X-Forwarded-* headers are trusted.": "Proxy's waarvan de "
        "X-Forwarded-*-headers vertrouwd worden.",
        "Only titles valid in this year.": "Alleen titels die in dit jaar gelden.",
        "Only titles under this law id.": "Alleen titels onder deze wet (id).",
        "claimable, experimental or proposed.": "claimable (declarabel), experimental "
        "(experimenteel) of proposed (voorgesteld).",
        "Title code, e.g. 12011 or MSZ-DBC-PZ.": "Code van de titel, bijvoorbeeld 12011 of "
        "MSZ-DBC-PZ.",
        "Extra region file or folder (one YAML file per region).": "Extra regiobestand of -map "
        "(één YAML-bestand per regio).",
        "Region id, e.g. national or zuid-gelderland.": "Id van de regio, bijvoorbeeld national "
        "of zuid-gelderland.",
        "The population's year: of death (deaths view) or of care (calendar).": "Het jaar van "
        "de populatie: van overlijden (weergave deaths) of van de zorg (calendar).",
        "deaths: the people who die in --year with their last year of care (partly in the year "
        "before; what calibration compares). calendar: the care delivered in --year, of the "
        "people who die in it and in the next year (a contract year).": "deaths: de mensen die "
        "in --year overlijden, met hun laatste levensjaar aan zorg (deels in het jaar ervoor; "
        "wat de kalibratie vergelijkt). calendar: de zorg geleverd in --year, van de mensen die "
        "dan en in het jaar erna overlijden (een contractjaar).",
        "providers file (provider_id, provider_kind; optional name, region, agb_code). Without "
        "it, providers are derived from the ids the activities name (AGB codes).": "bestand "
        "met aanbieders (provider_id, provider_kind; naar keuze name, region, agb_code). "
        "Zonder dit bestand worden de aanbieders afgeleid uit de ids die de activiteiten noemen "
        "(AGB-codes).",
        "financers file (financer_id, financer_kind; optional name, region, share, uzovi). "
        "Without it, financers are derived from the patients' insurer, care office and "
        "municipality.": "bestand met financiers (financer_id, financer_kind; naar keuze name, "
        "region, share, uzovi). Zonder dit bestand worden de financiers afgeleid uit de "
        "zorgverzekeraar, het zorgkantoor en de gemeente van de patiënten.",
        "CSV provider_agb,provider_kind: your own kind per AGB code (before the AGB groups of "
        "agb_kinds.yaml).": "CSV provider_agb,provider_kind: een eigen soort per AGB-code "
        "(gaat voor de AGB-groepen van agb_kinds.yaml).",
        "claims file (.csv or .parquet, e.g. your system's export): its providers and financers "
        "are derived too (a financer's kind from the law of its titles).": "declaratiebestand "
        "(.csv of .parquet, bijvoorbeeld de export van uw systeem): ook de aanbieders en "
        "financiers daarvan worden afgeleid (de soort financier uit de wet van de betaaltitels).",
        "Contract year: only the care delivered in it is settled; the other lines are reported "
        "(default: the claims' year, or the population's).": "Contractjaar: alleen de zorg die "
        "erin geleverd is wordt afgerekend; de overige regels worden gemeld (standaard: het "
        "jaar van de declaraties, of dat van de populatie).",
        "Also write results.xlsx: every result table as a sheet, euros as numbers.": "Schrijf "
        "ook results.xlsx: elke resultaattabel als werkblad, euro's als getallen.",
        "The population's year, to check (default: from meta.json, or the year most activities "
        "fall in). Every line is priced by the rules of its own year of service.": "Het jaar "
        "van de populatie, ter controle (standaard: uit meta.json, of het jaar waarin de meeste "
        "activiteiten vallen). Elke regel wordt geprijsd met de regels van zijn eigen "
        "prestatiejaar.",
        "Contract year: lines dated in another year are refused (leave out to keep every year; "
        "each line is checked by its own year of service).": "Contractjaar: regels uit een "
        "ander jaar worden geweigerd (weglaten om elk jaar te houden; elke regel wordt getoetst "
        "aan zijn eigen prestatiejaar).",
        "Folder of the claims' population (patients, providers, financers): dates of death, "
        "providers and financer kinds are checked against it.": "Map van de populatie van de "
        "declaraties (patiënten, aanbieders, financiers): overlijdensdatums, aanbieders en "
        "soorten financier worden ertegen getoetst.",
        "Random seed (0 or more); the same seed, the same files.": "Startgetal van het toeval "
        "(0 of meer); hetzelfde getal, dezelfde bestanden.",
        "Folder for the Parquet tables.": "Map voor de Parquet-tabellen.",
        "Fraction of the population to generate.": "Deel van de populatie dat gegenereerd wordt.",
        "YAML file with effect modifiers.": "YAML-bestand met effecten.",
        "Your own parameters file.": "Eigen parameterbestand.",
        "Region id.": "Id van de regio.",
        "patients file (.parquet or .csv)": "bestand met patiënten (.parquet of .csv)",
        "activities file (.parquet or .csv)": "bestand met activiteiten (.parquet of .csv)",
        "Folder for the validated tables.": "Map voor de gecontroleerde tabellen.",
        "Folder with patients, activities and providers Parquet.": "Map met patiënten, "
        "activiteiten en aanbieders als Parquet.",
        "Folder for claims.parquet, unfunded.parquet, summary.json.": "Map voor claims.parquet, "
        "unfunded.parquet en summary.json.",
        "Year whose rules and tariffs price the care (default: the population's year).": "Jaar "
        "waarvan de regels en tarieven de zorg prijzen (standaard: het jaar van de populatie).",
        "Your own cost prices file.": "Eigen bestand met kostprijzen.",
        "Print the summary as JSON.": "Druk het overzicht af als JSON.",
        "Claims file: .parquet, .csv or a Vektis AW319 or ZH308 file.": "Declaratiebestand: "
        ".parquet, .csv of een Vektis AW319- of ZH308-bestand.",
        "parquet, csv, aw319 or zh308.": "parquet, csv, aw319 of zh308.",
        "Folder for claims.parquet and rejects.csv.": "Map voor claims.parquet en rejects.csv.",
        "Folder with claims.parquet (from declare or import).": "Map met claims.parquet (van "
        "declare of import).",
        "Folder with the population (patients, providers, financers).": "Map met de populatie "
        "(patiënten, aanbieders, financiers).",
        "Folder for the AW319 or ZH308 files.": "Map voor de AW319- of ZH308-bestanden.",
        "aw319 or zh308.": "aw319 of zh308.",
        "Folder written by passend settle.": "Map geschreven door passend settle.",
        "Print JSON.": "Druk JSON af.",
        "Amount in euros, e.g. 1250000.00": "Bedrag in euro's, bijvoorbeeld 1250000,00",
        "A decimal between 0 and 1, e.g. 0.5": "Een decimaal getal tussen 0 en 1, bijvoorbeeld 0,5",
        "Adjustment factor of earned savings paid to the provider (1 = none).": "Correctiefactor "
        "op de verdiende besparing voor de aanbieder (1 = geen).",
        "Adjustment factor of an owed loss (1 = the loss share in full).": "Correctiefactor op "
        "een terug te betalen verlies (1 = het verliesdeel volledig).",
        "No loss sharing.": "Geen verliesdeling.",
        "Print JSON (amounts in cents).": "Druk JSON af (bedragen in centen).",
        "Part of the claims for terminal care, in euros.": "Deel van de declaraties voor "
        "terminale zorg, in euro's.",
        "Exempt the terminal part from the cap (AZWA: only for district nursing at home).": "Stel "
        "het terminale deel vrij van het plafond (AZWA: alleen wijkverpleging thuis).",
        "Hours of district nursing (decimal).": "Uren wijkverpleging (decimaal).",
        "Clients x months in care (decimal).": "Cliënten × maanden in zorg (decimaal).",
        "Norm: average hours per client per month.": "Norm: gemiddeld aantal uren per cliënt "
        "per maand.",
        "Hours for terminal clients.": "Uren voor terminale cliënten.",
        "Client-months of terminal clients.": "Cliëntmaanden van terminale cliënten.",
        "AZWA: leave terminal clients out of the norm test.": "AZWA: terminale cliënten buiten "
        "de normtoets laten.",
        "financer=share, repeatable, e.g. --share cz=0.4": "financier=aandeel, herhaalbaar, "
        "bijvoorbeeld --share cz=0.4",
        "class=euros per patient, repeatable (e.g. cancer=9000)": "klasse=euro's per patiënt, "
        "herhaalbaar (bijvoorbeeld cancer=9000)",
        "class=number of patients, repeatable": "klasse=aantal patiënten, herhaalbaar",
        "Risk corridor as a share of the payment, e.g. 0.05": "Risicocorridor als deel van de "
        "betaling, bijvoorbeeld 0,05",
        "Costs of outliers carved out, in euros": "Kosten van uitschieters die apart betaald "
        "worden, in euro's",
        "insurer=actual market share, repeatable": "verzekeraar=werkelijk marktaandeel, "
        "herhaalbaar",
        "PxQ value the lump sum was based on, euros": "PxQ-waarde waarop de aanneemsom "
        "gebaseerd is, in euro's",
        "Realised PxQ value, euros": "Gerealiseerde PxQ-waarde, in euro's",
        "Corridor as a share of the contract value, e.g. 0.03": "Corridor als deel van de "
        "contractwaarde, bijvoorbeeld 0,03",
        "band=euros per inhabitant per year, repeatable": "band=euro's per inwoner per jaar, "
        "herhaalbaar",
        "band=number of inhabitants, repeatable": "band=aantal inwoners, herhaalbaar",
        "name=score:target:weight, repeatable; prefix the target with < when lower is better": ""
        "naam=score:doel:gewicht, herhaalbaar; zet < voor het doel wanneer lager beter is",
        "Calls per hour (decimal), e.g. 1.5": "Oproepen per uur (decimaal), bijvoorbeeld 1,5",
        "Average handling time in minutes.": "Gemiddelde gesprekstijd in minuten.",
        "Answer within this many seconds (service level time).": "Opnemen binnen zoveel "
        "seconden (de tijd van de servicegraad).",
        "Who or what the token is for.": "Voor wie of wat het token is.",
        "An admin token.": "Een beheerderstoken.",
        "The token's id (passend token list).": "Het id van het token (passend token list).",
        "Start de webapp en de API (FastAPI op Uvicorn); data in --data-dir. One server process "
        "answers the requests (the pages and the API are light); the runs execute in --workers "
        "processes beside it. One server per data folder: its job store holds a lock on it.": ""
        "Start de webapp en de API (FastAPI op Uvicorn); data in --data-dir. Eén serverproces "
        "beantwoordt de verzoeken (de pagina's en de API zijn licht); de runs draaien in "
        "--workers processen ernaast. Eén server per datamap: zijn takenlijst houdt er een "
        "slot op.",
    },
    "en": {
        "passend: de financiering van palliatieve zorg als software (rules as data, "
        "wegwijzer). Uitvoer en hulp in het Engels: PASSEND_LANG=en (of --lang en voor de "
        "uitvoer).": "passend: the financing of palliative care as software (rules as data, a "
        "navigator). Output and help in English: PASSEND_LANG=en (or --lang en for the output).",
        "Hoe kan deze activiteit betaald worden? Betaaltitels, voorwaarden, knelpunten, "
        "routes.": "How can this activity be paid for? Payment titles, conditions, "
        "bottlenecks, routes.",
        "Het hoofdwerk: een scenario onder alle contractsets, met rapport, de businesscase en "
        "de wegwijzer.": "The main work: a scenario under every contract set with its report, "
        "the business case and the navigator.",
        "Reken declaraties af onder een contractset: grootboek, aansluiting en marges per "
        "partij.": "Settle claims under a contract set: ledger, reconciliation and margins per "
        "party.",
        "Simuleer een scenario onder elke contractset: marges, prikkels, uitkomsten, rapport.": ""
        "Simulate a scenario under every contract set: margins, incentives, outcomes, report.",
        "Businesscase van een transmuraal team: capaciteit, kosten, bekostiging en besparing "
        "per jaar.": "Business case of a transmural team: capacity, cost, funding and savings "
        "per year.",
        "Start de webapp en de API (FastAPI op Uvicorn); data in --data-dir. One server process "
        "answers the requests (the pages and the API are light); the runs execute in --workers "
        "processes beside it. One server per data folder: its job store holds a lock on it.": ""
        "Start the web app and the API (FastAPI on Uvicorn); data in --data-dir. One server "
        "process answers the requests (the pages and the API are light); the runs execute in "
        "--workers processes beside it. One server per data folder: its job store holds a lock "
        "on it.",
        "De catalogus: wetten, financiers, betaaltitels, tarieven en knelpunten per jaar.": ""
        "The catalogue: laws, financers, payment titles, tariffs and bottlenecks per year.",
        "Laad en controleer elk catalogusbestand (schema en verwijzingen).": "Load and check "
        "every catalogue file (schema and references).",
        "Elke betaaltitel met code, naam, wet en status.": "Every payment title with its code, "
        "name, law and status.",
        "Alles over één betaaltitel: regels, tarieven per jaar en bronnen.": "All about one "
        "payment title: rules, tariffs per year and sources.",
        "De populatie: patiënten in hun laatste levensjaar en hun zorg (synthetisch of "
        "geïmporteerd).": "The population: patients in their last year of life and their care "
        "(synthetic or imported).",
        "De regio's: het hele land en de acht pilotregio's (seed 004, bijlage B2).": "The "
        "regions: the whole country and the eight pilot regions (seed 004, annex B2).",
        "Genereer patiënten, activiteiten, aanbieders en financiers als Parquet-bestanden. "
        "Standaard de overledenen van het jaar met hun laatste levensjaar (--view deaths); met "
        "--view calendar de zorg van het kalenderjaar.": "Generate patients, activities, "
        "providers and financers as Parquet files. By default the people who die in the year "
        "with their last year of life (--view deaths); with --view calendar the care of the "
        "calendar year.",
        "Vergelijk een gegenereerde populatie met de publieke cijfers (CALIBRATION.md): de "
        "overledenen van het jaar (--view deaths). Exit code 1 als een waarde buiten de "
        "tolerantie valt.": "Compare a generated population with the public figures "
        "(CALIBRATION.md): the people who die in the year (--view deaths). Exit code 1 when a "
        "value is outside its tolerance.",
        "Importeer patiënten en activiteiten in plaats van ze te genereren (met rejects.csv).": ""
        "Import patients and activities instead of generating them (with rejects.csv).",
        "Declaraties: activiteiten declareren onder de regels van de catalogus.": "Claims: "
        "declare activities under the catalogue's rules.",
        "Declareer de activiteiten van een populatie; wat geen titel betaalt gaat naar "
        "'unfunded'.": "Declare a population's activities; what no title pays goes to 'unfunded'.",
        "Importeer een declaratiebestand met controles; geweigerde regels naar rejects.csv.": ""
        "Import a claims file with checks; rejected lines go to rejects.csv.",
        "Schrijf declaraties als Vektis AW319-bestanden (één per aanbieder x financier x "
        "maand).": "Write claims as Vektis AW319 files (one per provider x financer x month).",
        "Het grootboek van een afrekening: controleren dat het geld sluit.": "The ledger of a "
        "settlement: check that the money adds up.",
        "Controleer een afrekening: geld sluit, grootboek = declaraties + aanvullingen. Exit "
        "code 1 als een controle faalt.": "Check a settlement: money conserved, ledger = "
        "claims + adjustments. Exit code 1 when a check fails.",
        "Rekenhulp: één contract doorrekenen uit totalen (bedragen in euro's, JSON in "
        "centen).": "Calculators: one contract computed from totals (amounts in euros, JSON in "
        "cents).",
        "Shared savings: deel van S = B - A boven MSR*B (kwaliteit, plafond); terug boven "
        "MLR*B.": "Shared savings: a share of S = B - A above MSR*B (quality, cap); paid back "
        "above MLR*B.",
        "Omzetplafond: boven het plafond niet (of tegen een deel) betaald; terminale zorg thuis "
        "vrijgesteld (AZWA, wijkverpleging).": "Revenue cap: above the cap not paid (or at a "
        "share); terminal care at home exempt (AZWA, district nursing).",
        "Integraal uurtarief met doelmatigheidsafspraak: uren boven de norm worden (deels) "
        "terugbetaald.": "Integral hourly rate with an efficiency agreement: hours above the "
        "norm are (partly) paid back.",
        "Beschikbaarheidsbekostiging: een vast budget, verdeeld over financiers naar "
        "aandeel.": "Availability funding: a fixed budget, split over financers by share.",
        "Bundelbekostiging: vaste prijs per patiënt; resultaat voor het consortium, met "
        "risicocorridor en uitschieters.": "Bundled payment: a fixed price per patient; the "
        "consortium's result, with a risk corridor and outliers.",
        "Aanneemsom: vast bedrag, verrekend op het feitelijke marktaandeel, met optionele "
        "corridor.": "Lump sum: a fixed amount, settled on the actual market share, with an "
        "optional corridor.",
        "Populatiebekostiging: bedrag per inwoner per leeftijdsband, met kwaliteitsbonus.": ""
        "Capitation: an amount per inhabitant per age band, with a quality bonus.",
        "Pay for performance: bonus (en malus) uit de score op indicatoren met doel en "
        "gewicht.": "Pay for performance: bonus (and malus) from the score on indicators with "
        "a target and a weight.",
        "Bezetting van de telefoonlijn (Erlang C): het kleinste aantal medewerkers dat de "
        "servicegraad haalt, minstens één.": "Staffing of the phone line (Erlang C): the "
        "fewest agents that meet the service level, at least one.",
        "Toegangstokens voor runs op eigen (geïmporteerde) data.": "Access tokens for runs on "
        "your own (imported) data.",
        "Maak een token (één keer getoond).": "Create a token (shown once).",
        "Trek een token in.": "Revoke a token.",
        "De tokens (id, naam, admin, aangemaakt), zonder geheimen.": "The tokens (id, name, "
        "admin, created), without secrets.",
        "passend: de financiering van palliatieve zorg als software.": "passend: the financing "
        "of palliative care as software.",
    },
}
"""The command line's help in the other language, by its text in the source (whitespace
folded): option help is written in English there, command help in Dutch. A text without an
entry is shown as it is (a new option's help stays in its source language until added)."""


PER = {
    "nl": {"patient": "per patiënt", "year": "per jaar"},
    "en": {"patient": "per patient", "year": "per year"},
}
"""A business case's service line: how its volume is given."""


def work_value(row: dict, lang: str) -> str:
    """A service line's input as the report and the workbook show it: '3 per patiënt, 30 + 10
    min' (``per``, ``count``, ``minutes`` and ``travel_minutes`` of the input's row)."""
    count, minutes, travel = (
        short(float(row[k]), lang, 4) for k in ("count", "minutes", "travel_minutes")
    )
    return f"{count} {PER[lang][row['per']]}, {minutes} + {travel} min"


TYPER_WORDS = {
    "nl": {
        "ARGUMENTS_PANEL_TITLE": "Argumenten",
        "OPTIONS_PANEL_TITLE": "Opties",
        "COMMANDS_PANEL_TITLE": "Opdrachten",
        "ERRORS_PANEL_TITLE": "Fout",
        "DEFAULT_STRING": "[standaard: {}]",
        "ENVVAR_STRING": "[omgevingsvariabele: {}]",
        "REQUIRED_LONG_STRING": "[verplicht]",
        "DEPRECATED_STRING": "(verouderd) ",
        "ABORTED_TEXT": "Afgebroken.",
        "RICH_HELP": "Probeer [blue]'{command_path} {help_option}'[/] voor hulp.",
    },
    "en": {
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commands",
        "ERRORS_PANEL_TITLE": "Error",
        "DEFAULT_STRING": "[default: {}]",
        "ENVVAR_STRING": "[env var: {}]",
        "REQUIRED_LONG_STRING": "[required]",
        "DEPRECATED_STRING": "(deprecated) ",
        "ABORTED_TEXT": "Aborted.",
        "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    },
}
"""Typer's own words in its help and error panels, by the name of their constant in
``typer.rich_utils`` (set by ``passend.cli.common.localize_typer``). Click's "Usage:", "Show
this message and exit." and its error messages have no such constant (gettext only) and stay
English."""


def cli_help(text: str, lang: str) -> str:
    """The help ``text`` of a command or an option in ``lang``."""
    return CLI_HELP[lang].get(" ".join(text.split()), text)


# -- contract parameters, as the reports show them ----------------------------------------------

PARAMS: dict[str, tuple[str, str, str]] = {
    # key: (Dutch label, English label, kind); kinds: share (a percentage), eur (euros),
    # factor (a plain number), bool (ja/nee), party (a provider kind), int, id (as given)
    "amount_eur": ("bedrag", "amount", "eur"),
    "payee": ("ontvanger", "payee", "id"),
    "payee_kind": ("soort ontvanger", "kind of payee", "party"),
    "shares": ("aandelen", "shares", "share"),
    "share": ("aandeel", "share", "share"),
    "tariff_share": ("deel van het tarief", "share of the tariff", "share"),
    "principal": ("hoofdaannemer", "principal contractor", "id"),
    "principal_kind": ("soort hoofdaannemer", "kind of principal contractor", "party"),
    "prices_eur": ("prijzen", "prices", "eur"),
    "price_factor_of_reference": (
        "prijs als factor van de referentie",
        "price as a factor of the reference",
        "factor",
    ),
    "corridor": ("corridor (bandbreedte)", "corridor", "share"),
    "corridor_share": (
        "verrekend deel buiten de corridor",
        "share settled outside the corridor",
        "share",
    ),
    "outlier_threshold_eur": ("drempel voor uitschieters", "outlier threshold", "eur"),
    "contracted": ("gecontracteerd", "contracted", "bool"),
    "non_contracted_share": (
        "vergoeding zonder contract",
        "reimbursement without a contract",
        "share",
    ),
    "rate_eur": ("tarief", "rate", "eur"),
    "norm_hours_per_client_month": (
        "normuren per cliëntmaand",
        "norm hours per client month",
        "factor",
    ),
    "payback_share": ("terug te betalen deel", "share paid back", "share"),
    "exclude_terminal": ("terminale zorg uitgezonderd", "terminal care excluded", "bool"),
    "terminal_days": ("terminale fase (dagen)", "terminal phase (days)", "int"),
    "amounts_eur": ("bedragen", "amounts", "eur"),
    "share_of_reference": ("deel van de referentie", "share of the reference", "share"),
    "product_price_eur": ("productprijs", "product price", "eur"),
    "coordination_fee_eur": ("coördinatievergoeding", "coordination fee", "eur"),
    "indicators": ("indicatoren", "indicators", "id"),
    "id": ("indicator", "indicator", "id"),
    "target": ("doel", "target", "share"),
    "weight": ("gewicht", "weight", "factor"),
    "pool_eur": ("pot", "pool", "eur"),
    "pool_share": ("pot als deel van de uitgaven", "pool as a share of spending", "share"),
    "threshold": ("drempel", "threshold", "share"),
    "malus_rate": ("malus", "malus", "share"),
    "malus_below": ("malus onder de score", "malus below the score", "share"),
    "budget_neutral": ("budgetneutraal", "budget neutral", "bool"),
    "rate_factor_of_reference": (
        "tarief als factor van de referentie",
        "rate as a factor of the reference",
        "factor",
    ),
    "bands": ("klassen", "bands", "id"),
    "band": ("klasse", "band", "id"),
    "caps_eur": ("plafonds", "caps", "eur"),
    "cap_share_of_reference": (
        "plafond als deel van de referentie",
        "cap as a share of the reference",
        "share",
    ),
    "above_cap_share": ("vergoed boven het plafond", "paid above the cap", "share"),
    "exempt_terminal": (
        "terminale zorg buiten het plafond",
        "terminal care outside the cap",
        "bool",
    ),
    "exempt_terminal_beyond_azwa": (
        "terminale zorg buiten het plafond, ook na de AZWA-periode",
        "terminal care outside the cap, beyond the AZWA period too",
        "bool",
    ),
    "benchmark_eur": ("benchmark", "benchmark", "eur"),
    "benchmark_factor": (
        "benchmark als factor van de referentie",
        "benchmark as a factor of the reference",
        "factor",
    ),
    "msr": ("minimale besparing (MSR)", "minimum savings rate (MSR)", "share"),
    "mlr": ("minimaal verlies (MLR)", "minimum loss rate (MLR)", "share"),
    "sharing_rate": ("deel van de besparing", "sharing rate", "share"),
    "loss_sharing_rate": ("deel van het verlies", "loss sharing rate", "share"),
    "quality_score": ("kwaliteitsscore", "quality score", "share"),
    "savings_cap": ("plafond van de besparing", "savings cap", "share"),
    "loss_cap": ("plafond van het verlies", "loss cap", "share"),
    "payment_factor": ("betaalfactor", "payment factor", "factor"),
    "loss_factor": ("verliesfactor", "loss factor", "factor"),
    "two_sided": ("tweezijdig (ook verlies)", "two-sided (losses too)", "bool"),
    # the inputs of a business case (business_case/run.py ``_inputs``)
    "discount_rate": ("disconteringsvoet", "discount rate", "share"),
    "start_up_eur": ("opstartkosten", "start-up cost", "eur"),
    "cost_per_fte_eur": ("kosten per fte", "cost per FTE", "eur"),
    "productive_hours_per_fte": ("productieve uren per fte", "productive hours per FTE", "factor"),
    "on_call_eur_per_hour": (
        "bereikbaarheidsvergoeding per uur",
        "on-call allowance per hour",
        "eur",
    ),
    "planned_fte": ("gepland (fte)", "planned (FTE)", "factor"),
    "calls_per_patient": ("telefoontjes per patiënt", "calls per patient", "factor"),
    "calls_per_year": ("telefoontjes per jaar", "calls per year", "factor"),
    "handling_minutes": ("gespreksduur (minuten)", "handling time (minutes)", "factor"),
    "answer_within_seconds": ("opnemen binnen (seconden)", "answer within (seconds)", "factor"),
    "phone": ("telefoonlijn", "phone line", "id"),
}
"""The parameters of the settlement models (``settlement/models/*.Params``) with a label per
language and the kind of value: the reports show a contract's parameters through
:func:`params_text`, never as raw JSON. A key not listed is shown by its name."""


def param_value(value: object, kind: str, lang: str) -> str:
    """One parameter value as the reports show it (``kind`` from :data:`PARAMS`)."""
    yes_no = LABELS[lang]
    if isinstance(value, bool):
        return yes_no["yes"] if value else yes_no["no"]
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        exact = Decimal(str(value))
        if kind == "share":
            return short(100 * exact, lang, 2) + "%"
        if kind == "eur":
            cents = int(exact.scaleb(2).to_integral_value())
            return euros(cents, lang, 0 if cents % 100 == 0 else 2)
        return short(exact, lang, 4)
    if kind == "party" and isinstance(value, str):
        return party(value, lang)
    return str(value)


def param_label(key: str, lang: str) -> str:
    """A parameter's label in ``lang``; a key not in :data:`PARAMS` as it is."""
    nl, en, _ = PARAMS.get(key, (key, key, "id"))
    return en if lang == "en" else nl


def _param(key: str, value: object, lang: str, kind: str | None = None) -> str:
    kind = kind or PARAMS.get(key, (key, key, "id"))[2]
    label = param_label(key, lang)
    if isinstance(value, dict):  # name -> value (shares per insurer, caps per kind and year)
        inner = ", ".join(
            _param(str(k), v, lang, kind)
            if isinstance(v, dict)
            else f"{k} {param_value(v, kind, lang)}"
            for k, v in value.items()
        )
        return f"{label}: {inner}"
    if isinstance(value, list):  # indicators, bands: each entry's fields labelled
        items = [
            "(" + ", ".join(_param(str(k), v, lang) for k, v in item.items()) + ")"
            if isinstance(item, dict)
            else param_value(item, kind, lang)
            for item in value
        ]
        return f"{label}: {'; '.join(items)}"
    return f"{label}: {param_value(value, kind, lang)}"


def params_text(params: dict[str, object], lang: str) -> str:
    """A contract's parameters as labelled, formatted values: ``{"corridor": 0.1,
    "outlier_threshold_eur": 150000}`` -> 'corridor (bandbreedte): 10%; drempel voor
    uitschieters: € 150.000' (nl)."""
    return "; ".join(_param(k, v, lang) for k, v in params.items())


# -- citations ----------------------------------------------------------------------------------


def document_title(documents: Mapping[str, Any], document: str) -> str:
    """How a cited document reads: its title from the catalogue's ``documents`` (a seed by
    its title, never by its file name); an id the catalogue does not know as it is."""
    d = documents.get(document)
    return d.title if d is not None else document


def cite(documents: Mapping[str, Any], sources: Iterable[Any]) -> str:
    """Sources (``document`` and ``section``, objects or dicts) as one citation: 'title,
    section; title, section'. The one place a source becomes text."""
    parts = []
    for s in sources:
        doc = s["document"] if isinstance(s, Mapping) else s.document
        section = s["section"] if isinstance(s, Mapping) else s.section
        parts.append(f"{document_title(documents, doc)}, {section}")
    return "; ".join(parts)
