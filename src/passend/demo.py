"""The wegwijzer part of ``make demo``: real questions of network coordinators (seed 000) and
the answers as JSON, text and HTML. The main job of the demo, the simulation of
examples/zuid-gelderland-pzt.yaml, is ``passend.cli.simulate.run_scenario``."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from passend.catalogue.loader import Catalogue
from passend.wegwijzer.html import render_static
from passend.wegwijzer.navigator import Query, ask
from passend.wegwijzer.render import render_answer

# (slug, question in Dutch, question in English, query) -- each from seed 000 or seed 002.
QUESTIONS: list[tuple[str, str, str, Query]] = [
    (
        "patz",
        "Hoe kan PaTz gefinancierd worden?",
        "How can PaTz be paid for?",
        Query("patz_meeting", "gp_palliative", setting="home", year=2026),
    ),
    (
        "kaderhuisarts-consultatie",
        "Hoe wordt de kaderhuisarts betaald die in een complexe situatie wordt geconsulteerd?",
        "How is a kaderhuisarts paid when consulted in a complex situation?",
        Query("palliative_consultation", "gp_palliative", setting="home", year=2026),
    ),
    (
        "terminale-zorg-huisarts",
        "Hoe declareert de huisarts palliatief terminale zorg thuis?",
        "How does the GP claim terminal care at home?",
        Query("terminal_care", "gp", setting="home", year=2026),
    ),
    (
        "pzp-verpleegkundige",
        "Onder welke prestaties valt proactieve zorgplanning door de verpleegkundige?",
        "Which titles cover advance care planning by the nurse?",
        Query("advance_care_planning", "palliative_nurse", setting="home", year=2026),
    ),
    (
        "pzp-ziekenhuis-2024",
        "Kan de medisch specialist in 2024 proactieve zorgplanning declareren?",
        "Can the medical specialist claim advance care planning in 2024?",
        Query(
            "advance_care_planning",
            "medical_specialist",
            specialty="internal_medicine",
            setting="hospital",
            year=2024,
        ),
    ),
    (
        "pzp-ziekenhuis-2025",
        "En in 2025?",
        "And in 2025?",
        Query(
            "advance_care_planning",
            "medical_specialist",
            specialty="internal_medicine",
            setting="hospital",
            year=2025,
        ),
    ),
    (
        "dbc-cardioloog",
        "Mag de cardioloog de DBC palliatieve zorg openen?",
        "May the cardiologist open the DBC palliatieve zorg?",
        Query(
            "hospital_palliative_care",
            "medical_specialist",
            specialty="cardiology",
            setting="hospital",
            year=2026,
        ),
    ),
    (
        "dbc-specialist-ouderengeneeskunde",
        "Mag de specialist ouderengeneeskunde de DBC palliatieve zorg openen?",
        "May the elderly-care physician open the DBC palliatieve zorg?",
        Query("hospital_palliative_care", "elderly_care_physician", setting="hospital", year=2026),
    ),
    (
        "hospice-wijkverpleging",
        "Hoe wordt wijkverpleging in een hospice betaald (2026)?",
        "How is district nursing in a hospice paid (2026)?",
        Query("personal_care", "district_nurse", setting="hospice", year=2026),
    ),
    (
        "transmuraal-team-beschikbaarheid",
        "Hoe betalen we de 24/7 beschikbaarheid van een transmuraal team?",
        "How do we pay for the 24/7 availability of a transmural team?",
        Query("team_availability", "palliative_nurse", year=2026),
    ),
    (
        "meedenkadvies-2026",
        "Kan de huisarts in 2026 een meedenkadvies declareren?",
        "Can the GP claim an advice consultation in 2026?",
        Query("advice_consult", "gp", setting="home", year=2026),
    ),
]


def run_demo(cat: Catalogue, out_dir: Path, lang: str = "nl") -> Path:
    """Answer every question; write JSON per question, one text report and the wegwijzer
    page's offline rendering (one self-contained HTML file). Returns the path of the HTML."""
    target = out_dir / "wegwijzer"
    target.mkdir(parents=True, exist_ok=True)
    report = Console(record=True, width=110, file=open("/dev/null", "w"))  # noqa: SIM115
    screen = Console()
    summary = Table(title="passend wegwijzer — demo")
    summary.add_column("#")
    summary.add_column("vraag" if lang == "nl" else "question")
    summary.add_column("kan declareren" if lang == "nl" else "may claim")
    summary.add_column("betaaltitels" if lang == "nl" else "payment titles")
    answered = []
    for i, (slug, nl, en, query) in enumerate(QUESTIONS, start=1):
        answer = ask(cat, query, lang=lang)
        question = en if lang == "en" else nl
        path = target / f"{i:02d}-{slug}.json"
        path.write_text(
            json.dumps({"question": question, **answer}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        report.rule(f"{i}. {question}")
        render_answer(answer, cat, report)
        answered.append((question, answer))
        codes = ", ".join(o["title_code"] for o in answer["options"]) or "—"
        yes = (
            ("yes" if lang == "en" else "ja")
            if answer["eligible"]
            else ("no" if lang == "en" else "nee")
        )
        summary.add_row(str(i), question, yes, codes)
    screen.print(summary)
    text_path = (out_dir / "wegwijzer.txt").resolve()
    html_path = (out_dir / "wegwijzer.html").resolve()
    text_path.write_text(report.export_text(), encoding="utf-8")
    html_path.write_text(render_static(cat, answered, lang), encoding="utf-8", newline="\n")
    screen.print(f"{'Answers' if lang == 'en' else 'Antwoorden'} (JSON): {target.resolve()}/")
    screen.print(f"{'Report' if lang == 'en' else 'Rapport'}: {text_path}")
    return html_path
