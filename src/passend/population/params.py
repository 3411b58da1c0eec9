"""Regions, insurers and the generator's parameters as data, validated on load.

Regions live in ``data/regions/*.yaml`` (one file per region; a user adds a region by writing
one file and passing it, or its folder, with ``--regions``). Parameters live in
``data/parameters.yaml``; every value cites a document of the catalogue's ``documents.yaml``.
Errors name the file, line and field, as for the catalogue.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML

from passend.catalogue.loader import (
    Catalogue,
    CatalogueError,
    CatalogueIssue,
    line_of,
    read_fast,
)
from passend.catalogue.schema import Source, Text
from passend.messages import Message, Problem, from_pydantic

DATA = Path(__file__).parent / "data"
TRAJECTORIES = ("cancer", "organ_failure", "frailty_dementia", "other")
PLACES = ("home", "nursing_home", "hospital", "hospice", "palliative_unit", "elv")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- regions ----------------------------------------------------------------------------------


class CitedInt(Model):
    value: int = Field(gt=0)
    source: Source
    assumption: bool = False
    note: str | None = None


class Entry(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    share: float = Field(gt=0, le=1)


class Entries(Model):
    entries: list[Entry] = Field(min_length=1)
    source: Source
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _sum(self) -> Entries:
        total = sum(e.share for e in self.entries)
        if abs(total - 1) > 0.01:
            raise Problem("shares_total", total=Decimal(f"{total:.3f}"))
        return self


class RegionInsurers(Model):
    shares: dict[str, float] = {}
    """Explicit shares of some insurers; the rest goes to the others by national share."""
    source: Source
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _sum(self) -> RegionInsurers:
        if sum(self.shares.values()) > 1 + 1e-9:
            raise Problem("insurer_shares_over")
        return self


class Region(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    name: Text
    pilot: bool = False
    inhabitants: CitedInt
    deaths_per_year: CitedInt | None = None
    """When absent: inhabitants times the national death rate."""
    insurers: RegionInsurers
    care_offices: Entries
    municipalities: Entries
    providers: dict[str, int] = {}
    """Provider counts per kind; kinds not listed follow parameters.providers_per_100k."""


class Insurer(Model):
    id: str
    name: str
    share: float = Field(gt=0, le=1)
    uzovi: str = Field(pattern=r"^[0-9]{4}$")
    """UZOVI number in Vektis files (synthetic in the shipped data)."""


class InsurersFile(Model):
    source: Source
    insurers: list[Insurer]


# -- parameters -------------------------------------------------------------------------------

PerTrajectory = dict[Literal["cancer", "organ_failure", "frailty_dementia", "other"], float]


class Trajectory(Model):
    share: float = Field(ge=0, le=1)
    female: float = Field(ge=0, le=1)
    age_mean: float
    age_sd: float = Field(gt=0)
    wlz: float = Field(ge=0, le=1)
    resident_given_wlz: float = Field(ge=0, le=1)
    marked: float = Field(ge=0, le=1)
    marking_lead_days_mean: float = Field(gt=0)


class Trajectories(Model):
    source: Source
    assumption_note: str | None = None
    cancer: Trajectory
    organ_failure: Trajectory
    frailty_dementia: Trajectory
    other: Trajectory

    def get(self, name: str) -> Trajectory:
        return getattr(self, name)


class PlaceWeights(Model):
    source: Source
    assumption: bool = False
    settings: list[str]
    at_home: dict[str, list[float]]
    resident: dict[str, list[float]]


class PreferredPlace(Model):
    source: Source
    assumption: bool = False
    settings: list[str]
    at_home: list[float]
    resident: list[float]


class Quantity(Model):
    fixed: float | None = None
    choice: list[float] | None = None
    p: list[float] | None = None
    gamma_mean: float | None = None
    shape: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Quantity:
        kinds = [self.fixed is not None, self.choice is not None, self.gamma_mean is not None]
        if sum(kinds) != 1:
            raise Problem("quantity_one")
        if self.choice is not None and (self.p is None or len(self.p) != len(self.choice)):
            raise Problem("choice_needs_p")
        if self.gamma_mean is not None and self.shape is None:
            raise Problem("gamma_needs_shape")
        return self


Mix = dict[str, Annotated[float, Field(gt=0, le=1)]]
"""Shares of ids (professionals or settings) that add up to 1; each event draws one."""


class EventSpec(Model):
    id: str
    activity: str
    professional: str | Mix
    """One professional, or a mix with the share of the events of each."""
    specialty: str | None = None
    provider_kind: str
    setting: str | Mix
    """One setting, or a mix with the share of the events in each."""
    unit: Literal["minutes", "days", "count"]
    quantity: Quantity
    who: Literal["all", "at_home", "resident", "marked"] = "all"
    scale_resident: float = 1.0
    last_month: PerTrajectory
    decay: float = Field(gt=0, le=1.5)
    months: int = Field(ge=1, le=12)
    source: Source
    assumption: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _mixes(self) -> EventSpec:
        for name in ("professional", "setting"):
            mix = getattr(self, name)
            if isinstance(mix, dict) and abs(sum(mix.values()) - 1) > 1e-6:
                total = Decimal(f"{sum(mix.values()):.3f}")
                raise Problem("mix_shares", name=name, total=total)
        return self

    def ids(self, name: str) -> list[str]:
        """The professionals or settings this event can have."""
        value = getattr(self, name)
        return list(value) if isinstance(value, dict) else [value]


class NursingTitle(Model):
    activity: str
    professional: str
    minutes_per_week: float = Field(gt=0)
    share: float = Field(ge=0, le=1)


class DistrictNursing(Model):
    source: Source
    assumption: bool = False
    in_care_last_month: PerTrajectory
    decay: float
    months: int
    titles: list[NursingTitle]
    last_month_intensity: float = 1.0


class Hospital(Model):
    source: Source
    other_admissions_last_month: PerTrajectory
    scale_resident: float
    decay: float
    months: int
    via_ed: float
    icu_share: float
    icu_days_mean: float
    los_mean: float
    los_shape: float
    ed_only_last_month: PerTrajectory
    ed_only_decay: float
    palliative_team_share: float
    specialty: dict[str, str]
    """Specialty of the hospital's treating specialist by trajectory."""
    palliative_team_specialty: str
    assumption_note: str | None = None


