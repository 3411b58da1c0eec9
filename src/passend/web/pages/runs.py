"""The scenario and business-case pages (``/scenarios``, ``/businesscase``): start a run (one
of the shipped examples, or an uploaded YAML file; a POST form with its CSRF token), the list of
runs, and a run's own page (``/scenarios/{id}``): status and progress, refreshing while it is
queued or running (a meta refresh: no script), then the headline figures as the report shows
them, the report and the downloads (the API's ``/api/v1/runs/{id}/...``), or the one-line
error. The runs are the job store's (``passend.jobs``); the figures are formatted by the
reports' own functions, so the page and the report agree.

A shipped example scenario may run with another region, population scale or contract sets
picked on the form: the page writes the example's YAML document with those fields replaced
(``population.region``, ``population.scale``, ``contract_sets``; its lines stay where they are,
so an error's line points into the example) and submits it as an upload is submitted."""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from ruamel.yaml import YAML
from starlette.datastructures import FormData, UploadFile

from passend import jobs, messages
from passend.business_case.names import Names
from passend.catalogue.loader import Catalogue, CatalogueError, read_yaml_file
from passend.i18n import BUSINESS_CASE_LABELS, PAGE_LABELS, WORDS, euros, number, party, percent
from passend.web.api.deps import job_store, token_id
from passend.web.api.runs import BUSINESS_CASES, SCENARIOS, Kind, submit
from passend.web.pages.common import (
    PageError,
    catalogue,
    href,
    page_lang,
    page_router,
    render,
    require_csrf,
)

HEAVY_INHABITANTS = 2_000_000
"""An example whose population (inhabitants x scale) is larger than this is listed but not
offered: a national run takes minutes and gigabytes (``examples/national-2026.yaml``)."""
REFRESH_S = 2


def too_heavy(inhabitants: int | None) -> bool:
    """Whether a population of ``inhabitants`` (inhabitants x scale) is too heavy for the pages."""
    return (inhabitants or 0) > HEAVY_INHABITANTS


router = page_router()


@dataclass(frozen=True)
class Example:
    """A shipped example file as the picker shows it."""

    file: str
    name: str
    inhabitants: int | None
    doc: Any

    @property
    def heavy(self) -> bool:
        return too_heavy(self.inhabitants)


@dataclass(frozen=True)
class Picked:
    """What the form was sent with (shown again when it comes back with errors). The overrides
    (region, scale, contract sets; empty: the example's) apply to a shipped example only."""

    example: str = ""
    replicates: str = ""
    region: str = ""
    scale: str = ""
    sets: tuple[str, ...] = ()
    discount_rate: str = ""
    start_up: str = ""
    fte: tuple[tuple[str, str], ...] = ()
    """A business case's overrides: (role, planned FTE as typed), in the form's order."""

    @classmethod
    def of(cls, form: FormData) -> Picked:
        def text(k: str) -> str:
            return str(form.get(k) or "").strip()

        return cls(
            *(text(k) for k in ("example", "replicates", "region", "scale")),
            sets=tuple(str(v) for v in form.getlist("contract_set")),
            discount_rate=text("discount_rate"),
            start_up=text("start_up_eur"),
            fte=tuple(
                (k.removeprefix("fte_"), text(k)) for k in form if k.startswith("fte_") and text(k)
            ),
        )

    @property
    def scenario_overrides(self) -> bool:
        return bool(self.region or self.scale or self.sets)

    @property
    def business_case_overrides(self) -> bool:
        return bool(self.discount_rate or self.start_up or self.fte)

    @property
    def overrides(self) -> bool:
        return self.scenario_overrides or self.business_case_overrides

    def fte_of(self, role: str) -> str:
        return dict(self.fte).get(role, "")


@dataclass(frozen=True)
class RunPages:
    """The pages of one kind of run: where they live, their API and their labels."""

    api: Kind
    path: str
    title: str
    intro: str
    default: str
    """The example chosen when the page opens: the main demo (what ``make demo`` runs)."""

    @property
    def kind(self) -> str:
        return self.api.kind

    def api_path(self, run_id: str) -> str:
        return f"/api/v1{self.api.prefix}/{run_id}"


