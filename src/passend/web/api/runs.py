"""``/api/v1/runs`` and ``/api/v1/business-cases``: start a scenario or a business case (its
YAML or JSON as the body; 202 with the run's id), follow its status and progress, read its
results (tables as JSON, CSV, Parquet or Excel; the report; a business case's workbook). The
runs execute in the job store's worker pool (``passend.jobs``); their state is on disk."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from passend import export, jobs
from passend.catalogue.loader import CatalogueError
from passend.web.api.deps import Lang, client_key, job_store, token_id
from passend.web.errors import ApiError, invalid_file
from passend.web.security import REPORT_CSP

# a body a cross-site form cannot send (so the API needs no CSRF token)
BODY_TYPES = {
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "application/json",
}
RunId = Annotated[str, Path(description="The run's id.", max_length=64)]
Format = Literal["json", "csv", "parquet", "xlsx"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def public(state: jobs.RunState) -> dict[str, Any]:
    """A run's state as the API shows it: without the client key (an address or a token id)."""
    d = state.to_json()
    d.pop("client", None)
    return d


def job_error(e: jobs.JobError) -> ApiError:
    """The job store's refusals as HTTP."""
    if isinstance(e, jobs.UnknownRun):
        return ApiError(404, "unknown_id", str(e), "run_id")
    if isinstance(e, jobs.UnknownResult):
        return ApiError(404, "unknown_id", str(e), "name")
    if isinstance(e, jobs.TooLarge):
        return ApiError(413, "too_large", str(e))
    if isinstance(e, jobs.TooManyRuns):
        return ApiError(429, "too_many_runs", str(e))
    if isinstance(e, jobs.TokenRequired):
        return ApiError(401, "token_required", str(e))
    if isinstance(e, jobs.NotFinished):
        return ApiError(409, "not_finished", str(e), "run_id")
    return ApiError(503, "unavailable", str(e))


def submit(
    request: Request,
    store: jobs.JobStore,
    text: bytes,
    kind: str,
    lang: str,
    replicates: int | None,
    filename: str = jobs.INPUT,
) -> jobs.RunState:
    """Hand a run to the store for the client of ``request`` (its token or address; imported
    data only with a token). The API and the pages both start runs through here."""
    return store.submit(
        text,
        kind,
        client=client_key(request),
        lang=lang,
        replicates=replicates,
        allow_imported=token_id(request) is not None,
        filename=filename,
    )


