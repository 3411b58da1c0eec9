"""The store of runs beside the server (passend.jobs): a small scenario through the pool gives
what the plain run gives; uploads are checked before anything is queued (file, line, field;
references outside the run refused); a restart marks interrupted runs failed; the per-client
limit; run ids and result names never become arbitrary paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from passend import jobs
from passend.catalogue.loader import Catalogue, CatalogueError
from passend.jobs import JobStore, RunState
from passend.scenarios.run import run_scenario

SCENARIO = """\
id: test-jobs
name: {nl: "Klein testscenario", en: "Small test scenario"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.02}
intervention:
  name: {nl: "Minder SEH", en: "Less ED"}
  effects:
    rate_multipliers: {ed_visit_only: 0.5, admission_via_ed: 0.5}
    odds_home: 2.0
contract_sets: [pxq]
"""


@pytest.fixture
def store(tmp_path: Path, cat: Catalogue):
    s = JobStore(tmp_path / "data", cat, max_workers=1, per_client=1)
    yield s
    s.shutdown()


def test_a_run_through_the_pool_gives_the_plain_run(
    store: JobStore, cat: Catalogue, tmp_path: Path
) -> None:
    st = store.submit(SCENARIO, client="a", lang="en", filename="small.yaml")
    assert (st.status, st.done, st.total, st.kind, st.name, st.client, st.imported) == (
        "queued",
        0,
        3,
        "scenario",
        "test-jobs",
        "a",
        False,
    )
    with pytest.raises(jobs.TooManyRuns):  # per_client=1 and the first is queued or running
        store.submit(SCENARIO, client="a")
    with pytest.raises(jobs.NotFinished):
        store.tables(st.id)
    done = store.wait(st.id, timeout=120)
    assert done.status == "done", done.error
    assert (done.done, done.total) == (3, 3)  # one replicate: two populations, one set
    assert done.started and done.finished and done.timings["run_s"] > 0
    assert {"population", "claims", "settlement"} <= set(done.timings)
    assert store.list_runs("a", active=True) == []
    assert [r.id for r in store.list_runs()] == [st.id]
    run_dir = tmp_path / "data" / "runs" / st.id
    assert (run_dir / "input.yaml").read_text(encoding="utf-8") == SCENARIO
    on_disk = json.loads((run_dir / "state.json").read_text(encoding="utf-8"))
    assert on_disk["status"] == "done" and on_disk["progress"] == {"done": 3, "total": 3}
    assert set(store.tables(st.id)) == {"groups", "incentives", "outcomes", "wrong_pocket"}
    assert set(store.files(st.id)) == {"report", "summary", "run"}
    # the same file run plainly in a folder of its own: the same figures, byte for byte
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "input.yaml").write_text(SCENARIO, encoding="utf-8")
    seen: list[tuple[int, int]] = []
    res = run_scenario(
        cat,
        plain / "input.yaml",
        plain / "out",
        "en",
        report=False,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)] and res.report is None
    for name in ("summary.json", "groups.parquet", "outcomes.parquet", "incentives.parquet"):
        assert (plain / "out" / name).read_bytes() == (run_dir / "out" / name).read_bytes()
    assert "passend simulate input.yaml --out out" in store.file(st.id, "report").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "contract_sets: [pxq]",
            "contract_sets: [pxq]\ncolour: red",
            "up.yaml:11: colour: unknown",
        ),
        ("region: zuid-gelderland", "region: atlantis", "up.yaml: population.region: unknown"),
        (
            "contract_sets: [pxq]",
            "contract_sets: [pxq, ../../secret.yaml]",
            "up.yaml:10: contract_sets.1: '../../secret.yaml': an upload may name shipped ids",
        ),
        (
            "contract_sets: [pxq]",
            "contract_sets: [/etc/passwd]",
            "up.yaml:10: contract_sets.0: '/etc/passwd': not a shipped contract set",
        ),
        (
            "scale: 0.02}",
            "scale: 0.02, regions: /etc/regions.yaml}",
            "up.yaml:4: population.regions: '/etc/regions.yaml': an upload may name",
        ),
        (
            "odds_home: 2.0",
            "odds_home: &x 2.0\n    odds_preferred: *x",
            "up.yaml:9: (file): anchors",
        ),
        ("contract_sets: [pxq]", "contract_sets: [pxq}", "up.yaml:10: (file): YAML:"),
    ],
)
def test_a_bad_upload_is_refused_before_anything_is_queued(
    store: JobStore, old: str, new: str, where: str
) -> None:
    assert old in SCENARIO
    with pytest.raises((CatalogueError, ValueError)) as e:
        store.submit(SCENARIO.replace(old, new), client="a", filename="up.yaml")
    assert where in str(e.value)
    assert str(store.runs) not in str(e.value)  # the server's folders stay its own
    assert [p.name for p in store.runs.iterdir()] == [".lock"]


def test_limits_on_size_and_depth(tmp_path: Path, cat: Catalogue) -> None:
    with (
        JobStore(tmp_path / "d", cat, max_bytes=len(SCENARIO) - 1) as small,
        pytest.raises(jobs.TooLarge),
    ):
        small.submit(SCENARIO)
    deep = "a: " + "[" * 30 + "]" * 30 + "\n"
    with pytest.raises(CatalogueError, match="nested deeper than 20 levels"):
        jobs.check_yaml(deep.encode(), "x.yaml")
    with pytest.raises(CatalogueError, match="one YAML document per file"):
        jobs.check_yaml(b"a: 1\n---\nb: 2\n", "x.yaml")


def test_a_business_case_names_a_shipped_example_which_is_copied(
    store: JobStore, tmp_path: Path
) -> None:
    text = (jobs.EXAMPLES / "business-case-zuid-gelderland.yaml").read_text(encoding="utf-8")
    assert store.validate(text, "business_case") == "business-case-zuid-gelderland"
    bad = text.replace("scenario: zuid-gelderland-pzt.yaml", "scenario: ../../x/pzt.yaml")
    with pytest.raises(CatalogueError, match=r"bc.yaml:12: scenario: '../../x/pzt.yaml'"):
        store.validate(bad, "business_case", "bc.yaml")
    assert [p.name for p in store.runs.iterdir()] == [".lock"]


def _fake_run(store: JobStore, run_id: str, status: str, client: str = "a") -> Path:
    d = store.runs / run_id
    (d / "out").mkdir(parents=True)
    st = RunState(run_id, "scenario", status, 1, 3, "2026-01-01T00:00:00.000+00:00", client,
                  False, "test-jobs")  # fmt: skip
    jobs._write_state(d, st)
    return d


def test_a_restart_marks_interrupted_runs_failed_and_keeps_the_finished(
    tmp_path: Path, cat: Catalogue
) -> None:
    first = JobStore(tmp_path / "data", cat)
    with pytest.raises(jobs.StoreBusy):
        JobStore(tmp_path / "data", cat)  # one store per data folder
    _fake_run(first, "r" * 16, "running")
    _fake_run(first, "q" * 16, "queued")
    _fake_run(first, "d" * 16, "done")
    first.shutdown()  # the server stops without the runs' workers
    with pytest.raises(jobs.JobError, match="shut down"):
        first.submit(SCENARIO)
    again = JobStore(tmp_path / "data", cat)
    try:
        assert sorted(again.interrupted) == ["q" * 16, "r" * 16]
        for rid in ("q" * 16, "r" * 16):
            st = again.get(rid)
            assert st.status == "failed" and st.finished  # the error in the run's language
            assert st.error == "onderbroken: de server stopte voordat de run klaar was"
            assert jobs.INTERRUPTED == "interrupted: the server stopped before the run finished"
        assert again.get("d" * 16).status == "done"
        assert {r.status for r in again.list_runs()} == {"failed", "done"}
    finally:
        again.shutdown()


def test_the_per_client_limit_counts_queued_and_running(store: JobStore) -> None:
    _fake_run(store, "r" * 16, "running", client="a")
    with pytest.raises(jobs.TooManyRuns) as e:
        store.submit(SCENARIO, client="a")
    assert e.value.limit == 1
    bad = SCENARIO.replace("year: 2026", "year: 1800")
    with pytest.raises(CatalogueError, match=r"population\.year"):  # b is under its limit
        store.submit(bad, client="b")


def test_ids_and_result_names_are_never_paths(store: JobStore) -> None:
    rid = "d" * 16
    d = _fake_run(store, rid, "done")
    (d / "out" / "groups.parquet").write_bytes(b"PAR1")
    (d / "out" / "summary.json").write_text("{}")
    for bad in ("../x", "../../etc/passwd", "", "d" * 15 + "/", "d" * 17):
        with pytest.raises(jobs.BadRunId):
            store.get(bad)
    with pytest.raises(jobs.UnknownRun) as e:
        store.get("d" * 15 + "e")
    assert e.value.closest == [rid]
    assert store.table(rid, "groups") == d / "out" / "groups.parquet"
    for bad in ("../state", "summary", "groups.parquet", "/etc/passwd"):
        with pytest.raises(jobs.UnknownResult) as u:
            store.table(rid, bad)
        assert u.value.valid == ["groups"]
    with pytest.raises(jobs.UnknownResult):
        store.file(rid, "../input.yaml")


def test_a_failing_run_is_recorded_in_one_line(
    store: JobStore, cat: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker function in this process on a run whose file went bad after submission."""
    monkeypatch.chdir(tmp_path)  # execute works from the run's folder; restored after
    d = _fake_run(store, "f" * 16, "queued")
    (d / "input.yaml").write_text(SCENARIO + "colour: red\n", encoding="utf-8")
    st = jobs.execute(d, cat)
    assert st.status == "failed" and st.finished
    assert st.error == "input.yaml:11: colour: onbekend veld (niet in het schema)"  # its lang
    assert jobs.one_line(KeyError("x")) == "KeyError: 'x'"
    assert os.getcwd() == str(d.resolve())
