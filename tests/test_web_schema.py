"""Schemathesis against /openapi.json: for generated input to every operation, no 5xx and
every response conforms to the schema (status codes, content types, bodies). Bounded: a few
dozen examples per operation. Starting runs is left to tests/test_web_runs.py (each valid one
would simulate a population); the run endpoints are probed with made-up ids."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from passend.catalogue.loader import load_catalogue
from passend.web.app import create_app
from passend.web.settings import Settings

app = create_app(
    Settings(data_dir=Path(tempfile.mkdtemp(prefix="passend-schema-")), upload_limit=256 * 1024),
    load_catalogue(),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
    method="POST", path_regex="^/api/v1/(runs|business-cases)"
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # a calculator's inputs have rules beyond their types (a rate between 0 and 1, shares
    # that match classes): a well-typed input may rightly be refused there, with a 422
    calc = case.path.startswith("/api/v1/calc/")
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if calc else None)
