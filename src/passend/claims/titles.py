"""What a claim line of a title means when the file does not say (betaaltitel -> activity,
professional, setting, law, unit): one mapping for every reader of claims (the CSV/Parquet
import and the Vektis AW319 and ZH308 readers). A neutral module: it imports only the
catalogue, so the readers share it without importing each other."""

from __future__ import annotations

from passend.catalogue.loader import Catalogue

UNIT_OF_TITLE = {"hour": "minutes", "day": "days"}
"""A title's unit as the unit of a claim's quantity; other title units are counted per event."""


def title_defaults(cat: Catalogue) -> dict[str, dict[str, str | bool]]:
    """Per title code, what a claim line of it means when the file does not say: its first
    activity, its first claimant's first professional (for a claimant without a list, the
    first professional of the catalogue working for its provider kinds, carers first), its
    first setting, its law, the unit of its quantities (hours in minutes, days in days, other
    units per event) and whether it is patient-bound. A small table (titles, not rows)."""
    out: dict[str, dict[str, str | bool]] = {}
    for t in cat.titles.values():
        profs = [p for c in t.claimants for p in c.professionals]
        if not profs:
            kinds = set(t.claimants[0].provider_kinds)
            profs = sorted(
                (p.id for p in cat.professionals.values() if set(p.provider_kinds) & kinds),
                key=lambda x: x != "carer",
            )
        out[t.code] = {
            "activity": t.activities[0],
            "professional": profs[0] if profs else "",
            "setting": t.settings[0],
            "law": t.law,
            "unit": UNIT_OF_TITLE.get(t.unit, "count"),
            "patient_bound": t.patient_bound,
        }
    return out


__all__ = ["UNIT_OF_TITLE", "title_defaults"]
