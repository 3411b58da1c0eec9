"""``GET /api/v1/wegwijzer``: how can this activity be paid? Exactly the JSON of
``passend wegwijzer --json``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from passend.catalogue.loader import UnknownIdError, YearError
from passend.web.api.deps import Cat, Lang
from passend.web.errors import ApiError, unknown_id
from passend.wegwijzer.navigator import Query as Question
from passend.wegwijzer.navigator import ask

router = APIRouter(tags=["wegwijzer"])


@router.get("/wegwijzer", summary="Hoe kan deze activiteit betaald worden?")
def wegwijzer(
    cat: Cat,
    activity: Annotated[str, Query(description="Activity id, e.g. patz_meeting.")],
    professional: Annotated[str, Query(description="Professional id, e.g. gp_palliative.")],
    specialty: Annotated[
        str | None, Query(description="Specialty of a medical specialist.")
    ] = None,
    setting: Annotated[str | None, Query(description="Setting id, e.g. home or hospice.")] = None,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Year (default: the catalogue's).")
    ] = None,
    lang: Lang = "nl",
) -> dict[str, Any]:
    """The payment titles, conditions, bottlenecks and routes for one activity of one
    professional (in a setting, in a year)."""
    try:
        return ask(cat, Question(activity, professional, specialty, setting, year), lang=lang)
    except UnknownIdError as e:
        raise unknown_id(e) from None
    except YearError as e:
        raise ApiError(422, "year_not_reviewed", e.text(lang), "year") from None
