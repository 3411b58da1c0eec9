"""Benchmark: settle the national year's claims under each shipped contract set, next to a
hand-written DuckDB SQL query of the PxQ totals per provider and financer on the same Parquet.

Run: .venv/bin/python benchmarks/settle_national.py [--seed 1] [--region national] [--keep DIR]
Generates the population and declares its claims first (not timed; reused from --keep DIR when
it is there). Each contract set is settled in a fresh child process, so that its peak memory
(max RSS) is its own. Prints wall time (settle = compute; write = Parquet files) and peak memory
per model, and the ratio to the SQL query. Target (issue 5): each model within 3x of the SQL.
The child imports its libraries before the clock starts (as the SQL query's process has).
A second hand-written query prints what the ledger's claim payments need at the least: the
PxQ totals per patient, provider, financer and law, sorted (the ledger keeps the patient).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETS = [
    "pxq",
    "current",
    "lump-sum",
    "availability",
    "bundle",
    "network",
    "population-p4p",
    "pxq-shared-savings",
]


def prepare(work: Path, region: str, seed: int, year: int) -> None:
    from passend.catalogue.loader import load_catalogue
    from passend.claims.declare import declare, write_declaration
    from passend.population.generate import generate
    from passend.population.params import load_insurers, load_parameters, load_regions
    from passend.population.tables import write_population

    if (work / "claims" / "claims.parquet").exists():
        return
    cat = load_catalogue()
    pop = generate(
        cat, load_parameters(cat), load_insurers(cat), load_regions(cat), region, year, seed
    )
    write_population(pop, work / "pop")
    del pop
    write_declaration(declare(cat, work / "pop"), work / "claims")


def sql_pxq(claims: Path, per_patient: bool = False) -> float:
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    if per_patient:
        con.sql(
            f"SELECT financer_id, provider_id, patient_id, law, any_value(financer_kind), "
            f"sum(amount_cents) AS cents, count(*) AS n FROM read_parquet('{claims}') "
            f"GROUP BY financer_id, provider_id, patient_id, law "
            f"ORDER BY financer_id, provider_id, patient_id, law"
        ).to_arrow_table()
    else:
        con.sql(
            f"SELECT provider_id, financer_id, sum(amount_cents) AS cents, count(*) AS n "
            f"FROM read_parquet('{claims}') GROUP BY ALL"
        ).to_arrow_table()
    return time.perf_counter() - t0


def _peak_rss_gib() -> float:
    """This process's peak resident memory (VmHWM of /proc/self/status). Not
    ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries that over from the forking parent
    across exec, so a child of a parent that has just generated the national population
    reported the parent's 2.8 GiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def one(work: Path, name: str, reference: bool) -> None:
    """Child process: settle one contract set and print JSON figures."""
    import ibis
    import pyarrow.dataset  # noqa: F401  (imported by the population reader)

    from passend.catalogue.loader import load_catalogue
    from passend.population.params import inhabitants_by_region
    from passend.settlement.contracts import load_contract_set, resolve_contract_set
    from passend.settlement.engine import load_reference, settle, write_settlement

    ibis.duckdb.connect()  # import the backend before the clock starts
    cat = load_catalogue()
    ls = load_contract_set(resolve_contract_set(name), cat)
    inh = inhabitants_by_region(cat, None)
    out = work / f"settle-{name}"
    ref = load_reference(out) if reference and out.exists() else None
    t0 = time.perf_counter()
    s = settle(work / "claims", ls, work / "pop", ref, inhabitants_by_region=inh)
    t1 = time.perf_counter()
    write_settlement(s, out)
    t2 = time.perf_counter()
    rss = _peak_rss_gib()
    print(
        json.dumps(
            {
                "set": name,
                "settle_s": t1 - t0,
                "write_s": t2 - t1,
                "peak_gib": rss,
                "ledger_rows": s.tables["ledger"].num_rows,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--region", default="national")
    ap.add_argument("--keep", type=Path, help="Folder to keep (and reuse) population and claims.")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--sets", default=",".join(SETS))
    args = ap.parse_args()
    if args.one:
        one(args.keep, args.one, args.reference)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        prepare(work, args.region, args.seed, args.year)
        print(f"prepared population and claims in {time.perf_counter() - t0:.1f} s ({work})")
        claims = work / "claims" / "claims.parquet"
        sql = min(sql_pxq(claims) for _ in range(3))
        print(f"hand-written DuckDB SQL, PxQ totals per provider x financer: {sql:.2f} s")
        floor = min(sql_pxq(claims, per_patient=True) for _ in range(3))
        print(
            f"hand-written DuckDB SQL, PxQ per patient x provider x financer, sorted: {floor:.2f} s"
        )
        print(
            f"{'contract set':<26}{'settle s':>9}{'x SQL':>7}{'x per-patient':>14}"
            f"{'write s':>9}{'peak GiB':>10}"
        )
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        for name in args.sets.split(","):
            for reference in (False, True):
                cmd = [sys.executable, __file__, "--keep", str(work), "--one", name]
                if reference:
                    cmd.append("--reference")
                res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                if res.returncode != 0:
                    print(f"{name}: FAILED\n{res.stderr[-2000:]}")
                    break
                r = json.loads(res.stdout.strip().splitlines()[-1])
                label = name + (" (ref)" if reference else "")
                print(
                    f"{label:<26}{r['settle_s']:>9.2f}{r['settle_s'] / sql:>7.1f}"
                    f"{r['settle_s'] / floor:>14.1f}{r['write_s']:>9.2f}{r['peak_gib']:>10.2f}"
                )


if __name__ == "__main__":
    main()