class Stay(Model):
    mean_days: float
    shape: float
    high_care_share: float | None = None


class TerminalStays(Model):
    source: Source
    assumption: bool = False
    hospice: Stay
    elv: Stay
    palliative_unit: Stay


class Acp(Model):
    source: Source
    assumption: bool = False
    share: PerTrajectory
    by: dict[str, float]


class Bereavement(Model):
    source: Source
    assumption: bool = False
    share: float
    days_after_death: int


class TeamTask(Model):
    activity: str
    professional: str
    provider_kind: str
    minutes: int


class TeamWork(Model):
    source: Source
    assumption: bool = False
    per_team_per_month: list[TeamTask]


class Target(Model):
    id: str
    value: float
    tolerance: float
    kind: Literal["count", "share", "mean"]
    source: Source


class CitedFloat(Model):
    value: float
    source: Source


class Providers(Model):
    model_config = ConfigDict(extra="allow", frozen=True)
    source: Source
    assumption: bool = False


class Parameters(Model):
    palliative_share_of_deaths: CitedFloat
    trajectories: Trajectories
    place_of_death: PlaceWeights
    preferred_place_of_death: PreferredPlace
    providers_per_100k: Providers
    events: list[EventSpec]
    district_nursing: DistrictNursing
    hospital: Hospital
    terminal_stays: TerminalStays
    acp: Acp
    bereavement: Bereavement
    team_work: TeamWork
    targets: list[Target]

    def provider_rates(self) -> dict[str, float]:
        extra = self.providers_per_100k.model_extra or {}
        return {k: float(v) for k, v in extra.items()}


# -- loading ----------------------------------------------------------------------------------


