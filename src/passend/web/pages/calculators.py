"""The calculator pages (rekenhulpen): the list (``/rekenhulpen``) and one form per calculator
(``/rekenhulpen/{name}``) generated from :func:`passend.settlement.calculators.fields`, with
the result of ``compute`` as a table, ``explain`` line by line, and the formula from the model
module's docstring.

The form is a GET: a calculator changes nothing on the server, so the page's URL (the inputs
in the query) is a permalink of the calculation and needs no CSRF token. A mapping field
(share, price, patients, rate, inhabitants, indicator) is one textarea of ``name=value`` lines,
the command line's repeated option, usable without JavaScript and with any number of rows. A
yes/no field is a checkbox after a hidden ``0`` of the same name, so that an unticked box is
``no`` and a hand-written link without it gets the default."""

from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from passend import messages
from passend.i18n import PAGE_LABELS, euros, number, short
from passend.settlement import calculators as calc
from passend.web.pages.common import (
    PageError,
    absolute,
    href,
    page_lang,
    page_router,
    render,
)

router = page_router()
PATH = "/rekenhulpen"
TRUE = ("1", "on", "true", "yes")


@router.get(PATH)
def index(request: Request) -> Response:
    lang = page_lang(request)
    items = [
        {"title": c.title[lang], "summary": c.summary[lang], "href": href(request, _path(c.name))}
        for c in calc.CALCULATORS.values()
    ]
    L = PAGE_LABELS[lang]
    return render(request, "calculators/list.html.j2", page_title=L["calc_title"], items=items)


def _path(name: str) -> str:
    return f"{PATH}/{name}"


@dataclass(frozen=True)
class FormField:
    """One field of the form as the template shows it."""

    spec: calc.FieldSpec
    label: str
    hint: str
    example: str | None
    value: str | bool
    error: str | None

    @property
    def name(self) -> str:
        return self.spec.name


def _hint(c: calc.Calculator, spec: calc.FieldSpec, lang: str) -> tuple[str, str | None]:
    """The help text under a field and, for a mapping, its example lines."""
    L = PAGE_LABELS[lang]
    if spec.kind == "mapping":
        hint = L["calc_hint_indicator" if spec.of == "indicator" else "calc_hint_mapping"]
        return hint, L[f"calc.{c.name}.{spec.name}.example"]
    hint = L[f"calc_hint_{spec.kind}"]
    if not spec.required and spec.default is None:
        hint = f"{hint} {L['calc_empty_none']}"
    elif not spec.required and spec.kind != "bool":
        hint = f"{hint} {L['calc_default'].format(default=_shown(spec.default, lang))}"
    return hint, None


def _shown(default: Any, lang: str) -> str:
    """A default as a user would type it: the Dutch page with a decimal comma."""
    text = str(default)
    return text.replace(".", ",") if lang == "nl" else text


def _submitted(request: Request, specs: list[calc.FieldSpec]) -> bool:
    return any(s.name in request.query_params for s in specs)


def _raw(request: Request, spec: calc.FieldSpec, lang: str) -> str | bool:
    """The field's value as the form shows it: what the user sent (a checkbox: the last of
    the hidden 0 and the box's 1), else the default."""
    values = request.query_params.getlist(spec.name)
    if spec.kind == "bool":
        return values[-1].lower() in TRUE if values else bool(spec.default)
    if values:
        return values[-1]
    return "" if spec.required or spec.default is None else _shown(spec.default, lang)


def _inputs(specs: list[calc.FieldSpec], raw: dict[str, str | bool]) -> dict[str, Any]:
    """The calculator's inputs from the form: empty fields left out (their default applies),
    a mapping's lines as the command line's ``name=value`` options."""
    out: dict[str, Any] = {}
    for s in specs:
        value = raw[s.name]
        if s.kind == "bool":
            out[s.name] = value
        elif s.kind == "mapping":
            lines = [line.strip() for line in str(value).splitlines() if line.strip()]
            if lines:
                out[s.name] = lines
        elif str(value).strip():
            out[s.name] = str(value).strip()
    return out


def _formula(module: str) -> dict[str, Any]:
    """The model module's docstring: its first paragraph, the paragraph that introduces the
    formula (with its source) and the formula block (the indented lines), then any lines
    that follow the block in the same paragraph."""
    doc = textwrap.dedent(importlib.import_module(module).__doc__ or "").strip()
    blocks = [b for b in doc.split("\n\n") if b.strip()]
    intro = " ".join(blocks[0].split()) if blocks else ""
    at = next((i for i, b in enumerate(blocks) if b.startswith("    ")), None)
    if at is None:
        return {"module": module, "intro": intro, "lead": "", "code": "", "after": ""}
    lines = blocks[at].splitlines()
    code = [line for line in lines if line.startswith("    ")]
    after = lines[len(code) :] if lines[: len(code)] == code else []
    lead = " ".join(blocks[at - 1].split()) if at > 1 else ""
    return {
        "module": module,
        "intro": intro,
        "lead": lead,
        "code": textwrap.dedent("\n".join(code)),
        "after": " ".join(" ".join(after).split()),
    }


