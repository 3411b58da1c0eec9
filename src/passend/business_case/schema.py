"""A business case (business case): one YAML file with the team's roles, its service, the demand
of the region's reached patients, the scenario whose effects give the care avoided, and the
funding routes per year. Documented in docs/business-case.md; examples in examples/. Validated
with ``file:line: field: reason`` like a scenario, before anything runs."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from passend.catalogue.loader import (
    Catalogue,
    CatalogueError,
    CatalogueIssue,
    line_of,
    read_model_file,
)
from passend.catalogue.schema import Source, Text
from passend.messages import Message, Problem
from passend.scenarios.schema import LoadedScenario, load_scenario

ROLES = (
    "nurse_specialist",
    "palliative_nurse",
    "gp_palliative",
    "elderly_care_physician_palliative",
    "medical_specialist",
    "coordinator",
    "secretary",
)
"""The team's roles (seed 004 section 1: the specialised professionals; B5: coordination and
support). The clinical roles are the catalogue's professional ids, so the wegwijzer knows which
titles they may claim; the coordinator and the secretary claim nothing."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cited(_Model):
    placeholder: bool = False
    note: str | None = None
    sources: list[Source] = []

    @model_validator(mode="after")
    def _cited(self) -> _Cited:
        if not self.sources and not self.placeholder:
            raise Problem("sources_or_placeholder")
        if self.placeholder and not self.note:
            raise Problem("placeholder_note")
        return self


class Role(_Cited):
    role: Literal[ROLES]  # type: ignore[valid-type]
    cost_per_fte_eur: Decimal = Field(ge=0)
    """Employer cost of one FTE a year (salary, allowances, employer charges)."""
    productive_hours_per_fte: float = Field(gt=0, le=2080)
    on_call_eur_per_hour: Decimal = Field(default=Decimal(0), ge=0)
    """Allowance per rostered hour of an on-call block (bereikbaarheidsdienst)."""
    planned_fte: float = Field(default=0, ge=0)