def _load_yaml(path: Path, model: type[Model]) -> Model:
    if path.is_relative_to(DATA):  # shipped: read by libyaml; on a problem again, with lines
        try:
            return model.model_validate(read_fast(path))
        except (yaml.YAMLError, ValidationError):
            pass
    shown = str(path)
    try:
        doc = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except Exception as e:  # ruamel raises several kinds; all mean "not readable YAML"
        raise CatalogueError([CatalogueIssue(shown, None, "", f"YAML: {e}")]) from None
    try:
        return model.model_validate(doc)
    except ValidationError as e:
        issues = []
        for err in e.errors(include_url=False):
            loc = tuple(err["loc"])
            field = ".".join(str(x) for x in loc)
            issues.append(CatalogueIssue(shown, line_of(doc, loc), field, from_pydantic(err)))
        raise CatalogueError(issues) from None


def _check_sources(obj: BaseModel, cat: Catalogue, shown: str) -> list[CatalogueIssue]:
    issues = []
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Source) and item.document not in cat.documents:
                issues.append(
                    CatalogueIssue(
                        shown, None, name, Message("unknown_document", document=item.document)
                    )
                )
            elif isinstance(item, BaseModel):
                issues += _check_sources(item, cat, shown)
    return issues


def load_parameters(cat: Catalogue, path: Path | None = None) -> Parameters:
    path = path or DATA / "parameters.yaml"
    params = _load_yaml(path, Parameters)
    assert isinstance(params, Parameters)
    issues = _check_sources(params, cat, str(path))
    for spec in params.events:
        if spec.activity not in cat.activities:
            issues.append(
                CatalogueIssue(
                    str(path), None, f"events.{spec.id}.activity", Message("unknown_bare_id")
                )
            )
        for prof in spec.ids("professional"):
            if prof not in cat.professionals:
                issues.append(
                    CatalogueIssue(
                        str(path),
                        None,
                        f"events.{spec.id}.professional",
                        Message("unknown_id_value", value=prof),
                    )
                )
        if (
            any(s not in cat.settings for s in spec.ids("setting"))
            or spec.provider_kind not in cat.provider_kinds
        ):
            issues.append(
                CatalogueIssue(
                    str(path), None, f"events.{spec.id}", Message("unknown_setting_or_kind")
                )
            )
    total = sum(params.trajectories.get(t).share for t in TRAJECTORIES)
    if abs(total - 1) > 1e-6:
        shares = Message("shares_total_of", total=total)
        issues.append(CatalogueIssue(str(path), None, "trajectories", shares))
    if issues:
        raise CatalogueError(issues)
    return params


def load_insurers(cat: Catalogue) -> InsurersFile:
    ins = _load_yaml(DATA / "insurers.yaml", InsurersFile)
    assert isinstance(ins, InsurersFile)
    return ins


def region_files(extra: Path | None = None) -> list[Path]:
    files = sorted((DATA / "regions").glob("*.yaml"))
    if extra is not None:
        files += [extra] if extra.is_file() else sorted(extra.glob("*.yaml"))
    return files


def load_regions(cat: Catalogue, extra: Path | None = None) -> dict[str, Region]:
    insurers = {i.id for i in load_insurers(cat).insurers}
    regions: dict[str, Region] = {}
    issues: list[CatalogueIssue] = []
    for path in region_files(extra):
        try:
            region = _load_yaml(path, Region)
        except CatalogueError as e:
            issues += e.issues
            continue
        assert isinstance(region, Region)
        issues += _check_sources(region, cat, str(path))
        for ins in region.insurers.shares:
            if ins not in insurers:
                issues.append(
                    CatalogueIssue(
                        str(path), None, f"insurers.shares.{ins}", Message("unknown_insurer")
                    )
                )
        for kind in region.providers:
            if kind not in cat.provider_kinds:
                issues.append(
                    CatalogueIssue(
                        str(path), None, f"providers.{kind}", Message("unknown_kind_bare")
                    )
                )
        if region.id in regions:
            issues.append(
                CatalogueIssue(str(path), None, "id", Message("region_twice", name=region.id))
            )
        regions[region.id] = region
    if issues:
        raise CatalogueError(issues)
    return regions


def inhabitants_by_region(cat: Catalogue, regions: Path | None = None) -> dict[str, int]:
    """Inhabitants per region id (the shipped regions and those in ``regions``)."""
    return {rid: r.inhabitants.value for rid, r in load_regions(cat, regions).items()}
