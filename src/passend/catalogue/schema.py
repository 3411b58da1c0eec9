"""Schema of the catalogue: the rules of Dutch palliative-care financing as data.

Every data file under ``catalogue/data`` is a YAML mapping whose top-level keys name the kind of
entry it holds (``laws``, ``titles``, ``bottlenecks``, ...; see :class:`CatalogueFile`). Each
entry is validated by the Pydantic model below; cross-references (an activity id used in a
title, a document cited by a source) are checked afterwards by the loader. Field names are
English; every domain entry carries its official Dutch name (``name.nl``) beside the English.

Vocabulary and ids follow ``shared/DESIGN.md`` §4: ids are English snake_case and never renamed
once released.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"

Status = Literal["claimable", "experimental", "proposed"]
"""claimable: an existing NZa title anyone eligible may claim (possibly only with a contract);
experimental: a title under the NZa innovation rule (*beleidsregel Innovatie*), only with a
contract between provider and financer; proposed: a title that does not exist (yet), put forward
in a seed (e.g. the NVZ short-term proposals of seed 003)."""

TariffKind = Literal["maximum", "free", "integral_hourly", "day", "lump"]
"""maximum: NZa maximum tariff (*maximumtarief*); free: free tariff (*vrij tarief*), agreed in the
contract; integral_hourly: one hourly rate over all district-nursing titles (*integraal
uurtarief*); day: a day tariff (*dagtarief*); lump: a fixed amount or budget (subsidy, lump sum)."""

Unit = Literal[
    "consult",
    "visit",
    "hour",
    "day",
    "trajectory",
    "product",
    "client_month",
    "meeting",
    "item",
    "year",
]
"""What one claim line counts. Time-based titles are claimed in hours (quantities in minutes are
converted by the claims stage); day titles per day; DBC and other products per product."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """A text in Dutch (the default for people) and English."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class Source(Model):
    """Where a rule or figure comes from: a document of ``documents.yaml`` and a section."""

    document: str
    section: str = Field(min_length=1)


class Dated(Model):
    """An entry valid from ``valid_from`` up to and including ``valid_to`` (open when null)."""

    valid_from: dt.date = dt.date(2000, 1, 1)
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> Dated:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    def valid_in(self, year: int) -> bool:
        """True when the entry is valid on at least one day of ``year``."""
        if self.valid_from > dt.date(year, 12, 31):
            return False
        return self.valid_to is None or self.valid_to >= dt.date(year, 1, 1)