SCENARIO_PAGES = RunPages(
    SCENARIOS, "/scenarios", "scenarios_title", "scenarios_intro", "zuid-gelderland-pzt.yaml"
)
BUSINESS_CASE_PAGES = RunPages(
    BUSINESS_CASES, "/businesscase", "bc_title", "bc_intro", "business-case-zuid-gelderland.yaml"
)


# -- the examples ---------------------------------------------------------------------------


def _inhabitants(cat: Catalogue, population: Any) -> int | None:
    from passend.population.params import load_regions

    region = population.get("region") if hasattr(population, "get") else None
    regions = load_regions(cat)
    if region not in regions:
        return None
    return round(regions[region].inhabitants.value * float(population.get("scale", 1.0)))


def examples(
    kind: str, cat: Catalogue, lang: str, folder: Path | None = jobs.EXAMPLES
) -> list[Example]:
    """The shipped example files of ``kind`` (a scenario has a ``population``, a business case
    a ``scenario``), by name in ``lang``, with the population they simulate."""
    out = []
    for path in sorted(folder.glob("*.yaml")) if folder and folder.is_dir() else []:
        try:
            doc, _ = read_yaml_file(path)
        except CatalogueError:
            continue
        if not hasattr(doc, "get"):
            continue
        scenario = doc
        if kind == "business_case":
            if not isinstance(doc.get("scenario"), str) or not (folder / doc["scenario"]).is_file():
                continue
            scenario, _ = read_yaml_file(folder / doc["scenario"])
        elif "population" not in doc or "scenario" in doc:
            continue
        name = doc.get("name")
        text = name.get(lang) or name.get("nl") if hasattr(name, "get") else str(name or path.stem)
        out.append(
            Example(path.name, str(text), _inhabitants(cat, scenario.get("population")), doc)
        )
    return out


def _regions(cat: Catalogue, L: dict[str, str], lang: str) -> list[dict[str, str]]:
    """The regions a scenario's population may be drawn from, by name in ``lang``."""
    from passend.population.params import load_regions

    def text(r: Any) -> str:
        about = L["inhabitants_about"].format(n=number(r.inhabitants.value, lang))
        return f"{r.name.get(lang)} ({about})"

    return [{"value": rid, "text": text(r)} for rid, r in load_regions(cat).items()]


def _sets(lang: str, picked: Picked) -> list[dict[str, Any]]:
    """The shipped contract sets as checkboxes (the ids ``jobs`` accepts in an upload)."""
    from passend.settlement.contracts import shipped_set_names

    return [
        {"value": cid, "text": name, "checked": cid in picked.sets}
        for cid, name in shipped_set_names(lang).items()
    ]


