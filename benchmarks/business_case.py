"""Benchmark: the business case of examples/business-case-zuid-gelderland.yaml with many
replicates of its scenario (issue 16: "the business case of a region with 200 replicates").

Run: .venv/bin/python benchmarks/business_case.py [--replicates 200] [--workers N]
Prints the wall time of the whole case (the scenario's simulation, the capacity, the years,
the break-even and the tornado, the JSON, the workbook and the report) and of its parts, and
the peak resident memory of this process and its workers (sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

from passend.db import available_cpus

ROOT = Path(__file__).resolve().parent.parent


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--workers", type=int, default=available_cpus())
    ap.add_argument(
        "--case", type=Path, default=ROOT / "examples/business-case-zuid-gelderland.yaml"
    )
    a = ap.parse_args()

    from passend.business_case import report, run, workbook
    from passend.business_case.schema import load_business_case
    from passend.catalogue.loader import load_catalogue

    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_tree(os.getpid()))
            time.sleep(0.1)

    threading.Thread(target=sample, daemon=True).start()
    cat = load_catalogue()
    lc = load_business_case(a.case, cat)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        bc = run.build(cat, lc, Path(tmp) / "work", a.replicates, workers=a.workers)
        t1 = time.perf_counter()
        run.write_json(bc, Path(tmp) / "business_case.json")
        workbook.write_workbook(bc, Path(tmp) / "business_case.xlsx", "nl", cat)
        report.write_report(bc, Path(tmp) / "report.html", "nl", cat)
        t2 = time.perf_counter()
    done.set()
    npv = bc["intervals"]["savings_cents"] if bc["intervals"] else None
    print(f"{a.case.name}, {a.replicates} replicate(s), {a.workers} worker(s)")
    print(f"  build (simulation, capacity, years, break-even, tornado): {t1 - t0:.1f} s")
    print(f"  JSON, workbook and report: {t2 - t1:.1f} s")
    print(f"  total {t2 - t0:.1f} s, peak {peak[0] / 2**30:.2f} GiB (this process and its workers)")
    print(f"  NPV EUR {bc['npv_cents'] / 100:,.0f}; savings intervals {npv}")


if __name__ == "__main__":
    main()
