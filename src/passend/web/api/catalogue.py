"""``/api/v1/catalogue``: the catalogue, dated, with its sources (the payment titles, routes,
bottlenecks, activities and professionals; what changes between two years)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from passend.catalogue import browse
from passend.catalogue.loader import UnknownIdError
from passend.web.api.deps import Cat
from passend.web.errors import unknown_id

router = APIRouter(prefix="/catalogue", tags=["catalogue"])
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Only what is valid this year.")]


@router.get("", summary="The catalogue's version, years and counts")
def meta(cat: Cat) -> dict[str, Any]:
    return {
        "version": cat.meta.version,
        "default_year": cat.meta.default_year,
        "first_year": cat.meta.first_year,
        "last_year": cat.meta.last_year,
        "documents": [d.model_dump(mode="json") for d in cat.documents.values()],
        "counts": {
            "titles": len(cat.titles),
            **{name: len(getattr(cat, name)) for name in browse.TABLES},
        },
    }


@router.get("/titles", summary="Payment titles (the JSON of passend catalogue list)")
def titles(
    cat: Cat,
    year: Year = None,
    law: Annotated[str | None, Query(description="Only titles under this law id.")] = None,
    status: Annotated[
        Literal["claimable", "experimental", "proposed"] | None, Query(description="Status.")
    ] = None,
) -> list[dict[str, Any]]:
    try:
        return [browse.title_row(t) for t in browse.titles(cat, year, law, status)]
    except UnknownIdError as e:
        raise unknown_id(e, e.kind) from None


@router.get("/titles/{code}", summary="One payment title whole (passend catalogue show --json)")
def title(
    cat: Cat, code: Annotated[str, Path(max_length=64, description="Title code, e.g. 12011.")]
) -> dict[str, Any]:
    try:
        return browse.title(cat, code).model_dump(mode="json")
    except UnknownIdError as e:
        raise unknown_id(e, "code") from None


@router.get("/changes", summary="What changes between two years")
def changes(
    cat: Cat,
    year_from: Annotated[int, Query(ge=2000, le=2100, alias="from")],
    year_to: Annotated[int, Query(ge=2000, le=2100, alias="to")],
) -> dict[str, list[dict[str, Any]]]:
    return browse.changes(cat, year_from, year_to)


def _table(name: str) -> Any:
    def read(cat: Cat) -> list[dict[str, Any]]:
        return browse.table(cat, name)

    read.__name__ = name
    return read


for _name in browse.TABLES:
    router.get(f"/{_name}", summary=f"The catalogue's {_name}, with sources")(_table(_name))