def _scale(raw: str) -> float | None:
    """A number typed on the form (``0,02`` or ``0.02``), or None when it is not a finite
    number. Its range is the schema's (``population.scale``, ``discount_rate``, ...)."""
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _dump(doc: Any) -> bytes:
    """A round-trip YAML document as text, one line for each line it was read from."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue().encode("utf-8")


def _overridden(path: Path, picked: Picked, scale: float | None) -> Any:
    """The example scenario at ``path`` with the picked region, scale and contract sets."""
    doc, _ = read_yaml_file(path)
    population = doc["population"]
    if picked.region:
        population["region"] = picked.region
    if scale is not None:
        population["scale"] = scale
    if picked.sets:
        if isinstance(doc.get("contract_sets"), list):
            doc["contract_sets"][:] = list(picked.sets)  # in place: keeps its flow style
        else:
            doc["contract_sets"] = list(picked.sets)
    return doc


class _Refused(Exception):
    """A pick the form refuses before the job store sees it: the message it shows."""


def _adjusted(cat: Catalogue, path: Path, picked: Picked, lang: str) -> bytes:
    """The example at ``path`` with the overrides of ``picked``, as the text to submit; a scale
    that is no number, or a population too heavy for the pages, is refused."""
    L = PAGE_LABELS[lang]
    scale = _scale(picked.scale) if picked.scale else None
    if picked.scale and scale is None:
        raise _Refused(L["bad_scale"].format(value=picked.scale[:40]))
    doc = _overridden(path, picked, scale)
    n = _inhabitants(cat, doc["population"])
    if too_heavy(n):
        raise _Refused("population: " + L["heavy"].format(n=number(n, lang)))
    return _dump(doc)


def _bc_adjusted(path: Path, picked: Picked, lang: str) -> bytes:
    """The example business case at ``path`` with the typed discount rate, start-up cost and
    planned FTE per role; what is no number, or a role the example has not, is refused. The
    ranges are the business-case schema's (the job store checks the text as it checks a file)."""
    L = PAGE_LABELS[lang]
    doc, _ = read_yaml_file(path)

    def value(field: str, raw: str) -> float:
        v = _scale(raw)
        if v is None:
            raise _Refused(L["bad_number"].format(field=field, value=raw[:40]))
        return v

    if picked.discount_rate:
        doc["discount_rate"] = value("discount_rate", picked.discount_rate)
    if picked.start_up:
        doc["start_up_eur"] = value("start_up_eur", picked.start_up)
    roles = {r.get("role"): r for r in doc.get("roles") or []}
    for role, raw in picked.fte:
        if role not in roles:
            raise _Refused(L["role_absent"].format(role=role[:40], example=path.name))
        roles[role]["planned_fte"] = value(f"roles.{role}.planned_fte", raw)
    return _dump(doc)


def _bc_roles(found: list[Example], names: Names) -> list[dict[str, str]]:
    """The roles of the example business cases (in their order, each once), for the form."""
    seen: dict[str, str] = {}
    for e in found:
        for r in e.doc.get("roles") or []:
            seen.setdefault(str(r.get("role")), names.role(str(r.get("role"))))
    return [{"value": k, "text": v} for k, v in seen.items()]


def _option(e: Example, L: dict[str, str], lang: str) -> dict[str, Any]:
    n = number(e.inhabitants, lang) if e.inhabitants is not None else "?"
    note = L["heavy" if e.heavy else "inhabitants_about"].format(n=n)
    return {"value": e.file, "text": f"{e.name} ({note})", "disabled": e.heavy}


def _bc_inputs(e: Example, lang: str) -> dict[str, Any]:
    """What the picker shows of an example business case before it runs."""
    d = e.doc
    host = d.get("host") or {}
    rate = d.get("discount_rate")
    start_up = d.get("start_up_eur")
    return {
        "name": e.name,
        "file": e.file,
        "scenario": d.get("scenario"),
        "period": f"{d.get('first_year')}–{d.get('last_year')}",
        "host": party(str(host.get("provider_kind", "")), lang),
        "discount_rate": percent(float(rate), lang, 1) if rate is not None else "—",
        "start_up": euros(round(float(start_up) * 100), lang, 0) if start_up is not None else "—",
    }


# -- the runs --------------------------------------------------------------------------------


def _shown(request: Request, st: jobs.RunState) -> bool:
    return not st.imported or token_id(request) is not None


def _progress(st: jobs.RunState, L: dict[str, str]) -> dict[str, Any]:
    total = st.total or 0
    done = total if st.status == "done" and total else st.done
    return {
        "done": done,
        "total": total,
        "text": L["steps"].format(done=done, total=total or "?"),
    }


def _row(request: Request, pages: RunPages, st: jobs.RunState, L: dict[str, str]) -> dict[str, Any]:
    return {
        "id": st.id,
        "name": st.name,
        "href": href(request, f"{pages.path}/{st.id}"),
        "status": st.status,
        "status_text": L[f"status_{st.status}"],
        "progress": _progress(st, L),
        "created": st.created[:19].replace("T", " ") + " UTC",
    }


