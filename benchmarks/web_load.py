"""Load test of the web API on the loopback interface (issue 17): concurrent wegwijzer and
calculator requests for a fixed time; prints requests per second, p50/p99 latency per
endpoint, and the errors (any status other than 200, and failed connections).

Run: .venv/bin/python benchmarks/web_load.py [--seconds 60] [--concurrency 16]
It starts ``passend serve`` on 127.0.0.1 on a free port with a temporary data folder, waits
until it answers, runs the load, and stops the server (also on Ctrl-C or error): bounded in
time, in connections (``--concurrency``) and to this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent

REQUESTS = [
    (
        "wegwijzer",
        "GET",
        "/api/v1/wegwijzer",
        {"activity": "patz_meeting", "professional": "gp_palliative", "setting": "home"},
        None,
    ),
    (
        "wegwijzer",
        "GET",
        "/api/v1/wegwijzer",
        {
            "activity": "advance_care_planning",
            "professional": "medical_specialist",
            "specialty": "internal_medicine",
            "setting": "hospital",
            "year": 2025,
        },
        None,
    ),
    (
        "calc",
        "POST",
        "/api/v1/calc/shared-savings",
        None,
        {"benchmark": "1000000", "actual": "900000", "msr": "0.02", "sharing_rate": "0.5"},
    ),
    (
        "calc",
        "POST",
        "/api/v1/calc/revenue-cap",
        None,
        {"claimed": "1200000", "cap": "1000000", "terminal": "150000"},
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_ready(base: str, deadline: float) -> None:
    async with httpx.AsyncClient(base_url=base) as c:
        while time.monotonic() < deadline:
            try:
                if (await c.get("/api/v1/catalogue")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


async def load(base: str, seconds: float, concurrency: int) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(i: int, client: httpx.AsyncClient) -> None:
        n = i
        while time.monotonic() < stop:
            name, method, path, params, body = REQUESTS[n % len(REQUESTS)]
            n += 1
            t0 = time.perf_counter()
            try:
                r = await client.request(method, path, params=params, json=body)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.setdefault(name, []).append(time.perf_counter() - t0)
            if not ok:
                errors[name] = errors.get(name, 0) + 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(i, client) for i in range(concurrency)))
    return {"latencies": latencies, "errors": errors}  # type: ignore[return-value]


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "passend.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                data,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=ROOT,
        )
        try:
            asyncio.run(wait_ready(base, time.monotonic() + 60))
            t0 = time.perf_counter()
            res = asyncio.run(load(base, args.seconds, args.concurrency))
            wall = time.perf_counter() - t0
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    lat, err = res["latencies"], res["errors"]
    total = sum(len(v) for v in lat.values())
    print(
        f"{args.seconds:.0f} s, {args.concurrency} concurrent clients, one server process "
        f"(the client on the same {os.cpu_count()} cores): {total} requests, "
        f"{total / wall:.0f} per second"
    )
    for name, xs in sorted(lat.items()):
        print(
            f"  {name:10s} {len(xs):7d} requests  p50 {pct(xs, 50):7.1f} ms  "
            f"p99 {pct(xs, 99):7.1f} ms  errors {err.get(name, 0)}"
        )


if __name__ == "__main__":
    main()
