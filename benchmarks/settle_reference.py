"""Benchmark: ``passend settle`` as a whole process against a hand-written DuckDB SQL query of
the same outputs (issue 19's first target).

Run: .venv/bin/python benchmarks/settle_reference.py [--region national] [--seed 1]
     [--keep DIR] [--repeat 3] [--sets pxq,current,...]

1. The population and its declared claims: made by ``settle_national.prepare`` (the same code
   and folder layout as ``benchmarks/settle_national.py``) in a child process, once, and reused
   from ``--keep DIR`` (default ``/tmp/passend-bench/<region>-<year>-s<seed>``).
2. The reference: plain SQL strings (``reference_sql`` below, printed before the figures and
   written to ``DIR/reference/reference.sql``) run through DuckDB's Python API in a fresh
   ``python -c`` process that imports only duckdb. They compute what ``passend settle
   --contracts pxq`` writes of the money: the ledger per contract, reason, payer, payee,
   patient and law, sorted as passend sorts it (the PZNL grant included, as passend books it
   in every set); money in and out per party with its cost and margin (``stakeholders``);
   the work per provider, activity, professional and unit priced at the cost prices and the
   providers' costs (``costs``): all three written to Parquet. The catalogue's figures the SQL
   needs (cost prices, cost shares per provider kind, the grant per provider) are read here
   and written into the SQL as constants, as one would by hand.
3. ``passend settle`` as a whole process (CLI, Parquet out) for every shipped contract set on
   the same claims, each run its own reference (no ``--reference``).

Whole process: wall time of the child from the parent's clock, its CPU seconds (user +
system) and peak memory (max RSS) from ``/usr/bin/time -v``; on a shared machine the wall time
includes waiting for a core, the CPU seconds less so. One ``passend settle`` runs first, not
timed (byte-compiled modules, Parquet in the page cache); the start-up that every passend
process pays (imports, catalogue, contract set) is timed apart and printed. pxq and the reference run ``--repeat`` times, alternating (the
best time counts, every run is printed); the other sets once. For the sets other than pxq the reference
is still pxq's query (their own outputs are more than PxQ's: the ratio says how much more
they cost than a PxQ settlement by hand). Targets: pxq <= 2x the reference (goal 1.5x),
every other set <= 3x. At the end the reference's ledger, stakeholders and costs are compared
with passend's pxq tables, row for row and cent for cent: the benchmark fails if they differ.
The machine's load (``uptime``) is printed before and after: other processes share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from settle_national import SETS  # noqa: E402  (the shipped contract sets, in that order)

STARTUP = (
    "import ibis, passend.cli.settle, passend.settlement.engine; ibis.duckdb.connect(); "
    "from passend.catalogue.loader import load_catalogue; "
    "from passend.settlement.contracts import load_contract_set, resolve_contract_set; "
    "load_contract_set(resolve_contract_set('pxq'), load_catalogue())"
)
"""What every ``passend settle`` process does before it reads a claim (not timed apart in the
settlement's figures: printed beside them)."""


def _prepare_in_child(work: Path, region: str, seed: int, year: int) -> None:
    """``settle_national.prepare`` in a child process, so that this process stays small (a
    child's max RSS starts at its parent's size when it is forked)."""
    if (work / "claims" / "claims.parquet").exists():
        return
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); from pathlib import Path; "
        f"from settle_national import prepare; "
        f"prepare(Path({str(work)!r}), {region!r}, {seed}, {year})"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _ratio(share: float | Decimal) -> tuple[int, int]:
    num, den = Decimal(str(share)).as_integer_ratio()
    return int(num), int(den)


def _q(s: str | None) -> str:
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


