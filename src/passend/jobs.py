"""Runs of scenarios and business cases beside a server (issue 17): a store of runs on disk and
a pool of worker processes that execute them. Plain library: no web framework, no command
line; the web app calls it, and a restarted server finds every run where it left it.

On disk, under ``data_dir``::

    runs/.lock               held (flock) by the one store that owns the folder
    runs/<id>/input.yaml     the submitted text, byte for byte
    runs/<id>/<name>.yaml    the shipped example files the input names (copied, see below)
    runs/<id>/state.json     the run's state (``RunState.to_json``), replaced atomically
    runs/<id>/out/           what ``passend simulate`` / ``passend business-case`` writes there:
                             for a scenario the Parquet tables, summary.json, run.json,
                             settlements/ and report.html; for a business case
                             business_case.json, business_case.xlsx and report.html

``<id>`` is ``secrets.token_urlsafe(12)``: 16 characters of ``A-Z a-z 0-9 _ -``
(``RUN_ID``); anything else is refused before it comes near a path.

What an uploaded file may reference. A scenario names contract sets, a region file, cost
prices and provider costs; a business case names its scenario. An upload runs from its own
folder (the run folder, with the text as ``input.yaml``), so a relative name is looked up
there, as the command line looks next to the file. Allowed are the shipped ids (contract sets
``pxq``, ``current``, ...; the regions of the catalogue) and the shipped example files by
their bare name (``zuid-gelderland-pzt.yaml`` from ``examples/``), which are copied into the
run folder next to ``input.yaml`` (and what they name in turn, by the same rule). Every other
name (a path, ``..``, an absolute path, a file the server has not shipped) is refused at
submission with ``file:line: field: reason``. Anchors and aliases are refused too (they can
blow a small text up into a huge document), as are several documents in one text.

Runs that hold imported data (a population the user imported, ``population: {dir: ...}``,
issue 18) are refused unless the caller says the client may submit them (``allow_imported``:
the web app's token check, 401 without a token); synthetic scenarios are open. An imported
population lives on the server, put there by an admin (``passend population import --out
DATA/populations/<name>``, its claims ``passend claims import ... --out DATA/claims/<name>``);
an upload names it by its bare name only (``population: {dir: <name>}``, ``claims: {dir:
<name>}``), which is linked into the run folder (a symbolic link, not copied). A path, ``..``
or a name not under ``populations/`` (``claims/``) is refused like any other reference.
"""

from __future__ import annotations

import difflib
import fcntl
import json
import multiprocessing
import os
import re
import secrets
import shutil
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    NodeEvent,
)

from passend import db, messages
from passend.catalogue.loader import (
    Catalogue,
    CatalogueError,
    CatalogueIssue,
    line_of,
    load_catalogue,
    read_yaml_file,
)
from passend.messages import Message, text
from passend.scenarios.run import steps
from passend.scenarios.schema import LoadedScenario

KINDS = ("scenario", "business_case")
STATUSES = ("queued", "running", "done", "failed")
ACTIVE = ("queued", "running")
RUN_ID = re.compile(r"^[A-Za-z0-9_-]{16}$")
TABLE = re.compile(r"^[a-z0-9_]{1,64}$")
INPUT = "input.yaml"
STATE = "state.json"
OUT = "out"
INTERRUPTED = str(Message("run_interrupted"))
"""The error of a run the server stopped (in English; a state shows it in the run's language)."""
MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 100_000
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
"""The example files of the source tree (absent in an installed wheel: then none)."""
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.yaml$")
DATA_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
"""The bare name of an imported population or claims folder under the data folder."""
IMPORTED_DIRS = {"population": "populations", "claims": "claims"}
"""Where under the data folder the imported folders a scenario names by ``<key>.dir`` live."""
RESULT_FILES = {
    "report": "report.html",
    "summary": "summary.json",
    "run": "run.json",
    "business_case": "business_case.json",
    "workbook": "business_case.xlsx",
}
"""The files of ``out/`` that ``file()`` hands out, by name (those the run wrote)."""


