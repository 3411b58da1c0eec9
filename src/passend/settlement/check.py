"""``passend ledger check DIR``: prove that a settlement's money is conserved and reconciles.

Checks, each a dataframe query (DuckDB through Ibis):

1. every table has its schema; every ledger amount is positive; nobody pays themself; every
   payer and payee kind is known;
2. per reconciliation row: claims = financer + patient + repriced + in_scope;
3. the reconciliation covers the claims: its lines and amounts equal the totals recorded, and
   with the lines outside the contract year (``meta.json``) the claims file's (read again from
   the path in ``meta.json`` when it is still there);
4. the ledger's claim payments (reasons ``claims`` and ``patient_share``) equal the
   reconciliation's financer and patient columns per contract, provider and financer;
5. every other ledger reason is backed by the contracts' computed amounts (``adjustments``):
   per contract and reason the ledger adds up to them;
6. the stakeholder summary equals the ledger: money in and out per party, margin = in - out -
   cost, and the money paid by all parties equals the money received.
"""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pyarrow.parquet as pq

from passend import db
from passend.claims.tables import CLAIMS
from passend.messages import Message
from passend.settlement.engine import TABLES
from passend.settlement.tables import KINDS
from passend.tables import table_problem

CLAIM_REASONS = ("claims", "patient_share")


def _scalar(expr: ibis.Value) -> int:
    v = expr.name("v").as_table().to_pyarrow()["v"][0].as_py()
    return int(v or 0)


