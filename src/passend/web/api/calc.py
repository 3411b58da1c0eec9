"""``/api/v1/calc``: the calculators (rekenhulp). ``POST /api/v1/calc/{model}`` takes a JSON
object of the command line's option names (``-`` as ``_``; amounts as decimal strings or
numbers; repeatable options as an object) and answers exactly ``passend calc MODEL --json``;
``…/explain`` adds the result line by line. The inputs are checked by the calculators' own
models (``passend.settlement.calculators``), so the messages are the CLI's."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body

from passend.settlement import calculators as calc
from passend.web.api.deps import Lang
from passend.web.errors import ApiError

router = APIRouter(prefix="/calc", tags=["calculators"])


def _error(e: calc.CalculatorError) -> ApiError:
    return ApiError(422, "invalid", e.message, e.field)


@router.get("", summary="The calculators and their fields")
def index(lang: Lang = "nl") -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "title": c.title[lang],
            "summary": c.summary[lang],
            "fields": [asdict(f) for f in calc.fields(c.name)],
        }
        for c in calc.CALCULATORS.values()
    ]


def _body(c: calc.Calculator) -> dict[str, Any]:
    schema = c.inputs.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    }


Inputs = Annotated[dict[str, Any], Body(description="The calculator's inputs.")]


def _routes(c: calc.Calculator) -> None:
    def compute(inputs: Inputs) -> dict[str, Any]:
        try:
            return calc.compute(c.name, inputs)
        except calc.CalculatorError as e:
            raise _error(e) from None

    def explain(inputs: Inputs, lang: Lang = "nl") -> dict[str, Any]:
        try:
            result = calc.compute(c.name, inputs)
            steps = calc.explain(c.name, inputs, result, lang)
        except calc.CalculatorError as e:
            raise _error(e) from None
        return {"result": result, "steps": [asdict(s) for s in steps]}

    ident = c.name.replace("-", "_")
    compute.__name__, explain.__name__ = f"calc_{ident}", f"explain_{ident}"
    router.post(
        f"/{c.name}",
        summary=f"{c.title['en']}: the JSON of passend calc {c.name} --json",
        description=c.summary["en"],
        openapi_extra=_body(c),
    )(compute)
    router.post(
        f"/{c.name}/explain",
        summary=f"{c.title['en']}, explained line by line",
        openapi_extra=_body(c),
    )(explain)


for _c in calc.CALCULATORS.values():
    _routes(_c)


@router.post("/{model}", summary="An unknown calculator: 404 with the closest names")
def unknown(model: str) -> dict[str, Any]:
    try:
        calc.calculator(model)
    except calc.CalculatorError as e:
        raise ApiError(404, "unknown_id", e.message, "model") from None
    raise ApiError(404, "unknown_id", f"unknown calculator {model!r}", "model")