def reference_sql(work: Path, out: Path) -> str:
    """The hand-written SQL of ``passend settle --contracts pxq``'s ledger, stakeholders and
    costs on the claims and population in ``work``, writing Parquet into ``out``. The
    catalogue's constants are read here and written into the SQL."""
    from passend.catalogue.loader import load_catalogue
    from passend.claims.declare import load_cost_prices
    from passend.settlement.costs import load_provider_costs
    from passend.settlement.money import round_cents

    meta = json.loads((work / "pop" / "meta.json").read_text(encoding="utf-8"))
    year, scale = int(meta["year"]), Decimal(repr(float(meta.get("scale", 1))))
    # a deaths-view population is settled whole in its year (engine.contract_year); else only
    # the lines of the year
    year_filter = "" if meta.get("view") == "deaths" else f"WHERE year(service_date) = {year}"
    prices, pcosts, cat = load_cost_prices(), load_provider_costs(), load_catalogue()
    hourly = ", ".join(f"({_q(k)}, {v})" for k, v in sorted(prices.hourly_cents.items()))
    acts = sorted(set(prices.day_cents) | set(prices.minutes_per_event))
    per_act = ", ".join(
        f"({_q(a)}, {prices.day_cents.get(a, 0)}, {prices.minutes_per_event.get(a, 'NULL')})"
        for a in acts
    )
    default_minutes = prices.minutes_per_event.get("default", 30)
    kinds = ", ".join(
        "({}, {}, {}, {})".format(_q(k), *_ratio(c.variable_share), c.fixed_annual_cents)
        for k, c in sorted(pcosts.kinds.items())
    )
    d_num, d_den = _ratio(pcosts.default.variable_share)
    d_fixed = pcosts.default.fixed_annual_cents
    grants = []
    for r in sorted(cat.routes.values(), key=lambda r: r.id):
        amount = r.grant_amount(year) if r.grant is not None else None
        cents = round_cents(Decimal(amount.cents or 0) * scale) if amount else 0
        if cents:
            grants.append(f"({_q(r.id)}, {_q(r.financer_kind)}, {_q(r.grant.payee_kind)}, {cents})")
    claims = f"read_parquet('{work / 'claims' / 'claims.parquet'}')"
    unfunded = f"read_parquet('{work / 'claims' / 'unfunded.parquet'}')"
    providers = f"read_parquet('{work / 'pop' / 'providers.parquet'}')"
    financers = f"read_parquet('{work / 'pop' / 'financers.parquet'}')"
    # DuckDB's default row groups: its writer runs one thread per row group (1.5 s instead of
    # 0.65 s for the national ledger with passend's 2**20 rows per group)
    pq_opts = "(FORMAT parquet, COMPRESSION zstd)"
    grant_rows = (
        f"""
UNION ALL
-- the grants (subsidies, the same in every contract set): per provider of the payee kind, from
-- the first financer of the route's kind (else 'vws')
SELECT g.route, 'subsidy', 'subsidy',
       coalesce((SELECT min(financer_id) FROM {financers} f
                 WHERE f.financer_kind = g.financer_kind), 'vws'), g.financer_kind,
       p.provider_id, 'provider', NULL, NULL, {year}::SMALLINT, g.cents::BIGINT
FROM (VALUES {", ".join(grants)}) g(route, financer_kind, payee_kind, cents)
JOIN {providers} p ON p.provider_kind = g.payee_kind"""
        if grants
        else ""
    )
    return f"""
-- 1. the ledger: every claim line paid at its price by its financer to its provider (PxQ at the
-- maximum tariff, contracted: the patient's share is zero, so it has no rows), summed per
-- payer, payee, patient and law; a negative sum is a movement the other way, zero is dropped
CREATE TEMP TABLE ledger AS
WITH pay AS (
  SELECT financer_id, financer_kind, provider_id, patient_id, law,
         sum(amount_cents)::BIGINT AS amount
  FROM {claims} {year_filter}
  GROUP BY financer_id, financer_kind, provider_id, patient_id, law
)
SELECT * FROM (
  SELECT 'default' AS contract_id, 'fee_for_service' AS model, 'claims' AS reason,
         CASE WHEN amount < 0 THEN provider_id ELSE financer_id END AS payer_id,
         CASE WHEN amount < 0 THEN 'provider' ELSE financer_kind END AS payer_kind,
         CASE WHEN amount < 0 THEN financer_id ELSE provider_id END AS payee_id,
         CASE WHEN amount < 0 THEN financer_kind ELSE 'provider' END AS payee_kind,
         patient_id, law, {year}::SMALLINT AS year, abs(amount) AS amount_cents
  FROM pay WHERE amount <> 0{grant_rows}
)
ORDER BY contract_id, reason, payer_id, payee_id, patient_id NULLS LAST, law NULLS LAST;

-- 2. the work the full cost needs: claim lines and unfunded work per provider, activity,
-- professional and unit, priced at the cost prices (minutes, or counted events times their
-- minutes, at the professional's hourly rate, rounded half up once; days at the day price)
CREATE TEMP TABLE full_cost AS
WITH work AS (
  SELECT provider_id, activity, professional, quantity, unit FROM {claims} {year_filter}
  UNION ALL
  SELECT provider_id, activity, professional, quantity, unit FROM {unfunded}
), w AS (
  SELECT provider_id, activity, professional, unit, sum(quantity)::BIGINT AS q
  FROM work GROUP BY provider_id, activity, professional, unit
), hourly(prof, hourly_cents) AS (VALUES {hourly}),
acts(act, day_cents, event_minutes) AS (VALUES {per_act})
SELECT provider_id, sum(
    (CASE w.unit WHEN 'minutes' THEN q
                 WHEN 'count' THEN q * coalesce(a.event_minutes, {default_minutes})
                 ELSE 0 END * coalesce(h.hourly_cents, 0) * 2 + 60) // 120
    + CASE WHEN w.unit = 'days' THEN q * coalesce(a.day_cents, 0) ELSE 0 END
  )::BIGINT AS full_cost_cents
FROM w LEFT JOIN hourly h ON w.professional = h.prof LEFT JOIN acts a ON w.activity = a.act
GROUP BY provider_id;

-- 3. the providers' costs: every provider of the population and of the work; the variable
-- share of the full cost (rounded half up) plus the fixed part (the kind's fixed annual cost
-- and the rest of the full cost: the run is its own reference)
CREATE TEMP TABLE costs AS
WITH ids AS (SELECT provider_id FROM full_cost UNION SELECT provider_id FROM {providers}),
kinds(kind, num, den, fixed) AS (VALUES {kinds}),
c AS (
  SELECT ids.provider_id, p.provider_kind, coalesce(fc.full_cost_cents, 0) AS n,
         coalesce(k.num, {d_num}) AS num, coalesce(k.den, {d_den}) AS den,
         coalesce(k.fixed, {d_fixed}) AS fixed
  FROM ids LEFT JOIN full_cost fc USING (provider_id)
           LEFT JOIN {providers} p USING (provider_id)
           LEFT JOIN kinds k ON k.kind = p.provider_kind
)
SELECT provider_id, provider_kind, n AS full_cost_cents,
       ((n * num * 2 + den) // (den * 2))::BIGINT AS variable_cost_cents,
       (fixed + n - (n * num * 2 + den) // (den * 2))::BIGINT AS fixed_cost_cents,
       (fixed + n)::BIGINT AS cost_cents
FROM c ORDER BY provider_id;

-- 4. per party money in (as payee) and out (as payer) of the ledger, the providers' cost,
-- margin = in - out - cost; sorted by kind and id
CREATE TEMP TABLE stakeholders AS
WITH m AS (
  SELECT payee_id AS id, payee_kind AS kind, sum(amount_cents) AS m_in, 0 AS m_out
  FROM ledger GROUP BY payee_id, payee_kind
  UNION ALL
  SELECT payer_id, payer_kind, 0, sum(amount_cents) FROM ledger GROUP BY payer_id, payer_kind
), s AS (SELECT id, kind, sum(m_in) AS m_in, sum(m_out) AS m_out FROM m GROUP BY id, kind)
SELECT coalesce(s.id, c.provider_id) AS stakeholder_id, coalesce(s.kind, 'provider') AS kind,
       c.provider_kind, coalesce(s.m_in, 0)::BIGINT AS money_in_cents,
       coalesce(s.m_out, 0)::BIGINT AS money_out_cents,
       coalesce(c.cost_cents, 0)::BIGINT AS cost_cents,
       (coalesce(s.m_in, 0) - coalesce(s.m_out, 0) - coalesce(c.cost_cents, 0))::BIGINT
         AS margin_cents
FROM s FULL OUTER JOIN costs c ON s.kind = 'provider' AND s.id = c.provider_id
ORDER BY kind, stakeholder_id;

COPY ledger TO '{out / "ledger.parquet"}' {pq_opts};
COPY stakeholders TO '{out / "stakeholders.parquet"}' {pq_opts};
COPY costs TO '{out / "costs.parquet"}' {pq_opts};
"""


