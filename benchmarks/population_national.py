"""Benchmark: generate the national population for one year and write its Parquet tables.

Run: .venv/bin/python benchmarks/population_national.py [--year 2026] [--seed 1] [--scale 1.0]
Prints wall time per stage, peak memory (max RSS of this process), rows per table and rows per
second. Target (issue 3): <= 20 s and <= 4 GiB on the 2-core, 24 GiB machine.
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from pathlib import Path

from passend.catalogue.loader import load_catalogue
from passend.population.generate import generate
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_population


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    cat = load_catalogue()
    params, insurers, regions = load_parameters(cat), load_insurers(cat), load_regions(cat)
    t1 = time.perf_counter()
    pop = generate(cat, params, insurers, regions, "national", args.year, args.seed, args.scale)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_population(pop, Path(tmp))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    t3 = time.perf_counter()

    rows = {name: t.num_rows for name, t in pop.tables().items()}
    total = sum(rows.values())
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    print(f"load data       {t1 - t0:6.2f} s")
    print(f"generate        {t2 - t1:6.2f} s   ({total / (t2 - t1):,.0f} rows/s)")
    print(f"write parquet   {t3 - t2:6.2f} s   ({size / 1024**2:,.1f} MiB)")
    print(f"total           {t3 - t0:6.2f} s")
    print(f"peak memory     {peak_gib():6.2f} GiB (max RSS)")
    for name, n in rows.items():
        print(f"  {name:11s} {n:>12,} rows")


if __name__ == "__main__":
    main()