def _form_page(
    request: Request,
    pages: RunPages,
    status: int = 200,
    errors: list[str] = (),
    error_title: str | None = None,
    picked: Picked = Picked(),
) -> Response:
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    store = job_store(request)
    cat = catalogue(request)
    found = examples(pages.kind, cat, lang, store.examples)
    scenario = pages.kind == "scenario"
    runs = [
        _row(request, pages, st, L)
        for st in store.list_runs()
        if st.kind == pages.kind and _shown(request, st)
    ]
    return render(
        request,
        "runs/start.html.j2",
        status=status,
        page_title=L[pages.title],
        title=L[pages.title],
        intro=L[pages.intro],
        options=[_option(e, L, lang) for e in found],
        bc_examples=[_bc_inputs(e, lang) for e in found] if pages.kind == "business_case" else [],
        B=BUSINESS_CASE_LABELS[lang],
        chosen=picked.example or next((e.file for e in found if e.file == pages.default), ""),
        replicates=picked.replicates,
        regions=_regions(cat, L, lang) if scenario else [],
        sets=_sets(lang, picked) if scenario else [],
        bc_roles=[] if scenario else _bc_roles(found, Names(cat, lang)),
        picked=picked,
        errors=list(errors),
        error_title=error_title,
        runs=runs,
        run_page=False,
    )


async def _start(request: Request, pages: RunPages) -> Response:
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    store = job_store(request)
    form = await request.form()
    picked = Picked.of(form)
    chosen, raw_reps = picked.example, picked.replicates

    def again(status: int, errors: list[str], title: str | None = None) -> Response:
        return _form_page(request, pages, status, errors, title, picked)

    replicates = None
    if raw_reps:
        if not raw_reps.isdigit() or not 1 <= int(raw_reps) <= 10000:
            return again(422, [L["bad_replicates"]])
        replicates = int(raw_reps)
    upload = form.get("file")
    uploaded = isinstance(upload, UploadFile) and bool(upload.filename)
    wrong_kind = (
        picked.business_case_overrides if pages.kind == "scenario" else picked.scenario_overrides
    )
    if wrong_kind or (picked.overrides and (uploaded or not chosen)):
        return again(422, [L["overrides_example_only"]])
    if isinstance(upload, UploadFile) and uploaded:
        text = await upload.read()
        shown = PurePath(upload.filename.replace("\\", "/")).name[:100] or jobs.INPUT
    elif chosen:
        offered = {
            e.file: e for e in examples(pages.kind, catalogue(request), lang, store.examples)
        }
        if chosen not in offered or offered[chosen].heavy:
            return again(422, [L["bad_example"].format(value=chosen[:100])])
        assert store.examples is not None
        text, shown = (store.examples / chosen).read_bytes(), chosen
        if picked.overrides:
            try:
                if pages.kind == "scenario":
                    text = _adjusted(catalogue(request), store.examples / chosen, picked, lang)
                else:
                    text = _bc_adjusted(store.examples / chosen, picked, lang)
            except _Refused as e:
                return again(422, [str(e)])
    else:
        return again(422, [L["choose_input"]])
    try:
        st = submit(request, store, text, pages.kind, lang, replicates, shown)
    except CatalogueError as e:
        return again(422, [messages.issue_text(i, lang) for i in e.issues], L["invalid_upload"])
    except jobs.TooLarge as e:
        raise PageError(413, L["too_large"].format(size=e.size, limit=e.limit)) from None
    except jobs.TooManyRuns as e:
        raise PageError(429, L["too_many_runs"].format(limit=e.limit)) from None
    except jobs.TokenRequired:
        raise PageError(401, L["token_required"]) from None
    except jobs.JobError as e:
        raise PageError(503, L["unavailable"].format(detail=e)) from None
    except ValueError as e:
        return again(422, [messages.text(e, lang)], L["invalid_upload"])
    return RedirectResponse(href(request, f"{pages.path}/{st.id}"), status_code=303)


def _state(request: Request, pages: RunPages, run_id: str) -> jobs.RunState:
    L = PAGE_LABELS[page_lang(request)]
    try:
        st = job_store(request).get(run_id)
    except jobs.UnknownRun as e:
        links = [(c, href(request, f"{pages.path}/{c}")) for c in e.closest]
        message = L["unknown_run"].format(value=run_id[:40])
        raise PageError(404, message + (f" {L['closest']}:" if links else ""), links) from None
    if st.kind != pages.kind:
        raise PageError(404, L["unknown_run"].format(value=run_id))
    if not _shown(request, st):
        raise PageError(401, L["token_required"])
    return st