@dataclass
class Run:
    """One whole process: wall seconds (the parent's clock), CPU seconds (user + system) and
    peak memory (GiB, max RSS), the last two from /usr/bin/time -v."""

    wall: float
    cpu: float
    gib: float


def _timed(cmd: list[str]) -> Run:
    t0 = time.perf_counter()
    res = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd[:4])} ...: failed\n{res.stdout[-2000:]}{res.stderr[-3000:]}"
        )

    def field(label: str) -> float:
        m = re.search(rf"{label}: ([0-9.]+)", res.stderr)
        return float(m.group(1)) if m else float("nan")

    cpu = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    return Run(wall, cpu, field(r"Maximum resident set size \(kbytes\)") / 1024**2)


def _passend_cmd(work: Path, name: str) -> list[str]:
    exe = Path(sys.executable).parent / "passend"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "passend.cli"]
    return [
        *cli,
        "settle",
        "--claims",
        str(work / "claims"),
        "--population",
        str(work / "pop"),
        "--contracts",
        name,
        "--out",
        str(work / f"ref-settle-{name}"),
        "--lang",
        "en",
        "--json",
    ]


def _equal(ours: Path, theirs: Path, names: list[str]) -> list[str]:
    """Compare the reference's tables with passend's: same rows, same cents. Returns lines
    that say how each compares (in passend's order, and after sorting on every column)."""
    import pyarrow.parquet as pq

    from passend.settlement.engine import TABLES

    report = []
    for name in names:
        schema = TABLES[name]
        a = pq.read_table(ours / f"{name}.parquet").select(schema.names).cast(schema)
        b = pq.read_table(theirs / f"{name}.parquet").select(schema.names).cast(schema)
        same_order = a.equals(b)
        keys = [(c, "ascending") for c in schema.names]
        same_rows = same_order or a.sort_by(keys).equals(b.sort_by(keys))
        cents = [c for c in schema.names if c.endswith("_cents")]
        sums = {c: (pa_sum(a[c]), pa_sum(b[c])) for c in cents}
        report.append(
            f"  {name:<13} {a.num_rows:>9,} rows (passend {b.num_rows:,}); same rows: "
            f"{'yes' if same_rows else 'NO'}; same order: {'yes' if same_order else 'no'}; "
            + ", ".join(
                f"{c} {x:,}" + ("" if x == y else f" != {y:,}") for c, (x, y) in sums.items()
            )
        )
        if not same_rows:
            raise SystemExit("\n".join([*report, f"{name}: the reference differs from passend"]))
    return report


