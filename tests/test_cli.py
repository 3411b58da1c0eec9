"""The command line as a user runs it: JSON contract, exit codes, messages without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import Ran, passend

OPTION_KEYS = {
    "title_code": str,
    "title_name": str,
    "law": str,
    "financer_kind": str,
    "sector": str,
    "segment": (str, type(None)),
    "status": str,
    "contract_required": bool,
    "tariff_kind": str,
    "tariff_cents": (int, type(None)),
    "unit": str,
    "patient_bound": bool,
    "conditions": list,
    "caveats": list,
    "sources": list,
}


def process(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m passend.cli``, the entry point, in a process of its own."""
    full_env = {**os.environ, "COLUMNS": "120"}
    full_env.pop("PASSEND_CATALOGUE_EXTRA", None)
    return subprocess.run(
        [sys.executable, "-m", "passend.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
    )


def run(*args: str, env: dict[str, str] | None = None) -> Ran:
    """The command in this process (tests/clirun.py): the same answers, without a new
    Python's start-up."""
    drop = ("PASSEND_CATALOGUE_EXTRA",) if env is None else ()
    return passend(*args, env={"COLUMNS": "120", **(env or {})}, drop=drop)


def test_wegwijzer_json_contract() -> None:
    r = run(
        "wegwijzer",
        "--activity",
        "terminal_care",
        "--professional",
        "gp",
        "--setting",
        "home",
        "--year",
        "2025",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["query"] == {
        "activity": "terminal_care",
        "professional": "gp",
        "specialty": None,
        "setting": "home",
        "year": 2025,
        "lang": "nl",
    }
    assert answer["eligible"] is True and answer["reason"] is None
    assert isinstance(answer["routes"], list)
    assert [o["title_code"] for o in answer["options"]] == ["HA-IZ-DAG", "HA-IZ-ANW"]
    for opt in answer["options"]:
        for key, typ in OPTION_KEYS.items():
            assert isinstance(opt[key], typ), key
        for s in opt["sources"]:
            assert set(s) >= {"document", "section"}
    first = answer["options"][0]
    assert (first["law"], first["financer_kind"], first["segment"]) == (
        "zvw",
        "health_insurer",
        "s1",
    )


def test_ineligible_answer_has_a_reason() -> None:
    r = run(
        "wegwijzer",
        "-a",
        "hospital_palliative_care",
        "-p",
        "medical_specialist",
        "--specialty",
        "emergency_medicine",
        "--setting",
        "hospital",
        "--json",
    )
    answer = json.loads(r.stdout)
    assert r.returncode == 0
    assert answer["eligible"] is False
    assert "MSZ-DBC-PZ" in answer["reason"] and "SEH-arts" in answer["reason"]
    assert answer["query"]["year"] == 2026  # the catalogue's default year


def test_unknown_id_lists_closest_ids_and_exits_2() -> None:
    """In real processes of the entry point: its exit code, stderr and no traceback."""
    r = process("wegwijzer", "-a", "patz", "-p", "gp")
    assert r.returncode == 2
    assert "onbekende activiteit 'patz'" in r.stderr  # Dutch by default
    assert "Traceback" not in r.stderr + r.stdout
    r = process("wegwijzer", "-a", "patz", "-p", "gp", "--lang", "en")
    assert r.returncode == 2
    assert "unknown activity 'patz'" in r.stderr
    assert "patz_meeting" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_unknown_professional_and_setting() -> None:
    r = run("wegwijzer", "-a", "consult", "-p", "huisarts", "--lang", "en")
    assert r.returncode == 2 and "unknown professional 'huisarts'" in r.stderr
    r = run("wegwijzer", "-a", "consult", "-p", "huisarts")
    assert r.returncode == 2 and "onbekende zorgverlener 'huisarts'" in r.stderr
    r = run("wegwijzer", "-a", "consult", "-p", "gp", "--setting", "hospic")
    assert r.returncode == 2 and "hospice" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_lang_exits_2() -> None:
    r = run("wegwijzer", "-a", "consult", "-p", "gp", "--lang", "de")
    assert r.returncode == 2 and "--lang" in r.stderr


def test_human_output_is_dutch_by_default_and_english_on_request() -> None:
    nl = run("wegwijzer", "-a", "patz_meeting", "-p", "gp", "--year", "2026")
    en = run("wegwijzer", "-a", "patz_meeting", "-p", "gp", "--year", "2026", "--lang", "en")
    assert nl.returncode == en.returncode == 0
    assert "Kan declareren" in nl.stdout and "Andere routes" in nl.stdout
    assert "May claim" in en.stdout and "Other routes" in en.stdout


def test_json_in_english_translates_texts_not_keys() -> None:
    r = run("wegwijzer", "-a", "patz_meeting", "-p", "gp", "--json", "--lang", "en")
    answer = json.loads(r.stdout)
    assert answer["query"]["lang"] == "en"
    texts = " ".join(c["text"] for c in answer["caveats"])
    assert "separate title" in texts


def test_catalogue_check_ok() -> None:
    r = run("catalogue", "check")
    assert r.returncode == 0
    assert "in orde" in r.stdout and "betaaltitels" in r.stdout


def test_catalogue_check_reports_a_broken_extra_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("titles:\n  - code: X\n    status: maybe\n", encoding="utf-8")
    r = run("catalogue", "check", "--catalogue-extra", str(bad))
    assert r.returncode == 2
    assert f"{bad}:3: titles[0].status (X):" in r.stderr
    assert "Traceback" not in r.stderr


def test_catalogue_extra_from_the_environment(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("laws: 3\n", encoding="utf-8")
    r = run("catalogue", "check", env={"PASSEND_CATALOGUE_EXTRA": str(bad)})
    assert r.returncode == 2 and f"{bad}:1: laws:" in r.stderr


def test_catalogue_list_json() -> None:
    r = run("catalogue", "list", "--json")
    assert r.returncode == 0
    rows = json.loads(r.stdout)
    assert len(rows) >= 40
    assert {"code", "name", "law", "status"} <= set(rows[0])
    by_code = {row["code"]: row for row in rows}
    assert by_code["MSZ-OZP-PZP"]["valid_from"] == "2025-01-01"
    assert {row["law"] for row in rows} == {"zvw", "wlz", "wmo", "subsidy"}
    assert {row["status"] for row in rows} == {"claimable", "experimental", "proposed"}


def test_catalogue_list_filters_by_year() -> None:
    codes_2024 = {
        r["code"] for r in json.loads(run("catalogue", "list", "--json", "--year", "2024").stdout)
    }
    codes_2025 = {
        r["code"] for r in json.loads(run("catalogue", "list", "--json", "--year", "2025").stdout)
    }
    assert "MSZ-OZP-PZP" in codes_2025 - codes_2024
    assert "NVZ-DBC-ACP" in codes_2024 - codes_2025


def test_catalogue_show() -> None:
    r = run("catalogue", "show", "12011", "--json")
    title = json.loads(r.stdout)
    assert title["name"] == "Consult van 5 tot 20 minuten"
    assert {t["year"]: t["cents"] for t in title["tariffs"]}[2023] == 1151
    human = run("catalogue", "show", "MSZ-DBC-PZ")
    assert human.returncode == 0 and "DBC palliatieve zorg" in human.stdout


def test_catalogue_show_unknown_code() -> None:
    r = run("catalogue", "show", "12O11")
    assert r.returncode == 2 and "12011" in r.stderr


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_demo_writes_answers_and_reports(tmp_path: Path, lang: str) -> None:
    r = run("demo", "--out", str(tmp_path), "--lang", lang)
    assert r.returncode == 0, r.stderr
    answers = sorted((tmp_path / "wegwijzer").glob("*.json"))
    assert len(answers) >= 10
    first = json.loads(answers[0].read_text(encoding="utf-8"))
    assert first["question"] and first["options"]
    assert (tmp_path / "wegwijzer.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(tmp_path / "wegwijzer.html") in r.stdout.replace("\n", "")
