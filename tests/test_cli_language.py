"""One language per output (issue 18, point 5): every command's human output in Dutch, the
default, holds none of a fixed list of English words (ids, file paths and codes aside), and
the help of every command is Dutch by default and English with PASSEND_LANG=en."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from passend.cli import app

runner = CliRunner()

ENGLISH = re.compile(
    r"\b(earned|capped|included|total|provider|providers|patient|insurer|insurers|error|"
    r"warning|claims|ledger|rows|written|paid|repriced|conserved|money|True|False|None)\b"
    r"|\{'",
    re.IGNORECASE,
)
"""English words the Dutch output used to show (``capped False``, ``included hospital_day``,
``ledger rows``, a Python dict)."""

SCENARIO = """\
id: language-small
name: {nl: "Klein", en: "Small"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.02}
intervention:
  name: {nl: "Minder SEH", en: "Less ED"}
  effects:
    rate_multipliers: {ed_visit_only: 0.5}
contract_sets: [pxq]
"""

CALCS = [
    ["shared-savings", "--benchmark", "1000000", "--actual", "900000", "--savings-cap", "0.01"],
    [
        "shared-savings",
        "--benchmark",
        "1000000",
        "--actual",
        "1100000",
        "--mlr",
        "0.02",
        "--loss-sharing-rate",
        "0.5",
    ],
    ["revenue-cap", "--claimed", "100", "--cap", "90", "--terminal", "5"],
    ["efficiency", "--rate", "70", "--hours", "1000", "--client-months", "50", "--norm", "15"],
    ["availability", "--budget", "1000", "--share", "cz=0.4", "--share", "vgz=0.6"],
    ["bundle", "--price", "cancer=9000", "--patients", "cancer=10", "--actual", "80000"],
    [
        "lump-sum",
        "--amount",
        "1000",
        "--share",
        "cz=0.6",
        "--share",
        "vgz=0.4",
        "--contract-value",
        "1000",
        "--actual-value",
        "1100",
        "--corridor",
        "0.03",
    ],
    ["capitation", "--rate", "f80=120", "--inhabitants", "f80=1000", "--bonus-rate", "0.02"],
    ["p4p", "--pool", "10000", "--indicator", "acp=0.4:0.5:2", "--indicator", "ed=0.25:<0.2:1"],
    [
        "staffing",
        "--calls-per-hour",
        "2",
        "--handling-minutes",
        "10",
        "--answer-within-seconds",
        "30",
        "--target",
        "0.8",
    ],
]


def dutch(args: list[str], code: int = 0) -> str:
    r = runner.invoke(app, args, env={"COLUMNS": "120", "PASSEND_LANG": ""})
    assert r.exit_code == code, (args, r.stdout, r.stderr)
    return r.stdout + r.stderr


def english_words(text: str) -> list[str]:
    """The listed English words, leaving out ids, codes and paths (words with _ / . or -)."""
    words = [w for w in text.split() if not re.search(r"[_/\\.]|^\S+-\S+$", w)]
    return [m.group(0) for m in ENGLISH.finditer(" ".join(words))]


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("language")
    paths = {k: d / k for k in ("pop", "claims", "settled")}
    dutch(
        [
            *("population", "generate", "--region", "zuid-gelderland", "--year", "2026"),
            *("--seed", "1", "--scale", "0.05", "--out", str(paths["pop"])),
        ]
    )
    return paths


def test_english_words_are_found_where_they_were() -> None:
    """The check finds what the old output showed, and passes ids and paths."""
    assert english_words("capped False; included hospital_day; {'acp': 0.8}") == [
        "capped",
        "False",
        "included",
        "{'",
    ]
    assert english_words("hospital_day care_office /tmp/claims.parquet MSZ-DBC-PZ") == []


def test_declare_settle_and_ledger_check_speak_dutch(region: dict[str, Path]) -> None:
    pop, claims, settled = region["pop"], region["claims"], region["settled"]
    out = dutch(["claims", "declare", "--population", str(pop), "--out", str(claims)])
    assert "Zorgkantoor" in out and "inbegrepen" in out and "care_office" not in out
    assert english_words(out) == []
    out = dutch(
        [
            *("settle", "--claims", str(claims), "--population", str(pop)),
            *("--contracts", "pxq", "--out", str(settled)),
        ]
    )
    assert english_words(out) == []
    out = dutch(["ledger", "check", str(settled)])
    assert "grootboekregels" in out and english_words(out) == []
    en = runner.invoke(app, ["ledger", "check", str(settled), "--lang", "en"]).stdout
    assert "ledger rows" in en and "money conserved" in en


def test_population_and_catalogue_commands_speak_dutch(
    region: dict[str, Path], tmp_path: Path
) -> None:
    pop = region["pop"]
    for args in (
        ["population", "regions"],
        [
            *("population", "import", "--patients", str(pop / "patients.parquet")),
            *("--activities", str(pop / "activities.parquet"), "--out", str(tmp_path / "i")),
        ],
        ["catalogue", "check"],
        ["catalogue", "list", "--year", "2026"],
        ["catalogue", "show", "MSZ-DBC-PZ"],
        ["wegwijzer", "--activity", "patz_meeting", "--professional", "gp_palliative"],
    ):
        assert english_words(dutch(args)) == [], args


@pytest.mark.parametrize("args", CALCS, ids=[a[0] + str(i) for i, a in enumerate(CALCS)])
def test_calc_speaks_dutch_and_json_keeps_english_keys(args: list[str]) -> None:
    out = dutch(["calc", *args])
    assert english_words(out) == [], out
    keys = runner.invoke(app, ["calc", *args, "--json"]).stdout
    assert keys.lstrip().startswith("{") and '"' in keys  # JSON: English keys by contract


def test_simulate_speaks_dutch(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO, encoding="utf-8")
    out = dutch(
        ["simulate", str(scen), "--out", str(tmp_path / "o"), "--no-report", "--workers", "1"]
    )
    assert "Uitkomsten per patiënt" in out and english_words(out) == []


def test_the_cli_s_words_exist_in_every_language() -> None:
    from passend.i18n import CLI_HELP, CLI_LABELS, LANGS

    assert set(CLI_LABELS) == set(CLI_HELP) == set(LANGS)
    assert set(CLI_LABELS["nl"]) == set(CLI_LABELS["en"])
    # a help text is looked up with its whitespace folded, as the source's folds
    assert all(k == " ".join(k.split()) for lang in LANGS for k in CLI_HELP[lang])


# --- help --------------------------------------------------------------------------------------

HELP_ENGLISH = re.compile(r"\b(the|and|for|with|Folder|Print|Your|Only|Override|Write)\b")
"""English words in a help text (Dutch 'of' means 'or', so it is not on the list)."""

BOILERPLATE = re.compile(
    r"Show this message and exit\.|\[default: [^]]*\]|\[env var: [^]]*\]|\[required\]"
    r"|Pay for performance"
)
"""Typer's and click's own words (their messages have no Dutch translation), and "pay for
performance", the name of a contract form in Dutch too."""


