"""Messages of the library in the user's language: one table of templates (``TEMPLATES``, an id
-> Dutch and English text with named parameters) for the errors the library raises and for the
Pydantic errors that occur when a user's file is validated.

The library raises a :class:`Problem` (a ``ValueError``) or puts a :class:`Message` where it
used to put a string (``CatalogueIssue.message``, ``CalculatorError.message``). A ``Message`` is
a ``str`` that holds the English text, so every place that prints or compares the message as a
string keeps working; a front end renders it in its language with :func:`text`:

    >>> m = Message("not_a_number", what="--budget", value="abc")
    >>> str(m)
    "--budget: not a number: 'abc'"
    >>> text(m, "nl")
    "--budget: geen getal: 'abc'"

A Pydantic error becomes a ``Message`` through :func:`from_pydantic`, by its ``type`` and
``ctx`` (``greater_than_equal`` with ``ge=0`` -> "moet minstens 0 zijn"); a ``value_error`` of a
validator that raised a ``Problem`` is that problem's message. :func:`issue_text` gives a file's
problem in the shape ``file:line: field: reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

TEMPLATES: dict[str, dict[str, str]] = {
    # -- Pydantic error types (by ``type``; parameters from ``ctx``) -----------------------------
    "missing": {"nl": "verplicht veld ontbreekt", "en": "required field is missing"},
    "extra_forbidden": {
        "nl": "onbekend veld (niet in het schema)",
        "en": "unknown field (not in the schema)",
    },
    "int_type": {"nl": "moet een geheel getal zijn", "en": "Input should be a valid integer"},
    "int_parsing": {
        "nl": "moet een geheel getal zijn",
        "en": "Input should be a valid integer, unable to parse string as an integer",
    },
    "int_from_float": {
        "nl": "moet een geheel getal zijn (zonder decimalen)",
        "en": "Input should be a valid integer, got a number with a fractional part",
    },
    "float_type": {"nl": "moet een getal zijn", "en": "Input should be a valid number"},
    "float_parsing": {
        "nl": "moet een getal zijn",
        "en": "Input should be a valid number, unable to parse string as a number",
    },
    "decimal_type": {
        "nl": "moet een decimaal getal zijn",
        "en": "Decimal input should be an integer, float, string or Decimal object",
    },
    "decimal_parsing": {
        "nl": "moet een decimaal getal zijn",
        "en": "Input should be a valid decimal",
    },
    "finite_number": {"nl": "moet een eindig getal zijn", "en": "Input should be a finite number"},
    "bool_type": {
        "nl": "moet ja of nee zijn (true/false)",
        "en": "Input should be a valid boolean",
    },
    "bool_parsing": {
        "nl": "moet ja of nee zijn (true/false)",
        "en": "Input should be a valid boolean, unable to interpret input",
    },
    "string_type": {"nl": "moet tekst zijn", "en": "Input should be a valid string"},
    "string_pattern_mismatch": {
        "nl": "moet het patroon '{pattern}' volgen",
        "en": "String should match pattern '{pattern}'",
    },
    "string_too_short": {
        "nl": "moet minstens {min_length} teken(s) hebben",
        "en": "String should have at least {min_length} character(s)",
    },
    "string_too_long": {
        "nl": "mag hoogstens {max_length} teken(s) hebben",
        "en": "String should have at most {max_length} character(s)",
    },
    "greater_than": {"nl": "moet groter zijn dan {gt}", "en": "Input should be greater than {gt}"},
    "greater_than_equal": {
        "nl": "moet minstens {ge} zijn",
        "en": "Input should be greater than or equal to {ge}",
    },
    "less_than": {"nl": "moet kleiner zijn dan {lt}", "en": "Input should be less than {lt}"},
    "less_than_equal": {
        "nl": "mag hoogstens {le} zijn",
        "en": "Input should be less than or equal to {le}",
    },
    "literal_error": {"nl": "moet {expected} zijn", "en": "Input should be {expected}"},
    "enum": {"nl": "moet {expected} zijn", "en": "Input should be {expected}"},
    "too_short": {
        "nl": "moet minstens {min_length} element(en) hebben",
        "en": "List should have at least {min_length} item(s) after validation, not {actual_length}",
    },
    "too_long": {
        "nl": "mag hoogstens {max_length} element(en) hebben",
        "en": "List should have at most {max_length} item(s) after validation, not {actual_length}",
    },
    "list_type": {"nl": "moet een lijst zijn", "en": "Input should be a valid list"},
    "tuple_type": {"nl": "moet een lijst zijn", "en": "Input should be a valid tuple"},
    "dict_type": {
        "nl": "moet een tabel van naam: waarde zijn",
        "en": "Input should be a valid dictionary",
    },
    "model_type": {
        "nl": "moet een tabel van velden zijn (naam: waarde)",
        "en": "Input should be a valid dictionary or instance of {class_name}",
    },
    "model_attributes_type": {
        "nl": "moet een tabel van velden zijn (naam: waarde)",
        "en": "Input should be a valid dictionary or object to extract fields from",
    },
    "date_type": {"nl": "moet een datum zijn (JJJJ-MM-DD)", "en": "Input should be a valid date"},
    "date_parsing": {
        "nl": "moet een datum zijn (JJJJ-MM-DD)",
        "en": "Input should be a valid date in the format YYYY-MM-DD, {error}",
    },
    "date_from_datetime_parsing": {
        "nl": "moet een datum zijn (JJJJ-MM-DD)",
        "en": "Input should be a valid date or datetime, {error}",
    },
    "decimal_max_places": {
        "nl": "mag hoogstens {decimal_places} decimaal/decimalen hebben",
        "en": "Decimal input should have no more than {decimal_places} decimal places",
    },
    # -- numbers and amounts (settlement/money.py) ---------------------------------------------
    "not_a_number": {
        "nl": "{what}: geen getal: {value!r}",
        "en": "{what}: not a number: {value!r}",
    },
    "not_finite": {
        "nl": "{what}: geen eindig getal: {value!r}",
        "en": "{what}: not a finite number: {value!r}",
    },
    "too_large": {
        "nl": "{what}: buiten bereik (hoogstens 10^12): {value!r}",
        "en": "{what}: out of range (at most 10^12): {value!r}",
    },
    "two_decimals": {
        "nl": "{what}: meer dan twee decimalen: {value!r}",
        "en": "{what}: more than two decimals: {value!r}",
    },
    "not_whole": {
        "nl": "{what}: geen geheel getal: {value!r}",
        "en": "{what}: not a whole number: {value!r}",
    },
    "not_negative": {
        "nl": "{what}: moet 0 of meer zijn, niet {n}",
        "en": "{what}: must be 0 or more, not {n}",
    },
    # -- the calculators (settlement/calculators.py) -------------------------------------------
    "expects_number": {
        "nl": "{field}: verwacht een decimaal getal (als tekst of getal), niet {value!r}",
        "en": "{field}: expects a decimal string or a number, not {value!r}",
    },
    "expects_pair": {
        "nl": "{option} verwacht naam=waarde, niet {item!r}",
        "en": "{option} expects name=value, not {item!r}",
    },
    "expects_mapping": {
        "nl": "{option} verwacht een tabel van naam: waarde, niet {value!r}",
        "en": "{option} expects an object of name: value, not {value!r}",
    },
    "blank_name": {
        "nl": "{option} verwacht naam=waarde, niet een lege naam",
        "en": "{option} expects name=value, not a blank name",
    },
    "given_twice": {
        "nl": "{option} {name} is twee keer gegeven",
        "en": "{option} {name} is given twice",
    },
    "unknown_field": {
        "nl": "onbekend veld {field!r}{hint} (velden: {known})",
        "en": "unknown field {field!r}{hint} (fields: {known})",
    },
    "closest": {"nl": "; dichtstbij: {names}", "en": "; closest: {names}"},
    "field_required": {"nl": "{field}: verplicht", "en": "{field}: required"},
    "field_reason": {"nl": "{field}: {reason}", "en": "{field}: {reason}"},
    "must_not_be_negative": {
        "nl": "{option} mag niet negatief zijn",
        "en": "{option} must not be negative",
    },
    "corridor_only": {
        "nl": "--contract-value en --actual-value gelden alleen met --corridor",
        "en": "--contract-value and --actual-value are used with --corridor only",
    },
    "indicator_spec": {
        "nl": "--indicator {name}: verwacht score:doel:gewicht",
        "en": "--indicator {name}: expects score:target:weight",
    },
    "unknown_calculator": {
        "nl": "onbekende rekenhulp {name!r}; dichtstbijzijnde geldige namen: {names}",
        "en": "unknown calculator {name!r}; closest valid names: {names}",
    },
    "inputs_mapping": {
        "nl": "de invoer van {name} is een tabel van naam: waarde",
        "en": "the inputs of {name} are an object of name: value",
    },
    "bad_lang": {
        "nl": "lang moet nl of en zijn, niet {lang!r}",
        "en": "lang must be one of nl, en, not {lang!r}",
    },
    # -- a scenario (scenarios/schema.py) -------------------------------------------------------
    "one_of_two": {
        "nl": "geef precies één van {a} en {b}",
        "en": "give exactly one of {a} and {b}",
    },
    "dist_needs": {"nl": "{dist} heeft {names} nodig", "en": "{dist} needs {names}"},
    "triangular_order": {
        "nl": "triangular vraagt low <= mode <= high",
        "en": "triangular needs low <= mode <= high",
    },
    "uniform_order": {"nl": "uniform vraagt low <= high", "en": "uniform needs low <= high"},
    "odds_above_zero": {
        "nl": "odds en relatieve risico's moeten boven 0 blijven: geef low > 0",
        "en": "odds and relative risks must stay above 0: give low > 0",
    },
    "multiplier_range": {
        "nl": "een factor op een kans moet binnen 0..{top} blijven: geef low en high daarbinnen",
        "en": "a rate multiplier must stay within 0..{top}: give low and high in it",
    },
    "not_an_effect": {
        "nl": "geen effect: {names} of rate_multipliers.<naam>",
        "en": "not an effect: {names} or rate_multipliers.<name>",
    },
    "unknown_provider_kind": {
        "nl": "onbekend soort zorgaanbieder {kind!r}",
        "en": "unknown provider kind {kind!r}",
    },
    "unknown_document": {
        "nl": "onbekend document {document!r}",
        "en": "unknown document {document!r}",
    },
    # -- a business case (business_case/schema.py) ----------------------------------------------
    "sources_or_placeholder": {
        "nl": "geef de bronnen, of placeholder: true met een toelichting (note)",
        "en": "give its sources, or placeholder: true with a note",
    },
    "placeholder_note": {
        "nl": "een plaatshouder heeft een toelichting (note) nodig over waar hij op rust",
        "en": "a placeholder needs a note saying what it rests on",
    },
    "blocks_hours": {
        "nl": "de blokken beslaan {hours} uur per week, meer dan 168",
        "en": "the blocks cover {hours} hours a week, more than 168",
    },
    "call_shares": {
        "nl": "de aandelen van de blokken in de gesprekken tellen op tot {share}, niet 1",
        "en": "the blocks' call shares add up to {share}, not 1",
    },
    "year_before": {"nl": "{later} ligt voor {earlier}", "en": "{later} is before {earlier}"},
    "horizon": {"nl": "een horizon van hoogstens 30 jaar", "en": "a horizon of at most 30 years"},
    "role_twice": {"nl": "een rol is twee keer gegeven", "en": "a role is given twice"},
    "before_first_year": {
        "nl": "{year} ligt voor het eerste nagekeken jaar van de catalogus, {first}",
        "en": "{year} is before the catalogue's first reviewed year {first}",
    },
    "not_a_role": {
        "nl": "{role!r} is geen van de rollen: {roles}",
        "en": "{role!r} is not one of the roles: {roles}",
    },
    "unknown_id": {"nl": "onbekende {kind} {value!r}", "en": "unknown {kind} {value!r}"},
    "unknown_route": {
        "nl": "onbekende route {route!r}; alle: {routes}",
        "en": "unknown route {route!r}; all: {routes}",
    },
    "no_grant": {
        "nl": "route {route!r} heeft geen subsidiebedrag: geef amount_eur",
        "en": "route {route!r} has no grant: give amount_eur",
    },
    "not_found": {"nl": "{path}: niet gevonden", "en": "{path}: not found"},
    "outside_years": {
        "nl": "{year} ligt buiten {first}-{last}",
        "en": "{year} is outside {first}-{last}",
    },
    "unknown_contract_set": {
        "nl": "onbekende contractset {name!r}; meegeleverd: {shipped}",
        "en": "unknown contract set {name!r}; shipped: {shipped}",
    },
    # -- calibration (population/calibration.py) ------------------------------------------------
    "calibration_off": {
        "nl": "gegenereerd {generated}, {diff} {side} het doel {target} (tolerantie ±{tolerance})",
        "en": "generated {generated}, {diff} {side} the target {target} (tolerance ±{tolerance})",
    },
    "above": {"nl": "boven", "en": "above"},
    "below": {"nl": "onder", "en": "below"},
    "calibration_noise_share": {
        "nl": "{off}; een aandeel van {n} varieert door toeval alleen al ±{noise}, meer dan de "
        "tolerantie: kies een grotere schaal of regio",
        "en": "{off}; a share of {n} varies by chance alone by ±{noise}, more than the "
        "tolerance: use a larger scale or region",
    },
    "calibration_noise_count": {
        "nl": "{off}; op schaal {scale} staat één gegenereerde gebeurtenis voor {step} en "
        "varieert het aantal door toeval alleen al ±{noise}, meer dan de tolerantie: kies "
        "een grotere schaal of regio",
        "en": "{off}; at scale {scale} one generated event stands for {step} and the count "
        "varies by chance alone by ±{noise}, more than the tolerance: use a larger scale or "
        "region",
    },
    # -- importing a population or claims (population/importer.py, claims/importer.py) --------
    "not_checked": {"nl": "niet getoetst: {what}", "en": "not checked: {what}"},
    "rule_not_applied": {"nl": "{rule} (zonder {missing})", "en": "{rule} (no {missing})"},
    "set.providers": {"nl": "bekende aanbieders", "en": "providers"},
    "set.regions": {"nl": "bekende regio's", "en": "regions"},
    "providers_derived": {
        "nl": "afgeleid uit {n} aanbieder-id('s): {with_kind} met een soort ({mapped} uit het "
        "koppelbestand, de andere via hun AGB-groep), {without} zonder (flags.csv)",
        "en": "derived from {n} provider id(s): {with_kind} with a kind ({mapped} from the "
        "mapping file, the others by AGB group), {without} without (flags.csv)",
    },
    "financers_derived": {
        "nl": "afgeleid uit de patiënten: {n} financier(s) (insurer_id, care_office_id, "
        "municipality_id)",
        "en": "derived from the patients: {n} financer(s) (insurer_id, care_office_id, "
        "municipality_id)",
    },
    "financers_from_claims": {
        "nl": "uit de declaraties: nog {n} financier(s), de soort volgens de wet van hun "
        "betaaltitels",
        "en": "from the claims: {n} more financer(s), kind by the law of the titles",
    },
    "id_in_two_columns": {
        "nl": "{column}: id('s) {ids} ook genoemd in een andere kolom",
        "en": "{column}: id(s) {ids} also named in another column",
    },
    "agb_mapped": {
        "nl": "{column}: {n} AGB-code(s) vervangen door de ids van de populatie",
        "en": "{column}: {n} AGB code(s) mapped to the population's ids",
    },
    "uzovi_mapped": {
        "nl": "{column}: {n} UZOVI-nummer(s) vervangen door de ids van de populatie",
        "en": "{column}: {n} UZOVI number(s) mapped to the population's ids",
    },
    "no_provider_kind_agb": {
        "nl": "geen soort aanbieder: niet in het koppelbestand, en AGB-groep {group} staat niet "
        "in agb_kinds.yaml (geef een koppelbestand: provider_agb,provider_kind)",
        "en": "no provider kind: not in the mapping file, and AGB group {group} is not in "
        "agb_kinds.yaml (give a mapping file: provider_agb,provider_kind)",
    },
    "no_provider_kind": {
        "nl": "geen soort aanbieder: niet in het koppelbestand, en geen AGB-code van 8 cijfers "
        "(geef een aanbiedersbestand of een koppelbestand)",
        "en": "no provider kind: not in the mapping file, and not an 8-digit AGB code (give a "
        "providers file or a mapping file)",
    },
    "outside_contract_year": {
        "nl": "{n} regel(s) buiten contractjaar {year} geweigerd ({per_year}). De declaraties "
        "van een populatie van de overledenen van {year} (de standaardweergave van population "
        "generate) bevatten zorg van {before}: importeer zonder --year om elke regel te houden "
        "(elke regel wordt getoetst aan zijn eigen prestatiejaar; settle --year {year} meldt de "
        "andere), of genereer de populatie met --view calendar.",
        "en": "{n} line(s) dated outside the contract year {year} refused ({per_year}). The "
        "claims of a population of the people who die in {year} (the default view of population "
        "generate) include care of {before}: import without --year to keep every line (each is "
        "checked by its own year of service; settle --year {year} reports the others), or "
        "generate the population with --view calendar.",
    },
    # -- the settlement models and contract sets (settlement/) --------------------------------
    "between_0_1": {
        "nl": "{name} moet tussen 0 en 1 liggen",
        "en": "{name} must be between 0 and 1",
    },
    "between_0_1_not": {
        "nl": "{name} moet tussen 0 en 1 liggen, niet {v}",
        "en": "{name} must be between 0 and 1, not {v}",
    },
    "must_be_positive": {
        "nl": "{name} moet positief zijn",
        "en": "{name} must be positive",
    },
    "one_of_these": {
        "nl": "geef precies één van {names}",
        "en": "give exactly one of {names}",
    },
    "shares_negative": {
        "nl": "aandelen mogen niet negatief zijn",
        "en": "shares must not be negative",
    },
    "shares_zero": {
        "nl": "de aandelen tellen op tot nul",
        "en": "shares add up to zero",
    },
    "no_shares": {
        "nl": "geen aandelen om over te verdelen",
        "en": "no shares to split over",
    },
    "shares_not_whole": {
        "nl": "{what}: de aandelen tellen op tot {total}, niet 1 (tolerantie {tolerance})",
        "en": "{what}: the shares add up to {total}, not 1 (tolerance {tolerance})",
    },
    "unknown_financers": {
        "nl": "{id}: onbekende financier(s) {names}",
        "en": "{id}: unknown financer(s) {names}",
    },
    "same_classes": {
        "nl": "geef een prijs en een aantal patiënten voor dezelfde klassen",
        "en": "give a price and a number of patients for the same classes",
    },
    "bundle_negative": {
        "nl": "prijzen, patiënten en kosten mogen niet negatief zijn",
        "en": "prices, patients and costs must not be negative",
    },
    "outliers_in_actual": {
        "nl": "de kosten van uitschieters zijn een deel van de werkelijke kosten",
        "en": "outlier costs are part of the actual costs",
    },
    "corridor_range": {
        "nl": "corridor mag niet negatief zijn; corridor_share ligt tussen 0 en 1",
        "en": "corridor must not be negative; corridor_share between 0 and 1",
    },
    "no_class_price": {
        "nl": "{id}: prices_eur heeft geen prijs voor {value!r} en ook geen 'default'",
        "en": "{id}: prices_eur has no price for {value!r} nor 'default'",
    },
    "hourly_negative": {
        "nl": "tarief, uren en cliëntmaanden mogen niet negatief zijn",
        "en": "rate, hours and client-months must not be negative",
    },
    "terminal_in_totals": {
        "nl": "de terminale uren en cliëntmaanden zijn een deel van de totalen",
        "en": "terminal hours and client-months are part of the totals",
    },
    "corridor_needs_values": {
        "nl": "een corridor vraagt de contractwaarde en de werkelijke waarde",
        "en": "a corridor needs the contract value and the actual value",
    },
    "indicator_values": {
        "nl": "indicator {name}: het doel moet positief zijn, score en gewicht niet negatief",
        "en": "indicator {name}: target must be positive, score and weight not negative",
    },
    "no_indicator": {
        "nl": "geef minstens één indicator",
        "en": "give at least one indicator",
    },
    "weights_zero": {
        "nl": "de gewichten tellen op tot nul",
        "en": "the weights add up to zero",
    },
    "p4p_pool": {
        "nl": "{id}: pay_for_performance vraagt pool_eur of pool_share",
        "en": "{id}: pay_for_performance needs pool_eur or pool_share",
    },
    "same_bands": {
        "nl": "geef een tarief en een aantal inwoners voor dezelfde klassen (bands)",
        "en": "give a rate and a number of inhabitants for the same bands",
    },
    "capitation_negative": {
        "nl": "tarieven en inwoners mogen niet negatief zijn",
        "en": "rates and inhabitants must not be negative",
    },
    "bonus_quality_range": {
        "nl": "bonus_rate en quality_score moeten tussen 0 en 1 liggen",
        "en": "bonus_rate and quality_score must be between 0 and 1",
    },
    "bands_alone": {
        "nl": "geef met bands geen ander tarief; de aandelen van de bands tellen op tot 1",
        "en": "with bands, give no other rate; the band shares add up to 1",
    },
    "capitation_population": {
        "nl": "{id}: capitation vraagt de populatie (inwoners, verzekeraars)",
        "en": "{id}: capitation needs the population (inhabitants, insurers)",
    },
    "cap_amounts": {
        "nl": "bedragen mogen niet negatief zijn en de terminale zorg is een deel van de declaraties",
        "en": "amounts must be non-negative and terminal care part of the claims",
    },
    "factors_negative": {
        "nl": "payment_factor en loss_factor mogen niet negatief zijn",
        "en": "payment_factor and loss_factor must not be negative",
    },
    "start_needs_days": {
        "nl": "start days_before_death vraagt days_before_death",
        "en": "start days_before_death needs days_before_death",
    },
    "ids_unique": {
        "nl": "de ids van contracten en budgetten moeten uniek zijn (en niet 'default'): {names}",
        "en": "contract and budget ids must be unique (and not 'default'): {names}",
    },
    "no_contract_set": {
        "nl": "{value}: bestand bestaat niet, en is geen meegeleverde contractset ({names})",
        "en": "{value}: no such file, nor a shipped contract set ({names})",
    },
    "party_refused": {
        "nl": "{path}: {where} {value!r}: {why}",
        "en": "{path}: {where} {value!r}: {why}",
    },
    "not_contracting": {
        "nl": "soort zorgaanbieder {provider_kind!r} is geen contractpartij: {rule} Noem in plaats daarvan een aanbieder van een soort die contracteert [regel: {src}]",
        "en": "provider kind {provider_kind!r} is no contracting party: {rule} Name a provider of a kind that contracts instead [rule: {src}]",
    },
    "no_reference_spend": {
        "nl": "{id}: de referentierun heeft geen uitgaven onder dit contract; reken de basis af met dezelfde contractset, of geef benchmark_eur",
        "en": "{id}: the reference run has no spend under this contract; settle the baseline with the same contract set, or give benchmark_eur",
    },
    # -- the population's data files (population/params.py) -----------------------------------
    "shares_total": {
        "nl": "de aandelen tellen op tot {total}, niet 1",
        "en": "shares add up to {total}, not 1",
    },
    "shares_total_of": {
        "nl": "de aandelen tellen op tot {total}",
        "en": "shares add up to {total}",
    },
    "mix_shares": {
        "nl": "de aandelen van {name} tellen op tot {total}, niet 1",
        "en": "{name} shares add up to {total}, not 1",
    },
    "insurer_shares_over": {
        "nl": "de expliciete aandelen van verzekeraars tellen op tot meer dan 1",
        "en": "explicit insurer shares add up to more than 1",
    },
    "quantity_one": {
        "nl": "geef precies één van fixed, choice (met p) of gamma_mean (met shape)",
        "en": "give exactly one of fixed, choice (with p) or gamma_mean (with shape)",
    },
    "choice_needs_p": {
        "nl": "choice vraagt p van dezelfde lengte",
        "en": "choice needs p of the same length",
    },
    "gamma_needs_shape": {"nl": "gamma_mean vraagt shape", "en": "gamma_mean needs shape"},
    "unknown_bare_id": {"nl": "onbekend id", "en": "unknown id"},
    "unknown_id_value": {"nl": "onbekend id {value!r}", "en": "unknown id {value!r}"},
    "unknown_setting_or_kind": {
        "nl": "onbekende setting of soort zorgaanbieder",
        "en": "unknown setting or provider kind",
    },
    "unknown_insurer": {"nl": "onbekende verzekeraar", "en": "unknown insurer"},
    "unknown_kind_bare": {"nl": "onbekende soort zorgaanbieder", "en": "unknown provider kind"},
    "region_twice": {
        "nl": "regio {name!r} is twee keer gedefinieerd",
        "en": "region {name!r} defined twice",
    },
    # -- a scenario's inputs (scenarios/run.py) ------------------------------------------------
    "scenario_region": {
        "nl": "{path}: population.region: onbekende regio {name!r}; alle: {all}",
        "en": "{path}: population.region: unknown region {name!r}; all: {all}",
    },
    "unknown_multipliers": {
        "nl": "{path}: onbekende factor(en) op kansen (rate multipliers) {names}; geldig: {valid}",
        "en": "{path}: unknown rate multiplier(s) {names}; valid: {valid}",
    },
    "imported_years": {
        "nl": "{path}: population.year: de overlijdens van de geïmporteerde populatie vallen in "
        "{found}; geef het jaar",
        "en": "{path}: population.year: the imported population's deaths fall in {found}; give "
        "the year",
    },
    # -- the ledger check (settlement/check.py); cents as integers, as the files hold them ------
    "file_missing": {"nl": "{path}: ontbreekt", "en": "{path}: missing"},
    "columns_differ": {
        "nl": "{path}: de kolommen wijken af van het schema {name}",
        "en": "{path}: the columns differ from the {name} schema",
    },
    "ledger_not_positive": {
        "nl": "grootboek: {n} rij(en) met een bedrag dat niet positief is",
        "en": "ledger: {n} row(s) with an amount that is not positive",
    },
    "ledger_pays_itself": {
        "nl": "grootboek: {n} rij(en) waarin de betaler zichzelf betaalt",
        "en": "ledger: {n} row(s) where the payer pays itself",
    },
    "ledger_unknown_kind": {
        "nl": "grootboek: {n} rij(en) met een onbekende soort betaler of ontvanger",
        "en": "ledger: {n} row(s) with an unknown payer or payee kind",
    },
    "reconciliation_off": {
        "nl": "aansluiting: {n} rij(en) waarin declaraties != financier + patiënt + herprijsd + "
        "in_scope",
        "en": "reconciliation: {n} row(s) where claims != financer + patient + repriced + in_scope",
    },
    "reconciliation_covers": {
        "nl": "de aansluiting dekt {lines} regels / {cents} cent; de afrekening las "
        "{read_lines} / {read_cents}",
        "en": "reconciliation covers {lines} lines / {cents} cents; the settlement read "
        "{read_lines} / {read_cents}",
    },
    "claims_file_differs": {
        "nl": "{path}: {lines} regels / {cents} cent, maar de aansluiting dekt {rec_lines} / "
        "{rec_cents} en {out_lines} / {out_cents} vallen buiten het contractjaar",
        "en": "{path}: {lines} lines / {cents} cents, but the reconciliation covers {rec_lines} "
        "/ {rec_cents} and {out_lines} / {out_cents} are outside the contract year",
    },
    "ledger_claims_differ": {
        "nl": "grootboek: de betalingen van declaraties wijken af van de aansluiting voor {n} "
        "paar/paren contract x aanbieder x financier",
        "en": "ledger: claim payments differ from the reconciliation for {n} contract x "
        "provider x financer pair(s)",
    },
    "ledger_patients_differ": {
        "nl": "grootboek: de betalingen van patiënten wijken af van de aansluiting",
        "en": "ledger: patient payments differ from the reconciliation",
    },
    "ledger_adjustment_differs": {
        "nl": "grootboek: {contract} / {reason}: grootboek {ledger} cent, berekend {computed} cent",
        "en": "ledger: {contract} / {reason}: ledger {ledger} cents, computed {computed} cents",
    },
    "stakeholders_differ": {
        "nl": "partijen: {n} rij(en) wijken af van het grootboek",
        "en": "stakeholders: {n} row(s) differ from the ledger",
    },
    "margins_differ": {
        "nl": "partijen: {n} marge(s) != ontvangen - betaald - kosten",
        "en": "stakeholders: {n} margin(s) != in - out - cost",
    },
    "not_conserved": {
        "nl": "het geld sluit niet: betaald {paid}, ontvangen {received}, grootboek {ledger}",
        "en": "money is not conserved: paid {paid}, received {received}, ledger {ledger}",
    },
    # -- a background run (jobs.py) ---------------------------------------------------------------
    "and_more": {"nl": " (en nog {n})", "en": " (and {n} more)"},
    "run_interrupted": {
        "nl": "onderbroken: de server stopte voordat de run klaar was",
        "en": "interrupted: the server stopped before the run finished",
    },
    "worker_stopped": {
        "nl": "het werkproces stopte voordat de run klaar was (geheugen vol?)",
        "en": "the worker process stopped before the run finished (out of memory?)",
    },
    # -- the command line's own refusals (passend.cli) ------------------------------------------
    "scale_range": {
        "nl": "--scale moet in (0, 10] liggen, niet {scale}",
        "en": "--scale must be in (0, 10], not {scale}",
    },
    "one_of_options": {
        "nl": "{option} moet een van {choices} zijn, niet {value!r}",
        "en": "{option} must be one of {choices}, not {value!r}",
    },
    "at_least_one": {"nl": "{option} moet minstens 1 zijn", "en": "{option} must be at least 1"},
    "workers_range": {
        "nl": "--workers moet minstens 1 zijn (of 0 voor de kernen die dit proces mag gebruiken)",
        "en": "--workers must be at least 1 (or 0 for the cores this process may use)",
    },
    "unknown_region": {
        "nl": "onbekende regio {name!r}; {hint}alle: {all} (passend population regions)",
        "en": "unknown region {name!r}; {hint}all: {all} (passend population regions)",
    },
    "closest_hint": {"nl": "dichtstbij: {names}; ", "en": "closest: {names}; "},
    "unknown_kind_id": {
        "nl": "onbekende {kind} {value!r}; dichtstbijzijnde geldige ids: {names}",
        "en": "unknown {kind} {value!r}; closest valid ids: {names}",
    },
    "no_population_file": {
        "nl": "{path}: bestand ontbreekt (genereer of importeer eerst een populatie)",
        "en": "{path}: no such file (generate or import a population first)",
    },
    "no_such_file": {"nl": "{path}: bestand ontbreekt", "en": "{path}: no such file"},
    # -- a table from an earlier step (tables.py) ------------------------------------------------
    "not_parquet": {
        "nl": "{path}: geen leesbaar Parquet-bestand ({error})",
        "en": "{path}: not a readable Parquet file ({error})",
    },
    "column_missing": {
        "nl": "{path}: kolom {column}: ontbreekt",
        "en": "{path}: column {column}: missing",
    },
    "column_type": {
        "nl": "{path}: kolom {column}: type {got}, verwacht {expected}",
        "en": "{path}: column {column}: type {got}, expected {expected}",
    },
    # -- privacy (privacy.py): what was done with a direct identifier ----------------------------
    "privacy.dropped_for_id": {
        "nl": "{column}: verwijderd ({id_column} is er al)",
        "en": "{column}: dropped ({id_column} present)",
    },
    "privacy.hashed": {
        "nl": "{column}: sleutel-hash -> {id_column}",
        "en": "{column}: keyed hash -> {id_column}",
    },
    "privacy.birth_year": {
        "nl": "{column}: teruggebracht tot birth_year",
        "en": "{column}: reduced to birth_year",
    },
    "privacy.postcode4": {
        "nl": "{column}: teruggebracht tot postcode4",
        "en": "{column}: reduced to postcode4",
    },
    "privacy.dropped": {"nl": "{column}: verwijderd", "en": "{column}: dropped"},
    "privacy.bsn": {
        "nl": "bsn: sleutel-hash -> patient_id (namen, geboortedatums en adressen worden niet "
        "gelezen)",
        "en": "bsn: keyed hash -> patient_id (names, birth dates and addresses are not read)",
    },
}
"""Each message id with its Dutch and English template (``str.format`` with named fields)."""

KINDS = {
    "activity": {"nl": "activiteit", "en": "activity"},
    "professional": {"nl": "zorgverlener", "en": "professional"},
    "specialty": {"nl": "specialisme", "en": "specialty"},
    "law": {"nl": "wet", "en": "law"},
    "status": {"nl": "status", "en": "status"},
    "title code": {"nl": "code van een betaaltitel", "en": "title code"},
    "table": {"nl": "tabel", "en": "table"},
    "setting": {"nl": "setting", "en": "setting"},
    "title": {"nl": "betaaltitel", "en": "title"},
}
"""The names of the kinds of id of ``unknown_id``."""

FILE = {"nl": "(bestand)", "en": "(file)"}
"""The field of a problem of the whole file."""


AS_GIVEN = {"value", "item", "name", "field", "role", "lang", "document", "path"}
"""Parameters shown as the user gave them (quoted with ``!r`` in the templates)."""


def _shown(value: Any, lang: str) -> Any:
    """A parameter as a template shows it: a number with the language's decimal mark (no
    thousands grouping: limits such as 2100 are years as often as amounts), a list as its
    items separated by commas, a kind by its name; other values as they are."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return text.replace(".", ",") if lang == "nl" else text
    if isinstance(value, list | tuple):
        return ", ".join(
            v.in_lang(lang) if isinstance(v, Message) else str(_shown(v, lang)) for v in value
        )
    return value