def _check_body_type(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise ApiError(
            415,
            "unsupported",
            f"send the file as {', '.join(sorted(BODY_TYPES))}, not {media or 'nothing'!r}",
            "content-type",
        )


BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "The scenario or business case, as in the files of examples/ "
        "(docs/scenarios.md, docs/business-case.md).",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


class Kind:
    """The routes of one kind of run (``scenario`` at /runs, ``business_case`` at
    /business-cases); the files a finished run offers besides its tables."""

    def __init__(self, kind: str, prefix: str, files: tuple[str, ...]):
        self.kind, self.prefix, self.files = kind, prefix, files

    def state(self, store: jobs.JobStore, run_id: str, request: Request) -> jobs.RunState:
        try:
            st = store.get(run_id)
        except jobs.JobError as e:
            raise job_error(e) from None
        if st.kind != self.kind:
            raise ApiError(404, "unknown_id", f"no {self.kind} run {run_id!r}", "run_id")
        if st.imported and token_id(request) is None:
            raise ApiError(401, "token_required", "this run holds imported data: it needs a token")
        return st

    def router(self) -> APIRouter:
        r = APIRouter(prefix=self.prefix, tags=[self.prefix.strip("/")])
        what = "scenario" if self.kind == "scenario" else "business case"

        @r.post("", status_code=202, summary=f"Start a {what}", openapi_extra=BODY_DOC)
        async def start(
            request: Request,
            store: Annotated[jobs.JobStore, Depends(job_store)],
            lang: Lang = "nl",
            replicates: Annotated[int | None, Query(ge=1, le=10000)] = None,
        ) -> JSONResponse:
            _check_body_type(request)
            text = await request.body()
            try:
                st = submit(request, store, text, self.kind, lang, replicates)
            except jobs.JobError as e:
                raise job_error(e) from None
            except CatalogueError as e:
                raise invalid_file(e) from None
            except ValueError as e:
                text_ = str(e)
                field = text_.split(":", 1)[0] if ":" in text_ else None
                raise ApiError(422, "invalid", text_, field) from None
            url = f"/api/v1{self.prefix}/{st.id}"
            return JSONResponse(public(st), status_code=202, headers={"location": url})

        @r.get("", summary=f"The {what} runs, newest first")
        def index(
            request: Request, store: Annotated[jobs.JobStore, Depends(job_store)]
        ) -> list[dict[str, Any]]:
            shown = token_id(request) is not None
            return [
                public(s)
                for s in store.list_runs()
                if s.kind == self.kind and (shown or not s.imported)
            ]

        @r.get("/{run_id}", summary=f"One {what} run: status, progress, timings")
        def get(
            run_id: RunId, request: Request, store: Annotated[jobs.JobStore, Depends(job_store)]
        ) -> dict[str, Any]:
            st = self.state(store, run_id, request)
            d = public(st)
            if st.status == "done":
                base = f"/api/v1{self.prefix}/{st.id}"
                d["results"] = {n: f"{base}/results/{n}" for n in store.tables(st.id)}
                d["files"] = {n: f"{base}/{n}" for n in self.files if n in store.files(st.id)}
            return d

        @r.get("/{run_id}/results/{name}", summary="A result table")
        def result(
            run_id: RunId,
            name: Annotated[str, Path(max_length=64)],
            request: Request,
            store: Annotated[jobs.JobStore, Depends(job_store)],
            format: Format = "json",
            offset: Annotated[int, Query(ge=0)] = 0,
            limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
        ) -> Any:
            self.state(store, run_id, request)
            try:
                path = store.table(run_id, name)
            except jobs.JobError as e:
                raise job_error(e) from None
            return table_response(path, name, run_id, format, offset, limit)

        for file_name in self.files:
            r.get(f"/{{run_id}}/{file_name}", summary=f"The run's {file_name}")(
                self._file_route(file_name)
            )
        return r

    def _file_route(self, file_name: str) -> Any:
        def read(
            run_id: RunId, request: Request, store: Annotated[jobs.JobStore, Depends(job_store)]
        ) -> FileResponse:
            self.state(store, run_id, request)
            try:
                path = store.file(run_id, file_name)
            except jobs.JobError as e:
                raise job_error(e) from None
            return file_response(path, file_name, run_id)

        read.__name__ = f"{self.kind}_{file_name}"
        return read


def file_response(path: FilePath, name: str, run_id: str) -> FileResponse:
    if name == "report":
        return FileResponse(
            path, media_type="text/html", headers={"content-security-policy": REPORT_CSP}
        )
    media = MEDIA["xlsx"] if path.suffix == ".xlsx" else "application/json"
    return FileResponse(path, media_type=media, filename=f"{run_id}-{path.name}")


def table_response(
    path: FilePath, name: str, run_id: str, fmt: str, offset: int, limit: int
) -> Response:
    if fmt == "parquet":
        return FileResponse(path, media_type=MEDIA["parquet"], filename=f"{run_id}-{name}.parquet")
    table = export.read(path)
    if fmt == "json":
        return JSONResponse(export.records(table, offset, limit))
    disposition = {"content-disposition": f'attachment; filename="{run_id}-{name}.{fmt}"'}
    if fmt == "csv":
        return Response(export.csv_bytes(table), media_type=MEDIA["csv"], headers=disposition)
    try:
        data = export.xlsx_bytes(table, name)
    except ValueError as e:
        raise ApiError(422, "too_large_for_excel", str(e), "format") from None
    return Response(data, media_type=MEDIA["xlsx"], headers=disposition)


SCENARIOS = Kind("scenario", "/runs", ("report", "summary"))
BUSINESS_CASES = Kind("business_case", "/business-cases", ("report", "workbook", "business_case"))

router = APIRouter()
router.include_router(SCENARIOS.router())
router.include_router(BUSINESS_CASES.router())
