"""The catalogue as the front ends show it: titles filtered by year, law and status, one title
whole, the other tables with their sources, and what changes between two years. Plain data
(JSON-ready dicts), shared by ``passend catalogue list|show`` and ``/api/v1/catalogue``.
Unknown ids raise ``UnknownIdError`` with the closest valid ones, as the wegwijzer does."""

from __future__ import annotations

from typing import Any

from passend.catalogue.loader import Catalogue, UnknownIdError

STATUSES = ("claimable", "experimental", "proposed")
TABLES = ("routes", "bottlenecks", "activities", "professionals")


def _check(kind: str, value: str | None, valid: list[str] | tuple[str, ...]) -> None:
    if value is not None and value not in valid:
        raise UnknownIdError(kind, value, list(valid))


def title_row(t: Any) -> dict[str, Any]:
    """One line of the title list (the JSON of ``passend catalogue list``)."""
    return {
        "code": t.code,
        "name": t.name,
        "law": t.law,
        "status": t.status,
        "sector": t.sector,
        "segment": t.segment,
        "official_code": t.official_code,
        "valid_from": t.valid_from.isoformat(),
        "valid_to": t.valid_to.isoformat() if t.valid_to else None,
    }


def titles(
    cat: Catalogue, year: int | None = None, law: str | None = None, status: str | None = None
) -> list[Any]:
    """The titles valid in ``year`` (all when None) under ``law`` with ``status``, in
    catalogue order."""
    _check("law", law, list(cat.laws))
    _check("status", status, STATUSES)
    return [
        t
        for t in cat.titles.values()
        if (year is None or t.valid_in(year))
        and (law is None or t.law == law)
        and (status is None or t.status == status)
    ]


def title(cat: Catalogue, code: str) -> Any:
    """One title by its code."""
    _check("title code", code, list(cat.titles))
    return cat.titles[code]


def table(cat: Catalogue, name: str) -> list[dict[str, Any]]:
    """One of the catalogue's other tables (``TABLES``), each entry with its sources."""
    _check("table", name, TABLES)
    return [e.model_dump(mode="json") for e in getattr(cat, name).values()]


def _cents(t: Any, year: int) -> int | None:
    tariff = t.tariff(year)
    return None if tariff is None else tariff.cents


def changes(cat: Catalogue, year_from: int, year_to: int) -> dict[str, list[dict[str, Any]]]:
    """What changes from ``year_from`` to ``year_to``: titles that start, titles that end, and
    tariffs that change (cents in both years, None where the year has no tariff)."""
    before = {t.code for t in titles(cat, year_from)}
    after = {t.code for t in titles(cat, year_to)}
    pairs = [
        (t, _cents(t, year_from), _cents(t, year_to))
        for t in cat.titles.values()
        if t.code in before & after
    ]
    return {
        "added": [title_row(t) for t in cat.titles.values() if t.code in after - before],
        "ended": [title_row(t) for t in cat.titles.values() if t.code in before - after],
        "tariffs": [
            {**title_row(t), "cents_from": a, "cents_to": b} for t, a, b in pairs if a != b
        ],
    }
