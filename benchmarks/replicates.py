"""Benchmark: replicates as a key (issue 19, point 4). ``passend simulate
examples/zuid-gelderland-pzt.yaml`` with 1 and with 50 replicates, each a whole process (the
CLI: start-up, loading, all steps, writing the results; no report), back to back; prints both
wall times, the ratio (target: 50 replicates <= 4x one) and each run's peak memory (the
process and its workers, sampled every 0.1 s) and stage times (run.json).

Run: .venv/bin/python benchmarks/replicates.py [--replicates 50] [--many 1000] [--workers N]
       [--batch N]
``--many N`` adds a run of N replicates (1,000: bounded memory, its time for the README; it
takes a while). ``--batch`` sets PASSEND_REPLICATE_BATCH (1: each replicate settled alone, as
before batching), else the batch is sized to the memory at hand (``scenarios.run.batch_size``).
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

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "zuid-gelderland-pzt.yaml"


def _rss_tree(pid: int) -> int:
    """Resident bytes of a process and its children (Linux /proc)."""
    total = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        return total
    return total + sum(_rss_tree(k) for k in kids)


def run(replicates: int, workers: int | None, env: dict[str, str]) -> tuple[float, int, dict]:
    """Wall time, peak resident bytes and stage times of one ``passend simulate``."""
    with tempfile.TemporaryDirectory(prefix="passend-bench-") as tmp:
        cmd = [sys.executable, "-m", "passend.cli", "simulate", str(SCENARIO), "--out", tmp]
        cmd += ["--replicates", str(replicates), "--no-report"]
        if workers is not None:
            cmd += ["--workers", str(workers)]
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        peak = 0
        while p.poll() is None:
            peak = max(peak, _rss_tree(p.pid))
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise SystemExit(f"simulate --replicates {replicates} failed: {p.returncode}")
        stages = json.loads((Path(tmp) / "run.json").read_text())["timings_s"]
    return wall, peak, stages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=50)
    ap.add_argument("--many", type=int, default=0, help="also this many replicates (e.g. 1000)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None, help="PASSEND_REPLICATE_BATCH")
    a = ap.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    if a.batch is not None:
        env["PASSEND_REPLICATE_BATCH"] = str(a.batch)
    times = {}
    for n in (1, a.replicates, *([a.many] if a.many else [])):
        wall, peak, stages = run(n, a.workers, env)
        times[n] = wall
        per = "" if n == 1 else f", {(wall - times[1]) / (n - 1):.2f} s per replicate more"
        print(f"{n:5d} replicates: {wall:7.1f} s, peak {peak / 2**20:6.0f} MiB{per}; {stages}")
    ratio = times[a.replicates] / times[1]
    print(f"ratio {a.replicates} / 1 replicates: {ratio:.2f}x (target <= 4x)")


if __name__ == "__main__":
    main()