def _value(value: Any, key: str, lang: str) -> str:
    L = PAGE_LABELS[lang]
    if isinstance(value, bool):
        return L["yes"] if value else L["no"]
    if isinstance(value, int):
        return euros(value, lang) if key.endswith("_cents") else number(value, lang)
    if isinstance(value, float):
        return short(value, lang, most=4)
    try:
        return short(Decimal(str(value)), lang, most=4)
    except InvalidOperation:
        return L.get(f"calc.{key}.{value}", str(value))


def _label(name: str, key: str, lang: str) -> str:
    """A result's label: the calculator's own, the common one, or a financer's part
    (``cz_cents``: the part of cz, named as the user named it)."""
    L = PAGE_LABELS[lang]
    for k in (f"calc.{name}.out.{key}", f"calc.out.{key}"):
        if k in L:
            return L[k]
    return L["calc_part"].format(name=key.removesuffix("_cents"))


def result_rows(name: str, result: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Every key of ``compute``'s dict as (key, label, value) in the page's language; a
    nested mapping (p4p's achievements) as one row per entry."""
    rows = []
    for key, value in result.items():
        if isinstance(value, dict):
            label = _label(name, key, lang)
            rows += [
                {"key": f"{key}.{k}", "label": f"{label}: {k}", "value": _value(v, k, lang)}
                for k, v in value.items()
            ]
        else:
            rows.append(
                {"key": key, "label": _label(name, key, lang), "value": _value(value, key, lang)}
            )
    return rows


def _unknown(request: Request, e: calc.CalculatorError) -> PageError:
    L = PAGE_LABELS[page_lang(request)]
    name = request.path_params.get("name", "")
    message = f"{L['calc_unknown']}: {name!r}. {L['closest']}:"
    links = [(s, href(request, _path(s))) for s in e.suggestions]
    return PageError(404, message, links)


def _check_required(
    specs: list[calc.FieldSpec], inputs: dict[str, Any], L: dict[str, str]
) -> dict[str, str]:
    return {s.name: L["calc_required"] for s in specs if s.required and s.name not in inputs}


@router.get(PATH + "/{name}")
def calculator_page(request: Request, name: str) -> Response:
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    try:
        c = calc.calculator(name)
    except calc.CalculatorError as e:
        raise _unknown(request, e) from None
    specs = calc.fields(name)
    submitted = _submitted(request, specs)
    raw = {s.name: _raw(request, s, lang) for s in specs}
    inputs = _inputs(specs, raw)
    errors: dict[str, str] = {}
    general: str | None = None
    result, steps = None, []
    if submitted:
        errors = _check_required(specs, inputs, L)
        if not errors:
            try:
                result = calc.compute(name, inputs)
                steps = calc.explain(name, inputs, result, lang)
            except calc.CalculatorError as e:
                result = None
                if e.field in raw:
                    errors[e.field] = messages.text(e.message, lang)
                else:
                    general = messages.text(e.message, lang)
    form = []
    for s in specs:
        hint, example = _hint(c, s, lang)
        label = L[f"calc.{name}.{s.name}"]
        form.append(FormField(s, label, hint, example, raw[s.name], errors.get(s.name)))
    link = href(request, _path(name), **{k: _query(v) for k, v in inputs.items()})
    return render(
        request,
        "calculators/form.html.j2",
        status=422 if errors or general else 200,
        page_title=c.title[lang],
        calc=c,
        summary=c.summary[lang],
        fields=form,
        errors=errors,
        general=general,
        rows=result_rows(name, result, lang) if result is not None else None,
        steps=[calc.Step(s.label, _unbroken(s.formula)) for s in steps],
        formula=_formula(c.module),
        permalink=absolute(request, link) if result is not None else None,
        all_href=href(request, PATH),
    )


def _unbroken(formula: str) -> str:
    """A formula whose lines break between its terms, never inside an amount ('€ 1.000,00'):
    a no-break space after the currency."""
    return formula.replace("€ ", "€\u00a0").replace("EUR ", "EUR\u00a0")


def _query(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return "\n".join(value)
    return str(value)
