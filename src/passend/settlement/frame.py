"""What every payment model's settlement works on: the context of a run, the per-patient
aggregate of the claim lines a contract settles (``lines``), and helpers that build ledger rows
as Ibis expressions (DuckDB here, Spark later: DESIGN section 8).

``lines`` is one row per contract, patient, provider and financer (patient null for
non-patient-bound lines) with, summed over the claim lines: ``n_lines``, ``claims_cents`` (the
claims' amounts), ``price_cents`` (each line at the contract's tariff share, rounded half away
from zero once per line), ``financer_cents`` and ``patient_cents`` (the split of the price for
non-contracted care), ``minutes`` (lines in minutes), ``months`` (distinct calendar months with
a line; 0 unless a model of the set declares ``Needs.months``), ``m_price_cents`` and
``m_claims_cents`` (the lines in minutes), and for the terminal phase ``t_financer_cents``,
``t_minutes`` and ``t_months`` (lines within the contract's ``terminal_days`` before death).

Replicates as a key (``engine.settle_batch``): a batch of Monte Carlo replicates is settled in
one run, every table of it (claims, lines, the population's tables, the reference's) with an
int32 ``replicate`` column (``REPLICATE``) that every group-by and join of a batched model
(``Model.batched``) keeps beside its own keys; ``Ctx.keys`` names it (empty when one replicate
is settled alone: then no table has the column). The helpers below keep the column when their
input has it (``keyed``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field

from passend import db
from passend.settlement.money import split_by_shares
from passend.settlement.tables import ADJUSTMENTS, BASIS, LEDGER, RECONCILIATION, SPEND

REPLICATE = "replicate"
"""The key column of a batch of replicates (int32; see the module docstring)."""


def keyed(schema: pa.Schema, t: pa.Table | ibis.Table) -> pa.Schema:
    """``schema`` with the ``replicate`` key appended when ``t`` has it (a batch)."""
    names = t.schema.names if isinstance(t, pa.Table) else t.columns
    return schema.append(pa.field(REPLICATE, pa.int32())) if REPLICATE in names else schema


def _of_contract(t: pa.Table, contract_id: str) -> pa.Table:
    """The rows of a contract in a small per-contract table (basis, spend, classes)."""
    return t.filter(pc.equal(t["contract_id"], contract_id))


@dataclass
class Ctx:
    """Everything a model may read besides its own lines."""

    year: int
    patients: pa.Table | None
    """Population patients (patient_id, insurer_id, region, age, sex, trajectory, dates,
    places); None when settling imported claims without a population."""
    providers: pa.Table | None
    """provider_id, provider_kind, region."""
    financers: pa.Table | None
    """financer_id, financer_kind, region, share."""
    inhabitants: int | None
    """Inhabitants of the population's region(s), times the population's scale."""
    work: ibis.Table
    """All care delivered: claim lines and unfunded activities (patient_id, provider_id,
    activity, date), for the pay-for-performance indicators."""
    reference: pa.Table | None
    """BASIS of the reference run (the baseline), or None: then this run is its own reference."""
    basis: pa.Table
    """BASIS of this run."""
    classes: pa.Table
    """CLASSES of this run (claims per contract and risk class)."""
    reference_classes_table: pa.Table | None = None
    """CLASSES of the reference run."""
    scale: float = 1.0
    """The population's scale (a share of the region's patients): grants scale with it."""
    keys: tuple[str, ...] = ()
    """The key columns of a batch of replicates (``(REPLICATE,)``) that every table of the run
    has, or empty (one replicate alone)."""
    replicates: tuple[int, ...] = ()
    """The replicates of a batch, in order (empty: one replicate alone)."""

    def reference_claims(self, contract_id: str) -> pa.Table:
        """Claims value per provider and financer of a contract in the reference run."""
        ref = self.reference if self.reference is not None else self.basis
        return _of_contract(ref, contract_id)

    spend_reference: pa.Table | None = None
    """SPEND of the reference run (net base money per contract, financer and provider)."""
    line_sums: pa.Table | None = None
    """Per contract, provider and financer the sums of the lines (``lines``, ``claims_cents``,
    ``price_cents``, ``financer_cents``, ``patient_cents``, ...): see ``recon_from_sums``."""

    def reference_spend(self, contract_id: str, own: pa.Table) -> pa.Table:
        return _of_contract(
            self.spend_reference if self.spend_reference is not None else own, contract_id
        )

    def reference_classes(self, contract_id: str) -> pa.Table:
        ref = self.reference_classes_table
        return _of_contract(ref if ref is not None else self.classes, contract_id)

    def need_patients(self, what: str) -> pa.Table:
        if self.patients is None:
            raise ValueError(f"{what} needs the population (--population DIR) for the patients")
        return self.patients

    def one(self, r: int) -> Ctx:
        """The context of replicate ``r`` of a batch alone (no key column): what a model that
        is not batched is given, once per replicate."""

        def cut(t: pa.Table | None) -> pa.Table | None:
            return None if t is None else only(t, r)

        w = self.work
        return Ctx(
            year=self.year,
            patients=cut(self.patients),
            providers=cut(self.providers),
            financers=cut(self.financers),
            inhabitants=self.inhabitants,
            work=w.filter(w[REPLICATE] == r).drop(REPLICATE),
            reference=cut(self.reference),
            basis=only(self.basis, r),
            classes=only(self.classes, r),
            reference_classes_table=cut(self.reference_classes_table),
            scale=self.scale,
            spend_reference=cut(self.spend_reference),
            line_sums=cut(self.line_sums),
        )


def per_replicate(ctx: Ctx, fn: Callable[[Ctx, int | None], Part]) -> Part:
    """``fn(ctx, None)`` for one replicate alone; in a batch ``fn(ctx.one(r), r)`` for each
    replicate ``r``, their parts keyed and joined in replicate order: what a model computes
    in Python on a few rows (per insurer, per provider) runs per replicate this way. (A
    stand-in context without ``keys``, as the property tests give, is one replicate.)"""
    if not getattr(ctx, "keys", ()):
        return fn(ctx, None)
    part = Part()
    for r in ctx.replicates:
        k = fn(ctx.one(r), r).keyed(r)
        part.extend(k)
        if k.recon is not None:
            part.recon = k.recon if part.recon is None else pa.concat_tables([part.recon, k.recon])
    return part


def by_replicate(t: ibis.Table, values: str | dict[int, str]) -> ibis.Value:
    """A value per replicate (``values``: one for all, or per replicate of a batch) as an Ibis
    value of the rows of ``t``: a literal, or a CASE over the ``replicate`` key."""
    if isinstance(values, str):
        return ibis.literal(values, "string")
    if len(set(values.values())) == 1:
        return ibis.literal(next(iter(values.values())), "string")
    return ibis.cases(*[(t[REPLICATE] == r, v) for r, v in sorted(values.items())])


def only(t: pa.Table, r: int) -> pa.Table:
    """The rows of replicate ``r`` of a keyed table, without the key column."""
    return t.filter(pc.equal(t[REPLICATE], r)).drop_columns([REPLICATE])


def rows_of(rows: list[dict[str, Any]], r: int | None) -> list[dict[str, Any]]:
    """The rows (``to_pylist`` of a keyed query) of replicate ``r``; ``r`` None: a run of one
    replicate, whose rows carry no key."""
    return [x for x in rows if x.get(REPLICATE) == r]


def with_replicate(t: pa.Table, r: int) -> pa.Table:
    """``t`` (one replicate's rows) with the ``replicate`` key column appended."""
    return t.append_column(REPLICATE, pa.array(np.full(t.num_rows, r, np.int32)))


@dataclass
class Part:
    """What one contract (or add-on) contributes to the settlement."""

    ledger: list[pa.Table] = field(default_factory=list)
    """Ledger rows built as dataframes (per patient or per provider x financer)."""
    recon: pa.Table | None = None
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    """Computed movements (``book``), turned into one table by ``ledger_tables``."""

    def extend(self, other: Part) -> None:
        self.ledger += other.ledger
        self.adjustments += other.adjustments
        self.rows += other.rows

    def ledger_tables(self) -> list[pa.Table]:
        """All ledger rows of the part, as LEDGER tables (with the ``replicate`` key in a
        batch: computed rows then carry it too)."""
        key = bool(self.rows) and REPLICATE in self.rows[0]
        schema = LEDGER.append(pa.field(REPLICATE, pa.int32())) if key else LEDGER
        rows = [pa.Table.from_pylist(self.rows, schema=schema)] if self.rows else []
        return [t.cast(keyed(LEDGER, t)) for t in self.ledger] + rows

    def keyed(self, r: int) -> Part:
        """This part of replicate ``r`` (settled alone) with the ``replicate`` key: its
        ledger, reconciliation and adjustments, as a batch's part."""
        return Part(
            ledger=[with_replicate(t, r) for t in self.ledger_tables()],
            recon=None if self.recon is None else with_replicate(self.recon, r),
            adjustments=[{**a, REPLICATE: r} for a in self.adjustments],
        )


def ratio(share: Decimal) -> tuple[int, int]:
    num, den = share.as_integer_ratio()
    return int(num), int(den)


def mul_share(expr: ibis.Value, share: Decimal) -> ibis.Value:
    """``expr * share`` rounded half away from zero to the cent, in integer arithmetic."""
    num, den = ratio(share)
    if num == den:
        return expr
    r = db.floor_div(expr.abs() * num * 2 + den, 2 * den)
    return ibis.ifelse(expr < 0, -r, r).cast("int64")


def ledger_expr(
    t: ibis.Table,
    *,
    contract_id: str,
    model: str,
    reason: str,
    payer_id: Any,
    payer_kind: Any,
    payee_id: Any,
    payee_kind: Any,
    amount: Any,
    patient_id: Any = None,
    law: Any = None,
    year: int,
    unique: bool = False,
) -> ibis.Table:
    """Ledger rows from an Ibis table: summed per payer, payee, patient and law (``unique``:
    ``t`` has one row per payer, payee, patient and law already, so nothing to sum); a
    negative sum is turned into a positive movement the other way; zero sums are dropped. The
    rows as an Ibis table (LEDGER's columns): ``ledger_rows`` runs it, ``ledger_union`` runs
    several in one query."""
    key = [REPLICATE] if REPLICATE in t.columns else []
    g = t.select(
        *key,
        payer_id=payer_id,
        payer_kind=payer_kind,
        payee_id=payee_id,
        payee_kind=payee_kind,
        patient_id=patient_id if patient_id is not None else ibis.null("string"),
        law=law if law is not None else ibis.null("string"),
        amount=amount,
    )
    if not unique:
        g = g.group_by(
            *key, "payer_id", "payer_kind", "payee_id", "payee_kind", "patient_id", "law"
        ).aggregate(amount=g.amount.sum())
    g = g.mutate(amount=g.amount.cast("int64"))
    g = g.filter(g.amount != 0)
    neg = g.amount < 0
    out = g.select(
        contract_id=ibis.literal(contract_id),
        model=ibis.literal(model),
        reason=ibis.literal(reason),
        payer_id=ibis.ifelse(neg, g.payee_id, g.payer_id),
        payer_kind=ibis.ifelse(neg, g.payee_kind, g.payer_kind),
        payee_id=ibis.ifelse(neg, g.payer_id, g.payee_id),
        payee_kind=ibis.ifelse(neg, g.payer_kind, g.payee_kind),
        patient_id=g.patient_id,
        law=g.law,
        year=ibis.literal(year, "int16"),
        amount_cents=g.amount.abs(),
        **{k: g[k] for k in key},
    )
    return out


def ledger_rows(t: ibis.Table, **kwargs: Any) -> pa.Table:
    """The ledger rows of ``ledger_expr(t, **kwargs)``, run."""
    e = ledger_expr(t, **kwargs)
    return e.to_pyarrow().cast(keyed(LEDGER, e))


def ledger_union(*parts: ibis.Table) -> pa.Table:
    """Several ``ledger_expr`` parts run as one query (UNION ALL): one round trip to the
    engine instead of one per part. The parts must differ in their keys (e.g. the reason), so
    that the ledger's sort gives the same order as with separate tables. Worth it for parts
    that read a table (``lines``); parts on the same costly expression (the bundle's per
    patient join) compute it once per part either way, and were slower as one query."""
    return ibis.union(*parts, distinct=False).to_pyarrow().cast(keyed(LEDGER, parts[0]))


def movement(
    *,
    contract_id: str,
    model: str,
    reason: str,
    payer: tuple[str, str],
    payee: tuple[str, str],
    amount_cents: int,
    year: int,
    basis: dict[str, Any],
    patient_id: str | None = None,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """One computed movement (an adjustment) as a ledger row and its adjustments record; a
    negative amount is booked the other way. The row is None for zero."""
    if amount_cents < 0:
        payer, payee, amount_cents = payee, payer, -amount_cents
    adj = {
        "contract_id": contract_id,
        "model": model,
        "reason": reason,
        "payer_id": payer[0],
        "payee_id": payee[0],
        "amount_cents": amount_cents,
        "basis": json.dumps(basis, sort_keys=True, default=str),
    }
    row = {
        "contract_id": contract_id,
        "model": model,
        "reason": reason,
        "payer_id": payer[0],
        "payer_kind": payer[1],
        "payee_id": payee[0],
        "payee_kind": payee[1],
        "patient_id": patient_id,
        "law": None,
        "year": year,
        "amount_cents": amount_cents,
    }
    return (row if amount_cents else None), adj


def book(part: Part, movement_: tuple[dict[str, Any] | None, dict[str, Any]]) -> None:
    row, adj = movement_
    if row is not None:
        part.rows.append(row)
        part.adjustments.append(adj)


def recon_rows(
    lines: ibis.Table,
    contract_id: str,
    model: str,
    financer: Any,
    patient: Any,
    repriced: Any,
    in_scope: Any,
) -> pa.Table:
    """The reconciliation per provider and financer (and replicate in a batch): claims =
    financer + patient + repriced + in_scope must hold for every row (ledger check)."""
    t = lines.mutate(_f=financer, _p=patient, _r=repriced, _s=in_scope)
    key = [REPLICATE] if REPLICATE in lines.columns else []
    g = t.group_by(*key, "provider_id", "financer_id").aggregate(
        lines=t.n_lines.sum().cast("int64"),
        claims_cents=t.claims_cents.sum().cast("int64"),
        financer_cents=t._f.sum().cast("int64"),
        patient_cents=t._p.sum().cast("int64"),
        repriced_cents=t._r.sum().cast("int64"),
        in_scope_cents=t._s.sum().cast("int64"),
    )
    g = g.select(
        contract_id=ibis.literal(contract_id),
        model=ibis.literal(model),
        provider_id=g.provider_id,
        financer_id=g.financer_id,
        lines=g.lines,
        claims_cents=g.claims_cents,
        financer_cents=g.financer_cents,
        patient_cents=g.patient_cents,
        repriced_cents=g.repriced_cents,
        in_scope_cents=g.in_scope_cents,
        **{k: g[k] for k in key},
    )
    return g.to_pyarrow().cast(keyed(RECONCILIATION, g))


def recon_from_sums(ctx: Ctx, contract_id: str, model: str, per_line: bool) -> pa.Table:
    """The reconciliation of a contract from the run's per-pair sums of the lines, without a
    query: ``per_line`` (the lines paid at their price: financer and patient parts, the rest
    repriced) or else every line in scope of a payment that is not per line (bundle, lump sum,
    capitation, network). Equal to ``recon_rows`` with those expressions, as the sums are
    linear in the lines."""
    assert ctx.line_sums is not None, "the engine sets line_sums"
    s = ctx.line_sums.filter(pc.equal(ctx.line_sums["contract_id"], contract_id))
    zero = pa.array(np.zeros(s.num_rows, dtype=np.int64))
    if per_line:
        financer, patient = s["financer_cents"], s["patient_cents"]
        repriced, in_scope = pc.subtract_checked(s["claims_cents"], s["price_cents"]), zero
    else:
        financer = patient = repriced = zero
        in_scope = s["claims_cents"]
    return pa.table(
        {
            "contract_id": s["contract_id"],
            "model": pa.array([model] * s.num_rows, pa.string()),
            "provider_id": s["provider_id"],
            "financer_id": s["financer_id"],
            "lines": s["lines"],
            "claims_cents": s["claims_cents"],
            "financer_cents": financer,
            "patient_cents": patient,
            "repriced_cents": repriced,
            "in_scope_cents": in_scope,
            **{k: s[k] for k in ctx.keys},
        }
    ).cast(keyed(RECONCILIATION, s))


def pay_lines(lines: ibis.Table, contract_id: str, model: str, year: int) -> list[pa.Table]:
    """The line-by-line payments of ``lines``: financer_cents from the financer and
    patient_cents from the patient to the provider, per patient (``lines`` has one row per
    patient, provider, financer and law of a contract)."""
    common = dict(
        contract_id=contract_id,
        model=model,
        payee_id=lines.provider_id,
        payee_kind=ibis.literal("provider"),
        patient_id=lines.patient_id,
        law=lines.law,
        year=year,
        unique=True,
    )
    claims = ledger_expr(
        lines,
        reason="claims",
        payer_id=lines.financer_id,
        payer_kind=lines.financer_kind,
        amount=lines.financer_cents,
        **common,
    )
    patient_share = ledger_expr(
        lines,
        reason="patient_share",
        payer_id=ibis.literal("patient"),
        payer_kind=ibis.literal("patient"),
        amount=lines.patient_cents,
        **common,
    )
    return [ledger_union(claims, patient_share)]


@dataclass(frozen=True)
class Margin:
    """What a model's ``marginal(lines, params, margin) -> lines with MARGINAL_COLUMNS`` is
    asked (DESIGN section 7, incentives): what one unit more
    (``direction`` 1) or one unit fewer (-1) of each of the contract's claim lines pays, as
    payment per unit in that direction: (payment after the move - payment now) / direction,
    times the line's units. So under PxQ a line of price c answers c both ways, and one
    avoided unit loses c. The lines are the claim lines the contract settles (``CLAIMS``'s
    columns, ``contract_id``, ``provider_kind`` and the patient's ``death_date``) of a run
    that is its own reference (the baseline): caps, lump sums, prices and rates set from the
    reference are at the level of these lines. ``principal``: the contract's principal
    contractor (hoofdaannemer) or coordinator, for the models that have one."""

    contract_id: str
    direction: int
    principal: str | None = None


MARGINAL_COLUMNS = ("to_provider", "to_principal")
"""The columns a model's ``marginal`` adds to the lines it is given (integer cents per line):
``to_provider``, to the line's provider for the line's units; ``to_principal``, to the
contract's principal when it is not the line's provider (negative: it pays more, e.g. one
subcontract more; 0 for the models without a principal)."""


def marginal_pay(lines: ibis.Table, to_provider: Any, to_principal: Any = 0) -> ibis.Table:
    """The lines with the ``MARGINAL_COLUMNS`` a model's ``marginal`` answers (Ibis values
    or integers)."""

    def cents(v: Any) -> ibis.Value:
        return ibis.literal(v, "int64") if isinstance(v, int) else v.cast("int64")

    return lines.mutate(to_provider=cents(to_provider), to_principal=cents(to_principal))


def line_price(lines: ibis.Table, p: ModelParams) -> ibis.Value:
    """Each claim line at the contract's tariff share, rounded half away from zero once per
    line (as the settlement prices it, ``engine._lines``)."""
    return mul_share(lines.amount_cents, Decimal(p.tariff_share))


def at_price(lines: ibis.Table, p: ModelParams) -> ibis.Table:
    """Every line paid at its price to its provider: the marginal payment of the models that
    pay per line (PxQ; the revenue cap below the cap)."""
    return marginal_pay(lines, line_price(lines, p))


def in_terminal_phase(lines: ibis.Table, days: int) -> ibis.Value:
    """A claim line within ``days`` before the patient's death (the terminal phase of the
    AZWA exemptions; as ``engine._lines`` marks it): False without a death date."""
    if days <= 0:
        return ibis.literal(False)
    near = lines.service_date > lines.death_date - ibis.interval(days=days)
    return (lines.death_date.notnull() & near).fill_null(False)


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


__all__ = [
    "ADJUSTMENTS",
    "BASIS",
    "LEDGER",
    "MARGINAL_COLUMNS",
    "RECONCILIATION",
    "Ctx",
    "Margin",
    "ModelParams",
    "Part",
    "PrincipalParams",
    "adjustment",
    "at_price",
    "base_spend",
    "book",
    "book_spread",
    "empty",
    "in_terminal_phase",
    "ledger_expr",
    "ledger_rows",
    "ledger_union",
    "line_price",
    "marginal_pay",
    "movement",
    "mul_share",
    "pay_lines",
    "per_patient",
    "providers_of_kind",
    "ratio",
    "recon_from_sums",
    "recon_rows",
    "spread",
    "subcontracted",
    "subcontracts",
]


class ModelParams(BaseModel):
    """Parameters every claim-based model has. Money in euros (decimal strings are exact),
    shares as decimals."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    tariff_share: Decimal = Field(default=Decimal(1), ge=0)
    """Contracted price as a share of the claims' (maximum) tariff, per line."""


class PrincipalParams(ModelParams):
    """A contract paid to one principal contractor (hoofdaannemer) or coordinator, who pays
    the other providers in scope: the principal is a provider id, or the provider of a kind
    with the smallest id (deterministic)."""

    principal: str | None = None
    principal_kind: str | None = None

    def principal_id(self, ctx: Ctx, what: str) -> str:
        return self.principal_in(ctx.providers, what)

    def principal_of(self, ctx: Ctx, what: str) -> str | dict[int, str]:
        """The principal (``principal_id``), or in a batch the principal per replicate (of
        each replicate's providers)."""
        if not ctx.keys:
            return self.principal_id(ctx, what)
        provs = ctx.providers
        return {
            r: self.principal_in(None if provs is None else only(provs, r), what)
            for r in ctx.replicates
        }

    def principal_in(self, providers: pa.Table | None, what: str) -> str:
        if self.principal:
            return self.principal
        if not self.principal_kind:
            raise ValueError(f"{what}: give principal or principal_kind")
        if providers is None:
            raise ValueError(f"{what}: a principal by kind needs the population's providers")
        ids = providers_of_kind(providers, self.principal_kind)
        if not ids:
            raise ValueError(
                f"{what}: the population has no provider of kind {self.principal_kind!r}"
            )
        return ids[0]


def providers_of_kind(providers: pa.Table, kind: str) -> list[str]:
    """The ids of the providers of a kind, sorted (the providers table, not claims)."""
    ids = providers["provider_id"].filter(pc.equal(providers["provider_kind"], kind))
    return sorted(ids.to_pylist())


def per_patient(lines: ibis.Table) -> ibis.Table:
    """Per patient: the financer that pays for the patient (the largest id among the
    patient's financers in scope; one insurer per patient in practice), its kind and the
    claims and price of the patient's lines. Non-patient-bound lines are left out."""
    t = lines.filter(lines.patient_id.notnull())
    key = [REPLICATE] if REPLICATE in lines.columns else []
    return t.group_by(*key, "patient_id").aggregate(
        payer_id=t.financer_id.max(),
        payer_kind=t.financer_kind.max(),
        claims_cents=t.claims_cents.sum().cast("int64"),
        price_cents=t.price_cents.sum().cast("int64"),
    )


def subcontracts(
    lines: ibis.Table,
    contract_id: str,
    model: str,
    principal: str | dict[int, str],
    year: int,
) -> tuple[pa.Table, list[dict[str, Any]]]:
    """The principal pays every other provider its lines at the contract's price; the rows
    and their adjustments record (per replicate in a batch: ``principal`` per replicate, the
    records carry the key)."""
    who = by_replicate(lines, principal)
    t = lines.filter(lines.provider_id != who)
    rows = ledger_rows(
        t,
        contract_id=contract_id,
        model=model,
        reason="subcontract",
        payer_id=who,
        payer_kind=ibis.literal("provider"),
        payee_id=t.provider_id,
        payee_kind=ibis.literal("provider"),
        patient_id=t.patient_id,
        amount=t.price_cents,
        year=year,
    )
    if isinstance(principal, str):
        total = t.price_cents.sum().name("s").as_table().to_pyarrow()["s"][0].as_py() or 0
        return rows, [adjustment(contract_id, model, "subcontract", principal, "*", int(total), {})]
    sums = t.group_by(REPLICATE).aggregate(s=t.price_cents.sum()).to_pyarrow().to_pylist()
    totals = {x[REPLICATE]: x["s"] for x in sums}
    adjs = []
    for r, pid in sorted(principal.items()):
        adj = adjustment(contract_id, model, "subcontract", pid, "*", int(totals.get(r) or 0), {})
        adjs.append({**adj, REPLICATE: r})
    return rows, adjs


def subcontracted(lines: ibis.Table, p: ModelParams, m: Margin) -> ibis.Table:
    """The marginal payment where a principal pays every other provider its lines at the
    contract's price (``subcontracts``): nothing to the principal's own lines, the price to a
    subcontractor's, paid by the principal (bundle, capitation)."""
    price = line_price(lines, p)
    other = lines.provider_id != ibis.literal(m.principal, "string")
    return marginal_pay(lines, ibis.ifelse(other, price, 0), ibis.ifelse(other, -price, 0))


FINANCER_KINDS = ("health_insurer", "care_office", "municipality", "government")


def base_spend(ledger: list[pa.Table], contract_id: str) -> pa.Table:
    """SPEND of a contract from its base model's ledger rows: money from financers to providers
    minus money from providers back to financers (subcontracts and patients left out). The
    ledger rows are Arrow tables already; they are summed with Arrow's group-by."""
    if not ledger:
        return SPEND.empty_table()
    # sum per payer and payee first (a few rows per financer x provider pair), then keep the
    # financer-provider movements and turn them into signed spend
    key = [REPLICATE] if REPLICATE in ledger[0].schema.names else []
    pairs = (*key, "payer_id", "payer_kind", "payee_id", "payee_kind")
    t = pa.concat_tables(ledger).group_by(list(pairs)).aggregate([("amount_cents", "sum")])
    kinds = pa.array(FINANCER_KINDS)
    fin = pc.and_(pc.is_in(t["payer_kind"], kinds), pc.equal(t["payee_kind"], "provider"))
    back = pc.and_(pc.equal(t["payer_kind"], "provider"), pc.is_in(t["payee_kind"], kinds))
    t = t.filter(pc.or_(fin, back))
    fin = pc.equal(t["payee_kind"], "provider")
    g = (
        pa.table(
            {
                "financer_id": pc.if_else(fin, t["payer_id"], t["payee_id"]),
                "financer_kind": pc.if_else(fin, t["payer_kind"], t["payee_kind"]),
                "provider_id": pc.if_else(fin, t["payee_id"], t["payer_id"]),
                "signed": pc.if_else(
                    fin, t["amount_cents_sum"], pc.negate_checked(t["amount_cents_sum"])
                ),
                **{k: t[k] for k in key},
            }
        )
        .group_by([*key, "financer_id", "financer_kind", "provider_id"])
        .aggregate([("signed", "sum")])
        .sort_by([(k, "ascending") for k in (*key, "financer_id", "provider_id", "financer_kind")])
    )
    n = g.num_rows
    return pa.table(
        {
            "contract_id": pa.array([contract_id] * n, pa.string()),
            "financer_id": g["financer_id"],
            "financer_kind": g["financer_kind"],
            "provider_id": g["provider_id"],
            "spend_cents": g["signed_sum"],
            **{k: g[k] for k in key},
        }
    ).cast(keyed(SPEND, g))


def spread(
    total_cents: int, spend: pa.Table, payee: str | None
) -> list[tuple[tuple[str, str], str, int]]:
    """Split an add-on amount over the financers by their share of the contract's spend, and
    each financer's part over the providers by their share of that financer's spend (or all to
    ``payee``). Exact: the parts add up to the total. Returns ((financer, kind), provider, cents)."""
    rows = [r for r in spend.to_pylist() if r["spend_cents"] > 0]  # financer x provider pairs
    if not rows or total_cents == 0:
        return []
    by_fin: dict[tuple[str, str], dict[str, Decimal]] = {}
    for r in rows:
        by_fin.setdefault((r["financer_id"], r["financer_kind"]), {})[r["provider_id"]] = Decimal(
            r["spend_cents"]
        )
    fin_parts = split_by_shares(total_cents, {k: sum(v.values()) for k, v in by_fin.items()})
    out = []
    for (fid, kind), cents in sorted(fin_parts.items()):
        provs = {payee: Decimal(1)} if payee else by_fin[(fid, kind)]
        for prov, c in sorted(split_by_shares(cents, provs).items()):
            if c:
                out.append(((fid, kind), prov, c))
    return out


def book_spread(
    part: Part,
    *,
    contract_id: str,
    model: str,
    reason: str,
    cents: int,
    spend: pa.Table,
    payee: str | None,
    to_provider: bool,
    year: int,
    basis: dict[str, Any],
) -> None:
    """Book an add-on amount spread over financers and providers (``spread``): from the
    financers to the providers, or back when ``to_provider`` is false."""
    for fin, prov, c in spread(cents, spend, payee):
        who = (fin, (prov, "provider")) if to_provider else ((prov, "provider"), fin)
        book(
            part,
            movement(
                contract_id=contract_id,
                model=model,
                reason=reason,
                payer=who[0],
                payee=who[1],
                amount_cents=c,
                year=year,
                basis=basis,
            ),
        )


def adjustment(
    contract_id: str,
    model: str,
    reason: str,
    payer_id: str,
    payee_id: str,
    amount_cents: int,
    basis: dict[str, Any],
) -> dict[str, Any]:
    """An adjustments record for ledger rows built as a dataframe (per patient): the check
    compares their sum with this total, computed the other way."""
    return {
        "contract_id": contract_id,
        "model": model,
        "reason": reason,
        "payer_id": payer_id,
        "payee_id": payee_id,
        "amount_cents": amount_cents,
        "basis": json.dumps(basis, sort_keys=True, default=str),
    }
