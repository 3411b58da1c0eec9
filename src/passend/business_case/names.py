"""Names for the identifiers in a business case's JSON, shared by the workbook and the report.

Roles are the catalogue's professionals, routes its routes (or, for a payment title, the
title's official name), activities its activities, financer kinds the stakeholder groups of the
scenario tables and health insurers the concerns of ``population/data/insurers.yaml``. An id
the catalogue does not know is shown as it is, so nothing is silently renamed.
"""

from __future__ import annotations

from typing import Any

from passend.i18n import party


def default_catalogue() -> Any:
    """The shipped catalogue, or None when it cannot be loaded (the outputs then show ids)."""
    try:
        from passend.catalogue.loader import load_catalogue

        return load_catalogue(None)
    except Exception:
        return None


TEAM_ROLES = {
    "nl": {"coordinator": "Coördinator", "secretary": "Secretariaat", "start_up": "Opstartkosten"},
    "en": {"coordinator": "Coordinator", "secretary": "Secretary", "start_up": "Start-up cost"},
}
"""The roles and cost lines of the business case that are not catalogue professionals."""


class Names:
    """``names.role("nurse_specialist")`` -> 'Verpleegkundig specialist' (nl)."""

    def __init__(self, cat: Any, lang: str):
        self.cat = cat
        self.lang = "en" if lang == "en" else "nl"
        self.insurers: dict[str, str] = {}
        if cat is not None:
            try:
                from passend.population.params import load_insurers

                self.insurers = {i.id: i.name for i in load_insurers(cat).insurers}
            except Exception:
                self.insurers = {}

    def _entity(self, table: str, key: str) -> str:
        entry = getattr(self.cat, table, {}).get(key) if self.cat is not None else None
        return entry.name.get(self.lang) if entry is not None else key

    def role(self, key: str) -> str:
        """A clinical role is a catalogue professional; the others are the team's own."""
        own = TEAM_ROLES[self.lang].get(key)
        return own if own is not None else self._entity("professionals", key)

    def activity(self, key: str) -> str:
        own = TEAM_ROLES[self.lang].get(key)
        return own if own is not None else self._entity("activities", key)

    def route(self, key: str, title_code: str | None = None) -> str:
        if title_code and self.cat is not None and title_code in self.cat.titles:
            return f"{self.cat.titles[title_code].name} ({title_code})"
        return self._entity("routes", key)

    def group(self, key: str) -> str:
        return party(key, self.lang)

    def financer(self, key: str) -> str:
        return self.insurers.get(key, key)