def command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd: click.Command, path: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            paths.append([*path, name])
            walk(sub, [*path, name])

    walk(root, [])
    return paths


def help_of(path: list[str]) -> str:
    r = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, (path, r.stdout)
    return BOILERPLATE.sub("", r.stdout)


def test_help_is_dutch_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PASSEND_LANG", raising=False)
    paths = command_paths()
    assert ["simulate"] in paths and ["calc", "p4p"] in paths and ["ledger", "check"] in paths
    found = {" ".join(p): sorted(set(HELP_ENGLISH.findall(help_of(p)))) for p in paths}
    assert {p: words for p, words in found.items() if words} == {}
    assert "Map voor de resultaten" in help_of(["simulate"])


def test_help_is_english_with_passend_lang_en(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSEND_LANG", "en")
    text = help_of(["simulate"])
    assert "Folder for the results" in text and "Simulate a scenario" in text
    assert "Declare a population's activities" in help_of(["claims"])


# --- imports: their notes and the reasons in rejects.csv and flags.csv ---------------------------


def english(args: list[str], code: int = 0, env: dict[str, str] | None = None) -> str:
    r = runner.invoke(app, [*args, "--lang", "en"], env={"COLUMNS": "120", **(env or {})})
    assert r.exit_code == code, (args, r.stdout, r.stderr)
    return r.stdout + r.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def test_population_import_notes_and_flags_in_the_command_s_language(
    region: dict[str, Path], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pop = region["pop"]
    patients = pq.read_table(pop / "patients.parquet")
    where = patients.column_names.index("region")
    moved = pa.array(["atlantis", *patients["region"].to_pylist()[1:]])  # an unknown region
    pq.write_table(patients.set_column(where, "region", moved), tmp_path / "patients.parquet")
    args = [
        *("population", "import", "--patients", str(tmp_path / "patients.parquet")),
        *("--activities", str(pop / "activities.parquet")),
    ]
    out = flat(dutch([*args, "--out", str(tmp_path / "nl")]))
    assert english_words(out) == [], out
    assert "niet getoetst: unknown_practice (zonder bekende aanbieders)" in out
    assert "providers.parquet: afgeleid uit" in out and "financers.parquet: afgeleid uit" in out
    flags = (tmp_path / "nl" / "flags.csv").read_text(encoding="utf-8")
    assert "onbekende regio (niet in passend population regions)" in flags
    assert "[unknown_region]" in flags and "geen soort aanbieder" in flags
    assert "unknown region" not in flags and "no provider kind" not in flags
    out = flat(english([*args, "--out", str(tmp_path / "en")]))
    assert "not checked: unknown_practice (no providers)" in out
    assert "providers.parquet: derived from" in out
    flags = (tmp_path / "en" / "flags.csv").read_text(encoding="utf-8")
    assert "[unknown_region]" in flags and "no provider kind" in flags
    assert "onbekende regio" not in flags


KEY = {"PASSEND_PSEUDONYM_KEY": "test-key"}


def test_claims_import_csv_and_aw319_speak_dutch_and_english(
    region: dict[str, Path], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.csv as pv
    import pyarrow.parquet as pq

    pop, claims = region["pop"], tmp_path / "claims"
    dutch(["claims", "declare", "--population", str(pop), "--out", str(claims)])
    # a CSV export of the claims with a BSN column beside the patient id, one unknown provider
    table = pq.read_table(claims / "claims.parquet")
    table = table.append_column("bsn", pa.array(["123456782"] * table.num_rows))
    at = table.column_names.index("provider_id")
    providers = table["provider_id"].to_pylist()
    table = table.set_column(at, "provider_id", pa.array(["nobody", *providers[1:]]))
    pv.write_csv(table, tmp_path / "claims.csv")
    csv_args = [*("claims", "import", str(tmp_path / "claims.csv"), "--format", "csv")]
    csv_args += ["--population", str(pop)]
    r = runner.invoke(
        app, [*csv_args, "--out", str(tmp_path / "nl")], env={"COLUMNS": "120", **KEY}
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    out = flat(r.stdout + r.stderr)
    assert "privacy: bsn: verwijderd (patient_id is er al)" in out
    assert english_words(out) == [], out
    flags = (tmp_path / "nl" / "flags.csv").read_text(encoding="utf-8")
    assert (
        "onbekende aanbieder (niet onder de aanbieders)" in flags and "[unknown_provider]" in flags
    )
    out = flat(english([*csv_args, "--out", str(tmp_path / "en")], env=KEY))
    assert "privacy: bsn: dropped (patient_id present)" in out
    flags = (tmp_path / "en" / "flags.csv").read_text(encoding="utf-8")
    assert "onbekende aanbieder" not in flags and "[unknown_provider]" in flags

    # AW319: the project's own export read back
    dutch(
        [
            *("claims", "export", "--claims", str(claims), "--population", str(pop)),
            *("--out", str(tmp_path / "aw319")),
        ]
    )
    file = sorted((tmp_path / "aw319").glob("*.asc")) or sorted(
        p for p in (tmp_path / "aw319").iterdir() if not p.name.endswith(".parquet")
    )
    aw_args = ["claims", "import", str(file[0]), "--format", "aw319"]
    r = runner.invoke(
        app, [*aw_args, "--out", str(tmp_path / "aw-nl")], env={"COLUMNS": "120", **KEY}
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    out = flat(r.stdout + r.stderr)
    assert "privacy: bsn: sleutel-hash -> patient_id" in out
    assert english_words(out) == [], out
    out = flat(english([*aw_args, "--out", str(tmp_path / "aw-en")], env=KEY))
    assert "privacy: bsn: keyed hash -> patient_id" in out


# --- refusals: one per command group, Dutch by default and English with --lang en ---------------

ERROR_ENGLISH = re.compile(
    r"\b(unknown|must|should|such|give|needs|closest|shares|negative|between|missing|"
    r"found|add|least|file|folder|not)\b",
    re.IGNORECASE,
)
"""English words of the library's and the CLI's refusals."""


def refusals(tmp: Path, pop: Path) -> list[tuple[list[str], str, str]]:
    """(arguments, a Dutch phrase, the English one) of a refusal of each command group."""
    scen = tmp / "bad.yaml"
    scen.write_text(SCENARIO.replace("zuid-gelderland", "atlantis"), encoding="utf-8")
    return [
        (["catalogue", "show", "XXX"], "onbekende code van een betaaltitel", "unknown title code"),
        (
            ["wegwijzer", "--activity", "patz", "--professional", "gp_palliative"],
            "onbekende activiteit 'patz'",
            "unknown activity 'patz'",
        ),
        (
            [
                *("population", "generate", "--region", "atlantis", "--year", "2026"),
                *("--seed", "1", "--out", str(tmp / "p")),
            ],
            "onbekende regio 'atlantis'",
            "unknown region 'atlantis'",
        ),
        (
            ["claims", "import", str(scen), "--format", "xls", "--out", str(tmp / "c")],
            "--format moet een van parquet, csv, aw319, zh308 zijn, niet 'xls'",
            "--format must be one of parquet, csv, aw319, zh308, not 'xls'",
        ),
        (
            [
                *("claims", "export", "--claims", str(pop), "--population", str(pop)),
                *("--out", str(tmp / "e"), "--format", "x"),
            ],
            "--format moet een van aw319, zh308 zijn",
            "--format must be one of aw319, zh308",
        ),
        (
            [
                *("settle", "--claims", str(pop), "--population", str(pop)),
                *("--contracts", "nonexistent", "--out", str(tmp / "s")),
            ],
            "nonexistent: bestand bestaat niet, en is geen meegeleverde contractset",
            "nonexistent: no such file, nor a shipped contract set",
        ),
        (["ledger", "check", str(tmp / "nothing")], "geen map", "not a folder"),
        (
            [
                *("calc", "efficiency", "--rate", "70", "--hours", "1000"),
                *("--client-months", "50", "--norm", "-1"),
            ],
            "norm mag niet negatief zijn",
            "norm must not be negative",
        ),
        (
            ["simulate", str(scen), "--out", str(tmp / "o"), "--no-report"],
            "population.region: onbekende regio 'atlantis'",
            "population.region: unknown region 'atlantis'",
        ),
        (
            ["business-case", str(scen), "--replicates", "0", "--out", str(tmp / "b")],
            "--replicates moet minstens 1 zijn",
            "--replicates must be at least 1",
        ),
    ]


def test_a_refusal_of_each_command_group_speaks_the_command_s_language(
    region: dict[str, Path], tmp_path: Path
) -> None:
    for args, nl, en in refusals(tmp_path, region["pop"]):
        said = flat(dutch(args, code=2))
        assert nl in said, (args, said)
        words = [w for w in said.split() if not re.search(r"[_/\\.']|^\S+-\S+$|^--", w)]
        assert ERROR_ENGLISH.findall(" ".join(words)) == [], (args, said)
        assert english_words(said) == [], (args, said)
        said = flat(english(args, code=2))
        assert en in said, (args, said)


def test_typer_s_own_words_follow_passend_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PASSEND_LANG", raising=False)
    text = runner.invoke(app, ["population", "generate", "--help"], env={"COLUMNS": "200"}).stdout
    assert "Opties" in text and "[verplicht]" in text and "[standaard: deaths]" in text
    assert "Options" not in text and "[required]" not in text and "[default:" not in text
    groups = runner.invoke(app, ["claims", "--help"], env={"COLUMNS": "200"}).stdout
    assert "Opdrachten" in groups and "Commands" not in groups
    monkeypatch.setenv("PASSEND_LANG", "en")
    text = runner.invoke(app, ["population", "generate", "--help"], env={"COLUMNS": "200"}).stdout
    assert "Options" in text and "[required]" in text and "[default: deaths]" in text


def test_calibration_speaks_the_command_s_language() -> None:
    args = ["population", "calibration", "--region", "zuid-gelderland", "--scale", "0.05"]
    nl = runner.invoke(app, args, env={"COLUMNS": "200", "PASSEND_LANG": ""})
    en = runner.invoke(app, [*args, "--lang", "en"], env={"COLUMNS": "200"})
    assert nl.exit_code in (0, 1) and en.exit_code == nl.exit_code, nl.stdout + nl.stderr
    assert "Kalibratie zuid-gelderland 2026" in nl.stdout and "Doelwaarde" in nl.stdout
    assert "Calibration zuid-gelderland 2026" in en.stdout and "Target value" in en.stdout
    if nl.exit_code == 1:  # why a value misses: in each language
        assert "gegenereerd" in nl.stdout and "generated" in en.stdout
