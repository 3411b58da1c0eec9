"""Benchmark: run examples/national-2026.yaml with one replicate (all contract sets), and the
regional example with many replicates, printing wall time per stage and peak memory.

Run: .venv/bin/python benchmarks/simulate.py [--national-replicates 1] [--regional-replicates 200]
       [--skip-national] [--skip-regional]
Each run is a fresh child process, so that its peak memory (max RSS) is its own.
Targets (issue 6): national, all contract sets, <= 60 s and <= 8 GiB; 200 regional replicates
<= 5 minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one(scenario: Path, replicates: int) -> None:
    from passend.catalogue.loader import load_catalogue
    from passend.scenarios.run import simulate
    from passend.scenarios.schema import load_scenario

    cat = load_catalogue()
    ls = load_scenario(scenario, cat)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = simulate(cat, ls, Path(tmp), replicates)
        wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(json.dumps({"wall_s": wall, "peak_gib": rss, "stages_s": res.timings}))


def run(scenario: str, replicates: int) -> None:
    cmd = [sys.executable, __file__, "--one", str(ROOT / scenario), "--n", str(replicates)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        print(f"{scenario}: FAILED\n{res.stderr[-2000:]}")
        return
    r = json.loads(res.stdout.strip().splitlines()[-1])
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages_s"].items())
    print(
        f"{scenario}, {replicates} replicate(s): {r['wall_s']:.1f} s "
        f"({r['wall_s'] / replicates:.1f} s per replicate), peak {r['peak_gib']:.2f} GiB"
    )
    print(f"  stages: {stages}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--national-replicates", type=int, default=1)
    ap.add_argument("--regional-replicates", type=int, default=200)
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--skip-regional", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(Path(args.one), args.n)
        return
    if not args.skip_national:
        run("examples/national-2026.yaml", args.national_replicates)
    if not args.skip_regional:
        run("examples/zuid-gelderland-pzt.yaml", args.regional_replicates)


if __name__ == "__main__":
    main()