def render(id: str, params: Mapping[str, Any], lang: str) -> str:
    """The message ``id`` with ``params`` in ``lang``; a parameter that is itself a
    ``Message`` is rendered in ``lang`` too."""
    template = TEMPLATES[id]["en" if lang == "en" else "nl"]
    shown = {}
    for k, v in params.items():
        if isinstance(v, Message):
            v = v.in_lang(lang)
        elif hasattr(v, "nl") and hasattr(v, "en"):  # a catalogue Text: its own translation
            v = v.en if lang == "en" else v.nl
        elif k == "kind" and v in KINDS:
            v = KINDS[v][lang if lang == "en" else "nl"]
        shown[k] = v if k in AS_GIVEN else _shown(v, lang)
    if lang != "en" and "expected" in shown:  # Pydantic's list of choices: 'a', 'b' or 'c'
        shown["expected"] = str(shown["expected"]).replace("' or '", "' of '")
    return template.format(**shown)


class Message(str):
    """A message of the library: the English text (what ``str`` and existing code see), its
    ``id`` in ``TEMPLATES`` and its ``params``, to render in another language."""

    id: str
    params: dict[str, Any]

    def __new__(cls, id: str, /, english: str | None = None, **params: Any) -> Message:
        """``english``: the English text when another library wrote it (Pydantic's own)."""
        self = super().__new__(cls, english if english is not None else render(id, params, "en"))
        self.id = id
        self.params = params
        self.english = english
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # a Message crosses to worker processes whole
        return (_message, (self.id, self.english, self.params))

    def in_lang(self, lang: str) -> str:
        if lang == "en" and self.english is not None:
            return self.english
        return render(self.id, self.params, lang)


