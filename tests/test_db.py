"""The cores passend counts for its worker processes and threads (db.available_cpus): the CPU
affinity capped by a container's CPU quota, read from cgroup v1 or v2 files (here fakes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from passend import db


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)


@pytest.mark.parametrize(
    ("proc", "files", "expected"),
    [
        # cgroup v2, the process in the root group: 1.5 CPUs
        ("0::/\n", {"cpu.max": "150000 100000\n"}, 1.5),
        # cgroup v2 without a limit
        ("0::/\n", {"cpu.max": "max 100000\n"}, None),
        # cgroup v2, the process in a child group: that group's file counts
        (
            "0::/job/7\n",
            {"job/7/cpu.max": "400000 100000\n", "cpu.max": "max 100000\n"},
            4.0,
        ),
        # cgroup v1 (this machine's layout): -1 is no limit
        (
            "4:memory:/x\n1:cpu,cpuacct:/\n0::/\n",
            {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"},
            None,
        ),
        (
            "1:cpu,cpuacct:/\n",
            {"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"},
            0.5,
        ),
        # no cgroup files at all (another OS, or not mounted)
        ("", {}, None),
    ],
)
def test_cgroup_quota(tmp_path: Path, proc: str, files: dict[str, str], expected: float | None):
    root = tmp_path / "cgroup"
    root.mkdir()
    _write(root, files)
    (tmp_path / "self_cgroup").write_text(proc)
    assert db._cgroup_quota(root, tmp_path / "self_cgroup") == expected


@pytest.mark.parametrize(
    ("affinity", "quota", "expected"),
    [(8, None, 8), (8, 2.0, 2), (8, 2.5, 2), (2, 16.0, 2), (4, 0.5, 1)],
)
def test_available_cpus_is_the_affinity_capped_by_the_quota(
    monkeypatch: pytest.MonkeyPatch, affinity: int, quota: float | None, expected: int
) -> None:
    monkeypatch.setattr(db.os, "sched_getaffinity", lambda _pid: set(range(affinity)))
    monkeypatch.setattr(db, "_cgroup_quota", lambda: quota)
    assert db.available_cpus() == expected
