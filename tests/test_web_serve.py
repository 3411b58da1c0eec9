"""``passend serve`` as a user starts it: it answers on the loopback interface, prints an admin
token at first start only (stored hashed), and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from passend.tokens import TokenStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data: Path) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "passend.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if httpx.get(base + "/api/v1/catalogue", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("passend serve did not answer within 60 s")


def _stop(proc: subprocess.Popen[str]) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


def test_serve_answers_and_prints_the_admin_token_once(tmp_path: Path) -> None:
    proc, base = _serve(tmp_path)
    try:
        r = httpx.get(base + "/wegwijzer", timeout=10)
        assert r.status_code == 200 and "Wegwijzer" in r.text
    finally:
        first = _stop(proc)
    (token,) = [line for line in first.splitlines() if line.startswith("psd_")]
    assert TokenStore(tmp_path).verify(token) is not None
    assert token not in (tmp_path / "tokens.json").read_text()
    proc, _ = _serve(tmp_path)
    second = _stop(proc)
    assert "psd_" not in second