def _downloads(store: jobs.JobStore, pages: RunPages, run_id: str) -> list[dict[str, Any]]:
    base = pages.api_path(run_id)
    return [
        {
            "name": name,
            "links": [
                (label, f"{base}/results/{name}?format={fmt}")
                for fmt, label in (("csv", "CSV"), ("parquet", "Parquet"), ("xlsx", "Excel"))
            ],
        }
        for name in store.tables(run_id)
    ]


def _scenario_results(summary: dict[str, Any], lang: str) -> dict[str, Any]:
    from passend.scenarios.report import TEXT, headline_margins

    return {
        "heading": TEXT[lang]["headline_money"],
        "party": WORDS[lang]["party"],
        "sets": [c["name"][lang] for c in summary["contract_sets"]],
        "rows": headline_margins(summary, lang),
    }


def _business_case_results(bc: dict[str, Any], lang: str) -> dict[str, Any]:
    from passend.business_case import years
    from passend.business_case.report import TEXT, headline

    cards, year_rows, year_total = headline(bc, lang)
    t = TEXT[lang]
    return {
        "t": t,
        "cards": cards,
        "columns": [t[k] for k in ("cost", "revenue", "gap", "savings", "societal")],
        "year_rows": year_rows,
        "year_total": year_total,
        "year_notes": years.notes(bc, lang),  # which rules the years without reviewed ones use
        "inputs": bc.get("inputs") or [],
        "B": BUSINESS_CASE_LABELS[lang],
    }


def _run_page(request: Request, pages: RunPages, run_id: str) -> Response:
    lang = page_lang(request)
    L = PAGE_LABELS[lang]
    st = _state(request, pages, run_id)
    store = job_store(request)
    context: dict[str, Any] = {
        "run": _row(request, pages, st, L),
        "error": st.error,
        "refresh": REFRESH_S if st.status in jobs.ACTIVE else None,
        "back": href(request, pages.path),
        "results": None,
        "downloads": [],
        "files": [],
        "run_s": None,
        "report": None,
    }
    if st.status == "done":
        files = store.files(st.id)
        base = pages.api_path(st.id)
        labels = {"summary": "summary_file", "workbook": "workbook", "business_case": "bc_file"}
        context["report"] = f"{base}/report" if "report" in files else None
        context["files"] = [
            (L[labels[n]], f"{base}/{n}") for n in pages.api.files if n in files and n in labels
        ]
        context["downloads"] = _downloads(store, pages, st.id)
        context["run_s"] = L["seconds"].format(n=number(st.timings.get("run_s", 0), lang, 1))
        if pages.kind == "scenario" and "summary" in files:
            summary = json.loads(files["summary"].read_text(encoding="utf-8"))
            context["results"] = _scenario_results(summary, lang)
        elif "business_case" in files:
            bc = json.loads(files["business_case"].read_text(encoding="utf-8"))
            context["results"] = _business_case_results(bc, lang)
    title = L["run_title"].format(id=st.id)
    return render(
        request,
        "runs/run.html.j2",
        page_title=f"{st.name} · {title}",
        title=title,
        kind=pages.kind,
        **context,
    )


def _register(pages: RunPages) -> None:
    async def form(request: Request) -> Response:
        return _form_page(request, pages)

    async def start(request: Request, _: None = Depends(require_csrf)) -> Response:
        return await _start(request, pages)

    def run(run_id: str, request: Request) -> Response:
        return _run_page(request, pages, run_id)

    name = pages.kind
    router.get(pages.path, name=f"{name}_form")(form)
    router.post(pages.path, name=f"{name}_start")(start)
    router.get(pages.path + "/{run_id}", name=f"{name}_run")(run)


for _pages in (SCENARIO_PAGES, BUSINESS_CASE_PAGES):
    _register(_pages)
