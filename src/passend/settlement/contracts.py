"""Contract sets (contractering) as data: which payment model pays which claims.

A contract set is one YAML file (examples in ``data/contracts/``):

    id: pxq-shared-savings
    name: {nl: ..., en: ...}
    sources: [{document: ..., section: ...}]
    default: {model: fee_for_service}          # claims no contract matches (DESIGN section 6.1)
    contracts:                                 # the first contract whose scope matches a line
      - id: hospitals                          # settles it; every field of the scope is a list,
        scope: {provider_kinds: [hospital]}    # empty = any
        model: revenue_cap
        params: {cap_share_of_reference: 1.0}
        addons: [{model: shared_savings, params: {msr: 0.02, sharing_rate: 0.5, ...}}]
        sources: [...]
    budgets:                                   # money not tied to claim lines
      - {id: team, model: availability, params: {amount_eur: 250000, payee_kind: network}}

Scope fields: provider_ids, provider_kinds, financer_ids, financer_kinds, laws, sectors,
titles, activities, regions (the patient's region) and ``episode`` (the line's date from the
palliative marking, or ``days_before_death``, up to ``after_death_days`` after death). Each
model's ``params`` are validated by that model's ``Params`` (settlement/models). Errors name
the file, line and field, as for the catalogue.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal

import pyarrow as pa
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from passend.catalogue.loader import (
    Catalogue,
    CatalogueError,
    CatalogueIssue,
    line_of,
    read_model_file,
    read_yaml_file,
    validation_issues,
)
from passend.catalogue.schema import Exemption, Route, Source, Text
from passend.messages import Problem
from passend.settlement import models
from passend.settlement.models.protocol import Kind

DATA = Path(__file__).parent / "data" / "contracts"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _registered(kind: Kind) -> Any:
    """A model name of the registry (``models.REGISTRY``) of that kind, checked when a set is
    read (so a model registered later is known), with the error of a ``Literal`` of them."""

    def check(name: str) -> str:
        known = models.names(kind)
        if name not in known:
            quoted = [repr(n) for n in known]
            expected = " or ".join(
                [", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted
            )
            raise PydanticCustomError(
                "literal_error", "Input should be {expected}", {"expected": expected}
            )
        return name

    return Annotated[str, AfterValidator(check)]


BaseModelName = _registered("base")
AddOnModelName = _registered("addon")
BudgetModelName = _registered("budget")


class Episode(_Model):
    start: Literal["palliative_marking", "days_before_death"] = "palliative_marking"
    days_before_death: int | None = Field(default=None, ge=0)
    """For start = days_before_death; also the fallback for patients never marked."""
    after_death_days: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _days(self) -> Episode:
        if self.start == "days_before_death" and self.days_before_death is None:
            raise Problem("start_needs_days")
        return self


class Scope(_Model):
    provider_ids: list[str] = []
    provider_kinds: list[str] = []
    financer_ids: list[str] = []
    financer_kinds: list[str] = []
    laws: list[str] = []
    sectors: list[str] = []
    titles: list[str] = []
    activities: list[str] = []
    regions: list[str] = []
    episode: Episode | None = None


class AddOn(_Model):
    model: AddOnModelName
    params: dict[str, Any] = {}


class Contract(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: Text | None = None
    scope: Scope = Scope()
    model: BaseModelName
    params: dict[str, Any] = {}
    addons: list[AddOn] = []
    sources: list[Source] = []
    note: str | None = None


class DefaultContract(_Model):
    model: Literal["fee_for_service"] = "fee_for_service"
    params: dict[str, Any] = {}


class Budget(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: Text | None = None
    model: BudgetModelName
    params: dict[str, Any]
    sources: list[Source] = []
    note: str | None = None


class ContractSet(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: Text
    description: Text | None = None
    sources: list[Source] = Field(min_length=1)
    default: DefaultContract = DefaultContract()
    contracts: list[Contract] = []
    budgets: list[Budget] = []

    @model_validator(mode="after")
    def _unique(self) -> ContractSet:
        ids = [c.id for c in self.contracts] + [b.id for b in self.budgets] + ["default"]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise Problem("ids_unique", names=dup)
        return self


class LoadedSet:
    """A validated contract set with each model's parameters parsed."""

    def __init__(
        self,
        cs: ContractSet,
        path: str,
        digest: str,
        params: dict[str, Any],
        not_contracting: dict[str, str] | None = None,
    ):
        self.cs = cs
        self.path = path
        self.sha256 = digest
        self.params = params
        """contract id (or 'id/addon-index', budget id, 'default') -> the model's Params."""
        self.not_contracting = not_contracting or {}
        """provider kind -> why it cannot be paid under a contract (the catalogue's rule)."""
        self.grants: list[Route] = []
        """The catalogue's routes with a grant: booked in every settlement of a valid year."""
        self.exemptions: list[Exemption] = []
        """The catalogue's exemptions of terminal care (AZWA): what a cap may not limit."""

    def check_paid_providers(self, providers: pa.Table | None) -> None:
        """A principal or payee named by provider id must be of a contracting kind: known
        only with the population's providers, so checked when settling."""
        if providers is None:
            return
        kinds = dict(
            zip(
                providers["provider_id"].to_pylist(),
                providers["provider_kind"].to_pylist(),
                strict=True,
            )
        )  # providers, not claim lines: at most a few thousand
        for key, p in sorted(self.params.items()):
            for attr in ("principal", "payee"):
                pid = getattr(p, attr, None)
                why = self.not_contracting.get(kinds.get(pid, "")) if pid else None
                contract = all(
                    models.model(b.model).contract for b in self.cs.budgets if b.id == key
                )
                if why and contract:
                    raise Problem(
                        "party_refused", path=self.path, where=f"{key}: {attr}", value=pid, why=why
                    )


