"""Declaring activities as claims: worked examples computed by hand, reconciliation,
determinism, and the unfunded table."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from clirun import Ran, passend
from passend.claims.declare import declare
from passend.population.tables import ACTIVITIES, PATIENTS, PROVIDERS

D = dt.date


def _population(tmp: Path, year: int, acts: list[dict]) -> Path:
    patients = [
        # p1 lives at home without Wlz (insurer cz); p2 is a Wlz resident (care office zk1)
        dict(
            patient_id="p1",
            age=80,
            sex="female",
            region="r",
            insurer_id="cz",
            care_office_id="zk1",
            municipality_id="gm1",
            trajectory="cancer",
            wlz=False,
            wlz_resident=False,
            palliative_marking_date=None,
            death_date=D(year, 6, 30),
            place_of_death="home",
            preferred_place_of_death="home",
            gp_practice_id="gp1",
            hospital_id="h1",
        ),
        dict(
            patient_id="p2",
            age=90,
            sex="male",
            region="r",
            insurer_id="vgz",
            care_office_id="zk1",
            municipality_id="gm1",
            trajectory="frailty_dementia",
            wlz=True,
            wlz_resident=True,
            palliative_marking_date=None,
            death_date=D(year, 6, 30),
            place_of_death="nursing_home",
            preferred_place_of_death="nursing_home",
            gp_practice_id="gp1",
            hospital_id="h1",
        ),
    ]
    providers = [
        dict(provider_id=pid, provider_kind=kind, name=pid, region="r", agb_code=f"3000000{n}")
        for n, (pid, kind) in enumerate(
            [
                ("gp1", "gp_practice"),
                ("wv1", "district_nursing_org"),
                ("h1", "hospital"),
                ("nh1", "nursing_home"),
                ("ct1", "consultation_team"),
                ("wmo1", "wmo_provider"),
            ],
            start=1,
        )
    ]
    rows = []
    for i, a in enumerate(acts, start=1):
        rows.append(
            dict(
                activity_id=f"a{i:02d}",
                patient_bound=a.get("patient_id") is not None,
                date=D(year, 3, 1),
                **a,
            )
        )
    tmp.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(patients, schema=PATIENTS), tmp / "patients.parquet")
    pq.write_table(pa.Table.from_pylist(providers, schema=PROVIDERS), tmp / "providers.parquet")
    pq.write_table(pa.Table.from_pylist(rows, schema=ACTIVITIES), tmp / "activities.parquet")
    (tmp / "meta.json").write_text(json.dumps({"year": str(year)}))
    return tmp


def act(
    activity, professional, provider, quantity, unit, setting="home", patient="p1", specialty=None
):
    return dict(
        activity=activity,
        professional=professional,
        provider_id=provider,
        quantity=quantity,
        unit=unit,
        setting=setting,
        patient_id=patient,
        specialty=specialty,
    )


def by_activity(dec) -> dict[str, dict]:
    return {r["source_activity_id"]: r for r in dec.claims.to_pylist()}


def test_worked_examples_2025(cat, tmp_path: Path) -> None:
    pop = _population(
        tmp_path,
        2025,
        [
            act("consult", "gp", "gp1", 15, "minutes"),  # a01 12011: 1243
            act("consult", "gp", "gp1", 25, "minutes"),  # a02 12001: 2485
            act("home_visit", "gp", "gp1", 10, "minutes"),  # a03 12002: 1864
            act(
                "personal_care", "carer", "wv1", 45, "minutes"
            ),  # a04 1032: 6794*45/60 = 5095.5 -> 5096
            act(
                "specialised_nursing", "palliative_nurse", "wv1", 7, "minutes"
            ),  # a05 1036: 11081*7/60 = 1292.78 -> 1293 (2025: the 2024 tariff carried)
            act(
                "nursing_home_day", "carer", "nh1", 30, "days", setting="nursing_home", patient="p2"
            ),  # a06 WLZ-VV 25000*30
            act(
                "hospital_admission",
                "medical_specialist",
                "h1",
                1,
                "count",
                setting="hospital",
                specialty="cardiology",
            ),  # a07 450000
            act(
                "hospital_day",
                "medical_specialist",
                "h1",
                6,
                "days",
                setting="hospital",
                specialty="cardiology",
            ),  # a08 included
            act(
                "team_availability", "palliative_nurse", "ct1", 43800, "minutes", patient=None
            ),  # a09 lump (PZNL subsidy)
            act(
                "household_help", "carer", "wmo1", 120, "minutes"
            ),  # a10 Wmo household help: 2 h at the 2025 placeholder EUR 35/h
            act(
                "personal_care", "carer", "wv1", 60, "minutes", patient="p2"
            ),  # a11 Wlz resident at home? VPT per day 20000
        ],
    )
    dec = declare(cat, pop)
    c = by_activity(dec)
    expect = {
        "a01": ("12011", 1243),
        "a02": ("12001", 2485),
        "a03": ("12002", 1864),
        "a04": ("1032", 5096),
        "a05": ("1036", 1293),
        "a06": ("WLZ-VV", 750000),
        "a07": ("MSZ-DBC-KLINISCH", 450000),
        "a10": ("WMO-HH", 3500 * 120 // 60),
        "a11": ("WLZ-VPT", 20000),
    }
    assert {k: (v["title_code"], v["amount_cents"]) for k, v in c.items()} == expect
    assert (c["a01"]["law"], c["a01"]["financer_id"], c["a01"]["financer_kind"]) == (
        "zvw",
        "cz",
        "health_insurer",
    )
    assert (c["a06"]["law"], c["a06"]["financer_id"]) == ("wlz", "zk1")
    assert c["a01"]["tariff_placeholder"] is False and c["a04"]["tariff_placeholder"] is True
    unf = {r["activity_id"]: r for r in dec.unfunded.to_pylist()}
    assert {k: v["reason_code"] for k, v in unf.items()} == {
        "a08": "included",
        "a09": "lump_funded",
    }
    # cost at the stated cost price: 43,800 minutes of a palliative nurse at EUR 75/h
    assert unf["a09"]["cost_cents"] == 43800 * 7500 // 60
    assert unf["a08"]["cost_cents"] == 6 * 69101  # hospital day, Kostenhandleiding 2024
    assert "iza_transformation_funds" in unf["a09"]["routes"]
    s = dec.summary
    assert s["reconciles"] and s["claims"]["amount_cents"] == sum(v for _, v in expect.values())
    assert s["not_claimed"] == {"rows": 2, "gap_rows": 0, "gap_cost_cents": 0}


def test_inclusions_and_meanings_are_the_wegwijzers(cat, tmp_path: Path) -> None:
    """The declaration reads the same inclusion data (Title.includes) and activity meanings
    (Activity.counts_as) as the wegwijzer: care within an integral ELV or Wlz day tariff is
    ``included`` (also when another provider claims that line), and terminal care by a district
    nurse is district nursing for a patient without Wlz and VPT for one with it."""
    pop = _population(
        tmp_path,
        2025,
        [
            act("consult", "gp", "gp1", 15, "minutes", setting="elv"),  # a01 within ELV
            act(
                "nursing", "carer", "nh1", 60, "minutes", setting="nursing_home", patient="p2"
            ),  # a02 within the Wlz stay (WLZ-VV)
            act("terminal_care", "district_nurse", "wv1", 90, "minutes"),  # a03 1034
            act("terminal_care", "district_nurse", "wv1", 90, "minutes", patient="p2"),  # a04 VPT
        ],
    )
    dec = declare(cat, pop)
    c = by_activity(dec)
    # 1034: 8835 cents an hour x 90/60 = 13252.5 -> 13253 (half away from zero); VPT: 20000
    # cents a day, one day
    assert {k: (v["title_code"], v["amount_cents"]) for k, v in c.items()} == {
        "a03": ("1034", 13253),
        "a04": ("WLZ-VPT", 20000),
    }
    assert (c["a03"]["law"], c["a03"]["financer_id"]) == ("zvw", "cz")
    unf = {r["activity_id"]: r["reason_code"] for r in dec.unfunded.to_pylist()}
    assert unf == {"a01": "included", "a02": "included"}


def test_dated_rules_price_by_year(cat, tmp_path: Path) -> None:
    rows = [
        act("consult", "gp", "gp1", 15, "minutes"),
        act(
            "advance_care_planning",
            "medical_specialist",
            "h1",
            45,
            "minutes",
            setting="hospital",
            specialty="internal_medicine",
        ),
        act("team_availability", "palliative_nurse", "ct1", 100, "minutes", patient=None),
    ]
    d23 = declare(cat, _population(tmp_path / "y23", 2023, rows))
    d27 = declare(cat, _population(tmp_path / "y27", 2027, rows))
    assert by_activity(d23)["a01"]["amount_cents"] == 1151  # 12011 in 2023
    assert "a02" not in by_activity(d23)  # no ACP product in hospital care before 2025
    assert {r["activity_id"]: r["reason_code"] for r in d23.unfunded.to_pylist()}[
        "a02"
    ] == "no_title"
    reasons_27 = {r["activity_id"]: r["reason_code"] for r in d27.unfunded.to_pylist()}
    assert reasons_27["a03"] == "no_title"  # the PZNL subsidy ends with 2026
    assert reasons_27["a01"] == "no_amount"  # no reviewed GP tariff for 2027 yet


def test_declared_population_reconciles_and_is_deterministic(tmp_path: Path) -> None:
    def run(*args: str) -> Ran:
        r = passend(*args)  # in this process (tests/clirun.py)
        assert r.returncode == 0, r.stderr
        return r

    def process(*args: str) -> subprocess.CompletedProcess[str]:
        r = subprocess.run(
            [sys.executable, "-m", "passend.cli", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert r.returncode == 0, r.stderr
        return r

    run(
        "population",
        "generate",
        "--region",
        "salland",
        "--year",
        "2026",
        "--seed",
        "4",
        "--scale",
        "0.3",
        "--out",
        str(tmp_path / "pop"),
    )
    run("claims", "declare", "--population", str(tmp_path / "pop"), "--out", str(tmp_path / "c1"))
    # the second in a process of its own: the same bytes from another process (hash seed)
    r = process(
        "claims",
        "declare",
        "--population",
        str(tmp_path / "pop"),
        "--out",
        str(tmp_path / "c2"),
        "--json",
    )
    summary = json.loads(r.stdout)
    for name in ("claims.parquet", "unfunded.parquet", "summary.json"):
        assert (tmp_path / "c1" / name).read_bytes() == (tmp_path / "c2" / name).read_bytes()
    claims = pq.read_table(tmp_path / "c1" / "claims.parquet")
    unfunded = pq.read_table(tmp_path / "c1" / "unfunded.parquet")
    acts = pq.read_table(tmp_path / "pop" / "activities.parquet")
    assert claims.num_rows + unfunded.num_rows == acts.num_rows == summary["activities"]
    assert summary["reconciles"] is True
    # every activity is in exactly one of the two tables
    used = pa.concat_arrays(
        [claims["source_activity_id"].combine_chunks(), unfunded["activity_id"].combine_chunks()]
    )
    assert pc.count_distinct(used).as_py() == acts.num_rows
    # amounts reconcile with quantity x tariff per line, rounded half away from zero once
    hourly = claims.filter(pc.equal(claims["title_code"], "1034"))
    q, t, a = (hourly[k].to_numpy() for k in ("quantity", "tariff_cents", "amount_cents"))
    assert ((q * t * 2 + 60) // 120 == a).all()
    assert sum(r["amount_cents"] for r in summary["by_law"]) == summary["claims"]["amount_cents"]
    assert pc.max(pc.utf8_length(claims["claim_id"])).as_py() <= 20
    assert len(summary["unfunded_by_reason"]) >= 3


def test_declare_without_population_files_exits_2(tmp_path: Path) -> None:
    r = passend("claims", "declare", "--population", str(tmp_path), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "activities.parquet" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "minutes,code",
    [(0, "12010"), (4, "12010"), (5, "12011"), (19, "12011"), (20, "12001"), (90, "12001")],
)
def test_time_bands_choose_the_consult_title(cat, tmp_path: Path, minutes: int, code: str) -> None:
    dec = declare(
        cat, _population(tmp_path, 2025, [act("consult", "gp", "gp1", minutes, "minutes")])
    )
    assert by_activity(dec)["a01"]["title_code"] == code


def test_declare_a_damaged_population_file_exits_2_naming_it(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text('{"year": 2026}', encoding="utf-8")
    (tmp_path / "activities.parquet").write_bytes(b"not parquet")
    pq.write_table(pa.table({"patient_id": ["p1"]}), tmp_path / "patients.parquet")
    args = ["claims", "declare", "--population", str(tmp_path), "--out", str(tmp_path / "o")]
    args += ["--lang", "en"]  # the English wording; Dutch by default (messages "not_parquet")
    r = passend(*args)
    flat = "".join(r.stderr.split())  # the console may wrap a long path
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{tmp_path / 'activities.parquet'}:notareadableParquetfile" in flat
    (tmp_path / "activities.parquet").unlink()
    shutil.copy(tmp_path / "patients.parquet", tmp_path / "activities.parquet")
    r = passend(*args)
    flat = "".join(r.stderr.split())
    assert r.returncode == 2 and "activities.parquet:columnactivity_id:missing" in flat, r.stderr


def test_a_wrong_cost_prices_file_names_file_line_and_field(tmp_path: Path) -> None:
    from passend.catalogue.loader import CatalogueError
    from passend.claims.declare import COST_PRICES, load_cost_prices

    text = COST_PRICES.read_text(encoding="utf-8")
    line, value = next(
        (i, ln) for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("gp:")
    )
    bad = tmp_path / "prices.yaml"
    bad.write_text(text.replace(value, value.split(":")[0] + ": -11000", 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as e:
        load_cost_prices(bad)
    assert [str(i) for i in e.value.issues] == [
        f"{bad}:{line}: hourly_cents.gp: Input should be greater than or equal to 0"
    ]
    pop = tmp_path / "pop"
    pop.mkdir()
    args = ["claims", "declare", "--population", str(pop), "--out", str(tmp_path / "o")]
    for f in ("activities.parquet", "patients.parquet"):
        (pop / f).write_bytes(b"")  # the prices are read before the population
    r = passend(*args, "--cost-prices", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{bad}:{line}:hourly_cents.gp:" in "".join(r.stderr.split())


def test_cost_prices_are_the_kostenhandleiding_2024_indexed_with_the_cpi() -> None:
    """CALIBRATION.md: Zorginstituut Kostenhandleiding 2024, price year 2022 (hospital day incl.
    staff EUR 644, ICU day 2,727, nursing and care per day 290, district nursing per hour 75.00,
    personal care per hour 57.58), indexed 2022 -> 2024 with CBS CPI 83131NED, factor 1.073."""
    from decimal import ROUND_HALF_UP, Decimal

    from passend.claims.declare import load_cost_prices

    def cents(euros: str) -> int:
        return int((Decimal(euros) * Decimal("1.073") * 100).quantize(0, ROUND_HALF_UP))

    p = load_cost_prices()
    assert p.day_cents["hospital_day"] == cents("644") == 69101
    assert p.day_cents["icu_day"] == cents("2727") == 292607
    assert p.day_cents["nursing_home_day"] == cents("290") == 31117
    assert p.hourly_cents["district_nurse"] == cents("75.00") == 8048
    assert p.hourly_cents["carer"] == cents("57.58") == 6178
    assert {s.document for s in p.sources} == {"zin_kostenhandleiding_2024", "cbs_cpi_83131ned"}
