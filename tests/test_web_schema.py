"""Schemathesis against /openapi.json: for generated input to every operation, no 5xx and
every response conforms to the schema (status codes, content types, bodies). Bounded: a few
dozen examples per operation. Starting runs is left to tests/test_web_runs.py (each valid one
would simulate a population)."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from passend.catalogue.loader import load_catalogue
from passend.web.app import create_app
from passend.web.settings import Settings

app = create_app(
    Settings(data_dir=Path("/nonexistent/passend-schema-test"), upload_limit=256 * 1024),
    load_catalogue(),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
    method="POST", path_regex="^/api/v1/(runs|business-cases)"
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