def load_contract_set(path: Path, cat: Catalogue) -> LoadedSet:
    """Read and validate a contract set; all problems at once as a CatalogueError."""
    shown = str(path)
    cs, doc, raw = read_model_file(path, ContractSet)
    issues: list[CatalogueIssue] = []
    params: dict[str, Any] = {}

    def parse(key: str, model_cls: Any, data: dict, loc: tuple) -> None:
        try:
            params[key] = model_cls.model_validate(data)
        except ValidationError as e:
            issues.extend(validation_issues(e, doc, shown, loc))

    def known(values: list[str], ids: Any, loc: tuple, what: str) -> None:
        for i, v in enumerate(values):
            if v not in ids:
                issues.append(
                    CatalogueIssue(
                        shown,
                        line_of(doc, (*loc, i)),
                        ".".join(map(str, loc)),
                        f"unknown {what} {v!r}",
                    )
                )

    def paid_kind(kind: Any, loc: tuple, contracted: bool = True) -> None:
        """A principal or payee by provider kind: known, and a contracting party."""
        if kind is None:
            return
        problem = (
            f"unknown provider kind {kind!r}"
            if kind not in cat.provider_kinds
            else cat.not_contracting(kind)
            if contracted
            else None
        )
        if problem:
            issues.append(
                CatalogueIssue(shown, line_of(doc, loc), ".".join(map(str, loc)), problem)
            )

    parse(
        "default", models.model(cs.default.model).params, cs.default.params, ("default", "params")
    )
    for i, c in enumerate(cs.contracts):
        parse(c.id, models.model(c.model).params, c.params, ("contracts", i, "params"))
        for j, a in enumerate(c.addons):
            parse(
                f"{c.id}/{j}",
                models.model(a.model).params,
                a.params,
                ("contracts", i, "addons", j, "params"),
            )
        s = ("contracts", i, "scope")
        known(c.scope.provider_kinds, cat.provider_kinds, (*s, "provider_kinds"), "provider kind")
        known(c.scope.laws, cat.laws, (*s, "laws"), "law")
        known(c.scope.sectors, cat.sectors, (*s, "sectors"), "sector")
        known(c.scope.titles, cat.titles, (*s, "titles"), "title")
        known(c.scope.activities, cat.activities, (*s, "activities"), "activity")
        paid_kind(c.params.get("principal_kind"), ("contracts", i, "params", "principal_kind"))
    for i, b in enumerate(cs.budgets):
        parse(b.id, models.model(b.model).params, b.params, ("budgets", i, "params"))
        # a subsidy is no contract: it may reach a network (seed 000 theme 7 is about contracts)
        paid_kind(
            b.params.get("payee_kind"),
            ("budgets", i, "params", "payee_kind"),
            models.model(b.model).contract,
        )
    sources = (
        list(cs.sources)
        + [s for c in cs.contracts for s in c.sources]
        + [s for b in cs.budgets for s in b.sources]
    )
    for s in sources:
        if s.document not in cat.documents:
            issues.append(
                CatalogueIssue(shown, None, "sources", f"unknown document {s.document!r}")
            )
    if issues:
        raise CatalogueError(issues)
    refused = {k: why for k in cat.provider_kinds if (why := cat.not_contracting(k))}
    ls = LoadedSet(cs, shown, hashlib.sha256(raw).hexdigest(), params, refused)
    ls.grants = [r for r in cat.routes.values() if r.grant is not None]
    ls.exemptions = list(cat.exemptions.values())
    return ls


def shipped_sets() -> list[Path]:
    return sorted(DATA.glob("*.yaml"))


def shipped_set_names(lang: str) -> dict[str, str]:
    """The shipped contract sets' ids with their ``name`` in ``lang`` (the page's checkboxes)."""
    out = {}
    for path in sorted(shipped_sets(), key=lambda p: p.stem):
        doc, _ = read_yaml_file(path)
        name = doc.get("name") if hasattr(doc, "get") else None
        out[path.stem] = (
            str(name.get(lang) or name.get("nl")) if hasattr(name, "get") else path.stem
        )
    return out


def resolve_contract_set(value: str | Path) -> Path:
    """A contract-set file, or the id of a shipped one (``pxq``, ``current``, ...)."""
    p = Path(value)
    if p.exists():
        return p
    shipped = DATA / f"{value}.yaml"
    if shipped.exists():
        return shipped
    names = ", ".join(sorted(f.stem for f in DATA.glob("*.yaml")))
    raise Problem("no_contract_set", value=value, names=names)