def pa_sum(col: object) -> int:
    import pyarrow.compute as pc

    return int(pc.sum(col).as_py() or 0)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _versions() -> str:
    import duckdb
    import ibis
    import pyarrow

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, CPython {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, Ibis {ibis.__version__}, PyArrow {pyarrow.__version__}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--region", default="national")
    ap.add_argument("--keep", type=Path, help="Folder to keep (and reuse) population and claims.")
    ap.add_argument("--repeat", type=int, default=3, help="Runs of pxq and of the reference.")
    ap.add_argument("--sets", default=",".join(SETS))
    args = ap.parse_args()
    work = args.keep or Path(f"/tmp/passend-bench/{args.region}-{args.year}-s{args.seed}")
    work.mkdir(parents=True, exist_ok=True)
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "|", _versions())
    print("load before:", _uptime())
    t0 = time.perf_counter()
    _prepare_in_child(work, args.region, args.seed, args.year)
    print(f"population and claims ready in {time.perf_counter() - t0:.1f} s ({work})")

    out = work / "reference"
    out.mkdir(exist_ok=True)
    sql = reference_sql(work, out)
    (out / "reference.sql").write_text(sql, encoding="utf-8")
    print(f"\nThe hand-written reference ({out / 'reference.sql'}):\n{sql}")
    script = (
        "import duckdb, sys\n"
        "con = duckdb.connect()\n"
        "con.execute(open(sys.argv[1], encoding='utf-8').read())\n"
    )
    ref_cmd = [sys.executable, "-c", script, str(out / "reference.sql")]
    # not timed: one settlement first, so that every timed process finds the byte-compiled
    # modules and the Parquet files in the page cache
    _timed(_passend_cmd(work, "pxq"))
    startup = _timed([sys.executable, "-c", STARTUP])
    sets = [s for s in args.sets.split(",") if s]
    # the reference and pxq alternate, so that a change in the machine's load falls on both
    ref, pxq = [], []
    for _ in range(args.repeat):
        ref.append(_timed(ref_cmd))
        if "pxq" in sets:
            pxq.append(_timed(_passend_cmd(work, "pxq")))
    rows = [("pxq", pxq)] if pxq else []
    for name in sets:
        if name != "pxq":
            rows.append((name, [_timed(_passend_cmd(work, name))]))
    print("load after:", _uptime())

    print(
        "\npassend start-up alone (imports, catalogue, contract set; in every passend time):"
        f" {startup.wall:.2f} s wall, {startup.cpu:.2f} s CPU, {startup.gib:.2f} GiB"
    )
    ref_s, ref_cpu = min(r.wall for r in ref), min(r.cpu for r in ref)
    print(
        f"reference (hand-written SQL of pxq's outputs): {ref_s:.2f} s wall, {ref_cpu:.2f} s CPU,"
        f" {max(r.gib for r in ref):.2f} GiB; runs (wall/CPU s) "
        + ", ".join(f"{r.wall:.2f}/{r.cpu:.2f}" for r in ref)
    )
    if pxq:
        pairs = ", ".join(f"{p.wall / r.wall:.2f}x" for p, r in zip(pxq, ref, strict=True))
        print(f"pxq / reference, each alternated pair (wall): {pairs}")
    print(
        f"\n{'contract set':<20}{'passend s':>10}{'x ref':>7}  {'target':<24}"
        f"{'CPU s':>7}{'x ref':>7}{'peak GiB':>9}  runs (wall/CPU s)"
    )
    for name, runs in rows:
        best, cpu = min(r.wall for r in runs), min(r.cpu for r in runs)
        limit = 2.0 if name == "pxq" else 3.0
        target = ("<= 2x (goal 1.5x)" if name == "pxq" else "<= 3x") + (
            " met" if best / ref_s <= limit else " NOT met"
        )
        print(
            f"{name:<20}{best:>10.2f}{best / ref_s:>6.2f}x  {target:<24}{cpu:>7.2f}"
            f"{cpu / ref_cpu:>6.2f}x{max(r.gib for r in runs):>9.2f}  "
            + ", ".join(f"{r.wall:.2f}/{r.cpu:.2f}" for r in runs)
        )
    print("(for the sets other than pxq the reference is pxq's query: their outputs are more)")
    if "pxq" in sets:
        print("\nreference against passend settle --contracts pxq:")
        for line in _equal(out, work / "ref-settle-pxq", ["ledger", "stakeholders", "costs"]):
            print(line)
        print("equal: the reference computes what passend writes (ledger, stakeholders, costs)")


if __name__ == "__main__":
    main()
