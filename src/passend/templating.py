"""The HTML pages' templates, plain (no web framework), so the web app and the offline files
of ``make demo`` render the same pages: the Jinja environment over ``web/templates`` (a folder
of data files, not imported code) and the stylesheets, the shared report look
(``scenarios/templates/report.css``) and the pages' additions (``web/static/passend.css``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from passend.i18n import euros

ROOT = Path(__file__).parent
TEMPLATES = ROOT / "web" / "templates"
REPORT_CSS = ROOT / "scenarios" / "templates" / "report.css"
PAGES_CSS = ROOT / "web" / "static" / "passend.css"
STYLESHEETS = {"report.css": REPORT_CSS, "passend.css": PAGES_CSS}
"""The stylesheets every page links, in order (served at ``/static/<name>``)."""


@cache
def environment() -> Environment:
    """The pages' Jinja environment: autoescaped, strict about missing names."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["euros"] = euros
    return env


def inline_css() -> Markup:
    """Both stylesheets as one text, for a self-contained offline page's ``<style>``."""
    return Markup("\n".join(p.read_text(encoding="utf-8") for p in STYLESHEETS.values()))


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
