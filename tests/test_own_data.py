"""Own data end to end (issue 18, point 4): claims as real systems export them (title codes,
AGB codes, dates, amounts) mapped to activities through the catalogue; providers and financers
derived from AGB groups and the law's columns; plausibility rules as data, each rejecting or
flagging its row with its reason; nothing lost (rows in = rows out + rejected rows)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clirun import passend
from passend.catalogue.loader import CatalogueError
from passend.claims.importer import import_claims, title_defaults
from passend.population.importer import import_population
from passend.population.plausibility import load_rules


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# an export of a claims system: no activity, professional, setting, law, unit or patient_bound
# fmt: off
EXPORT = [
    ["claim_id", "patient_id", "provider_agb", "financer_id", "title_code", "service_date", "quantity", "amount_cents", "tariff_cents"],
    ["e1", "p1", "75000001", "cz", "1034", "2025-03-02", "90", "13253", "8835"],   # nursing, 1.5 h x 88.35
    ["e2", "p1", "01012345", "cz", "12001", "2025-03-03", "1", "2485", "2485"],    # GP consult
    ["e3", "p1", "45000001", "zk1", "WLZ-VV10", "2025-03-04", "3", "105000", ""],  # Wlz stay, 3 days
    ["e4", "p1", "01012345", "cz", "P9999", "2025-03-05", "1", "1000", ""],        # unknown code
    ["e5", "p1", "75000001", "cz", "1034", "2025-03-06", "60", "8000", "8000"],    # tariff 80.00, not 88.35
]
# fmt: on


def test_exported_claims_are_mapped_by_title_code(tmp_path: Path, cat) -> None:
    f = write(tmp_path / "export.csv", EXPORT)
    r = import_claims(cat, f, "csv", tmp_path / "out")
    claims = pq.read_table(tmp_path / "out" / "claims.parquet").to_pylist()
    by_id = {c["claim_id"]: c for c in claims}
    # hand-checked against the catalogue: 1034 Verpleging pays nursing by district nurses at
    # home, hourly (minutes); 12001 is a GP consult; WLZ-VV10 a Wlz day paid by the care office
    assert [by_id[i]["activity"] for i in ("e1", "e2", "e3", "e5")] == [
        "nursing",
        "consult",
        "nursing_home_day",
        "nursing",
    ]
    assert by_id["e1"]["professional"] == "district_nurse" and by_id["e1"]["setting"] == "home"
    assert by_id["e1"]["unit"] == "minutes" and by_id["e3"]["unit"] == "days"
    assert by_id["e2"]["professional"] == "gp"
    assert (by_id["e3"]["law"], by_id["e3"]["financer_kind"]) == ("wlz", "care_office")
    assert by_id["e3"]["setting"] == "nursing_home"
    # the code and the amount as claimed; the provider is the AGB code
    assert [by_id[i]["amount_cents"] for i in ("e1", "e2", "e3", "e5")] == [
        13253,
        2485,
        105000,
        8000,
    ]
    assert by_id["e5"]["title_code"] == "1034" and by_id["e1"]["provider_id"] == "75000001"
    # the unknown code: refused with the reason, not dropped
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert [(x["row"], x["column"], x["value"], x["reason"]) for x in rejects] == [
        ("4", "title_code", "P9999", "unknown title code: cannot be mapped to an activity")
    ]
    # the claimed tariff that disagrees with the catalogue's 2025 tariff of 1034 (88.35/hour):
    # reported for its row, the line kept with the catalogue's tariff
    flags = read_csv(tmp_path / "out" / "flags.csv")
    assert [(x["row"], x["column"], x["value"], x["flag"]) for x in flags] == [
        ("5", "tariff_cents", "8000", "tariff_differs")
    ]
    assert "8835 cents for title 1034 in 2025" in flags[0]["reason"]
    assert by_id["e5"]["tariff_cents"] == 8835 and by_id["e1"]["tariff_cents"] == 8835
    # nothing lost: rows in = rows out + rejected rows; money reconciles
    assert r.read == len(EXPORT) - 1 == len(claims) + len({x["row"] for x in rejects})
    assert r.flagged == 1
    assert (
        r.total_cents == r.accepted_cents + r.rejected_cents == 13253 + 2485 + 105000 + 1000 + 8000
    )


def test_the_title_mapping_is_the_catalogues(cat) -> None:
    m = title_defaults(cat)
    for code, t in cat.titles.items():  # each mapped activity is one the title covers
        assert m[code]["activity"] in t.activities and m[code]["setting"] in t.settings
        assert m[code]["law"] == t.law
    assert m["1032"]["professional"] == "carer"  # Persoonlijke verzorging: the carer first
    assert m["HA-IZ-DAG"]["activity"] == "terminal_care"


def test_the_vektis_readers_map_titles_with_the_same_table(cat) -> None:
    """One title mapping (passend.claims.titles) for the CSV/Parquet import and the AW319 and
    ZH308 readers: ``from_title`` gives ``title_defaults`` for every title, "" for an unknown
    code."""
    from passend.claims import titles
    from passend.claims.vektis.mapping import from_title

    assert titles.title_defaults is title_defaults
    m = titles.title_defaults(cat)
    codes = pa.array([*cat.titles, "NOPE", None], pa.string())
    for attr in ("activity", "professional", "setting", "law"):
        got = from_title(cat, codes)[attr].to_pylist()
        assert got == [m[c][attr] for c in cat.titles] + ["", ""], attr
    assert m["1032"]["unit"] == titles.UNIT_OF_TITLE["hour"] == "minutes"


def test_claimed_financer_kind_and_year_that_disagree_are_flagged(tmp_path: Path, cat) -> None:
    rows = [
        [*EXPORT[0][:5], "service_date", "quantity", "amount_cents", "financer_kind", "year"],
        [
            "f1",
            "p1",
            "75000001",
            "cz",
            "1034",
            "2025-03-02",
            "60",
            "8835",
            "health_insurer",
            "2025",
        ],
        ["f2", "p1", "75000001", "cz", "1034", "2025-03-02", "60", "8835", "care_office", "2024"],
    ]
    import_claims(cat, write(tmp_path / "e.csv", rows), "csv", tmp_path / "out")
    flags = {(x["row"], x["column"], x["flag"]) for x in read_csv(tmp_path / "out" / "flags.csv")}
    assert flags == {("2", "financer_kind", "financer_kind_differs"), ("2", "year", "year_differs")}
    claims = pq.read_table(tmp_path / "out" / "claims.parquet")
    assert claims["financer_kind"].to_pylist() == ["health_insurer"] * 2  # the title's
    assert claims["year"].to_pylist() == [2025, 2025]  # the year of service


# fmt: off
PATIENTS = [
    ["patient_id", "age", "sex", "region", "insurer_id", "care_office_id", "municipality_id", "trajectory", "wlz", "wlz_resident", "death_date", "place_of_death", "gp_practice_id"],
    ["p1", "81", "female", "salland", "cz", "zk1", "gm1", "cancer", "false", "false", "2026-03-01", "home", "01000001"],
    ["p2", "77", "male", "salland", "vgz", "zk1", "gm1", "organ_failure", "true", "true", "2026-05-10", "nursing_home", "01000001"],
    ["p3", "90", "female", "salland", "cz", "zk1", "gm2", "frailty_dementia", "false", "true", "2026-04-01", "home", "01000001"],  # wlz_resident without wlz
    ["p4", "70", "male", "atlantis", "cz", "zk1", "gm2", "other", "false", "false", "2026-06-01", "home", "gp-x"],  # unknown region, practice
]
ACTIVITIES = [
    ["activity_id", "patient_id", "activity", "professional", "setting", "provider_id", "date", "quantity", "unit", "patient_bound"],
    ["a1", "p1", "consult", "gp", "home", "01000001", "2026-02-01", "15", "minutes", "true"],
    ["a2", "p1", "nursing", "district_nurse", "home", "75000001", "2025-01-20", "60", "minutes", "true"],  # 405 days before death
    ["a3", "p1", "bereavement_care", "gp", "home", "01000001", "2026-03-15", "20", "minutes", "true"],  # 14 days after: fine
    ["a4", "p1", "bereavement_care", "gp", "home", "01000001", "2026-06-10", "20", "minutes", "true"],  # 101 days after death
    ["a5", "p2", "consult", "gp", "home", "01000001", "2026-04-01", "2", "days", "true"],  # a consult in days
    ["a6", "p2", "nursing", "district_nurse", "home", "75000001", "2026-05-20", "30", "minutes", "true"],  # care after death
    ["a7", "p2", "outpatient_visit", "medical_specialist", "hospital", "06000001", "2026-04-02", "1", "count", "true"],
    ["a8", "p2", "hospice_day", "palliative_nurse", "hospice", "48000001", "2026-05-01", "5", "days", "true"],
    ["a9", "p2", "support", "carer", "home", "h-99", "2026-05-01", "60", "minutes", "true"],  # id that is no AGB code
]
# fmt: on


MAPPING = [["provider_agb", "provider_kind"], ["48000001", "hospice_high_care"]]


def _import(tmp_path: Path, cat, mapping: list[list[str]] | None = None) -> list:
    p = write(tmp_path / "patients.csv", PATIENTS)
    a = write(tmp_path / "activities.csv", ACTIVITIES)
    m = write(tmp_path / "kinds.csv", mapping) if mapping else None
    return import_population(cat, p, a, tmp_path / "out", provider_kinds_path=m)


def test_providers_are_derived_from_agb_groups_and_a_mapping_file(tmp_path: Path, cat) -> None:
    results = _import(
        tmp_path, cat, [["provider_agb", "provider_kind"], ["48000001", "hospice_high_care"]]
    )
    providers = pq.read_table(tmp_path / "out" / "providers.parquet").to_pylist()
    kinds = {p["provider_id"]: p["provider_kind"] for p in providers}
    # 01 huisartsen, 06 ziekenhuizen, 75 thuiszorg (Vektis COD016-VEKT); 48 from the mapping
    assert kinds == {
        "01000001": "gp_practice",
        "06000001": "hospital",
        "48000001": "hospice_high_care",
        "75000001": "district_nursing_org",
    }
    assert {p["agb_code"] for p in providers} == set(kinds)
    assert {p["region"] for p in providers} == {"salland"}
    # ids without a kind are reported, not guessed: the GP id of p4 and the activity's h-99
    flags = read_csv(tmp_path / "out" / "flags.csv")
    lost = {x["value"] for x in flags if x["flag"] == "provider_kind_unknown"}
    assert lost == {"gp-x", "h-99"}
    res = {r.table: r for r in results}
    assert (res["providers"].read, res["providers"].accepted) == (6, 4)
    # without the mapping file, AGB group 48 (overige instellingen) is not guessed
    (tmp_path / "b").mkdir()
    _import(tmp_path / "b", cat)
    kinds_b = {
        p["provider_id"]: p["provider_kind"]
        for p in pq.read_table(tmp_path / "b" / "out" / "providers.parquet").to_pylist()
    }
    assert "48000001" not in kinds_b and kinds_b["01000001"] == "gp_practice"
    why = [
        x["reason"]
        for x in read_csv(tmp_path / "b" / "out" / "flags.csv")
        if x["value"] == "48000001" and x["flag"] == "provider_kind_unknown"
    ]
    assert why == [
        "no provider kind: not in the mapping file, and AGB group 48 is not in agb_kinds.yaml "
        "(give a mapping file: provider_agb,provider_kind)"
    ]


def test_financers_are_derived_from_each_laws_column(tmp_path: Path, cat) -> None:
    _import(tmp_path, cat)
    fin = {
        f["financer_id"]: f
        for f in pq.read_table(tmp_path / "out" / "financers.parquet").to_pylist()
    }
    kinds = {k: f["financer_kind"] for k, f in fin.items()}
    assert kinds == {
        "cz": "health_insurer",
        "vgz": "health_insurer",
        "zk1": "care_office",
        "gm1": "municipality",
        "gm2": "municipality",
        "vws": "government",
        "patient": "patient",
    }
    # shares of the three accepted patients (p3 is refused): cz 2 of 3, vgz 1 of 3
    assert fin["cz"]["share"] == pytest.approx(0.666667) and fin["vgz"]["share"] == pytest.approx(
        0.333333
    )


RULE_ROWS = {  # rule id -> (table, row, column, severity) that the rows above must give
    "wlz_resident_without_wlz": ("patients", "3", "wlz_resident", "reject"),
    "unknown_region": ("patients", "4", "region", "flag"),
    "unknown_practice": ("patients", "4", "gp_practice_id", "flag"),
    "long_before_death": ("activities", "2", "date", "flag"),
    "after_bereavement_window": ("activities", "4", "date", "reject"),
    "consult_in_days": ("activities", "5", "unit", "reject"),
    "care_after_death": ("activities", "6", "date", "flag"),
    "unknown_provider": ("activities", "9", "provider_id", "flag"),
}


def test_each_plausibility_rule_rejects_or_flags_its_row(tmp_path: Path, cat) -> None:
    rules = {r.id: r for r in load_rules(cat)}
    assert set(rules) == set(RULE_ROWS)  # every rule of the file is tested here
    results = _import(tmp_path, cat, MAPPING)
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    flags = read_csv(tmp_path / "out" / "flags.csv")
    for rule_id, (table, row, column, severity) in RULE_ROWS.items():
        assert rules[rule_id].severity == severity
        reason = f"{rules[rule_id].message.en} [{rule_id}]"
        where = rejects if severity == "reject" else flags
        hits = [(x["table"], x["row"], x["column"]) for x in where if x["reason"] == reason]
        assert hits == [(table, row, column)], rule_id
    # only those rows are refused; the flagged rows are accepted
    assert {(x["table"], x["row"]) for x in rejects} == {
        ("patients", "3"),
        ("activities", "4"),
        ("activities", "5"),
    }
    patients = pq.read_table(tmp_path / "out" / "patients.parquet")
    activities = pq.read_table(tmp_path / "out" / "activities.parquet")
    assert patients["patient_id"].to_pylist() == ["p1", "p2", "p4"]
    assert activities["activity_id"].to_pylist() == ["a1", "a2", "a3", "a6", "a7", "a8", "a9"]
    # nothing lost: per table, rows in = rows out + rejected rows
    res = {r.table: r for r in results}
    for name, rows, table in (
        ("patients", PATIENTS, patients),
        ("activities", ACTIVITIES, activities),
    ):
        refused = {x["row"] for x in rejects if x["table"] == name}
        assert res[name].read == len(rows) - 1 == table.num_rows + len(refused)


def test_plausibility_applies_on_claims_import_with_the_population(tmp_path: Path, cat) -> None:
    _import(tmp_path, cat, MAPPING)
    # fmt: off
    rows = [
        ["claim_id", "patient_id", "provider_agb", "financer_id", "title_code", "service_date", "quantity", "unit", "amount_cents"],
        ["k1", "p1", "01000001", "cz", "12001", "2026-02-01", "1", "count", "2485"],
        ["k2", "p1", "01000001", "cz", "12001", "2026-02-02", "2", "days", "4970"],       # consult in days
        ["k3", "p1", "75000001", "cz", "1034", "2026-07-01", "60", "minutes", "8835"],    # 122 days after death
        ["k4", "p1", "75000001", "cz", "1034", "2026-03-05", "60", "minutes", "8835"],    # care after death
        ["k5", "p1", "75999999", "zk1", "1034", "2026-02-05", "60", "minutes", "8835"],   # unknown provider, wrong financer
    ]
    # fmt: on
    f = write(tmp_path / "claims.csv", rows)
    r = import_claims(cat, f, "csv", tmp_path / "claims", population=tmp_path / "out")
    rejects = {
        (x["row"], x["column"], x["reason"].rsplit("[", 1)[-1])
        for x in read_csv(tmp_path / "claims" / "rejects.csv")
    }
    assert rejects == {
        ("2", "unit", "consult_in_days]"),
        ("3", "service_date", "after_bereavement_window]"),
    }
    flags = {
        (x["row"], x["column"], x["flag"]) for x in read_csv(tmp_path / "claims" / "flags.csv")
    }
    assert flags == {
        ("4", "service_date", "care_after_death"),
        ("5", "provider_id", "unknown_provider"),
        ("5", "financer_id", "financer_kind_differs"),  # zk1 is a care office; 1034 is Zvw
    }
    assert (r.read, r.accepted, r.rejected, r.flagged) == (5, 3, 2, 2)


def test_a_rules_file_citing_an_unknown_document_is_refused(tmp_path: Path, cat) -> None:
    f = tmp_path / "rules.yaml"
    f.write_text(
        "rules:\n  - id: x\n    tables: [patients]\n    kind: match\n"
        "    conditions: [{column: wlz, in: [true]}]\n    severity: flag\n"
        "    message: {nl: a, en: b}\n    sources: [{document: nowhere, section: s}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="unknown document 'nowhere'"):
        load_rules(cat, f)


def test_cli_population_import_takes_providers_and_a_mapping(tmp_path: Path) -> None:
    p = write(tmp_path / "patients.csv", PATIENTS[:3])
    a = write(tmp_path / "activities.csv", ACTIVITIES[:2])
    prov = write(
        tmp_path / "providers.csv",
        [
            ["provider_id", "provider_kind"],
            ["01000001", "gp_practice"],
            ["75000001", "district_nursing_org"],
        ],
    )
    fin = write(
        tmp_path / "financers.csv",
        [["financer_id", "financer_kind"], ["cz", "health_insurer"], ["x", "bank"]],
    )
    r = passend(
        "population", "import", "--patients", str(p), "--activities", str(a),
        "--providers", str(prov), "--financers", str(fin), "--out", str(tmp_path / "o"),
        drop=("PASSEND_PSEUDONYM",),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert pq.read_table(tmp_path / "o" / "providers.parquet").num_rows == 2
    assert pq.read_table(tmp_path / "o" / "financers.parquet")["financer_id"].to_pylist() == ["cz"]
    rejects = read_csv(tmp_path / "o" / "rejects.csv")
    assert [(x["table"], x["row"], x["column"], x["reason"]) for x in rejects] == [
        ("financers", "2", "financer_kind", "unknown financer kind")
    ]


def test_providers_and_financers_are_derived_from_the_claims_too(tmp_path: Path, cat) -> None:
    # fmt: off
    claims = write(tmp_path / "export.csv", [
        ["claim_id", "patient_id", "provider_agb", "financer_id", "title_code", "service_date", "quantity", "amount_cents"],
        ["x1", "p2", "91000001", "zk9", "WLZ-VPT", "2026-04-01", "1", "20000"],  # Wlz: a care office
        ["x2", "p2", "91000001", "zk9", "WLZ-VPT", "2026-04-02", "1", "20000"],
        ["x3", "p1", "01000001", "3311", "12001", "2026-02-01", "1", "2485"],  # Zvw: an insurer
        ["x4", "p1", "01000001", "gm7", "WMO-HH", "2026-02-01", "60", "3500"],  # Wmo: a municipality
        ["x5", "p1", "01000001", "q1", "NO-SUCH", "2026-02-01", "1", "100"],  # unknown code: no kind
    ])
    # fmt: on
    p = write(tmp_path / "patients.csv", PATIENTS)
    a = write(tmp_path / "activities.csv", ACTIVITIES[:2])
    import_population(cat, p, a, tmp_path / "out", claims_path=claims)
    providers = pq.read_table(tmp_path / "out" / "providers.parquet").to_pylist()
    kinds = {x["provider_id"]: (x["provider_kind"], x["region"]) for x in providers}
    assert kinds["91000001"] == ("district_nursing_org", "salland")  # 91 verpleegkundigen
    fin = pq.read_table(tmp_path / "out" / "financers.parquet").to_pylist()
    got = {x["financer_id"]: (x["financer_kind"], x["uzovi"]) for x in fin}
    assert got["zk9"] == ("care_office", None)
    assert got["3311"] == ("health_insurer", "3311")  # a 4-digit id is its UZOVI number
    assert got["gm7"] == ("municipality", None)
    assert "q1" not in got  # no title, so no law to give it a kind


def test_cli_claims_import_of_an_export_with_its_population(tmp_path: Path, cat) -> None:
    _import(tmp_path, cat, MAPPING)
    f = write(
        tmp_path / "export.csv",
        [EXPORT[0][:8], ["k1", "p1", "01000001", "cz", "12001", "2026-07-01", "1", "2485"]],
    )
    drop = ("PASSEND_PSEUDONYM",)
    r = passend(
        "claims", "import", str(f), "--format", "csv",
        "--out", str(tmp_path / "c"), "--population", str(tmp_path / "out"), drop=drop,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    rejects = read_csv(tmp_path / "c" / "rejects.csv")
    assert [(x["row"], x["column"]) for x in rejects] == [("1", "service_date")]
    assert rejects[0]["reason"].endswith("[after_bereavement_window]")
    missing = passend(
        "claims", "import", str(f), "--format", "csv",
        "--out", str(tmp_path / "d"), "--population", str(tmp_path / "nowhere"), drop=drop,
    )  # fmt: skip
    assert missing.returncode == 2 and "nowhere: bestaat niet" in missing.stderr


def test_agb_codes_and_uzovi_numbers_become_the_populations_ids(tmp_path: Path, cat) -> None:
    p = write(tmp_path / "patients.csv", PATIENTS[:2])
    a = write(tmp_path / "activities.csv", ACTIVITIES[:2])
    prov = write(
        tmp_path / "providers.csv",
        [["provider_id", "provider_kind", "agb_code"], ["hap-linde", "gp_practice", "01000001"],
         ["wv-oost", "district_nursing_org", "75000001"]],
    )  # fmt: skip
    fin = write(
        tmp_path / "financers.csv",
        [["financer_id", "financer_kind", "uzovi"], ["cz", "health_insurer", "9664"]],
    )
    import_population(cat, p, a, tmp_path / "pop", providers_path=prov, financers_path=fin)
    # fmt: off
    f = write(tmp_path / "export.csv", [
        EXPORT[0][:8],
        ["m1", "p1", "01000001", "9664", "12001", "2026-02-01", "1", "2485"],
        ["m2", "p1", "wv-oost", "cz", "1034", "2026-02-02", "60", "8835"],  # already the ids
    ])
    # fmt: on
    r = import_claims(cat, f, "csv", tmp_path / "c", population=tmp_path / "pop")
    claims = pq.read_table(tmp_path / "c" / "claims.parquet")
    assert claims["provider_id"].to_pylist() == ["hap-linde", "wv-oost"]
    assert claims["financer_id"].to_pylist() == ["cz", "cz"]
    assert "provider_id: 1 AGB code(s) mapped to the population's ids" in r.notes
    assert "financer_id: 1 UZOVI number(s) mapped to the population's ids" in r.notes
    assert not (tmp_path / "c" / "flags.csv").exists()  # known providers, matching kinds