def _message(id: str, english: str | None, params: dict[str, Any]) -> Message:
    return Message(id, english, **params)


class Verbatim(Message):
    """A text that has no template (e.g. a third-party library's message): the same in every
    language."""

    def __new__(cls, text: str) -> Verbatim:  # type: ignore[misc]
        self = str.__new__(cls, text)
        self.id = ""
        self.params = {"text": text}
        self.english = text
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Verbatim, (str(self),))

    def in_lang(self, lang: str) -> str:
        return str(self)


class Problem(ValueError):
    """A ``ValueError`` whose message has an id: ``str(e)`` is the English text, ``e.message``
    the :class:`Message`."""

    def __init__(self, id: str, /, **params: Any):
        self.message = Message(id, **params)
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_problem, (self.message.id, self.message.params))


def _problem(id: str, params: dict[str, Any]) -> Problem:
    return Problem(id, **params)


def message_of(e: BaseException | str) -> str:
    """The :class:`Message` of an exception (or a string), or the plain text when it has none."""
    if isinstance(e, Message):
        return e
    m = getattr(e, "message", None)
    if isinstance(m, Message):
        return m
    args = getattr(e, "args", ())
    if args and isinstance(args[0], Message):
        return args[0]
    return str(e)


def text(e: BaseException | str, lang: str) -> str:
    """A message (a :class:`Message`, a :class:`Problem`, any exception or string) in
    ``lang``; one without an id as it is."""
    m = message_of(e)
    return m.in_lang(lang) if isinstance(m, Message) else m