class Block(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    hours_per_week: float = Field(gt=0, le=168)
    call_share: float = Field(ge=0, le=1)
    on_call: bool = False


class Phone(_Cited):
    """The 24/7 phone line: its calls and its service level (Erlang C per block)."""

    role: str
    calls_per_patient: float | None = Field(default=None, ge=0)
    calls_per_year: float | None = Field(default=None, ge=0)
    handling_minutes: float = Field(gt=0)
    answer_within_seconds: float = Field(ge=0)
    target: float = Field(gt=0, lt=1)
    blocks: list[Block] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_volume(self) -> Phone:
        if (self.calls_per_patient is None) == (self.calls_per_year is None):
            raise Problem("one_of_two", a="calls_per_patient", b="calls_per_year")
        hours = sum(b.hours_per_week for b in self.blocks)
        if hours > 168 + 1e-9:
            raise Problem("blocks_hours", hours=hours)
        share = sum(b.call_share for b in self.blocks)
        if abs(share - 1) > 1e-9:
            raise Problem("call_shares", share=share)
        return self


class Work(_Cited):
    """A task of the team besides the phone line: patient-bound (bedside consults, ACP,
    case management) or not (PaTz and MDO attendance, coordination, training; seed 004 B5)."""

    activity: str
    role: str
    per_patient: float | None = Field(default=None, ge=0)
    """Events per reached patient a year; or ``per_year``."""
    per_year: float | None = Field(default=None, ge=0)
    minutes: float = Field(gt=0)
    travel_minutes: float = Field(default=0, ge=0)
    setting: str = "home"

    @model_validator(mode="after")
    def _one_volume(self) -> Work:
        if (self.per_patient is None) == (self.per_year is None):
            raise Problem("one_of_two", a="per_patient", b="per_year")
        return self


class Funding(_Cited):
    """A way the team is paid in some years: a catalogue route (a subsidy with a grant, an
    availability budget, transformation funds: with ``amount_eur`` a year when the route has
    no grant of its own), or a title that is contracted (``title``: TAPA$ and other titles that
    need a contract count only where named)."""

    route: str | None = None
    title: str | None = None
    from_year: int
    to_year: int
    amount_eur: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _what(self) -> Funding:
        if (self.route is None) == (self.title is None):
            raise Problem("one_of_two", a="route", b="title")
        if self.to_year < self.from_year:
            raise Problem("year_before", later="to_year", earlier="from_year")
        return self


class Host(_Model):
    provider_kind: str
    note: str | None = None


class BusinessCase(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: Text
    sources: list[Source] = Field(min_length=1)
    scenario: str
    """The scenario (a file relative to this one) whose population, reach and effects give the
    patients reached and the care avoided."""
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    discount_rate: Decimal = Field(ge=0, le=1)
    host: Host
    start_up_eur: Decimal = Field(default=Decimal(0), ge=0)
    """One-off cost in the first year (recruitment, training, telephony)."""
    contract_sets: dict[int, str] = {}
    """From which year which contract set settles the care (the savings); default: the
    scenario's first set in every year."""
    roles: list[Role] = Field(min_length=1)
    phone: Phone
    work: list[Work] = []
    funding: list[Funding] = []

    @model_validator(mode="after")
    def _years(self) -> BusinessCase:
        if self.last_year < self.first_year:
            raise Problem("year_before", later="last_year", earlier="first_year")
        if self.last_year - self.first_year > 29:
            raise Problem("horizon")
        roles = [r.role for r in self.roles]
        if len(roles) != len(set(roles)):
            raise Problem("role_twice")
        return self


class LoadedCase:
    def __init__(self, bc: BusinessCase, path: Path, digest: str, scenario: LoadedScenario):
        self.bc = bc
        self.path = path
        self.sha256 = digest
        self.scenario = scenario


def load_business_case(path: Path, cat: Catalogue) -> LoadedCase:
    """Read and check a business case and its scenario; all problems at once."""
    shown = str(path)
    bc, doc, raw = read_model_file(path, BusinessCase)
    issues: list[CatalogueIssue] = []

    def problem(loc: tuple, message: str) -> None:  # a Message: rendered in the user's language
        issues.append(CatalogueIssue(shown, line_of(doc, loc), ".".join(map(str, loc)), message))

    meta = cat.meta
    if bc.first_year < meta.first_year:
        problem(
            ("first_year",),
            Message("before_first_year", year=bc.first_year, first=meta.first_year),
        )
    kind = bc.host.provider_kind
    if kind not in cat.provider_kinds:
        problem(("host", "provider_kind"), Message("unknown_provider_kind", kind=kind))
    elif why := cat.not_contracting(kind):
        problem(("host", "provider_kind"), why)
    roles = {r.role for r in bc.roles}
    if bc.phone.role not in roles:
        problem(("phone", "role"), Message("not_a_role", role=bc.phone.role, roles=sorted(roles)))
    for i, w in enumerate(bc.work):
        if w.role not in roles:
            problem(("work", i, "role"), Message("not_a_role", role=w.role, roles=sorted(roles)))
        if w.activity not in cat.activities:
            problem(
                ("work", i, "activity"), Message("unknown_id", kind="activity", value=w.activity)
            )
        if w.setting not in cat.settings:
            problem(("work", i, "setting"), Message("unknown_id", kind="setting", value=w.setting))
    for i, f in enumerate(bc.funding):
        if f.route is not None and f.route not in cat.routes:
            problem(
                ("funding", i, "route"),
                Message("unknown_route", route=f.route, routes=sorted(cat.routes)),
            )
        if f.title is not None and f.title not in cat.titles:
            problem(("funding", i, "title"), Message("unknown_id", kind="title", value=f.title))
        r = cat.routes.get(f.route or "")
        if r is not None and r.grant is None and f.amount_eur is None:
            problem(("funding", i, "amount_eur"), Message("no_grant", route=f.route))
    sources = bc.sources + [
        s for x in (*bc.roles, bc.phone, *bc.work, *bc.funding) for s in x.sources
    ]
    for src in sources:
        if src.document not in cat.documents:
            problem(("sources",), Message("unknown_document", document=src.document))
    scenario_path = path.parent / bc.scenario
    if not scenario_path.exists():
        problem(("scenario",), Message("not_found", path=str(scenario_path)))
    if issues:
        raise CatalogueError(issues)
    ls = load_scenario(scenario_path, cat)
    known = set(ls.s.contract_sets)
    for year, cs in bc.contract_sets.items():
        if not bc.first_year <= year <= bc.last_year:
            problem(
                ("contract_sets", year),
                Message("outside_years", year=year, first=bc.first_year, last=bc.last_year),
            )
        if cs not in known and not cs.endswith(".yaml"):
            from passend.settlement.contracts import shipped_sets

            shipped = {p.stem for p in shipped_sets()}
            if cs not in shipped:
                problem(
                    ("contract_sets", year),
                    Message("unknown_contract_set", name=cs, shipped=sorted(shipped)),
                )
    if issues:
        raise CatalogueError(issues)
    return LoadedCase(bc, path, hashlib.sha256(raw).hexdigest(), ls)