class Document(Model):
    """A cited document: one of the five seeds or a public document."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    title: str
    kind: Literal["seed", "public"]
    year: int | None = None
    url: str | None = None


class Entity(Model):
    id: str = Field(pattern=ID_PATTERN)
    name: Text
    description: Text | None = None
    sources: list[Source] = Field(min_length=1)


class Law(Entity):
    financer_kinds: list[str] = Field(min_length=1)


class FinancerKind(Entity):
    pass


class Setting(Entity):
    pass


class Specialty(Entity):
    pass


class Professional(Entity):
    has_specialty: bool = False
    """True when the professional is only fully described with a specialty (medical specialist)."""
    provider_kinds: list[str] = Field(min_length=1)
    """The kinds of provider this professional works for; a title's claimant rule only lets a
    professional claim for a provider kind they work for."""


class ProviderKind(Entity):
    contracting_party: bool = True
    """False for parties that cannot sign a care contract (a *Netwerk Palliatieve Zorg*)."""
    contracting_rule: Text | None = None
    """For a non-contracting party: the rule in words and what to do instead (e.g. a provider
    in the network acts as principal contractor, *hoofdaannemer*); the wegwijzer gives it as
    the reason, citing ``sources``."""

    @model_validator(mode="after")
    def _rule_for_non_party(self) -> ProviderKind:
        if not self.contracting_party and self.contracting_rule is None:
            raise ValueError("a provider kind that is no contracting party needs contracting_rule")
        return self


class CountsAs(Model):
    """What an activity means when given by these professionals: the activities it is claimed
    as (e.g. terminal care at home by a district nurse is district nursing)."""

    professionals: list[str] = Field(min_length=1)
    activities: list[str] = Field(min_length=1)
    note: Text
    sources: list[Source] = Field(min_length=1)


class Activity(Entity):
    patient_bound: bool
    counts_as: list[CountsAs] = []
    """Titles of these activities also answer for this one, for the listed professionals."""


class Segment(Model):
    id: str = Field(pattern=ID_PATTERN)
    name: Text


class Sector(Entity):
    law: str
    segments: list[Segment] = []


class ContractForm(Entity):
    add_on: bool = False
    """Add-ons (pay for performance, shared savings) always sit on top of a base model (seed 001)."""
    current: bool
    """True for forms in use today (PxQ, integral hourly rate, cap, lump sum), False for the
    alternatives of seed 001 and seed 003."""


class AppliesTo(Model):
    """Where a bottleneck or route applies. Within a field any listed id matches; across fields
    all non-empty fields must match. An empty AppliesTo applies nowhere."""

    titles: list[str] = []
    sectors: list[str] = []
    activities: list[str] = []
    professionals: list[str] = []
    settings: list[str] = []

    def is_empty(self) -> bool:
        return not any(
            (self.titles, self.sectors, self.activities, self.professionals, self.settings)
        )


class Resolution(Model):
    """A bottleneck resolved from ``date``, only where ``applies_to`` matches (everywhere the
    bottleneck applies when it is empty). Elsewhere, from ``date`` on, ``not_covered`` says
    what the resolution does not cover."""

    date: dt.date
    text: Text
    applies_to: AppliesTo = AppliesTo()
    not_covered: Text | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _scope_needs_text(self) -> Resolution:
        if not self.applies_to.is_empty() and self.not_covered is None:
            raise ValueError("a resolution with applies_to needs not_covered (what it leaves open)")
        return self


class Bottleneck(Entity, Dated):
    """A known bottleneck (*knelpunt*) in payment titles (*bekostiging*) or contracting
    (*contractering*), seed 000 theme 1."""

    kind: Literal["payment_title", "contracting"]
    applies_to: AppliesTo
    resolution: Resolution | None = None

    @field_validator("applies_to")
    @classmethod
    def _not_empty(cls, v: AppliesTo) -> AppliesTo:
        if v.is_empty():
            raise ValueError("applies_to names no title, sector, activity, professional or setting")
        return v


class Route(Entity, Dated):
    """A way to pay for an activity other than a payment title: an agreement within a wider
    title, a subsidy, a one-off compensation, transformation funds, a project subsidy."""

    kind: Literal[
        "agreement", "subsidy", "one_off", "transformation_funds", "project", "own_payment"
    ]
    financer_kind: str
    status: Status = "claimable"
    contract_required: bool
    applies_to: AppliesTo
    grant: Grant | None = None
    """Money the route pays without a claim or a contract, booked by every settlement of a
    year in which the route is valid (a subsidy: model ``subsidy`` in the ledger)."""

    def grant_amount(self, year: int) -> Tariff | None:
        """The grant per provider in ``year``: none outside the route's validity."""
        if self.grant is None or not self.valid_in(year):
            return None
        return next((t for t in self.grant.amounts if t.year == year), None)

    @field_validator("applies_to")
    @classmethod
    def _not_empty(cls, v: AppliesTo) -> AppliesTo:
        if v.is_empty():
            raise ValueError("applies_to names no title, sector, activity, professional or setting")
        return v


class Exemption(Entity, Dated):
    """A rule that takes terminal care out of what a payment model limits, from its
    ``valid_from`` date, for the lines it ``applies_to`` (sectors, settings, ...): e.g. AZWA 2025,
    district-nursing revenue caps and efficiency agreements no longer block care for terminal
    patients at home (seed 002). The settlement's models named in ``models`` read it."""

    models: list[Literal["revenue_cap", "integral_hourly_rate"]] = Field(min_length=1)
    applies_to: AppliesTo