OWN_ENGLISH = {"missing", "extra_forbidden"}
"""Pydantic types whose English text is ours ("required field is missing"), not Pydantic's
("Field required"); the others keep Pydantic's English wording."""


def from_pydantic(err: Mapping[str, Any]) -> Message:
    """One error of ``ValidationError.errors()`` as a Message, by its ``type`` and ``ctx``: a
    validator's :class:`Problem` is its own message; a type without a template keeps
    Pydantic's English text, the same in both languages."""
    kind = err.get("type", "")
    ctx = dict(err.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        m = message_of(cause) if cause is not None else str(err.get("msg", ""))
        return m if isinstance(m, Message) else Verbatim(m)
    if kind in TEMPLATES:
        english = None if kind in OWN_ENGLISH else str(err.get("msg", "")) or None
        try:
            m = Message(kind, english, **ctx)
            m.in_lang("nl")  # the template fits this ctx
            return m
        except (KeyError, IndexError, ValueError):  # a ctx of another shape: Pydantic's text
            pass
    return Verbatim(str(err.get("msg", "")))


def issue_text(issue: Any, lang: str) -> str:
    """A problem of a file (``file``, ``line``, ``field``, ``message``) in ``lang``, as
    ``file:line: field: reason``."""
    where = f"{issue.file}:{issue.line}" if issue.line is not None else issue.file
    return f"{where}: {issue.field or FILE['en' if lang == 'en' else 'nl']}: {text(issue.message, lang)}"


__all__ = [
    "FILE",
    "TEMPLATES",
    "Message",
    "Problem",
    "Verbatim",
    "from_pydantic",
    "issue_text",
    "message_of",
    "render",
    "text",
]