def check_ledger(folder: Path) -> tuple[list[str], dict[str, int]]:
    """Problems found (empty = all checks pass) and the headline figures."""
    problems: list[str] = []
    tables = {}
    for name, schema in TABLES.items():
        f = folder / f"{name}.parquet"
        if not f.exists():
            problems.append(Message("file_missing", path=f))
            continue
        problem = table_problem(f, schema)
        if problem is not None:
            problems.append(problem)
            continue
        t = pq.read_table(f)
        if not t.schema.equals(schema, check_metadata=False):
            problems.append(Message("columns_differ", path=f, name=name))
            continue
        tables[name] = ibis.memtable(t)
    meta_file = folder / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    if not meta:
        problems.append(Message("file_missing", path=meta_file))
    if problems:
        return problems, {}
    led, rec, adj, st = (
        tables[n] for n in ("ledger", "reconciliation", "adjustments", "stakeholders")
    )

    # 1
    bad = _scalar(led.filter(led.amount_cents <= 0).count())
    if bad:
        problems.append(Message("ledger_not_positive", n=bad))
    same = _scalar(led.filter(led.payer_id == led.payee_id).count())
    if same:
        problems.append(Message("ledger_pays_itself", n=same))
    unknown = _scalar(led.filter(~led.payer_kind.isin(KINDS) | ~led.payee_kind.isin(KINDS)).count())
    if unknown:
        problems.append(Message("ledger_unknown_kind", n=unknown))

    # 2
    off = rec.filter(
        rec.claims_cents
        != rec.financer_cents + rec.patient_cents + rec.repriced_cents + rec.in_scope_cents
    )
    n_off = _scalar(off.count())
    if n_off:
        problems.append(Message("reconciliation_off", n=n_off))

    # 3
    rec_lines, rec_cents = _scalar(rec.lines.sum()), _scalar(rec.claims_cents.sum())
    if (rec_lines, rec_cents) != (meta.get("claims_lines"), meta.get("claims_cents")):
        problems.append(
            Message(
                "reconciliation_covers",
                lines=rec_lines,
                cents=rec_cents,
                read_lines=meta.get("claims_lines"),
                read_cents=meta.get("claims_cents"),
            )
        )
    claims_file = Path(meta.get("claims", ""))
    problem = table_problem(claims_file, CLAIMS) if claims_file.is_file() else None
    if problem is not None:
        problems.append(problem)
    elif claims_file.is_file():
        c = db.connect().read_parquet(str(claims_file))
        n, cents = _scalar(c.count()), _scalar(c.amount_cents.sum())
        out = meta.get("outside_contract_year") or {}
        out_lines, out_cents = int(out.get("lines", 0)), int(out.get("amount_cents", 0))
        if (n, cents) != (rec_lines + out_lines, rec_cents + out_cents):
            problems.append(
                Message(
                    "claims_file_differs",
                    path=claims_file,
                    lines=n,
                    cents=cents,
                    rec_lines=rec_lines,
                    rec_cents=rec_cents,
                    out_lines=out_lines,
                    out_cents=out_cents,
                )
            )

    # 4
    # a patient whose lines add up to less than zero (credit lines) is booked the other way:
    # provider -> financer (or -> patient); such rows count negative
    paid = led.filter(led.reason == "claims")
    back = paid.payer_kind == "provider"
    by_pair = paid.group_by(
        "contract_id",
        provider_id=ibis.ifelse(back, paid.payer_id, paid.payee_id),
        financer_id=ibis.ifelse(back, paid.payee_id, paid.payer_id),
    ).aggregate(led_c=ibis.ifelse(back, -paid.amount_cents, paid.amount_cents).sum())
    want = rec.group_by("contract_id", "provider_id", "financer_id").aggregate(
        rec_c=rec.financer_cents.sum()
    )
    j = want.outer_join(by_pair, ["contract_id", "provider_id", "financer_id"])
    n_diff = _scalar(j.filter(j.rec_c.fill_null(0) != j.led_c.fill_null(0)).count())
    if n_diff:
        problems.append(Message("ledger_claims_differ", n=n_diff))
    pat = led.filter(led.reason == "patient_share")
    pat_c = ibis.ifelse(pat.payer_kind == "provider", -pat.amount_cents, pat.amount_cents)
    if _scalar(pat_c.sum()) != _scalar(rec.patient_cents.sum()):
        problems.append(Message("ledger_patients_differ"))

    # 5
    other = led.filter(~led.reason.isin(CLAIM_REASONS))
    lo = other.group_by("contract_id", "reason").aggregate(led_c=other.amount_cents.sum())
    ao = adj.group_by("contract_id", "reason").aggregate(adj_c=adj.amount_cents.sum())
    j = lo.outer_join(ao, ["contract_id", "reason"])
    diff = j.filter(j.led_c.fill_null(0) != j.adj_c.fill_null(0)).to_pyarrow().to_pylist()
    for r in diff:  # (contract, reason) pairs: a handful
        problems.append(
            Message(
                "ledger_adjustment_differs",
                contract=r["contract_id"] or r["contract_id_right"],
                reason=r["reason"] or r["reason_right"],
                ledger=r["led_c"] or 0,
                computed=r["adj_c"] or 0,
            )
        )

    # 6
    outs = led.group_by(o_id=led.payer_id).aggregate(o=led.amount_cents.sum())
    ins = led.group_by(i_id=led.payee_id).aggregate(i=led.amount_cents.sum())
    s = st.select(sid=st.stakeholder_id, so=st.money_out_cents, si=st.money_in_cents)
    j = s.left_join(outs, s.sid == outs.o_id).left_join(ins, s.sid == ins.i_id)
    n_bad = _scalar(j.filter((j.so != j.o.fill_null(0)) | (j.si != j.i.fill_null(0))).count())
    if n_bad:
        problems.append(Message("stakeholders_differ", n=n_bad))
    n_margin = _scalar(
        st.filter(st.margin_cents != st.money_in_cents - st.money_out_cents - st.cost_cents).count()
    )
    if n_margin:
        problems.append(Message("margins_differ", n=n_margin))
    total_in, total_out = _scalar(st.money_in_cents.sum()), _scalar(st.money_out_cents.sum())
    ledger_total = _scalar(led.amount_cents.sum())
    if not total_in == total_out == ledger_total:
        problems.append(
            Message("not_conserved", paid=total_out, received=total_in, ledger=ledger_total)
        )
    figures = {
        "ledger_rows": _scalar(led.count()),
        "ledger_cents": ledger_total,
        "claims_lines": rec_lines,
        "claims_cents": rec_cents,
        "claims_paid_cents": _scalar(rec.financer_cents.sum()) + _scalar(rec.patient_cents.sum()),
        "in_scope_cents": _scalar(rec.in_scope_cents.sum()),
        "repriced_cents": _scalar(rec.repriced_cents.sum()),
        "adjustments_cents": _scalar(adj.amount_cents.sum()),
        "outside_contract_year_lines": int(
            (meta.get("outside_contract_year") or {}).get("lines", 0)
        ),
        "outside_contract_year_cents": int(
            (meta.get("outside_contract_year") or {}).get("amount_cents", 0)
        ),
    }
    return problems, figures
