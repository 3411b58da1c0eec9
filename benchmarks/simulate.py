"""Benchmark: run examples/national-2026.yaml with one replicate (all contract sets), and the
regional example with many replicates, printing wall time per stage and peak memory.

Run: .venv/bin/python benchmarks/simulate.py [--national-replicates 1] [--regional-replicates 200]
       [--skip-national] [--skip-regional] [--workers N]
Each run is a fresh child process (with its own worker processes when --workers > 1, default:
the cores this process may use). Peak memory is the largest sum of the resident memory of that
process and its workers, sampled every 0.1 s. Stage times are summed over the workers (so with 2 workers
they add up to about twice the wall time). CPU: user + system seconds of the child and its
workers (``getrusage`` of the reaped children): on a shared machine the wall time includes
waiting for a core, the CPU seconds less so.
Targets (issue 19): national, one replicate, all contract sets, <= 30 s and <= 6 GiB (issue 6:
200 regional replicates <= 5 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from passend.db import available_cpus

ROOT = Path(__file__).resolve().parent.parent


def one(scenario: Path, replicates: int, workers: int) -> None:
    from passend.catalogue.loader import load_catalogue
    from passend.scenarios.run import simulate
    from passend.scenarios.schema import load_scenario

    cat = load_catalogue()
    ls = load_scenario(scenario, cat)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = simulate(cat, ls, Path(tmp), replicates, workers=workers)
        wall = time.perf_counter() - t0
    print(json.dumps({"wall_s": wall, "stages_s": res.timings}))


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            pages = int(Path(f"/proc/{d}/statm").read_text().split()[1])
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(scenario: str, replicates: int, workers: int) -> None:
    cmd = [sys.executable, __file__, "--one", str(ROOT / scenario), "--n", str(replicates)]
    cmd += ["--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, stderr = proc.communicate()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(f"{scenario}: FAILED\n{stderr[-2000:]}")
        return
    r = json.loads(stdout.strip().splitlines()[-1])
    r["peak_gib"] = peak[0] / 1024**3
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages_s"].items())
    print(
        f"{scenario}, {replicates} replicate(s): {r['wall_s']:.1f} s "
        f"({r['wall_s'] / replicates:.1f} s per replicate), {workers} worker(s), "
        f"peak {r['peak_gib']:.2f} GiB (all processes), {cpu:.1f} s CPU (user + system, all "
        "processes)"
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
    ap.add_argument("--workers", type=int, default=available_cpus())
    args = ap.parse_args()
    if args.one:
        one(Path(args.one), args.n, args.workers)
        return
    if not args.skip_national:
        run("examples/national-2026.yaml", args.national_replicates, args.workers)
    if not args.skip_regional:
        run("examples/zuid-gelderland-pzt.yaml", args.regional_replicates, args.workers)


if __name__ == "__main__":
    main()
