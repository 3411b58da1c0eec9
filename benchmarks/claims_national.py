"""Benchmark: declare the national year's activities as claims (Ibis on DuckDB), then import
the resulting claims from Parquet (all checks), twice: as declared (claim ids in ascending
order) and with the rows shuffled (ids in random order, so the duplicate check cannot use their
order), and export and import them as Vektis AW319 for one pilot region (AW319 is one file per
provider x financer x month: the national year would be tens of thousands of files).

Run: .venv/bin/python benchmarks/claims_national.py [--seed 1] [--aw319-region rotterdam]
Generates the populations (and the shuffled file) into a temporary folder (not timed). Prints
wall time, rows per second and peak memory (max RSS of the process). Targets (issue 4):
declaring the national year <= 15 s; Parquet import with all checks >= 1 million rows per second.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from passend.catalogue.loader import load_catalogue
from passend.claims.declare import declare, write_declaration
from passend.claims.importer import import_claims
from passend.claims.vektis import export_aw319
from passend.population.generate import generate
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_parquet, write_population


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--aw319-region", default="rotterdam")
    args = ap.parse_args()
    os.environ.setdefault("PASSEND_PSEUDONYM_KEY", "benchmark-key")
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        pop_dir, out_dir = Path(tmp) / "pop", Path(tmp) / "claims"
        pop = generate(
            cat,
            load_parameters(cat),
            load_insurers(cat),
            load_regions(cat),
            "national",
            args.year,
            args.seed,
        )
        write_population(pop, pop_dir)
        n = pop.activities.num_rows
        del pop
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        dec = declare(cat, pop_dir)
        t1 = time.perf_counter()
        write_declaration(dec, out_dir)
        t2 = time.perf_counter()
        imp = import_claims(cat, out_dir / "claims.parquet", "parquet", Path(tmp) / "imported")
        t3 = time.perf_counter()
        # the same claims with their rows shuffled (not timed), then imported
        declared = pq.read_table(out_dir / "claims.parquet")
        order = np.random.default_rng(args.seed).permutation(declared.num_rows)
        shuffled = Path(tmp) / "shuffled.parquet"
        write_parquet(declared.take(pa.array(order)), shuffled)
        del declared, order
        t3s = time.perf_counter()
        imp_shuffled = import_claims(cat, shuffled, "parquet", Path(tmp) / "imported-shuffled")
        t3e = time.perf_counter()
        # AW319 for one region
        reg_pop, reg_claims, aw_dir = Path(tmp) / "rpop", Path(tmp) / "rclaims", Path(tmp) / "aw"
        rpop = generate(
            cat,
            load_parameters(cat),
            load_insurers(cat),
            load_regions(cat),
            args.aw319_region,
            args.year,
            args.seed,
        )
        write_population(rpop, reg_pop)
        rdec = declare(cat, reg_pop)
        write_declaration(rdec, reg_claims)
        t4 = time.perf_counter()
        paths, written, _ = export_aw319(cat, rdec.claims, reg_pop, aw_dir)
        t5 = time.perf_counter()
        aw = import_claims(cat, aw_dir, "aw319", Path(tmp) / "awimp")
        t6 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"activities      {n:>12,}")
    print(f"claim lines     {dec.claims.num_rows:>12,}   unfunded rows {dec.unfunded.num_rows:,}")
    print(f"declare         {t1 - t0:8.2f} s   ({n / (t1 - t0):,.0f} activities/s)")
    print(f"write           {t2 - t1:8.2f} s")
    print(
        f"peak memory     {peak:8.2f} GiB (max RSS of the process, generation included;"
        f" {rss_before / 1024**2:.2f} GiB before declaring)"
    )
    print(f"total claimed   EUR {dec.summary['claims']['amount_cents'] / 100:,.0f}")
    print(
        f"import parquet  {t3 - t2:8.2f} s   ({imp.read / (t3 - t2):,.0f} rows/s, all checks,"
        f" read and write included; {imp.accepted:,} accepted; claim ids in ascending order)"
    )
    print(
        f"  rows shuffled {t3e - t3s:8.2f} s   ({imp_shuffled.read / (t3e - t3s):,.0f} rows/s;"
        f" {imp_shuffled.accepted:,} accepted; claim ids in random order)"
    )
    print(
        f"AW319 export    {t5 - t4:8.2f} s   ({written:,} lines in {len(paths):,} files,"
        f" {args.aw319_region}; {written / (t5 - t4):,.0f} lines/s)"
    )
    print(
        f"AW319 import    {t6 - t5:8.2f} s   ({aw.read / (t6 - t5):,.0f} records/s; {aw.accepted:,} accepted)"
    )


if __name__ == "__main__":
    main()