class Tariff(Model):
    """The tariff of a title in one year, in integer euro-cents.

    ``placeholder: true`` marks an amount that is not taken from a public source for that year;
    its ``note`` says what it is based on, and users override it with a tariff override file.
    """

    year: int = Field(ge=2000, le=2100)
    cents: int | None = Field(default=None, ge=0)
    placeholder: bool = False
    note: Text | None = None
    sources: list[Source] = Field(min_length=1)
    origin: Literal["catalogue", "override"] = "catalogue"
    """Set by the loader to ``override`` when a user's tariff override replaced this amount."""

    @model_validator(mode="after")
    def _placeholder_needs_note(self) -> Tariff:
        if self.placeholder and self.note is None:
            raise ValueError("a placeholder tariff needs a note saying what it is based on")
        if self.cents is None and not self.placeholder:
            raise ValueError("a tariff without cents must be marked placeholder")
        return self


class Grant(Model):
    """A yearly amount per provider of ``payee_kind`` (each amount a ``Tariff``: cents, or a
    placeholder with its note, and sources), paid by the route's financer kind."""

    payee_kind: str
    amounts: list[Tariff] = Field(min_length=1)

    @model_validator(mode="after")
    def _years(self) -> Grant:
        years = [t.year for t in self.amounts]
        if len(years) != len(set(years)):
            raise ValueError(f"amounts: a year is given twice ({sorted(years)})")
        if any(t.cents is None for t in self.amounts):
            raise ValueError("amounts: a grant needs cents in every year (a placeholder too)")
        return self


class Claimant(Model):
    """Who may claim a title. A professional matches when it is listed (or the list is empty:
    any professional of the provider kinds), works for one of ``provider_kinds`` and, where
    ``specialties`` is given, has one of them.
    ``in_name_of`` lists the specialties in whose name the professional claims (e.g. the
    elderly-care physician opening the DBC palliatieve zorg for internal medicine)."""

    professionals: list[str] = []
    specialties: list[str] = []
    in_name_of: list[str] = []
    provider_kinds: list[str] = Field(min_length=1)
    note: Text | None = None


class TimeBand(Model):
    min_minutes: int = Field(ge=0)
    max_minutes: int | None = Field(default=None, ge=1)


class Window(Dated):
    """A period within a title's validity in which something (e.g. one setting) applies."""


class Title(Dated):
    """A payment title (*prestatie*, *betaaltitel*)."""

    valid_from: dt.date
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$")
    official_code: bool
    """True when ``code`` is the official NZa/Vektis code; False for a stable passend id."""
    code_note: str | None = None
    vektis_code: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,5}$")
    """Prestatiecode in Vektis claim files (AW319 field 0417, at most 5 characters): the
    official code, or a passend placeholder (P9xxx) where the official one is not at hand."""
    name: str = Field(min_length=1)
    """Official Dutch name of the title."""
    description: Text
    law: str
    financer_kind: str
    sector: str
    segment: str | None = None
    unit: Unit
    time_band: TimeBand | None = None
    tariff_kind: TariffKind
    tariffs: list[Tariff] = []
    claimants: list[Claimant] = Field(min_length=1)
    gate_rule: Text | None = None
    """The rule on who may open or claim, in words (e.g. the gate-specialist rule of a DBC)."""
    activities: list[str] = Field(min_length=1)
    includes: list[str] = []
    """Activities paid within this title's line and not claimed separately (e.g. the inpatient
    days of an admission DBC; nursing and personal care in a Wlz stay; medical care, nursing
    and personal care in an ELV stay). The wegwijzer marks such an option ``included`` and the
    claims stage gives such an activity the reason ``included``: one list for both."""
    settings: list[str] = Field(min_length=1)
    setting_windows: dict[str, Window] = {}
    """Restricts a setting to a period (e.g. hourly district nursing in a hospice until 2024)."""
    patient_bound: bool
    contract_required: bool
    status: Status
    conditions: list[Text] = []
    typical_contract_forms: list[str] = []
    patient_wlz: bool | None = None
    """Declared only for patients with (true) or without (false) a Wlz indication; null: any."""
    priority: int = 100
    """When several titles fit one activity, the claims stage declares the lowest priority."""
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistency(self) -> Title:
        years = [t.year for t in self.tariffs]
        if len(years) != len(set(years)):
            raise ValueError(f"tariffs: a year is given twice ({sorted(years)})")
        if self.status == "experimental" and not self.contract_required:
            raise ValueError("an experimental title (innovation rule) always needs a contract")
        unknown = sorted(set(self.setting_windows) - set(self.settings))
        if unknown:
            raise ValueError(f"setting_windows names settings not in settings: {unknown}")
        return self

    def covers_setting(self, setting: str, year: int) -> bool:
        if setting not in self.settings:
            return False
        window = self.setting_windows.get(setting)
        return window is None or window.valid_in(year)

    def tariff(self, year: int) -> Tariff | None:
        for t in self.tariffs:
            if t.year == year:
                return t
        return None