class JobError(Exception):
    """A run could not be submitted or found; the subclasses say why (the API's status)."""


class UnknownRun(JobError, KeyError):
    """No run with this id (404); ``closest``: the ids that look like it."""

    def __init__(self, run_id: str, closest: list[str]):
        self.run_id, self.closest = run_id, closest
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown run {run_id!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class BadRunId(UnknownRun):
    """Not of the form of a run id (``RUN_ID``): never looked up on disk (404 or 422)."""

    def __init__(self, run_id: str):
        super().__init__(run_id, [])
        self.args = (f"not a run id: {run_id[:40]!r} (16 characters A-Z a-z 0-9 _ -)",)


class TooLarge(JobError, ValueError):
    """The submitted text is larger than the store's limit (413)."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(f"the file has {size} bytes; at most {limit} are accepted")


class TooManyRuns(JobError):
    """The client has ``limit`` runs queued or running already (429)."""

    def __init__(self, client: str, limit: int):
        self.client, self.limit = client, limit
        super().__init__(f"{limit} runs of this client are queued or running; wait for one")


NEEDS_TOKEN = "this run holds imported data: it needs a token"


class TokenRequired(JobError):
    """The run holds imported data and the caller may not submit such runs (401/403)."""


class NotFinished(JobError):
    """The run's results are asked for before it is done (409); ``status`` says where it is."""

    def __init__(self, run_id: str, status: str):
        self.run_id, self.status = run_id, status
        super().__init__(f"run {run_id} is {status}: its results are there once it is done")


class UnknownResult(JobError, KeyError):
    """No such table or file in the run's results (404); ``valid`` lists those there are."""

    def __init__(self, name: str, valid: list[str]):
        self.name, self.valid = name, valid
        super().__init__(f"no result {name[:64]!r}; there are: {', '.join(valid) or 'none'}")

    def __str__(self) -> str:
        return str(self.args[0])


class StoreBusy(JobError):
    """Another store (another server process) owns the data folder."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class RunState:
    """One run, as ``state.json`` holds it. Times are ISO 8601 in UTC; ``timings`` in seconds
    (``queued_s``, ``run_s`` and, for a scenario, the steps' totals of run.json); ``error``
    one line, never a traceback; ``client`` the key the per-client limit counts by;
    ``imported`` whether the run holds imported data; ``name`` the scenario's or business
    case's id."""

    id: str
    kind: str
    status: str
    done: int
    total: int | None
    created: str
    client: str
    imported: bool
    name: str
    lang: str = "nl"
    replicates: int | None = None
    started: str | None = None
    finished: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["progress"] = {"done": d.pop("done"), "total": d.pop("total")}
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunState:
        d = dict(d)
        p = d.pop("progress")
        return cls(**d, done=p["done"], total=p["total"])


def _write_state(run_dir: Path, state: RunState) -> None:
    """Write state.json atomically: a reader sees the old state or the new, never half."""
    tmp = run_dir / f".{STATE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(state.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, run_dir / STATE)


def _read_state(run_dir: Path) -> RunState:
    return RunState.from_json(json.loads((run_dir / STATE).read_text(encoding="utf-8")))


def one_line(e: BaseException, lang: str = "en") -> str:
    """An exception as the one line a state keeps, in the run's language: a file's first
    problem (and how many more), or the message's first line; the type's name when the
    message is empty."""
    if isinstance(e, CatalogueError) and e.issues:
        more = len(e.issues) - 1
        extra = text(Message("and_more", n=more), lang) if more else ""
        return f"{messages.issue_text(e.issues[0], lang)}{extra}"
    lines = text(e, lang).strip().splitlines()
    line = lines[0] if lines else type(e).__name__
    if not isinstance(e, ValueError | OSError | JobError):
        line = f"{type(e).__name__}: {line}"
    return line[:500]


# -- the worker: one run in a process of the pool ------------------------------------------

_CAT: Catalogue | None = None


def _init_worker(cat: Catalogue, threads: int) -> None:
    global _CAT
    _CAT = cat
    db.limit_threads(threads)


def execute(run_dir: Path, cat: Catalogue, workers: int = 1) -> RunState:
    """Run the run in ``run_dir`` (its state queued) from that folder, writing its state as
    it goes (running, progress, then done or failed with a one-line reason); returns the last
    state. Works in the calling process (it changes the working directory to the run's)."""
    from passend.business_case.run import run_business_case
    from passend.scenarios.run import run_scenario

    run_dir = Path(run_dir).resolve()
    state = replace(_read_state(run_dir), status="running", started=_now())
    _write_state(run_dir, state)
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        nonlocal state
        state = replace(state, done=done, total=total)
        _write_state(run_dir, state)

    os.chdir(run_dir)  # the paths the results show are the run's own: input.yaml, out
    try:
        if state.kind == "scenario":
            run_scenario(
                cat, Path(INPUT), Path(OUT), state.lang, state.replicates, True, workers, progress
            )
        else:
            run_business_case(
                cat, Path(INPUT), Path(OUT), state.lang, state.replicates, workers, progress
            )
    except Exception as e:  # every failure lands in the state, as one line
        state = replace(state, status="failed", error=one_line(e, state.lang))
    else:
        state = replace(state, status="done")
    timings = {"queued_s": _seconds(state.created, state.started)}
    timings["run_s"] = round(time.perf_counter() - t0, 3)
    run_json = run_dir / OUT / "run.json"
    if state.status == "done" and run_json.exists():
        timings.update(json.loads(run_json.read_text(encoding="utf-8"))["timings_s"])
    state = replace(state, finished=_now(), timings=timings)
    _write_state(run_dir, state)
    return state


def _seconds(a: str, b: str | None) -> float:
    if b is None:
        return 0.0
    return round((datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds(), 3)


def _work(run_dir: str, workers: int) -> str:
    assert _CAT is not None, "worker not initialised"
    return execute(Path(run_dir), _CAT, workers).status


# -- checking an upload ----------------------------------------------------------------------


def check_yaml(raw: bytes, shown: str, max_depth: int = MAX_DEPTH, nodes: int = MAX_NODES) -> None:
    """Refuse, before building any document, a text that is not UTF-8 YAML, or has more than
    one document, anchors or aliases, nesting deeper than ``max_depth`` or more than ``nodes``
    nodes: a CatalogueError with the line."""

    def issue(line: int | None, message: str) -> CatalogueError:
        return CatalogueError([CatalogueIssue(shown, line, "", message)])

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise issue(None, f"not UTF-8 text: {e.reason}") from None
    depth = count = documents = 0
    try:
        for ev in YAML(typ="rt").parse(text):
            line = ev.start_mark.line + 1 if ev.start_mark else None
            if isinstance(ev, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise issue(line, "one YAML document per file")
            if isinstance(ev, AliasEvent) or (isinstance(ev, NodeEvent) and ev.anchor):
                raise issue(line, "anchors and aliases (&, *) are not accepted in an upload")
            if isinstance(ev, NodeEvent):
                count += 1
                if count > nodes:
                    raise issue(line, f"more than {nodes} values")
            if isinstance(ev, CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    raise issue(line, f"nested deeper than {max_depth} levels")
            elif isinstance(ev, CollectionEndEvent):
                depth -= 1
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise issue(mark.line + 1 if mark else None, f"YAML: {e.problem or e.context}") from None
    except YAMLError as e:
        raise issue(None, f"YAML: {e}") from None


def holds_imported_data(ls: LoadedScenario) -> bool:
    """Whether the scenario's population is the user's own (imported) rather than generated:
    a ``population.dir`` (issue 18)."""
    return getattr(ls.s.population, "dir", None) is not None


def _shipped_contract_sets() -> list[str]:
    from passend.settlement.contracts import DATA

    return sorted(f.stem for f in DATA.glob("*.yaml"))


class _Upload:
    """The references of an upload in its staging folder, checked and the examples copied."""

    def __init__(
        self,
        folder: Path,
        examples: Path | None,
        shown: str,
        data_dir: Path | None = None,
        allow_imported: bool = False,
    ):
        self.folder = folder
        self.examples = examples.resolve() if examples and examples.is_dir() else None
        self.shown = shown
        self.data_dir = data_dir
        self.allow_imported = allow_imported
        self.issues: list[CatalogueIssue] = []

    def imported(self, doc: Any, key: str, path: Path) -> None:
        """Accept ``<key>.dir`` when it is the bare name of a folder under the data folder's
        ``IMPORTED_DIRS[key]``, linking it next to ``path``."""
        part = doc.get(key)
        value = part.get("dir") if hasattr(part, "get") else None
        if value is None:
            return
        if not self.allow_imported:  # before any lookup: the server's folders stay unnamed
            raise TokenRequired(NEEDS_TOKEN)
        loc = (key, "dir")
        where = IMPORTED_DIRS[key]
        root = self.data_dir / where if self.data_dir else None
        ok = isinstance(value, str) and DATA_NAME.match(value) and not value.endswith(".yaml")
        target = root / value if ok and root is not None else None
        if target is None or not target.is_dir() or (self.folder / value).exists():
            names = (
                sorted(p.name for p in root.iterdir() if p.is_dir())
                if root and root.is_dir()
                else []
            )
            self.issues.append(
                CatalogueIssue(
                    self.file_name(path),
                    line_of(doc, loc),
                    ".".join(loc),
                    f"{value!r}: an upload names an imported {key} by its bare name, one of "
                    f"the folders in {where}/ on the server ({', '.join(names) or 'none'}), "
                    "each once",
                )
            )
            return
        os.symlink(target.resolve(), self.folder / value, target_is_directory=True)

    def file_name(self, path: Path) -> str:
        return self.shown if path.name == INPUT else path.name

    def example(self, value: str, doc: Any, loc: tuple, path: Path) -> None:
        """Accept ``value`` when it names an example file, copying it next to ``path``."""
        names = sorted(p.name for p in self.examples.glob("*.yaml")) if self.examples else []
        ok = REFERENCE.match(value) and value != INPUT and value in names
        if not ok:
            allowed = ", ".join(names) or "none on this server"
            self.issues.append(
                CatalogueIssue(
                    self.file_name(path),
                    line_of(doc, loc),
                    ".".join(map(str, loc)),
                    f"{value!r}: an upload may name shipped ids and the example files "
                    f"({allowed}); other files are refused",
                )
            )
            return
        assert self.examples is not None
        target = self.folder / value
        if not target.exists():
            shutil.copyfile(self.examples / value, target)

    def scenario(self, path: Path) -> None:
        """The files a scenario at ``path`` names: contract sets (shipped ids or examples), its
        region file, cost prices, provider costs."""
        doc, _ = read_yaml_file(path)
        if not hasattr(doc, "get"):
            return  # the schema says what is wrong
        for key in IMPORTED_DIRS:
            self.imported(doc, key, path)
        refs: list[tuple[tuple, Any]] = []
        pop = doc.get("population")
        if hasattr(pop, "get") and pop.get("regions") is not None:
            refs.append((("population", "regions"), pop.get("regions")))
        for key in ("provider_costs", "cost_prices"):
            if doc.get(key) is not None:
                refs.append(((key,), doc.get(key)))
        shipped = _shipped_contract_sets()
        sets = doc.get("contract_sets")
        for i, c in enumerate(sets if isinstance(sets, list) else []):
            if isinstance(c, str) and not c.endswith(".yaml"):
                if c not in shipped:
                    self.issues.append(
                        CatalogueIssue(
                            self.file_name(path),
                            line_of(doc, ("contract_sets", i)),
                            f"contract_sets.{i}",
                            f"{c!r}: not a shipped contract set ({', '.join(shipped)})",
                        )
                    )
            else:
                refs.append((("contract_sets", i), c))
        for loc, value in refs:
            self.example(str(value), doc, loc, path)

    def business_case(self, path: Path) -> None:
        doc, _ = read_yaml_file(path)
        if hasattr(doc, "get") and isinstance(doc.get("scenario"), str):
            self.example(doc["scenario"], doc, ("scenario",), path)

    def raise_issues(self) -> None:
        if self.issues:
            raise CatalogueError(self.issues)


def _shown(e: Exception, folder: Path, shown: str) -> Exception:
    """``e`` with the staging folder's paths as the user knows them: the input by ``shown``,
    the copied examples by their names."""

    def name(text: str) -> str:
        return text.replace(str(folder / INPUT), shown).replace(f"{folder}/", "")

    if isinstance(e, CatalogueError):
        return CatalogueError(
            [replace(i, file=name(i.file), message=name(i.message)) for i in e.issues]
        )
    if isinstance(e, ValueError):
        return ValueError(name(str(e)))
    return e


# -- the store ---------------------------------------------------------------------------------


class JobStore:
    """The runs under ``data_dir/runs`` and the pool that executes them.

    ``max_workers`` runs at a time (processes, spawned), each with ``run_workers`` processes
    of its own for its steps (1: the pool is the parallelism); ``per_client`` runs queued or
    running per client key; uploads of at most ``max_bytes``, ``max_depth`` levels deep. On
    construction the runs a previous process left queued or running are marked failed
    (``INTERRUPTED``). One store per data folder (a lock file; ``StoreBusy`` otherwise)."""

    def __init__(
        self,
        data_dir: Path,
        cat: Catalogue | None = None,
        *,
        max_workers: int = 1,
        per_client: int = 2,
        max_bytes: int = MAX_BYTES,
        max_depth: int = MAX_DEPTH,
        run_workers: int = 1,
        examples: Path | None = EXAMPLES,
    ):
        self.runs = Path(data_dir).resolve() / "runs"
        self.runs.mkdir(parents=True, exist_ok=True)
        self._lock_file = (self.runs / ".lock").open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock_file.close()
            raise StoreBusy(f"{self.runs}: another passend process uses this folder") from None
        self.cat = cat if cat is not None else load_catalogue()
        self.max_workers, self.per_client, self.run_workers = max_workers, per_client, run_workers
        self.max_bytes, self.max_depth, self.examples = max_bytes, max_depth, examples
        self._lock = threading.Lock()
        self._futures: dict[str, Future] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self.interrupted = self._recover()

    # -- start and stop

    def _recover(self) -> list[str]:
        """Mark the runs a previous process left queued or running as failed; remove the
        staging folders of submissions it did not finish. Returns the ids marked."""
        marked = []
        for d in sorted(self.runs.iterdir()):
            if d.is_dir() and d.name.startswith(".new-"):
                shutil.rmtree(d, ignore_errors=True)
            elif RUN_ID.match(d.name) and (d / STATE).exists():
                st = _read_state(d)
                if st.status in ACTIVE:
                    error = text(Message("run_interrupted"), st.lang)
                    _write_state(d, replace(st, status="failed", error=error, finished=_now()))
                    marked.append(st.id)
        return marked

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            threads = max(1, db.available_cpus() // self.max_workers)
            self._pool = ProcessPoolExecutor(
                self.max_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.cat, threads),
            )
        return self._pool

    def shutdown(self, wait: bool = True) -> None:
        """Stop the pool: runs not started are marked failed (``INTERRUPTED``); with ``wait``
        the running ones finish first, else the next store marks them failed. Then the data
        folder is free for another store."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)
        if not self._lock_file.closed:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- submitting

    def submit(
        self,
        text: str | bytes,
        kind: str = "scenario",
        *,
        client: str = "anonymous",
        lang: str = "nl",
        replicates: int | None = None,
        allow_imported: bool = False,
        filename: str = INPUT,
    ) -> RunState:
        """Check ``text`` (a scenario or business case as YAML or JSON) and queue it; returns
        its state (queued). Nothing is queued or kept when it is refused: ``TooLarge``,
        ``TooManyRuns``, ``TokenRequired``, a CatalogueError (``filename:line: field: reason``)
        or a ValueError (a bad kind, language or value, naming the field)."""
        if lang not in ("nl", "en"):
            raise ValueError(f"lang: {lang!r}: nl or en")
        if replicates is not None and not 1 <= replicates <= 10000:
            raise ValueError("replicates: from 1 to 10000")
        if self._closed:
            raise JobError("the store is shut down")
        client = client[:200]
        self._limit(client)
        staging, name, imported, ls = self._stage(text, kind, filename, allow_imported)
        try:
            if imported and not allow_imported:
                raise TokenRequired(NEEDS_TOKEN)
            if imported and (replicates or 1) > 1:
                from passend.scenarios.run import IMPORTED_ONE_REPLICATE

                raise ValueError("replicates: " + IMPORTED_ONE_REPLICATE.format(n=replicates))
            with self._lock:
                self._limit(client)
                run_id = staging.name.removeprefix(".new-")
                state = RunState(
                    run_id, kind, "queued", 0, steps(ls, replicates), _now(), client, imported, name, lang,
                    replicates,
                )  # fmt: skip
                _write_state(staging, state)
                (staging / OUT).mkdir()
                os.rename(staging, self.runs / run_id)
                fut = self._executor().submit(_work, str(self.runs / run_id), self.run_workers)
                self._futures[run_id] = fut
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        fut.add_done_callback(partial(self._ended, run_id))
        return state

    def validate(
        self,
        text: str | bytes,
        kind: str = "scenario",
        filename: str = INPUT,
        allow_imported: bool = False,
    ) -> str:
        """Check ``text`` as ``submit`` does, without queueing it; returns the scenario's or
        business case's id. The same exceptions."""
        staging, name, _, _ = self._stage(text, kind, filename, allow_imported)
        shutil.rmtree(staging, ignore_errors=True)
        return name

    def _limit(self, client: str) -> None:
        if self.per_client and len(self.list_runs(client, active=True)) >= self.per_client:
            raise TooManyRuns(client, self.per_client)

    def _stage(
        self, text: str | bytes, kind: str, shown: str, allow_imported: bool = False
    ) -> tuple[Path, str, bool, LoadedScenario]:
        """The upload checked in a staging folder of its own (``.new-<id>``, which no listing
        sees); returns the folder, the upload's id, whether it holds imported data and the
        scenario that will run."""
        if kind not in KINDS:
            raise ValueError(f"kind: {kind!r}: one of {', '.join(KINDS)}")
        raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        if len(raw) > self.max_bytes:
            raise TooLarge(len(raw), self.max_bytes)
        check_yaml(raw, shown, self.max_depth)
        staging = self.runs / f".new-{secrets.token_urlsafe(12)}"
        staging.mkdir()
        try:
            name, ls = self._accept(staging, raw, kind, shown, allow_imported)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return staging, name, holds_imported_data(ls), ls

    def _accept(
        self, folder: Path, raw: bytes, kind: str, shown: str, allow_imported: bool = False
    ) -> tuple[str, LoadedScenario]:
        """Write the upload to ``folder`` with the examples it names and load it as the run
        will; returns its id and the scenario that will run."""
        from passend.business_case.run import _scenario_with_sets
        from passend.business_case.schema import load_business_case
        from passend.scenarios.run import checked_inputs
        from passend.scenarios.schema import load_scenario

        path = folder / INPUT
        path.write_bytes(raw)
        up = _Upload(folder, self.examples, shown, self.runs.parent, allow_imported)
        try:
            if kind == "business_case":
                up.business_case(path)
                up.raise_issues()
                lc = load_business_case(path, self.cat)
                ls, name = lc.scenario, lc.bc.id
                up.scenario(ls.path)
                ls = _scenario_with_sets(lc)
            else:
                up.scenario(path)
                up.raise_issues()
                ls = load_scenario(path, self.cat)
                name = ls.s.id
            up.raise_issues()
            checked_inputs(self.cat, ls)
        except (CatalogueError, ValueError) as e:
            raise _shown(e, folder, shown) from None
        return name, ls

    def _ended(self, run_id: str, fut: Future) -> None:
        """A run's future ended: when its worker could not record the end (cancelled at
        shutdown, the process died), record it here."""
        with self._lock:
            self._futures.pop(run_id, None)
        d = self.runs / run_id
        if fut.cancelled():
            error = Message("run_interrupted")
        elif (exc := fut.exception()) is not None:
            if isinstance(exc, BrokenProcessPool):
                with self._lock:
                    self._pool = None  # the next submission starts a new pool
                error = Message("worker_stopped")
            else:
                error = exc
        else:
            return
        st = _read_state(d)
        error = (
            one_line(error, st.lang) if isinstance(error, BaseException) else text(error, st.lang)
        )
        if st.status in ACTIVE:
            _write_state(d, replace(st, status="failed", error=error, finished=_now()))

    # -- looking up

    def _dir(self, run_id: str) -> Path:
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            raise BadRunId(str(run_id))
        d = self.runs / run_id
        if not (d / STATE).exists():
            ids = [p.name for p in self.runs.iterdir() if RUN_ID.match(p.name)]
            raise UnknownRun(run_id, difflib.get_close_matches(run_id, ids, n=3))
        return d

    def get(self, run_id: str) -> RunState:
        """The run's state; ``BadRunId`` or ``UnknownRun``."""
        return _read_state(self._dir(run_id))

    def list_runs(self, client: str | None = None, active: bool = False) -> list[RunState]:
        """All runs (of ``client``; only queued and running with ``active``), newest first."""
        out = []
        for d in self.runs.iterdir():
            if RUN_ID.match(d.name) and (d / STATE).exists():
                st = _read_state(d)
                if (client is None or st.client == client) and (not active or st.status in ACTIVE):
                    out.append(st)
        return sorted(out, key=lambda s: (s.created, s.id), reverse=True)

    def wait(self, run_id: str, timeout: float = 600, poll: float = 0.1) -> RunState:
        """The run's state once it is done or failed; TimeoutError after ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while (st := self.get(run_id)).status in ACTIVE:
            if time.monotonic() > end:
                raise TimeoutError(f"run {run_id} still {st.status} after {timeout} s")
            time.sleep(poll)
        return st

    def _out(self, run_id: str) -> Path:
        st = self.get(run_id)
        if st.status != "done":
            raise NotFinished(run_id, st.status)
        return self.runs / run_id / OUT

    def tables(self, run_id: str) -> dict[str, Path]:
        """The result tables the run wrote (``out/<name>.parquet``), by name; NotFinished
        before it is done."""
        out = self._out(run_id)
        return {p.stem: p for p in sorted(out.glob("*.parquet")) if TABLE.match(p.stem)}

    def table(self, run_id: str, name: str) -> Path:
        """The Parquet file of the result table ``name``; UnknownResult lists the others."""
        tables = self.tables(run_id)
        if name not in tables:
            raise UnknownResult(name, sorted(tables))
        return tables[name]

    def files(self, run_id: str) -> dict[str, Path]:
        """The result files the run wrote, by the names of ``RESULT_FILES`` (report, summary,
        run, business_case, workbook)."""
        out = self._out(run_id)
        return {k: out / f for k, f in RESULT_FILES.items() if (out / f).is_file()}

    def file(self, run_id: str, name: str) -> Path:
        files = self.files(run_id)
        if name not in files:
            raise UnknownResult(name, sorted(files))
        return files[name]

    def input(self, run_id: str) -> bytes:
        """The text that was submitted."""
        return (self._dir(run_id) / INPUT).read_bytes()


__all__ = [
    "ACTIVE",
    "INTERRUPTED",
    "KINDS",
    "RUN_ID",
    "STATUSES",
    "BadRunId",
    "JobError",
    "JobStore",
    "NotFinished",
    "RunState",
    "StoreBusy",
    "TokenRequired",
    "TooLarge",
    "TooManyRuns",
    "UnknownResult",
    "UnknownRun",
    "check_yaml",
    "execute",
    "holds_imported_data",
    "one_line",
]
