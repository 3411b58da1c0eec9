"""A scenario (scenario): one YAML file that says which population, which intervention, which
contract sets to compare, the provider cost model and the Monte Carlo settings. Documented in
docs/scenarios.md; examples in examples/. Validated with file:line errors like the catalogue.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, model_validator

from passend.catalogue.loader import (
    Catalogue,
    CatalogueError,
    CatalogueIssue,
    YearError,
    line_of,
    read_model_file,
)
from passend.catalogue.schema import Source, Text
from passend.messages import Message, Problem
from passend.population.generate import MAX_MULTIPLIER, Effects


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PopulationSpec(_Model):
    """A synthetic population (``region``, ``year``, ``seed``, ``scale``: generated) or an
    imported one (``dir``: the folder ``passend population import --out`` wrote, relative to
    the scenario file), used as given: no generation, no seed or scale, its year the year of
    its deaths unless ``year`` says it, its region the one its patients name unless ``region``
    says it (the region's inhabitants and insured shares)."""

    region: str = "national"
    year: int | None = Field(default=None, ge=2000, le=2100)
    seed: int = Field(default=1, ge=0)
    scale: float = Field(default=1.0, gt=0, le=1)
    regions: str | None = None
    """Extra region file (relative to the scenario file)."""
    dir: str | None = Field(default=None, min_length=1)
    """An imported population's folder (relative to the scenario file)."""

    @model_validator(mode="after")
    def _kind(self) -> PopulationSpec:
        if self.dir is None and self.year is None:
            raise ValueError("give year (a generated population) or dir (an imported one)")
        given = sorted({"seed", "scale"} & self.model_fields_set)
        if self.dir is not None and given:
            raise ValueError(
                f"an imported population (dir) is used as given: no {' or '.join(given)}"
            )
        return self

    @property
    def imported(self) -> bool:
        return self.dir is not None


class ClaimsSpec(_Model):
    """The claims of an imported population (the folder ``passend claims import --out``
    wrote, relative to the scenario file): settled as they are, not declared again."""

    dir: str = Field(min_length=1)


class TeamCost(_Model):
    """A fixed annual cost the intervention adds (e.g. the transmural team's availability and
    coordination that no title pays for), borne by a provider, or split equally over the
    providers of a kind; multiplied by the population's scale."""

    provider: str | None = None
    provider_kind: str | None = None
    amount_eur: float = Field(ge=0)
    note: str | None = None
    sources: list[Source] = []

    @model_validator(mode="after")
    def _who(self) -> TeamCost:
        if (self.provider is None) == (self.provider_kind is None):
            raise Problem("one_of_two", a="provider", b="provider_kind")
        return self


class Intervention(_Model):
    name: Text
    effects: Effects = Effects()
    team_costs: list[TeamCost] = []
    sources: list[Source] = []


class Distribution(_Model):
    """An uncertain parameter: ``triangular`` (low, mode, high), ``uniform`` (low, high) or
    ``normal`` (mean, sd; truncated at low/high when given)."""

    dist: Literal["triangular", "uniform", "normal"]
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _params(self) -> Distribution:
        need = {
            "triangular": ("low", "mode", "high"),
            "uniform": ("low", "high"),
            "normal": ("mean", "sd"),
        }
        missing = [k for k in need[self.dist] if getattr(self, k) is None]
        if missing:
            raise Problem("dist_needs", dist=self.dist, names=missing)
        if self.dist == "triangular" and not (self.low <= self.mode <= self.high):  # type: ignore[operator]
            raise Problem("triangular_order")
        if self.dist == "uniform" and not self.low <= self.high:  # type: ignore[operator]
            raise Problem("uniform_order")
        return self


class MonteCarlo(_Model):
    replicates: int = Field(default=1, ge=1, le=10000)
    uncertain: dict[str, Distribution] = {}
    """Keys: ``odds_home``, ``odds_preferred``, ``relative_risk_home``, ``ed_visits_total`` or
    ``rate_multipliers.<name>`` of the intervention's effects; with more than one replicate
    each replicate draws a value (and a population seed); one replicate runs the central
    (published) values."""
    interval: tuple[float, float] = (0.05, 0.95)


class Scenario(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: Text
    description: Text | None = None
    population: PopulationSpec
    claims: ClaimsSpec | None = None
    """Only with an imported population: its own claims instead of its declaration."""
    intervention: Intervention
    contract_sets: list[str] = Field(min_length=1)
    """Shipped ids (pxq, current, bundle, ...) or files relative to the scenario; the first
    is the baseline contract set."""
    provider_costs: str | None = None
    cost_prices: str | None = None
    monte_carlo: MonteCarlo = MonteCarlo()
    sources: list[Source] = []


class LoadedScenario:
    def __init__(self, scenario: Scenario, path: Path, digest: str):
        self.s = scenario
        self.path = path
        self.sha256 = digest

    def resolve(self, value: str | None) -> Path | None:
        if value is None:
            return None
        p = Path(value)
        return p if p.is_absolute() else (self.path.parent / p)


UNCERTAIN_EFFECTS = ("odds_home", "odds_preferred", "relative_risk_home", "ed_visits_total")
"""The effects besides ``rate_multipliers.<name>`` that a replicate can draw."""


def _outside_effect_range(key: str, d: Distribution) -> Message | None:
    """Why draws of ``d`` can fall outside the range of the effect ``key`` (odds above 0, rate
    multipliers from 0 to ``MAX_MULTIPLIER``), checked here so that no replicate fails later.
    A normal distribution stays in range only when truncated (low, high)."""
    lo = d.low if d.low is not None else -math.inf
    hi = d.high if d.high is not None else math.inf
    if key.startswith("odds_") or key == "relative_risk_home":
        return None if lo > 0 else Message("odds_above_zero")
    if lo < 0 or hi > MAX_MULTIPLIER:
        return Message("multiplier_range", top=MAX_MULTIPLIER)
    return None


IMPORTED_FILES = ("patients.parquet", "activities.parquet", "providers.parquet")
"""What an imported population's folder holds at least (``passend population import``): the
providers with their kinds too, which contracts and team costs name."""


def _imported_problems(s: Scenario, base: Path) -> list[tuple[tuple, str]]:
    """What an imported population cannot do. It is used as given, so there is nothing to
    generate: the intervention's effects (which act inside generation) and the Monte Carlo
    over populations (replicates, uncertain effects) are refused, not silently ignored; the
    intervention is its team costs on the same care. Its folders must be there."""
    pop = s.population
    out: list[tuple[tuple, str]] = []
    if not pop.imported:
        if s.claims is not None:
            out.append((("claims",), "claims need an imported population (population.dir)"))
        return out
    why = "an imported population is settled as given"
    if s.intervention.effects != Effects():
        out.append(
            (
                ("intervention", "effects"),
                f"{why}: effects act inside generation; remove them (team_costs stay)",
            )
        )
    if s.monte_carlo.replicates > 1:
        out.append(
            (("monte_carlo", "replicates"), f"{why}: one replicate (no populations to draw)")
        )
    if s.monte_carlo.uncertain:
        out.append((("monte_carlo", "uncertain"), f"{why}: no effects to draw"))
    folders = [(("population", "dir"), pop.dir, IMPORTED_FILES)]
    if s.claims is not None:
        folders.append((("claims", "dir"), s.claims.dir, ("claims.parquet",)))
    for loc, value, files in folders:
        d = Path(value or "")
        d = d if d.is_absolute() else base / d
        missing = [f for f in files if not (d / f).is_file()]
        if missing:
            out.append((loc, f"{d}: not found or without {', '.join(missing)}"))
    return out


YEAR_GIVEN = {"nl": "jaar", "en": "year"}
YEAR_OF_DEATHS = {
    "nl": "het jaar van de overlijdens in population.dir,",
    "en": "the year of the deaths in population.dir,",
}
"""How a scenario gives its population's year (its ``population.year``, or an imported
population's deaths), as a refusal names it."""


def deaths_years(patients: pa.Table) -> list[int]:
    """The years the deaths of ``patients`` (a ``death_date`` column) fall in, ascending."""
    return sorted(set(pc.unique(pc.year(patients["death_date"])).to_pylist()) - {None})


def scenario_year(s: Scenario, base: Path) -> tuple[int | None, dict[str, str]]:
    """The year the scenario's population answers for, and how it was given: its
    ``population.year``, else the one year of an imported population's deaths (None when
    that cannot be read yet or is not one year: :func:`passend.scenarios.run.imported_facts`
    says so)."""
    pop = s.population
    if pop.year is not None or pop.dir is None:
        return pop.year, YEAR_GIVEN
    d = Path(pop.dir)
    try:
        patients = pq.read_table(
            (d if d.is_absolute() else base / d) / "patients.parquet", columns=["death_date"]
        )
        years = deaths_years(patients)
    except (OSError, KeyError, pa.ArrowException):
        return None, YEAR_OF_DEATHS
    return (years[0] if len(years) == 1 else None), YEAR_OF_DEATHS


def _year_problem(s: Scenario, base: Path, cat: Catalogue) -> Message | None:
    """Why the catalogue cannot answer for the scenario's year (never reviewed and not
    announced: ``Catalogue.check_year``), or None. An announced year runs, with its warning
    in the output (``summary.json``'s ``warning``) and the report."""
    year, what = scenario_year(s, base)
    if year is None:
        return None
    try:
        cat.check_year(year)
    except YearError as e:
        return e.message(what)
    return None


def load_scenario(path: Path, cat: Catalogue) -> LoadedScenario:
    shown = str(path)
    s, doc, raw = read_model_file(path, Scenario)
    issues = []
    for i, tc in enumerate(s.intervention.team_costs):
        if tc.provider_kind:
            loc = ("intervention", "team_costs", i, "provider_kind")
            problem = (
                Message("unknown_provider_kind", kind=tc.provider_kind)
                if tc.provider_kind not in cat.provider_kinds
                else cat.not_contracting(tc.provider_kind)
            )
            if problem:  # the team's cost sits with the provider that employs it
                issues.append(
                    CatalogueIssue(shown, line_of(doc, loc), ".".join(map(str, loc)), problem)
                )
    for key, d in s.monte_carlo.uncertain.items():
        loc = ("monte_carlo", "uncertain", key)
        ok = key in UNCERTAIN_EFFECTS or key.startswith("rate_multipliers.")
        problem = (
            Message("not_an_effect", names=list(UNCERTAIN_EFFECTS))
            if not ok
            else _outside_effect_range(key, d)
        )
        if problem:
            issues.append(
                CatalogueIssue(shown, line_of(doc, loc), ".".join(map(str, loc)), problem)
            )
    sources = (
        s.sources
        + s.intervention.sources
        + [x for tc in s.intervention.team_costs for x in tc.sources]
        + (s.intervention.effects.reach.sources if s.intervention.effects.reach else [])
    )
    for src in sources:
        if src.document not in cat.documents:
            issues.append(
                CatalogueIssue(
                    shown, None, "sources", Message("unknown_document", document=src.document)
                )
            )
    issues += [
        CatalogueIssue(shown, line_of(doc, loc), ".".join(map(str, loc)), problem)
        for loc, problem in _imported_problems(s, path.parent)
    ]
    if (problem := _year_problem(s, path.parent, cat)) is not None:
        loc = ("population", "year")  # (the population's line when the data give the year)
        issues.append(CatalogueIssue(shown, line_of(doc, loc), "population.year", problem))
    if issues:
        raise CatalogueError(issues)
    return LoadedScenario(s, path, hashlib.sha256(raw).hexdigest())
