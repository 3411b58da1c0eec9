"""``passend wegwijzer``: how can this activity be paid? Payment titles, conditions,
bottlenecks and routes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from passend.catalogue.loader import YearError
from passend.cli import common
from passend.cli.common import ExtraOpt, JsonOpt, LangOpt, _lang, _print_json, fail, out
from passend.wegwijzer.navigator import Query, UnknownIdError, ask
from passend.wegwijzer.render import render_answer


def wegwijzer(
    activity: Annotated[
        str, typer.Option("--activity", "-a", help="Activity id, e.g. patz_meeting.")
    ],
    professional: Annotated[
        str, typer.Option("--professional", "-p", help="Professional id, e.g. gp_palliative.")
    ],
    specialty: Annotated[
        str | None, typer.Option(help="Specialty id of a medical specialist.")
    ] = None,
    setting: Annotated[str | None, typer.Option(help="Setting id, e.g. home or hospice.")] = None,
    year: Annotated[
        int | None, typer.Option(help="Year (default: the catalogue's default).")
    ] = None,
    json_: JsonOpt = False,
    lang: LangOpt = "nl",
    extra: ExtraOpt = None,
) -> None:
    """Hoe kan deze activiteit betaald worden? Betaaltitels, voorwaarden, knelpunten, routes."""
    lang = _lang(lang)
    cat = common._load(extra)
    try:
        answer = ask(cat, Query(activity, professional, specialty, setting, year), lang=lang)
    except UnknownIdError as e:
        fail(e)
    except YearError as e:
        fail(e.text(lang, "--year"))
    if json_:
        _print_json(answer)
    else:
        if answer["warning"]:
            out.print(Text(answer["warning"], style="bold yellow"))
        render_answer(answer, cat, out)
