"""Benchmark: replicates as a key (issue 19, point 4). ``passend simulate
examples/zuid-gelderland-pzt.yaml`` with 1 and with 50 replicates, each a whole process (the
CLI: start-up, loading, all steps, writing the results; no report), back to back; prints both
wall times, the ratio (target: 50 replicates <= 4x one) and each run's peak memory (the
process and its workers, sampled every 0.1 s), peak disk use of its work folder (the
replicates' populations and claims in the temporary folder, sampled every second) and stage
times (run.json); first the machine (lscpu's model name, cores), the date and the load.

Run: .venv/bin/python benchmarks/replicates.py [--replicates 50] [--many 1000] [--workers N]
       [--batch N] [--no-one]
``--many N`` adds a run of N replicates (1,000: bounded memory and disk, its time for the
README; it takes a while). ``--no-one`` skips the run of one replicate (and the ratio). ``--batch`` sets PASSEND_REPLICATE_BATCH (1: each replicate settled alone, as
before batching), else the batch is sized to the memory at hand (``scenarios.run.batch_size``).
"""

from __future__ import annotations

import argparse
import contextlib
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


def _disk(folder: Path) -> int:
    """Bytes of the files under ``folder`` (allocated blocks; files that vanish while walked
    are skipped)."""
    total = 0
    for root, _, files in os.walk(folder):
        for f in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, f)).st_blocks * 512
    return total


def run(replicates: int, workers: int | None, env: dict[str, str]) -> tuple[float, int, int, dict]:
    """Wall time, peak resident bytes, peak bytes of the work folder (the run's TMPDIR) and
    stage times of one ``passend simulate``."""
    with tempfile.TemporaryDirectory(prefix="passend-bench-") as tmp:
        out, work = Path(tmp) / "out", Path(tmp) / "work"
        work.mkdir()
        cmd = [sys.executable, "-m", "passend.cli", "simulate", str(SCENARIO), "--out", str(out)]
        cmd += ["--replicates", str(replicates), "--no-report"]
        if workers is not None:
            cmd += ["--workers", str(workers)]
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env={**env, "TMPDIR": str(work)}, stdout=subprocess.DEVNULL)
        peak = disk = 0
        tick = 0
        while p.poll() is None:
            peak = max(peak, _rss_tree(p.pid))
            if tick % 10 == 0:
                disk = max(disk, _disk(work))
            tick += 1
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise SystemExit(f"simulate --replicates {replicates} failed: {p.returncode}")
        stages = json.loads((out / "run.json").read_text())["timings_s"]
    return wall, peak, disk, stages


def machine() -> str:
    """The CPU model (lscpu), the cores, the date (UTC) and the load (uptime)."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in subprocess.run(
                ["lscpu"], capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Model name")
        ),
        "?",
    )
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"{model}, {os.cpu_count()} cores; {when}; {load}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=50)
    ap.add_argument("--many", type=int, default=0, help="also this many replicates (e.g. 1000)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None, help="PASSEND_REPLICATE_BATCH")
    ap.add_argument("--no-one", action="store_true", help="skip the run of one replicate")
    a = ap.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    if a.batch is not None:
        env["PASSEND_REPLICATE_BATCH"] = str(a.batch)
    print(machine(), flush=True)
    times = {}
    for n in (*([] if a.no_one else [1]), a.replicates, *([a.many] if a.many else [])):
        wall, peak, disk, stages = run(n, a.workers, env)
        times[n] = wall
        per = f", {wall / n:.2f} s per replicate"
        if 1 in times and n > 1:
            per += f", {(wall - times[1]) / (n - 1):.2f} s per replicate more than one"
        mem = f"peak {peak / 2**20:6.0f} MiB, disk {disk / 2**20:6.0f} MiB"
        print(f"{n:5d} replicates: {wall:7.1f} s, {mem}{per}; {stages}", flush=True)
    if 1 in times:
        ratio = times[a.replicates] / times[1]
        print(f"ratio {a.replicates} / 1 replicates: {ratio:.2f}x (target <= 4x)")
    print(machine())


if __name__ == "__main__":
    main()
