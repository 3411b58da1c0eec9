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
}
"""Each message id with its Dutch and English template (``str.format`` with named fields)."""

KINDS = {
    "activity": {"nl": "activiteit", "en": "activity"},
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
        return ", ".join(str(_shown(v, lang)) for v in value)
    return value


def render(id: str, params: Mapping[str, Any], lang: str) -> str:
    """The message ``id`` with ``params`` in ``lang``; a parameter that is itself a
    ``Message`` is rendered in ``lang`` too."""
    template = TEMPLATES[id]["en" if lang == "en" else "nl"]
    shown = {}
    for k, v in params.items():
        if isinstance(v, Message):
            v = v.in_lang(lang)
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
