"""Benchmark: the settlement of one contract set (pxq) on Spark local mode, with 1 and 2 cores
and at two data sizes, beside DuckDB: the figures from which the README projects to a cluster.

Run: .venv/bin/python benchmarks/spark_local.py [--sizes zuid-gelderland:0.25 national:0.25]
     [--contracts pxq] [--keep DIR]
Generates each population and declares its claims on DuckDB first (not timed; reused from
--keep DIR when there). Then one child process per core count (a process has one Spark
context, whose master is fixed): it starts Spark (``local[n]``, the engine's default settings),
then settles each size twice, the first run with the JVM cold and the second warm. Prints the
wall times of ``settle`` (the Ibis queries on Spark and the Arrow work on the driver; not the
Parquet writing), and DuckDB's for the same claims, the load beside each core count and the
``PASSEND_SPARK_*`` settings (the children take them from the environment: the national year,
``--sizes national:1.0``, runs on Spark's defaults; see docs/engines.md). Needs pyspark
(``.[spark]``) and Java 17.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prepare(work: Path, region: str, scale: float, seed: int = 1, year: int = 2026) -> Path:
    """The population and its claims of ``region`` at ``scale`` in ``work`` (kept)."""
    from passend.catalogue.loader import load_catalogue
    from passend.claims.declare import declare, write_declaration
    from passend.population.generate import generate
    from passend.population.params import load_insurers, load_parameters, load_regions
    from passend.population.tables import write_population

    out = work / f"{region}-{scale:g}"
    if (out / "claims" / "claims.parquet").exists():
        return out
    cat = load_catalogue()
    pop = generate(
        cat,
        load_parameters(cat),
        load_insurers(cat),
        load_regions(cat),
        region,
        year,
        seed=seed,
        scale=scale,
    )
    write_population(pop, out / "pop")
    write_declaration(declare(cat, out / "pop"), out / "claims")
    return out


def settle_times(dirs: list[Path], contracts: str, runs: int) -> list[list[float]]:
    """Wall seconds of ``runs`` settlements of each folder's claims on this process's engine."""
    from passend.catalogue.loader import load_catalogue
    from passend.population.params import inhabitants_by_region
    from passend.settlement.contracts import load_contract_set, resolve_contract_set
    from passend.settlement.engine import settle

    cat = load_catalogue()
    ls = load_contract_set(resolve_contract_set(contracts), cat)
    inhabitants = inhabitants_by_region(cat)
    out = []
    for d in dirs:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            settle(d / "claims", ls, d / "pop", inhabitants_by_region=inhabitants)
            times.append(time.perf_counter() - t)
        out.append(times)
    return out


def child(cores: int, dirs: list[Path], contracts: str) -> None:
    from passend import db

    t = time.perf_counter()
    db.set_engine("spark", master=f"local[{cores}]")
    db.spark()
    start = time.perf_counter() - t
    times = settle_times(dirs, contracts, 2)
    db.stop_spark()
    print(json.dumps({"start": start, "times": times}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["zuid-gelderland:0.25", "national:0.25"])
    ap.add_argument("--contracts", default="pxq")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--dirs", nargs="*", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.dirs, a.contracts)
        return
    work = a.keep or Path(tempfile.mkdtemp(prefix="passend-spark-bench-"))
    sizes = [(s.split(":")[0], float(s.split(":")[1])) for s in a.sizes]
    dirs = [prepare(work, region, scale) for region, scale in sizes]

    import pyarrow.parquet as pq

    lines = [pq.ParquetFile(d / "claims" / "claims.parquet").metadata.num_rows for d in dirs]
    duck = settle_times(dirs, a.contracts, 2)
    env = {**os.environ, "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")}
    spark = {}
    for cores in (1, 2):
        load = os.getloadavg()[0]  # a shared machine: the load beside each figure
        cmd = [sys.executable, __file__, "--child", str(cores), "--contracts", a.contracts]
        r = subprocess.run(
            [*cmd, "--dirs", *map(str, dirs)], capture_output=True, text=True, env=env
        )
        if r.returncode != 0:
            sys.exit(f"Spark local[{cores}] failed:\n{r.stderr[-2000:]}")
        spark[cores] = json.loads(r.stdout.strip().splitlines()[-1])
        spark[cores]["load"] = (load, os.getloadavg()[0])
    print(f"settle --contracts {a.contracts}: seconds (cold run / warm run)")
    for c in (1, 2):
        print(f"Spark local[{c}] session start: {spark[c]['start']:.1f} s")
    print(f"{'claims':>28} {'lines':>9} {'duckdb':>13} {'local[1]':>13} {'local[2]':>13}")
    for i, (region, scale) in enumerate(sizes):
        cells = [duck[i], spark[1]["times"][i], spark[2]["times"][i]]
        text = " ".join(f"{c[0]:6.1f}/{c[1]:<6.1f}" for c in cells)
        print(f"{region + ' x' + format(scale, 'g'):>28} {lines[i]:>9,} {text}")
    w1, w2 = spark[1]["times"], spark[2]["times"]
    for i, (region, scale) in enumerate(sizes):
        print(f"{region} x{scale:g}: warm local[1] / local[2] = {w1[i][1] / w2[i][1]:.2f}")
    for c in (1, 2):
        print(
            f"load (1 min) before / after local[{c}]: {spark[c]['load'][0]:.1f} / {spark[c]['load'][1]:.1f}"
        )
    conf = {k: v for k, v in os.environ.items() if k.startswith("PASSEND_SPARK_")}
    print(f"settings: {conf or 'the defaults'}")
    if len(sizes) == 2:
        per = [(w[1][1] - w[0][1]) / max(1, lines[1] - lines[0]) * 1e6 for w in (w1, w2)]
        print(
            f"warm marginal seconds per million lines: local[1] {per[0]:.1f}, local[2] {per[1]:.1f}"
        )
    print(f"data in {work}")


if __name__ == "__main__":
    main()