class TariffOverride(Model):
    """A user's own amount for a title and year, replacing a placeholder or a published figure."""

    code: str
    year: int = Field(ge=2000, le=2100)
    cents: int = Field(ge=0)
    note: Text
    sources: list[Source] = Field(min_length=1)


class PolicyValue(Dated):
    """The value of a policy default in a period, with why it is what it is."""

    value: Decimal
    assumption: bool = False
    """True when no rule or public figure fixes the value: a stated, overridable choice."""
    note: Text
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _assumption_needs_a_reason(self) -> PolicyValue:
        if self.assumption and not any(s.document == "passend_assumption" for s in self.sources):
            raise ValueError("an assumption cites passend_assumption with its reason")
        return self


class PolicyDefault(Model):
    """A default that the models use when a contract or user gives none (e.g. the days before
    death that count as terminal care), dated like the rules: one value per period."""

    id: str = Field(pattern=ID_PATTERN)
    name: Text
    unit: str
    values: list[PolicyValue] = Field(min_length=1)

    def value_in(self, year: int) -> PolicyValue:
        """The value valid on 1 January of ``year`` (or on a later day of it)."""
        for v in self.values:
            if v.valid_in(year):
                return v
        raise KeyError(f"policy default {self.id!r} has no value in {year}")


class AnnouncedYear(Model):
    """A year after the reviewed range for which the catalogue holds rules that have been
    announced but are not final (a subsidy that ends, a title planned from that year)."""

    year: int = Field(ge=2000, le=2100)
    rules: Text
    """What is announced for the year, in words."""
    sources: list[Source] = Field(min_length=1)


class Meta(Model):
    """Facts about the catalogue as a whole (exactly one file holds them)."""

    version: str
    default_year: int
    first_year: int
    last_year: int
    """The years for which the catalogue has been reviewed (``first_year`` to ``last_year``):
    their rules and tariffs were read from ``reviewed_sources``. A year in ``announced`` is
    answered with a warning that its rules are announced, not final; any other year is
    refused (:meth:`passend.catalogue.loader.Catalogue.check_year`)."""
    reviewed_as_of: dt.date
    """The date the reviewed years' rules were last checked against their sources."""
    reviewed_sources: list[Source] = Field(min_length=1)
    """The documents the reviewed years' rules were read from."""
    announced: list[AnnouncedYear] = []

    @model_validator(mode="after")
    def _years(self) -> Meta:
        if not self.first_year <= self.default_year <= self.last_year:
            raise ValueError(
                f"default_year {self.default_year} must lie in first_year-last_year "
                f"({self.first_year}-{self.last_year})"
            )
        years = [a.year for a in self.announced]
        if len(years) != len(set(years)):
            raise ValueError(f"announced: a year is given twice ({sorted(years)})")
        if any(y <= self.last_year for y in years):
            raise ValueError(
                f"announced: a year must come after last_year {self.last_year} ({sorted(years)})"
            )
        return self

    def announced_in(self, year: int) -> AnnouncedYear | None:
        return next((a for a in self.announced if a.year == year), None)


class CatalogueFile(Model):
    """One YAML data file: any of these lists, merged with every other file on load."""

    meta: Meta | None = None
    documents: list[Document] = []
    laws: list[Law] = []
    financer_kinds: list[FinancerKind] = []
    settings: list[Setting] = []
    specialties: list[Specialty] = []
    professionals: list[Professional] = []
    provider_kinds: list[ProviderKind] = []
    activities: list[Activity] = []
    sectors: list[Sector] = []
    contract_forms: list[ContractForm] = []
    titles: list[Title] = []
    bottlenecks: list[Bottleneck] = []
    routes: list[Route] = []
    exemptions: list[Exemption] = []
    policy_defaults: list[PolicyDefault] = []
    tariff_overrides: list[TariffOverride] = []


Route.model_rebuild()
