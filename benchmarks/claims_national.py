"""Benchmark: declare the national year's activities as claims (Ibis on DuckDB).

Run: .venv/bin/python benchmarks/claims_national.py [--seed 1]
Generates the national population into a temporary folder (not timed), then times the
declaration and prints rows per second and peak memory. Target (issue 4): declaring the national
year <= 15 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from passend.catalogue.loader import load_catalogue
from passend.claims.declare import declare, write_declaration
from passend.population.commands import write_population
from passend.population.generate import generate
from passend.population.params import load_insurers, load_parameters, load_regions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2026)
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
