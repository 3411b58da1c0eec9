"""The settlement (afrekening) on tiny hand-built claims: every payment model with its amounts
worked out by hand in the test, the ledger check (and that it catches tampering), contract-set
validation and the ``passend settle`` / ``passend ledger check`` commands.

Each worked example writes a few claim lines (the CLAIMS schema), a tiny population (patients,
providers, financers) and a contract set into tmp_path, settles, writes the settlement and
checks it with ``check_ledger``; then it compares the ledger rows with amounts computed by hand
in the comments (cents; rounding half away from zero)."""

from __future__ import annotations

import functools
import json
import shutil
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from passend.catalogue.loader import Catalogue, load_catalogue
from passend.claims.tables import CLAIMS, UNFUNDED
from passend.population.tables import FINANCERS, PATIENTS, PROVIDERS
from passend.settlement.check import check_ledger
from passend.settlement.contracts import load_contract_set
from passend.settlement.engine import Settlement, load_reference, settle, write_settlement
from passend.tables import table_problem, write_parquet

D = date
YEAR = 2026
MARCH = D(2026, 3, 1)
REGION = "testregio"

FIN_KINDS = {
    "cz": "health_insurer",
    "vgz": "health_insurer",
    "menzis": "health_insurer",
    "zk1": "care_office",
    "gm1": "municipality",
    "vws": "government",
}
PROVIDER_KINDS = {
    "ct1": "consultation_team",
    "dn1": "district_nursing_org",
    "gp1": "gp_practice",
    "gp2": "gp_practice",
    "h1": "hospital",
    "zg1": "zorggroep",
    "zg2": "zorggroep",
}
INSURER_SHARES = {"cz": 0.6, "vgz": 0.3, "menzis": 0.1}


@functools.cache
def catalogue() -> Catalogue:
    return load_catalogue(extra=None)


# --- building the inputs ---------------------------------------------------------------------


def line(
    provider: str,
    financer: str,
    amount: int,
    *,
    patient: str | None = "p1",
    when: date = MARCH,
    law: str = "zvw",
    title: str = "12011",
    sector: str = "gp_care",
    activity: str = "consult",
    professional: str = "gp",
    setting: str = "home",
    quantity: int = 1,
    unit: str = "count",
) -> dict[str, Any]:
    """One claim line (claim_id is given when written)."""
    return {
        "patient_id": patient,
        "provider_id": provider,
        "financer_id": financer,
        "financer_kind": FIN_KINDS[financer],
        "law": law,
        "title_code": title,
        "sector": sector,
        "activity": activity,
        "professional": professional,
        "specialty": None,
        "setting": setting,
        "service_date": when,
        "quantity": quantity,
        "unit": unit,
        "tariff_cents": amount,
        "amount_cents": amount,
        "patient_bound": patient is not None,
        "year": YEAR,
        "tariff_placeholder": True,
        "above_max_tariff": False,
        "source_activity_id": None,
    }


def nursing(provider: str, financer: str, minutes: int, **kw: Any) -> dict[str, Any]:
    """A district-nursing line in minutes at 75.00 euros an hour (title 1033)."""
    amount = minutes * 7500 // 60
    return line(
        provider,
        financer,
        amount,
        title="1033",
        sector="district_nursing",
        activity="nursing",
        professional="district_nurse",
        quantity=minutes,
        unit="minutes",
        **kw,
    )


def patient(
    pid: str,
    death: date,
    *,
    trajectory: str = "cancer",
    marking: date | None = None,
    place: str = "home",
    preferred: str = "home",
    insurer: str = "cz",
) -> dict[str, Any]:
    return {
        "patient_id": pid,
        "age": 80,
        "sex": "female",
        "region": REGION,
        "insurer_id": insurer,
        "care_office_id": "zk1",
        "municipality_id": "gm1",
        "trajectory": trajectory,
        "wlz": False,
        "wlz_resident": False,
        "palliative_marking_date": marking,
        "death_date": death,
        "place_of_death": place,
        "preferred_place_of_death": preferred,
        "gp_practice_id": "gp1",
        "hospital_id": "h1",
    }


def claims_table(lines: list[dict[str, Any]]) -> pa.Table:
    rows = [{"claim_id": f"C{i:06d}", **r} for i, r in enumerate(lines, 1)]
    return pa.Table.from_pylist(rows, schema=CLAIMS)


def write_claims_dir(folder: Path, lines: list[dict[str, Any]], unfunded: list[dict] | None):
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(claims_table(lines), folder / "claims.parquet")
    if unfunded is not None:
        rows = [
            {
                "activity_id": f"U{i:06d}",
                "patient_bound": r.get("patient_id") is not None,
                "setting": "home",
                "quantity": 1,
                "unit": "count",
                "reason_code": "no_title",
                "reason": "geen titel",
                "routes": "",
                "cost_cents": 0,
                **r,
            }
            for i, r in enumerate(unfunded, 1)
        ]
        write_parquet(pa.Table.from_pylist(rows, schema=UNFUNDED), folder / "unfunded.parquet")
    return folder


def write_population(folder: Path, patients: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(pa.Table.from_pylist(patients, schema=PATIENTS), folder / "patients.parquet")
    providers = [
        {"provider_id": p, "provider_kind": k, "name": p, "region": REGION, "agb_code": "30000000"}
        for p, k in sorted(PROVIDER_KINDS.items())
    ]
    write_parquet(pa.Table.from_pylist(providers, schema=PROVIDERS), folder / "providers.parquet")
    financers = [
        {
            "financer_id": f,
            "financer_kind": k,
            "name": f,
            "region": REGION,
            "share": INSURER_SHARES.get(f, 1.0),
            "uzovi": None,
        }
        for f, k in FIN_KINDS.items()
        if f != "vws"
    ]
    write_parquet(pa.Table.from_pylist(financers, schema=FINANCERS), folder / "financers.parquet")
    # the people who die in YEAR with their last year of care (lines may fall in the year
    # before): settled whole in YEAR, as a generated population's deaths view
    meta = {"region": REGION, "year": YEAR, "scale": 1, "view": "deaths"}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


HEADER = """\
id: test-set
name: {nl: Test, en: Test}
sources: [{document: passend_placeholder, section: test}]
"""


def contract_file(folder: Path, body: str, name: str = "contracts.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / name
    f.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return f


# A population of four patients for the examples that need one (deaths in 2026).
PATIENTS_4 = [
    patient("p1", D(2026, 6, 30)),
    patient("p2", D(2026, 12, 31)),
    patient("p3", D(2026, 9, 30), trajectory="organ_failure"),
    patient("p4", D(2026, 10, 31), trajectory="frailty_dementia"),
]


def run(
    tmp: Path,
    lines: list[dict[str, Any]],
    body: str,
    *,
    patients: list[dict[str, Any]] | None = None,
    reference: Path | None = None,
    unfunded: list[dict] | None = None,
    inhabitants: int | None = None,
    name: str = "run",
    grants: bool = False,
) -> Settlement:
    """Settle ``lines`` under the contract set ``body``; write it and prove the ledger. The
    catalogue's grants (the PZNL consultation subsidy to every consultation team in 2026) are
    left out unless ``grants``, so that each example shows its own model; test_seed_fidelity
    settles them."""
    base = tmp / name
    claims = write_claims_dir(base / "claims", lines, unfunded)
    pop = write_population(base / "pop", PATIENTS_4 if patients is None else patients)
    ls = load_contract_set(contract_file(base, body), catalogue())
    if not grants:
        ls.grants = []
    s = settle(
        claims,
        ls,
        pop,
        load_reference(reference) if reference else None,
        inhabitants_by_region={REGION: inhabitants} if inhabitants is not None else {},
    )
    write_settlement(s, base / "out")
    problems, _ = check_ledger(base / "out")
    assert problems == []
    s.meta["out"] = str(base / "out")
    return s


def moves(s: Settlement, *reasons: str) -> list[tuple]:
    """Ledger rows as (reason, payer, payee, patient, cents), sorted, for the given reasons."""
    rows = s.tables["ledger"].to_pylist()
    return sorted(
        (r["reason"], r["payer_id"], r["payee_id"], r["patient_id"], r["amount_cents"])
        for r in rows
        if not reasons or r["reason"] in reasons
    )


def recon(s: Settlement) -> dict[tuple[str, str, str], tuple]:
    """(contract, provider, financer) -> (lines, claims, financer, patient, repriced, in_scope)."""
    return {
        (r["contract_id"], r["provider_id"], r["financer_id"]): (
            r["lines"],
            r["claims_cents"],
            r["financer_cents"],
            r["patient_cents"],
            r["repriced_cents"],
            r["in_scope_cents"],
        )
        for r in s.tables["reconciliation"].to_pylist()
    }


def stakeholder(s: Settlement, sid: str) -> dict[str, Any]:
    (row,) = [r for r in s.tables["stakeholders"].to_pylist() if r["stakeholder_id"] == sid]
    return row


# --- fee for service (PxQ) -------------------------------------------------------------------


PXQ = """\
contracts:
  - id: gp1-discount
    scope: {provider_ids: [gp1]}
    model: fee_for_service
    params: {tariff_share: 0.9}
  - id: gp2-not-contracted
    scope: {provider_ids: [gp2]}
    model: fee_for_service
    params: {contracted: false, non_contracted_share: 0.75}
  - id: zg1-not-contracted-discount
    scope: {provider_ids: [zg1]}
    model: fee_for_service
    params: {tariff_share: 0.9, contracted: false, non_contracted_share: 0.75}
"""


def test_pxq_tariff_share_and_non_contracted_care(tmp_path: Path) -> None:
    lines = [
        # gp1 at 90% of the tariff, rounded per line, half away from zero:
        line("gp1", "cz", 1001, patient="p1"),  # 900.9 -> 901
        line("gp1", "cz", 1005, patient="p1"),  # 904.5 -> 905   (p1: 1806; 2006 x 0.9 = 1805)
        line("gp1", "cz", 2001, patient="p2"),  # 1800.9 -> 1801
        line("gp1", "cz", -1005, patient="p2"),  # credit: -904.5 -> -905  (p2: 896)
        # p4's only line is a credit (a correction of last period): -360, booked the other way
        line("gp1", "cz", -400, patient="p4"),
        # gp2 not contracted: the insurer pays 75% of each line, the patient the rest:
        line("gp2", "vgz", 1001, patient="p3"),  # 750.75 -> 751, patient 250
        line("gp2", "vgz", 1002, patient="p3"),  # 751.5 -> 752, patient 250
        # zg1 not contracted at 90%: price round(1001 x 0.9) = 901;
        # insurer round(901 x 0.75 = 675.75) = 676; patient 225
        line("zg1", "menzis", 1001, patient="p1"),
        # no contract: the default, PxQ at the full tariff, by the financer on the line
        line(
            "h1", "cz", 35000, patient="p1", title="MSZ-DBC-POLI", sector="medical_specialist_care"
        ),
        line(
            "h1", "zk1", 25000, patient="p2", law="wlz", title="WLZ-VV10", sector="long_term_care"
        ),
        line("h1", "gm1", 3000, patient="p2", law="wmo", title="WMO-HH", sector="social_support"),
    ]
    s = run(tmp_path, lines, PXQ)
    assert moves(s) == [
        ("claims", "cz", "gp1", "p1", 1806),
        ("claims", "cz", "gp1", "p2", 896),
        ("claims", "cz", "h1", "p1", 35000),
        ("claims", "gm1", "h1", "p2", 3000),
        ("claims", "gp1", "cz", "p4", 360),
        ("claims", "menzis", "zg1", "p1", 676),
        ("claims", "vgz", "gp2", "p3", 1503),
        ("claims", "zk1", "h1", "p2", 25000),
        ("patient_share", "patient", "gp2", "p3", 500),
        ("patient_share", "patient", "zg1", "p1", 225),
    ]
    assert recon(s) == {
        # lines, claims, financer, patient, repriced (claims - price), in scope
        ("gp1-discount", "gp1", "cz"): (5, 2602, 2342, 0, 260, 0),
        ("gp2-not-contracted", "gp2", "vgz"): (2, 2003, 1503, 500, 0, 0),
        ("zg1-not-contracted-discount", "zg1", "menzis"): (1, 1001, 676, 225, 100, 0),
        ("default", "h1", "cz"): (1, 35000, 35000, 0, 0, 0),
        ("default", "h1", "zk1"): (1, 25000, 25000, 0, 0, 0),
        ("default", "h1", "gm1"): (1, 3000, 3000, 0, 0, 0),
    }
    rows = s.tables["ledger"].to_pylist()
    assert {r["contract_id"]: r["model"] for r in rows} == {
        "gp1-discount": "fee_for_service",
        "gp2-not-contracted": "fee_for_service",
        "zg1-not-contracted-discount": "fee_for_service",
        "default": "fee_for_service",
    }
    kinds = {(r["payer_id"], r["payer_kind"], r["law"]) for r in rows if r["payee_id"] == "h1"}
    assert kinds == {
        ("cz", "health_insurer", "zvw"),
        ("zk1", "care_office", "wlz"),
        ("gm1", "municipality", "wmo"),
    }
    pat = stakeholder(s, "patient")
    assert (pat["kind"], pat["money_out_cents"], pat["money_in_cents"]) == ("patient", 725, 0)
    assert stakeholder(s, "gp2")["money_in_cents"] == 2003
    cz = stakeholder(s, "cz")
    assert (cz["money_out_cents"], cz["money_in_cents"]) == (1806 + 896 + 35000, 360)


# --- revenue cap (omzetplafond) ---------------------------------------------------------------


def _cap_lines(provider: str) -> list[dict[str, Any]]:
    # p1 dies 2026-06-30: with terminal_days 90 the terminal phase starts after 2026-04-01.
    return [
        line(provider, "cz", 300000, patient="p1", when=D(2026, 4, 2)),  # terminal
        line(provider, "cz", 200000, patient="p1", when=D(2026, 4, 1)),  # not (the boundary)
        line(provider, "cz", 500000, patient="p2", when=D(2026, 2, 1)),  # p2 dies 2026-12-31
        line(provider, "vgz", 400000, patient="p2", when=D(2026, 2, 1)),
    ]


REVENUE_CAP = """\
contracts:
  - id: cap-exempt
    scope: {provider_ids: [h1]}
    model: revenue_cap
    params:
      caps_eur: {h1: {cz: 6000, vgz: 5000}}
      above_cap_share: 0.25
      exempt_terminal: true
      exempt_terminal_beyond_azwa: true   # a hospital: AZWA does not cover it, the option does
      terminal_days: 90
  - id: cap-not-exempt
    scope: {provider_ids: [gp1]}
    model: revenue_cap
    params: {caps_eur: {gp1: {cz: 6000}}, above_cap_share: 0.25, exempt_terminal: false}
  - id: cap-just-binding
    scope: {provider_ids: [gp2]}
    model: revenue_cap
    params: {caps_eur: {gp2: {cz: "6999.99"}}, exempt_terminal_beyond_azwa: true}
  - id: cap-not-binding
    scope: {provider_ids: [dn1]}
    model: revenue_cap
    params: {caps_eur: {dn1: {cz: 7000}}}
"""


def test_revenue_cap_binding_or_not_with_and_without_the_azwa_exemption(tmp_path: Path) -> None:
    lines = [x for p in ("h1", "gp1", "gp2") for x in _cap_lines(p)]
    # dn1's lines are district nursing at home: AZWA exempts their terminal part by default
    lines += [
        {**x, "sector": "district_nursing", "title_code": "1034", "activity": "nursing"}
        for x in _cap_lines("dn1")
    ]
    s = run(tmp_path, lines, REVENUE_CAP)
    # Every line is paid PxQ first: per provider p1 500000 and p2 500000 (cz) + 400000 (vgz).
    for prov in ("h1", "gp1", "gp2", "dn1"):
        assert [m for m in moves(s, "claims") if m[2] == prov] == [
            ("claims", "cz", prov, "p1", 500000),
            ("claims", "cz", prov, "p2", 500000),
            ("claims", "vgz", prov, "p2", 400000),
        ]
    # cz claimed 1,000,000 of which 300,000 terminal (exempt), cap 600,000:
    #   exempt on (h1):  capped part 700,000, excess 100,000;
    #                    paid 600,000 + 0.25 x 100,000 + 300,000 = 925,000 -> back 75,000
    #   exempt off (gp1): excess 400,000; paid 600,000 + 100,000 = 700,000 -> back 300,000
    #   gp2: exempt on, share 0, cap 699,999: excess 1 -> back 1
    #   dn1: cap 700,000 = the capped part: not binding; vgz under 5000 euros (h1) or no cap
    assert moves(s, "above_cap") == [
        ("above_cap", "gp1", "cz", None, 300000),
        ("above_cap", "gp2", "cz", None, 1),
        ("above_cap", "h1", "cz", None, 75000),
    ]
    basis = {
        r["payer_id"]: json.loads(r["basis"])
        for r in s.tables["adjustments"].to_pylist()
        if r["reason"] == "above_cap"
    }
    assert basis["h1"] == {
        "claimed_cents": 1000000,
        "exempt_cents": 300000,
        "cap_cents": 600000,
        "paid_cents": 925000,
        "unpaid_cents": 75000,
        "over_cap_cents": 100000,
    }
    assert basis["gp1"]["exempt_cents"] == 0 and basis["gp1"]["paid_cents"] == 700000
    assert stakeholder(s, "h1")["money_in_cents"] - stakeholder(s, "h1")["money_out_cents"] == (
        925000 + 400000
    )


def test_revenue_cap_with_credit_lines(tmp_path: Path) -> None:
    body = """\
    contracts:
      - id: cap
        scope: {provider_ids: [h1, gp1]}
        model: revenue_cap
        params: {caps_eur: {h1: {cz: 1000}, gp1: {cz: 1000}}, exempt_terminal_beyond_azwa: true}
      - id: cap-no-exemption
        scope: {provider_ids: [gp2]}
        model: revenue_cap
        params: {caps_eur: {gp2: {cz: 1000}}, exempt_terminal: false}
    """

    def credited(prov: str) -> list[dict[str, Any]]:
        # p1 dies 2026-06-30: terminal 300,000; other care 200,000 - 250,000 (a credit)
        return [
            line(prov, "cz", 300000, patient="p1", when=D(2026, 5, 1)),
            line(prov, "cz", 200000, patient="p1", when=D(2026, 2, 1)),
            line(prov, "cz", -250000, patient="p1", when=D(2026, 2, 15)),
        ]

    lines = credited("h1") + credited("gp2")
    lines += [line("gp1", "cz", -5000, patient="p2")]  # a pair that is only a credit
    s = run(tmp_path, lines, body)
    # h1: claimed 250,000 of which 300,000 terminal (exempt): the capped part is -50,000,
    #   under the cap of 100,000: all paid. gp1: -5,000 claimed, nothing to cap.
    # gp2 without the exemption: 250,000 against the cap of 100,000: 150,000 back.
    assert moves(s, "above_cap") == [("above_cap", "gp2", "cz", None, 150000)]


# --- integral hourly rate with an efficiency agreement ----------------------------------------


IHR = """\
contracts:
  - id: ihr-exclude-terminal
    scope: {provider_ids: [dn1]}
    model: integral_hourly_rate
    params: {rate_eur: "61.50", norm_hours_per_client_month: 8, payback_share: 0.5,
             exclude_terminal: true, terminal_days: 90}
  - id: ihr-include-terminal
    scope: {provider_ids: [dn2]}
    model: integral_hourly_rate
    params: {rate_eur: "61.50", norm_hours_per_client_month: 8, payback_share: 0.5,
             exclude_terminal: false, terminal_days: 90}
  - id: ihr-tie
    scope: {provider_ids: [dn3]}
    model: integral_hourly_rate
    params: {rate_eur: "61.53", norm_hours_per_client_month: 8, payback_share: 0.5}
  - id: ihr-derived
    scope: {provider_ids: [dn4]}
    model: integral_hourly_rate
    params: {norm_hours_per_client_month: 100, payback_share: 1}
"""


def _ihr_lines(provider: str) -> list[dict[str, Any]]:
    return [
        # p2 (dies 2026-12-31): two client-months, 1201 minutes, plus one line per visit
        nursing(provider, "cz", 601, patient="p2", when=D(2026, 1, 10)),  # 75,125
        nursing(provider, "cz", 600, patient="p2", when=D(2026, 2, 10)),  # 75,000
        line(provider, "cz", 5000, patient="p2", when=D(2026, 2, 10), sector="district_nursing"),
        # p1 (dies 2026-06-30): terminal, two client-months, 1800 minutes
        nursing(provider, "cz", 1200, patient="p1", when=D(2026, 5, 10)),  # 150,000
        nursing(provider, "cz", 600, patient="p1", when=D(2026, 6, 10)),  # 75,000
    ]


def test_integral_hourly_rate_with_efficiency_payback(tmp_path: Path, monkeypatch) -> None:
    for prov in ("dn2", "dn3", "dn4"):
        monkeypatch.setitem(PROVIDER_KINDS, prov, "district_nursing_org")
    tie = [
        nursing("dn3", "vgz", 490, patient="p2", when=D(2026, 1, 10)),
        nursing("dn3", "vgz", 490, patient="p2", when=D(2026, 2, 10)),
    ]
    # no rate: the case mix of the (own) reference, 60 minutes at 75.00 and 60 at 45.00 -> 60.00
    mix = [
        nursing("dn4", "menzis", 60, patient="p1"),
        {**nursing("dn4", "menzis", 60, patient="p2"), "amount_cents": 4500, "tariff_cents": 4500},
    ]
    s = run(tmp_path, _ihr_lines("dn1") + _ihr_lines("dn2") + tie + mix, IHR)
    # rate 61.50 an hour = 102.5 cents a minute, rounded once per patient and provider:
    #   p2: 1201 x 102.5 = 123,102.5 -> 123,103, plus the count line at its price 5,000
    #   p1: 1800 x 102.5 = 184,500
    for prov in ("dn1", "dn2"):
        assert [m for m in moves(s, "claims") if m[2] == prov] == [
            ("claims", "cz", prov, "p1", 184500),
            ("claims", "cz", prov, "p2", 128103),
        ]
    # norm 8 hours per client-month, payback half of the excess at the rate:
    #   terminal clients excluded: 1201/60 hours in 2 months, norm 16 -> excess 241/60 hours,
    #     payback 0.5 x 6150 x 241/60 = 12,351.25 -> 12,351
    #   included: 3001/60 hours in 4 months, norm 32 -> excess 1081/60 hours,
    #     payback 0.5 x 6150 x 1081/60 = 55,401.25 -> 55,401
    #   ihr-tie: 980 minutes (980 x 6153 / 60 = 100,499 paid) in 2 months, norm 16 hours:
    #     excess 1/3 hour, payback 0.5 x 6153 / 3 = 1025.5 exactly -> 1026 (half away from
    #     zero; with hours as a rounded decimal 0.333... it came out 1025)
    assert moves(s, "efficiency_payback") == [
        ("efficiency_payback", "dn1", "cz", None, 12351),
        ("efficiency_payback", "dn2", "cz", None, 55401),
        ("efficiency_payback", "dn3", "vgz", None, 1026),
    ]
    assert ("claims", "vgz", "dn3", "p2", 100499) in moves(s, "claims")
    assert [m for m in moves(s, "claims") if m[2] == "dn4"] == [
        ("claims", "menzis", "dn4", "p1", 6000),
        ("claims", "menzis", "dn4", "p2", 6000),
    ]
    rec = recon(s)
    # claims 75,125 + 75,000 + 5,000 + 150,000 + 75,000 = 380,125; paid 312,603
    assert rec[("ihr-exclude-terminal", "dn1", "cz")] == (5, 380125, 312603, 0, 67522, 0)


def test_integral_hourly_rate_derived_rate_does_not_pay_other_lines_twice(tmp_path: Path) -> None:
    body = """\
    contracts:
      - id: ihr
        scope: {sectors: [district_nursing]}
        model: integral_hourly_rate
        params: {norm_hours_per_client_month: 100, payback_share: 1}
    """
    lines = [
        nursing("dn1", "cz", 60, patient="p1"),  # 7,500
        line("dn1", "cz", 5000, patient="p1", sector="district_nursing"),  # a line per visit
    ]
    s = run(tmp_path, lines, body)
    # the run is its own reference: one hour at the case mix's 75.00 plus the visit at 50.00
    assert moves(s) == [("claims", "cz", "dn1", "p1", 12500)]


# --- lump sum (aanneemsom) ---------------------------------------------------------------------


LUMP_SUM = """\
contracts:
  - id: ls-plain
    scope: {provider_ids: [h1]}
    model: lump_sum
    params: {share_of_reference: 1}
  - id: ls-corridor
    scope: {provider_ids: [gp1]}
    model: lump_sum
    params: {share_of_reference: 1, corridor: 0.05, corridor_share: 0.5}
  - id: ls-corridor-wide
    scope: {provider_ids: [gp2]}
    model: lump_sum
    params: {share_of_reference: 1, corridor: 0.25, corridor_share: 0.5}
  - id: ls-down
    scope: {provider_ids: [dn1]}
    model: lump_sum
    params: {share_of_reference: 1, corridor: 0.1, corridor_share: 0.5}
  - id: ls-fixed
    scope: {provider_ids: [zg1]}
    model: lump_sum
    params: {amounts_eur: {zg1: "10000.01"}}
"""


def test_lump_sum_on_actual_market_shares_with_a_corridor(tmp_path: Path) -> None:
    ref_lines = [
        line(p, f, c, patient="p2")
        for p in ("h1", "gp1", "gp2", "dn1")
        for f, c in (("cz", 600000), ("vgz", 400000))
    ]
    ref = run(tmp_path, ref_lines, LUMP_SUM, name="ref")
    # the reference is its own: each provider gets its claims value, split 60/40
    assert [m for m in moves(ref) if m[2] == "h1"] == [
        ("lump_sum", "cz", "h1", None, 600000),
        ("lump_sum", "vgz", "h1", None, 400000),
    ]
    now = [
        line(p, f, c, patient="p2")
        for p in ("h1", "gp1", "gp2")
        for f, c in (("cz", 300000), ("vgz", 900000))
    ]
    now += [line("dn1", f, 400000, patient="p2") for f in ("cz", "vgz")]
    now += [line("zg1", "cz", 100000, patient="p2"), line("zg1", "vgz", 200000, patient="p2")]
    s = run(tmp_path, now, LUMP_SUM, reference=Path(ref.meta["out"]), name="now")
    # The contract value is the reference's 1,000,000 (60/40); this year the provider claimed
    # 1,200,000, 25/75: the lump sum is split 25/75, not 60/40.
    #   h1, no corridor: 250,000 / 750,000
    #   gp1, corridor 5%: deviation 200,000 beyond 50,000 -> + 0.5 x 150,000 = 75,000;
    #       1,075,000 split 25/75 = 268,750 / 806,250
    #   gp2, corridor 25% (250,000): not binding
    #   dn1: 800,000 claimed, 50/50; deviation -200,000 beyond 100,000 -> - 50,000;
    #       950,000 = 475,000 / 475,000
    #   zg1: 10,000.01 euros split 1:2: 333,333.67 and 666,667.33 -> the odd cent to cz
    assert moves(s) == [
        ("lump_sum", "cz", "dn1", None, 475000),
        ("lump_sum", "cz", "gp1", None, 268750),
        ("lump_sum", "cz", "gp2", None, 250000),
        ("lump_sum", "cz", "h1", None, 250000),
        ("lump_sum", "cz", "zg1", None, 333334),
        ("lump_sum", "vgz", "dn1", None, 475000),
        ("lump_sum", "vgz", "gp1", None, 806250),
        ("lump_sum", "vgz", "gp2", None, 750000),
        ("lump_sum", "vgz", "h1", None, 750000),
        ("lump_sum", "vgz", "zg1", None, 666667),
    ]
    rec = recon(s)
    assert rec[("ls-plain", "h1", "vgz")] == (1, 900000, 0, 0, 0, 900000)


def test_spread_keeps_ids_with_any_character(tmp_path: Path) -> None:
    """An add-on split over financer x provider pairs: ids are kept as they are (an imported
    financer id may hold a '|', which once served as the key separator), and the parts add up."""
    from passend.settlement.frame import spread
    from passend.settlement.tables import SPEND

    spend = pa.Table.from_pylist(
        [
            {
                "contract_id": "c",
                "financer_id": "zk|a",
                "financer_kind": "health_insurer",
                "provider_id": "h|1",
                "spend_cents": 300,
            },
            {
                "contract_id": "c",
                "financer_id": "zk|a",
                "financer_kind": "health_insurer",
                "provider_id": "gp1",
                "spend_cents": 100,
            },
            {
                "contract_id": "c",
                "financer_id": "vgz",
                "financer_kind": "health_insurer",
                "provider_id": "h|1",
                "spend_cents": 400,
            },
        ],
        schema=SPEND,
    )
    # 1,001 cents: vgz 400/800 -> 500.5, zk|a 500.5; the odd cent by name: vgz < zk|a
    # zk|a's 500 over h|1 and gp1 3:1 -> 375 and 125
    assert spread(1001, spend, None) == [
        (("vgz", "health_insurer"), "h|1", 501),
        (("zk|a", "health_insurer"), "gp1", 125),
        (("zk|a", "health_insurer"), "h|1", 375),
    ]


# --- bundle ------------------------------------------------------------------------------------


BUNDLE = """\
contracts:
  - id: bundle-vgz
    scope: {financer_ids: [vgz]}
    model: bundle
    params: {principal: zg2, prices_eur: {default: 2000}, corridor: 0.1, corridor_share: 0.5}
  - id: bundle-menzis
    scope: {financer_ids: [menzis]}
    model: bundle
    params: {principal: zg2, prices_eur: {default: 1000}, corridor: 0.5}
  - id: bundle-cz
    scope:
      financer_ids: [cz]
      laws: [zvw]
      episode: {start: palliative_marking, days_before_death: 90, after_death_days: 30}
    model: bundle
    params:
      principal_kind: zorggroep
      prices_eur: {cancer: 1000, default: 500}
      corridor: 0.1
      corridor_share: 0.5
      outlier_threshold_eur: 1500
"""


def test_bundle_per_class_with_principal_corridor_and_outlier(tmp_path: Path) -> None:
    patients = [
        patient("p1", D(2026, 6, 30), marking=D(2026, 3, 1)),
        patient("p2", D(2026, 12, 31)),  # never marked: the episode starts 90 days before death
        patient("p3", D(2026, 9, 30), trajectory="organ_failure", marking=D(2026, 1, 15)),
        patient("p4", D(2026, 10, 31), trajectory="frailty_dementia", insurer="vgz"),
        patient("p5", D(2026, 10, 31), insurer="menzis"),
    ]
    lines = [
        line("gp1", "cz", 9999, patient="p1", when=D(2026, 2, 28)),  # before marking: PxQ
        line("gp1", "cz", 30000, patient="p1", when=D(2026, 3, 1)),
        line("h1", "cz", 50000, patient="p1", when=D(2026, 5, 1)),
        line("gp1", "cz", 1000, patient="p1", when=D(2026, 7, 30)),  # bereavement, day 30
        line("gp1", "cz", 2000, patient="p1", when=D(2026, 7, 31)),  # day 31: PxQ
        line("gp1", "cz", 3000, patient="p2", when=D(2026, 10, 1)),  # before the 90 days: PxQ
        line("gp1", "cz", 20000, patient="p2", when=D(2026, 10, 2)),
        line("h1", "cz", 200000, patient="p2", when=D(2026, 11, 1)),
        line("zg1", "cz", 10000, patient="p3", when=D(2026, 2, 1)),
        line("gp1", "cz", 40000, patient="p3", when=D(2026, 3, 1)),
        line("gp2", "vgz", 100000, patient="p4"),
        line("gp2", "menzis", 80000, patient="p5"),
    ]
    s = run(tmp_path, lines, BUNDLE, patients=patients)
    # cz: principal zg1 (the zorggroep with the smallest id). Prices: cancer 1000.00 (p1, p2),
    # other classes the default 500.00 (p3): payment 250,000.
    # p2's care in the episode, 220,000, is 70,000 above the outlier threshold of 150,000.
    # actual 81,000 + 220,000 + 50,000 = 351,000; in the bundle 351,000 - 70,000 = 281,000;
    # result 250,000 - 281,000 = -31,000, beyond the corridor 0.1 x 250,000 = 25,000:
    # the insurer pays 0.5 x 6,000 = 3,000 more.
    # vgz: 2000.00 for p4 whose care cost 100,000: result +100,000, corridor 20,000:
    # the principal zg2 pays back 0.5 x 80,000 = 40,000.
    # menzis: 1000.00 for p5 (80,000): result +20,000 inside the corridor of 50,000.
    assert moves(s) == [
        ("bundle", "cz", "zg1", "p1", 100000),
        ("bundle", "cz", "zg1", "p2", 100000),
        ("bundle", "cz", "zg1", "p3", 50000),
        ("bundle", "menzis", "zg2", "p5", 100000),
        ("bundle", "vgz", "zg2", "p4", 200000),
        ("bundle_corridor", "cz", "zg1", None, 3000),
        ("bundle_corridor", "zg2", "vgz", None, 40000),
        ("bundle_outlier", "cz", "zg1", "p2", 70000),
        ("claims", "cz", "gp1", "p1", 11999),
        ("claims", "cz", "gp1", "p2", 3000),
        ("subcontract", "zg1", "gp1", "p1", 31000),
        ("subcontract", "zg1", "gp1", "p2", 20000),
        ("subcontract", "zg1", "gp1", "p3", 40000),
        ("subcontract", "zg1", "h1", "p1", 50000),
        ("subcontract", "zg1", "h1", "p2", 200000),
        ("subcontract", "zg2", "gp2", "p4", 100000),
        ("subcontract", "zg2", "gp2", "p5", 80000),
    ]
    # the consortium's principal keeps the rest: in 250,000 + 70,000 + 3,000, out 341,000
    zg1 = stakeholder(s, "zg1")
    assert (zg1["money_in_cents"], zg1["money_out_cents"]) == (323000, 341000)
    rec = recon(s)
    assert rec[("bundle-cz", "h1", "cz")] == (2, 250000, 0, 0, 0, 250000)
    assert rec[("default", "gp1", "cz")] == (3, 14999, 14999, 0, 0, 0)
    classes = {
        (r["contract_id"], r["risk_class"]): (r["patients"], r["claims_cents"])
        for r in s.tables["classes"].to_pylist()
    }
    assert classes[("bundle-cz", "cancer")] == (2, 301000)


# --- population (capitation) -------------------------------------------------------------------


def test_capitation_per_insurer_by_members(tmp_path: Path) -> None:
    body = """\
    contracts:
      - id: cap-bands
        scope: {provider_ids: [gp1, zg1]}
        model: population
        params:
          principal: zg1
          bands:
            - {band: a-young, share: 0.5, rate_eur: 10}
            - {band: b-old, share: 0.5, rate_eur: 20}
      - id: cap-flat
        scope: {provider_ids: [gp2]}
        model: population
        params: {principal_kind: zorggroep, rate_eur: "12.34"}
    """
    lines = [
        line("gp1", "cz", 5000, patient="p1"),
        line("zg1", "cz", 3000, patient="p1"),
        line("gp2", "vgz", 2000, patient="p2"),
    ]
    s = run(tmp_path, lines, body, inhabitants=1001)
    # 1001 inhabitants over the insurers 0.6 / 0.3 / 0.1: 600.6, 300.3, 100.1 -> 600, 300, 100
    # and the odd one to the largest remainder (cz): 601, 300, 100.
    # cap-bands: cz's 601 split 0.5/0.5 = 300.5 each -> the odd one to a-young (ties by name):
    #   301 x 10.00 + 300 x 20.00 = 9010.00; vgz 150 x 10 + 150 x 20 = 4500.00; menzis 1500.00
    # cap-flat: 12.34 per member: cz 601 x 1234 = 741,634; vgz 370,200; menzis 123,400
    assert moves(s) == [
        ("capitation", "cz", "zg1", None, 741634),
        ("capitation", "cz", "zg1", None, 901000),
        ("capitation", "menzis", "zg1", None, 123400),
        ("capitation", "menzis", "zg1", None, 150000),
        ("capitation", "vgz", "zg1", None, 370200),
        ("capitation", "vgz", "zg1", None, 450000),
        ("subcontract", "zg1", "gp1", "p1", 5000),
        ("subcontract", "zg1", "gp2", "p2", 2000),
    ]
    per_contract = {
        (r["contract_id"], r["payer_id"]): r["amount_cents"]
        for r in s.tables["ledger"].to_pylist()
        if r["reason"] == "capitation"
    }
    assert per_contract[("cap-bands", "cz")] == 901000
    assert per_contract[("cap-flat", "cz")] == 741634


def test_capitation_needs_the_inhabitants(tmp_path: Path) -> None:
    body = """\
    contracts:
      - {id: cap, model: population, params: {principal: zg1, rate_eur: 1}}
    """
    with pytest.raises(ValueError, match="capitation needs the population"):
        run(tmp_path, [line("gp1", "cz", 5000)], body)


# --- network -----------------------------------------------------------------------------------


def test_network_split_by_contribution_plus_fee(tmp_path: Path) -> None:
    body = """\
    contracts:
      - id: net-priced
        scope: {financer_ids: [cz]}
        model: network
        params: {principal: zg1, product_price_eur: 100, coordination_fee_eur: 25}
      - id: net-lines
        scope: {financer_ids: [vgz]}
        model: network
        params: {principal_kind: zorggroep}
    """
    lines = [
        line("gp1", "cz", 1000, patient="p1"),
        line("h1", "cz", 2000, patient="p1"),
        line("gp1", "cz", 1000, patient="p2"),
        line("h1", "cz", 1000, patient="p2"),
        line("zg1", "cz", 1000, patient="p2"),
        line("gp1", "vgz", 1000, patient="p3"),
        line("h1", "vgz", 2500, patient="p3"),
    ]
    s = run(tmp_path, lines, body)
    # net-priced: 100.00 per patient split by contribution, largest remainder:
    #   p1 1:2 -> 3333.33 / 6666.67 -> 3333 / 6667 (h1's remainder is the larger)
    #   p2 1:1:1 -> 3333.33 each -> the odd cent to gp1 (ties by id); zg1 keeps its 3333
    # plus 25.00 per patient to the coordinator.
    # net-lines: the product is the patient's lines (3500), shares exactly the lines.
    assert moves(s) == [
        ("coordination_fee", "cz", "zg1", "p1", 2500),
        ("coordination_fee", "cz", "zg1", "p2", 2500),
        ("network_product", "cz", "zg1", "p1", 10000),
        ("network_product", "cz", "zg1", "p2", 10000),
        ("network_product", "vgz", "zg1", "p3", 3500),
        ("network_share", "zg1", "gp1", "p1", 3333),
        ("network_share", "zg1", "gp1", "p2", 3334),
        ("network_share", "zg1", "gp1", "p3", 1000),
        ("network_share", "zg1", "h1", "p1", 6667),
        ("network_share", "zg1", "h1", "p2", 3333),
        ("network_share", "zg1", "h1", "p3", 2500),
    ]
    zg1 = stakeholder(s, "zg1")
    assert zg1["money_in_cents"] - zg1["money_out_cents"] == 3333 + 2 * 2500


# --- shared savings (add-on) -------------------------------------------------------------------


SAVINGS = {  # contract -> (add-on params); each contract settles A = 950,000 (0.6 cz / 0.4 vgz)
    "below-msr": "{benchmark_eur: '9999.99', msr: 0.05, sharing_rate: 0.5, quality_score: 0.8, savings_cap: 0.1}",
    "at-msr": "{benchmark_eur: 10000, msr: 0.05, sharing_rate: 0.5, quality_score: 0.8, savings_cap: 0.1}",
    "cap-binds": "{benchmark_eur: 10000, msr: 0.05, sharing_rate: 0.5, quality_score: 0.8, savings_cap: 0.01}",
    "quality-0": "{benchmark_eur: 10000, msr: 0.02, sharing_rate: 0.5, quality_score: 0, savings_cap: 0.1}",
    "factor": "{benchmark_eur: 10000, msr: 0.05, sharing_rate: 0.5, quality_score: 0.8, savings_cap: 0.1, payment_factor: 0.5}",
    "payee": "{benchmark_eur: 10000, msr: 0.05, sharing_rate: 0.5, quality_score: 0.8, savings_cap: 0.1, payee: zg1}",
    "loss": "{benchmark_eur: 9000, msr: 0.05, mlr: 0.05, sharing_rate: 0.5, loss_sharing_rate: 0.4, savings_cap: 0.1, loss_cap: 0.05, two_sided: true}",
    "loss-factor": "{benchmark_eur: 9000, msr: 0.05, mlr: 0.05, sharing_rate: 0.5, loss_sharing_rate: 0.4, savings_cap: 0.1, loss_cap: 0.05, two_sided: true, payment_factor: 0.98}",
    "loss-factor-half": "{benchmark_eur: 9000, msr: 0.05, mlr: 0.05, sharing_rate: 0.5, loss_sharing_rate: 0.4, savings_cap: 0.1, loss_cap: 0.05, two_sided: true, payment_factor: 0.98, loss_factor: 0.5}",
    "loss-in-mlr": "{benchmark_eur: 9000, msr: 0.05, mlr: 0.06, sharing_rate: 0.5, loss_sharing_rate: 0.4, savings_cap: 0.1, loss_cap: 0.05, two_sided: true}",
    "loss-cap": "{benchmark_eur: 9000, msr: 0.05, mlr: 0.05, sharing_rate: 0.5, loss_sharing_rate: 0.4, savings_cap: 0.1, loss_cap: 0.01, two_sided: true}",
    "one-sided": "{benchmark_eur: 9000, msr: 0.05, mlr: 0.05, sharing_rate: 0.5, loss_sharing_rate: 0.4, savings_cap: 0.1, loss_cap: 0.05}",
    "own-ref": "{msr: 0, sharing_rate: 0.5, savings_cap: 0.1}",
}


def test_shared_savings_msr_caps_quality_and_two_sided_losses(tmp_path: Path, monkeypatch) -> None:
    body = "contracts:\n"
    lines = []
    for cid, params in SAVINGS.items():
        a, b = f"{cid}-a", f"{cid}-b"
        monkeypatch.setitem(PROVIDER_KINDS, a, "gp_practice")
        monkeypatch.setitem(PROVIDER_KINDS, b, "hospital")
        body += (
            f"  - id: {cid}\n    scope: {{provider_ids: [{a}, {b}]}}\n"
            f"    model: fee_for_service\n"
            f"    addons: [{{model: shared_savings, params: {params}}}]\n"
        )
        lines += [line(a, "cz", 570000, patient="p1"), line(b, "vgz", 380000, patient="p2")]
    s = run(tmp_path, lines, body)
    got: dict[str, list] = {cid: [] for cid in SAVINGS}
    for r in s.tables["ledger"].to_pylist():
        if r["reason"] in ("shared_savings", "shared_loss"):
            got[r["contract_id"]].append(
                (r["reason"], r["payer_id"], r["payee_id"], r["amount_cents"])
            )
    # A = 950,000 (cz 570,000 to -a, vgz 380,000 to -b). Amounts are split over the financers
    # on their spend (0.6 / 0.4) and each financer's part over its providers.
    assert {k: sorted(v) for k, v in got.items()} == {
        # B 999,999: S 49,999 < MSR 0.05 x B = 49,999.95: nothing
        "below-msr": [],
        # B 1,000,000: S 50,000 = MSR x B: 0.5 x 0.8 x 50,000 = 20,000 (cap 100,000)
        "at-msr": [
            ("shared_savings", "cz", "at-msr-a", 12000),
            ("shared_savings", "vgz", "at-msr-b", 8000),
        ],
        # cap 0.01 x 1,000,000 = 10,000 < 20,000
        "cap-binds": [
            ("shared_savings", "cz", "cap-binds-a", 6000),
            ("shared_savings", "vgz", "cap-binds-b", 4000),
        ],
        "quality-0": [],
        "factor": [
            ("shared_savings", "cz", "factor-a", 6000),
            ("shared_savings", "vgz", "factor-b", 4000),
        ],
        "payee": [
            ("shared_savings", "cz", "zg1", 12000),
            ("shared_savings", "vgz", "zg1", 8000),
        ],
        # B 900,000: loss 50,000 >= MLR 45,000: 0.4 x 50,000 = 20,000 (cap 45,000) paid back
        "loss": [
            ("shared_loss", "loss-a", "cz", 12000),
            ("shared_loss", "loss-b", "vgz", 8000),
        ],
        # payment factor 0.98 cuts savings paid, not the loss owed: 20,000 in full
        "loss-factor": [
            ("shared_loss", "loss-factor-a", "cz", 12000),
            ("shared_loss", "loss-factor-b", "vgz", 8000),
        ],
        # loss factor 0.5: 0.5 x 20,000 = 10,000
        "loss-factor-half": [
            ("shared_loss", "loss-factor-half-a", "cz", 6000),
            ("shared_loss", "loss-factor-half-b", "vgz", 4000),
        ],
        # MLR 0.06 x 900,000 = 54,000 > 50,000: inside the corridor
        "loss-in-mlr": [],
        # loss cap 0.01 x 900,000 = 9,000
        "loss-cap": [
            ("shared_loss", "loss-cap-a", "cz", 5400),
            ("shared_loss", "loss-cap-b", "vgz", 3600),
        ],
        "one-sided": [],
        # no benchmark and no reference: the run is its own benchmark, S = 0
        "own-ref": [],
    }
    outcomes = {
        r["contract_id"]: json.loads(r["basis"])["outcome"]
        for r in s.tables["adjustments"].to_pylist()
        if r["model"] == "shared_savings"
    }
    assert outcomes == {
        "at-msr": "shared_savings",
        "cap-binds": "shared_savings",
        "factor": "shared_savings",
        "payee": "shared_savings",
        "loss": "shared_loss",
        "loss-factor": "shared_loss",
        "loss-factor-half": "shared_loss",
        "loss-cap": "shared_loss",
    }


REFERENCED = """\
contracts:
  - id: cap
    scope: {provider_ids: [h1]}
    model: revenue_cap
    params: {cap_share_of_reference: 0.5, exempt_terminal: false}
  - id: savings
    scope: {provider_ids: [gp1]}
    model: fee_for_service
    addons:
      - model: shared_savings
        params: {benchmark_factor: 1.0, msr: 0.02, sharing_rate: 0.5, savings_cap: 0.1}
  - id: bundle
    scope: {provider_ids: [gp2]}
    model: bundle
    params: {principal: zg2, price_factor_of_reference: 0.9}
"""


def test_caps_prices_and_benchmarks_from_the_reference_run(tmp_path: Path) -> None:
    ref_lines = [
        line("h1", "cz", 100000, patient="p2"),
        line("gp1", "cz", 100000, patient="p1"),
        line("gp2", "cz", 80000, patient="p1"),  # cancer
        line("gp2", "cz", 40000, patient="p2"),  # cancer
        line("gp2", "cz", 30000, patient="p4"),  # frailty and dementia
    ]
    ref = run(tmp_path, ref_lines, REFERENCED, name="ref")
    # without a reference the run is its own: the cap is half of its own claims (50,000
    # back) and the benchmark its own spending (no savings)
    assert moves(ref, "above_cap", "shared_savings") == [("above_cap", "h1", "cz", None, 50000)]
    now = [
        line("h1", "cz", 70000, patient="p2"),
        line("h1", "vgz", 9000, patient="p3"),
        line("gp1", "cz", 90000, patient="p1"),
        line("gp2", "cz", 10000, patient="p1"),
        line("gp2", "cz", 5000, patient="p3"),  # organ failure: not in the reference
    ]
    s = run(tmp_path, now, REFERENCED, reference=Path(ref.meta["out"]), name="now")
    # revenue cap = 0.5 x 100,000 (reference) = 50,000; claimed 70,000 -> 20,000 back.
    #   vgz had no claims in the reference: its cap is 0 and all 9,000 go back.
    # shared savings: B 100,000, A 90,000: S 10,000 >= 2,000 -> 0.5 x 10,000 = 5,000
    # bundle: 0.9 x the reference's average per patient of the class: cancer 0.9 x 60,000 =
    #   54,000; organ failure (no patients in the reference) 0.9 x 150,000 / 3 = 45,000
    assert moves(s, "above_cap", "shared_savings", "bundle", "subcontract") == [
        ("above_cap", "h1", "cz", None, 20000),
        ("above_cap", "h1", "vgz", None, 9000),
        ("bundle", "cz", "zg2", "p1", 54000),
        ("bundle", "cz", "zg2", "p3", 45000),
        ("shared_savings", "cz", "gp1", None, 5000),
        ("subcontract", "zg2", "gp2", "p1", 10000),
        ("subcontract", "zg2", "gp2", "p3", 5000),
    ]


def test_contracts_without_claims_move_nothing(tmp_path: Path) -> None:
    body = """\
    contracts:
      - id: savings
        scope: {provider_ids: [gp2]}
        model: fee_for_service
        addons:
          - model: shared_savings
            params: {msr: 0.02, mlr: 0.02, sharing_rate: 0.5, loss_sharing_rate: 0.5,
                     savings_cap: 0.1, loss_cap: 0.1, two_sided: true}
          - model: pay_for_performance
            params: {pool_share: 0.1, indicators: [{id: acp_3m, target: 0.5}]}
      - id: lump
        scope: {provider_ids: [dn1]}
        model: lump_sum
        params: {share_of_reference: 1, corridor: 0.05}
      - id: cap
        scope: {provider_ids: [h1]}
        model: revenue_cap
        params: {cap_share_of_reference: 1}
    """
    s = run(tmp_path, [line("gp1", "cz", 1000)], body)
    assert moves(s) == [("claims", "cz", "gp1", "p1", 1000)]


# --- pay for performance (add-on) --------------------------------------------------------------


P4P_PATIENTS = [
    patient("p1", D(2026, 6, 30), place="home", preferred="home"),
    patient("p2", D(2026, 12, 31), place="hospital", preferred="home"),
    patient("p3", D(2026, 9, 30), place="hospice", preferred="hospice"),
    patient("p4", D(2026, 10, 31), place="hospital", preferred="home"),
]
INDICATORS = """
          - {id: acp_3m, target: 0.5, weight: 2}
          - {id: preferred_place, target: 0.4}
          - {id: ed_last_30d, target: 0.2}
          - {id: hospital_death, target: 0.25}
          - {id: specialist_consultation, target: 0.5}"""
P4P = f"""\
contracts:
  - id: p4p-bonus
    scope: {{provider_ids: [gp1]}}
    model: fee_for_service
    addons:
      - model: pay_for_performance
        params:
          pool_eur: 1000
          indicators: {INDICATORS}
  - id: p4p-neutral
    scope: {{provider_ids: [gp2]}}
    model: fee_for_service
    addons:
      - model: pay_for_performance
        params:
          pool_eur: 1000
          budget_neutral: true
          indicators: {INDICATORS}
  - id: p4p-malus
    scope: {{provider_ids: [dn1]}}
    model: fee_for_service
    addons:
      - model: pay_for_performance
        params:
          pool_share: 0.5
          threshold: 0.8
          malus_rate: 0.1
          malus_below: 0.8
          indicators: {INDICATORS}
"""


def test_pay_for_performance_indicators_from_the_patients(tmp_path: Path) -> None:
    def acp(pid: str, when: date) -> dict[str, Any]:
        return line("gp1", "cz", 5000, patient=pid, when=when, activity="advance_care_planning")

    def ed(pid: str, when: date) -> dict[str, Any]:
        return line("h1", "cz", 20000, patient=pid, when=when, title="MSZ-SEH", activity="ed_visit")

    lines = [
        line(p, "cz", 1000, patient=f"p{i}") for p in ("gp1", "gp2", "dn1") for i in (1, 2, 3, 4)
    ]
    lines += [
        acp("p1", D(2026, 6, 30) - timedelta(days=90)),  # 90 days before death: counts
        acp("p2", D(2026, 12, 31) - timedelta(days=89)),  # 89 days: does not
        ed("p2", D(2026, 12, 31) - timedelta(days=29)),  # in the last 30 days
        ed("p4", D(2026, 10, 31) - timedelta(days=30)),  # 30 days before: not in the last 30
        line("ct1", "cz", 30000, patient="p1", activity="bedside_consult"),
    ]
    # a consultation no claim pays for still counts (the declaration's unfunded activities)
    unfunded = [
        {
            "patient_id": "p3",
            "provider_id": "ct1",
            "activity": "palliative_consultation",
            "professional": "palliative_nurse",
            "date": D(2026, 9, 1),
        }
    ]
    s = run(tmp_path, lines, P4P, patients=P4P_PATIENTS, unfunded=unfunded)
    # over p1..p4: ACP >= 90 days before death 1/4; at the preferred place 2/4 (p1, p3);
    # ED in the last 30 days 1/4; hospital deaths 2/4; consultation 2/4 (p1, p3).
    # achievements: ACP 0.25/0.5 = 0.5 (weight 2); preferred min(1, 0.5/0.4) = 1;
    # ED (lower is better) 0.2/0.25 = 0.8; hospital 0.25/0.5 = 0.5; consultation 1.
    # score = (2 x 0.5 + 1 + 0.8 + 0.5 + 1) / 6 = 4.3/6 = 0.71666...
    #   p4p-bonus: 100,000 x 0.71666... = 71,666.67 -> 71,667
    #   p4p-neutral: the pool 100,000 withheld, the bonus 71,667 paid
    #   p4p-malus: pool 0.5 x 4,000 = 2,000; score below the threshold 0.8: no bonus;
    #     below 0.8: malus 0.1 x 2,000 = 200
    assert moves(s, "p4p_bonus", "p4p_malus", "p4p_withhold") == [
        ("p4p_bonus", "cz", "gp1", None, 71667),
        ("p4p_bonus", "cz", "gp2", None, 71667),
        ("p4p_malus", "dn1", "cz", None, 200),
        ("p4p_withhold", "gp2", "cz", None, 100000),
    ]
    (basis,) = {
        r["basis"]
        for r in s.tables["adjustments"].to_pylist()
        if r["contract_id"] == "p4p-bonus" and r["reason"] == "p4p_bonus"
    }
    b = json.loads(basis)
    assert b["score"] == "0.7167"
    assert b["scores"] == {
        "acp_3m": "0.25",
        "preferred_place": "0.5",
        "ed_last_30d": "0.25",
        "hospital_death": "0.5",
        "specialist_consultation": "0.5",
    }
    gp2 = stakeholder(s, "gp2")
    assert gp2["money_in_cents"] - gp2["money_out_cents"] == 4000 - 100000 + 71667


# --- budgets: availability and subsidy ---------------------------------------------------------


def test_availability_budget_split_over_financers_and_subsidy(tmp_path: Path) -> None:
    body = """\
    budgets:
      - id: team
        model: availability
        params: {amount_eur: "1000.01", payee_kind: consultation_team}
      - id: team-equal
        model: availability
        params: {amount_eur: "1000.01", payee: ct1, shares: {cz: 0.333, vgz: 0.333, menzis: 0.333}}
      - id: pznl
        model: subsidy
        params: {amount_eur: 500, payee_kind: zorggroep}
    """
    s = run(tmp_path, [line("gp1", "cz", 1000)], body)
    # 100,001 cents over the insurers' shares 0.6 / 0.3 / 0.1: 60,000.6, 30,000.3, 10,000.1
    # -> the odd cent to cz. In equal thirds (0.333 each: rounded shares add up to 1 within
    # the tolerance) 33,333.67 each: two odd cents, ties by id (cz, menzis). The subsidy is
    # paid by VWS.
    got = sorted(
        (
            r["contract_id"],
            r["reason"],
            r["payer_id"],
            r["payer_kind"],
            r["payee_id"],
            r["amount_cents"],
        )
        for r in s.tables["ledger"].to_pylist()
        if r["reason"] != "claims"
    )
    assert got == [
        ("pznl", "subsidy", "vws", "government", "zg1", 50000),
        ("team", "availability", "cz", "health_insurer", "ct1", 60001),
        ("team", "availability", "menzis", "health_insurer", "ct1", 10000),
        ("team", "availability", "vgz", "health_insurer", "ct1", 30000),
        ("team-equal", "availability", "cz", "health_insurer", "ct1", 33334),
        ("team-equal", "availability", "menzis", "health_insurer", "ct1", 33334),
        ("team-equal", "availability", "vgz", "health_insurer", "ct1", 33333),
    ]
    vws = stakeholder(s, "vws")
    assert (vws["kind"], vws["money_out_cents"]) == ("government", 50000)


def test_a_budget_for_an_unknown_financer_is_refused(tmp_path: Path) -> None:
    body = """\
    budgets:
      - {id: team, model: availability, params: {amount_eur: 1, payee: ct1, shares: {zz: 1}}}
    """
    with pytest.raises(ValueError, match="unknown financer"):
        run(tmp_path, [line("gp1", "cz", 1000)], body)


# --- the ledger check catches tampering ------------------------------------------------------


def test_tampering_with_the_ledger_is_caught(tmp_path: Path) -> None:
    body = """\
    budgets:
      - {id: team, model: availability, params: {amount_eur: 100, payee: ct1}}
    """
    s = run(tmp_path, [line("gp1", "cz", 1000), line("h1", "vgz", 2000, patient="p2")], body)
    good = Path(s.meta["out"])
    for reason in ("claims", "availability"):
        out = tmp_path / f"tampered-{reason}"
        shutil.copytree(good, out)
        ledger = pq.read_table(out / "ledger.parquet").to_pylist()
        i = next(i for i, r in enumerate(ledger) if r["reason"] == reason)
        ledger[i]["amount_cents"] += 1
        table = pa.Table.from_pylist(ledger, schema=s.tables["ledger"].schema)
        write_parquet(table, out / "ledger.parquet")
        problems, _ = check_ledger(out)
        assert problems, f"a changed {reason} amount must not pass the check"
        r = CliRunner().invoke(cli_app(), ["ledger", "check", str(out)])
        assert r.exit_code == 1
        assert "✗" in r.stderr
        r = CliRunner().invoke(cli_app(), ["ledger", "check", str(out), "--json"])
        assert r.exit_code == 1
        answer = json.loads(r.stdout)
        assert answer["ok"] is False and answer["problems"] == problems
    r = CliRunner().invoke(cli_app(), ["ledger", "check", str(good)])
    assert r.exit_code == 0 and "het geld sluit" in r.stdout
    (good / "stakeholders.parquet").unlink()
    problems, _ = check_ledger(good)
    assert any("stakeholders.parquet: missing" in p for p in problems)


# --- contract sets: validation with file:line ------------------------------------------------


def cli_app():
    from passend.cli import app

    return app


@pytest.fixture(autouse=True)
def _catalogue_once(monkeypatch) -> None:
    """The commands load the catalogue on every call; these tests use the one loaded once."""
    import passend.cli.common

    monkeypatch.setattr(passend.cli.common, "_load", lambda extra: catalogue())


BAD_SETS = {
    # name: (contract set body, line of the problem, words in the message)
    "unknown field": (
        """\
        contracts:
          - id: c1
            scpe: {laws: [zvw]}
            model: fee_for_service
        """,
        6,
        "unknown field",
    ),
    "unknown model": (
        """\
        contracts:
          - id: c1
            scope: {laws: [zvw]}
            model: pay_per_smile
        """,
        7,
        "model",
    ),
    "unknown provider kind": (
        """\
        contracts:
          - id: c1
            scope:
              provider_kinds: [hopsital]
            model: fee_for_service
        """,
        7,
        "unknown provider kind 'hopsital'",
    ),
    "bad params": (
        """\
        contracts:
          - id: c1
            model: fee_for_service
            params:
              tariff_share: -1
        """,
        8,
        "tariff_share",
    ),
    "unknown param": (
        """\
        contracts:
          - id: c1
            model: revenue_cap
            params:
              cap_share_of_reference: 1
              cap_eur: 5
        """,
        9,
        "unknown field",
    ),
    "two cap kinds": (
        """\
        contracts:
          - id: c1
            model: revenue_cap
            params:
              cap_share_of_reference: 1
              caps_eur: {h1: {cz: 5}}
        """,
        7,
        "exactly one of caps_eur and cap_share_of_reference",
    ),
    "negative cap": (
        """\
        contracts:
          - id: c1
            model: revenue_cap
            params:
              caps_eur: {h1: {cz: -5}}
        """,
        7,
        "caps_eur must not be negative",
    ),
    "bad add-on params": (
        """\
        contracts:
          - id: c1
            model: fee_for_service
            addons:
              - model: shared_savings
                params: {msr: 2, sharing_rate: 0.5, savings_cap: 0.1}
        """,
        9,
        "msr",
    ),
    "bad budget": (
        """\
        budgets:
          - id: b1
            model: availability
            params:
              amount_eur: -5
        """,
        8,
        "amount_eur",
    ),
    "unknown title": (
        """\
        contracts:
          - id: c1
            scope: {titles: [NO-SUCH-TITLE]}
            model: fee_for_service
        """,
        6,
        "unknown title",
    ),
    "duplicate ids": (
        """\
        contracts:
          - {id: c1, model: fee_for_service}
          - {id: c1, model: fee_for_service}
        """,
        1,
        "unique",
    ),
}


@pytest.fixture(scope="module")
def tiny_inputs(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("tiny")
    lines = [
        line("gp1", "cz", 1001),
        line("h1", "vgz", 35000, patient="p2", title="MSZ-DBC-POLI"),
        line("ct1", "zk1", 25000, patient="p3", law="wlz", title="WLZ-VV10"),
        line("ct1", "gm1", 3000, patient="p3", law="wmo", title="WMO-HH"),
    ]
    return write_claims_dir(base / "claims", lines, None), write_population(
        base / "pop", PATIENTS_4
    )


@pytest.mark.parametrize("case", list(BAD_SETS))
def test_a_bad_contract_set_exits_2_with_file_and_line(
    tmp_path: Path, tiny_inputs: tuple[Path, Path], case: str
) -> None:
    body, line_no, words = BAD_SETS[case]
    f = contract_file(tmp_path, body, name="bad.yaml")
    claims, pop = tiny_inputs
    r = CliRunner().invoke(
        cli_app(),
        [
            *("settle", "--claims", str(claims), "--contracts", str(f)),
            *("--population", str(pop), "--out", str(tmp_path / "out"), "--lang", "en"),
        ],
    )
    assert r.exit_code == 2, r.stdout + r.stderr
    assert isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.stdout + r.stderr
    assert f"{f}:{line_no}:" in r.stderr, r.stderr
    assert words in r.stderr
    assert not (tmp_path / "out").exists()


def test_every_problem_of_a_contract_set_is_reported_at_once(tmp_path: Path) -> None:
    body = """\
    contracts:
      - id: c1
        scope: {provider_kinds: [hopsital], laws: [zvv]}
        model: fee_for_service
        params: {tariff_share: -1}
      - id: c2
        model: bundle
        params: {principal_kind: netwerk, prices_eur: {default: 10}}
    """
    f = contract_file(tmp_path, body)
    from passend.catalogue.loader import CatalogueError

    with pytest.raises(CatalogueError) as e:
        load_contract_set(f, catalogue())
    shown = [str(i) for i in e.value.issues]
    assert len(shown) == 4, shown
    assert all(s.startswith(f"{f}:") for s in shown)
    assert any("unknown law 'zvv'" in s for s in shown)
    assert any("unknown provider kind 'netwerk'" in s for s in shown)


def test_the_shipped_contract_sets_are_valid() -> None:
    from passend.settlement.contracts import shipped_sets

    names = {f.stem for f in shipped_sets()}
    assert names >= {"pxq", "current", "bundle", "lump-sum", "network", "availability"}
    for f in shipped_sets():
        ls = load_contract_set(f, catalogue())
        assert ls.cs.id == f.stem
        assert "default" in ls.params


# --- the command line ----------------------------------------------------------------------------


def test_settle_a_missing_claims_folder_or_contract_set_exits_2(
    tmp_path: Path, tiny_inputs
) -> None:
    claims, _ = tiny_inputs
    for args in (
        ["--claims", str(tmp_path / "nowhere"), "--contracts", "pxq"],
        ["--claims", str(claims), "--contracts", str(tmp_path / "none.yaml")],
        ["--claims", str(claims), "--contracts", "pxq", "--reference", str(tmp_path)],
    ):
        r = CliRunner().invoke(cli_app(), ["settle", *args, "--out", str(tmp_path / "out")])
        assert r.exit_code == 2, args
        assert isinstance(r.exception, SystemExit)
        assert r.stderr.startswith("passend:") and "Traceback" not in r.stderr
    r = CliRunner().invoke(cli_app(), ["ledger", "check", str(tmp_path / "nowhere")])
    assert r.exit_code == 2


def test_a_damaged_or_foreign_input_table_exits_2_naming_file_and_column(
    tmp_path: Path, tiny_inputs
) -> None:
    claims, pop = tiny_inputs
    good = pq.read_table(claims / "claims.parquet")
    amount = good.schema.get_field_index("amount_cents")
    cases = {
        "damaged": ("claims", b"not parquet", "claims.parquet: not a readable Parquet file"),
        "no_amount": ("claims", good.drop(["amount_cents"]), "column amount_cents: missing"),
        "float_amount": (
            "claims",
            good.set_column(amount, "amount_cents", pc.cast(good["amount_cents"], pa.float64())),
            "column amount_cents: type double, expected int64",
        ),
        "providers": ("pop", b"", "providers.parquet: not a readable Parquet file"),
    }
    for case, (which, content, message) in cases.items():
        c, p = tmp_path / case / "claims", tmp_path / case / "pop"
        shutil.copytree(claims, c)
        shutil.copytree(pop, p)
        f = c / "claims.parquet" if which == "claims" else p / "providers.parquet"
        if isinstance(content, bytes):
            f.write_bytes(content)
        else:
            pq.write_table(content, f)
        args = ["--claims", str(c), "--contracts", "pxq", "--population", str(p)]
        r = CliRunner().invoke(
            cli_app(), ["settle", *args, "--out", str(tmp_path / "out"), "--lang", "en"]
        )
        assert r.exit_code == 2, (case, r.stdout, r.stderr)
        assert isinstance(r.exception, SystemExit), case
        flat = "".join(r.stderr.split())  # the console may wrap a long path
        assert "".join(message.split()) in flat and str(f) in flat, (case, r.stderr)
    # a settlement whose ledger file is damaged fails its check, with the file named
    out = tmp_path / "settled"
    args = ["--claims", str(claims), "--contracts", "pxq", "--population", str(pop)]
    assert CliRunner().invoke(cli_app(), ["settle", *args, "--out", str(out)]).exit_code == 0
    (out / "ledger.parquet").write_bytes(b"PAR1")
    r = CliRunner().invoke(cli_app(), ["ledger", "check", str(out), "--json"])
    assert r.exit_code == 1
    problems = json.loads(r.stdout)["problems"]
    assert len(problems) == 1
    assert problems[0].startswith(f"{out / 'ledger.parquet'}: not a readable Parquet file (")


def test_table_problem_reads_the_footer_only_and_allows_extra_and_dictionary_columns(
    tmp_path: Path,
) -> None:
    schema = pa.schema([("id", pa.string()), ("cents", pa.int64())])
    f = tmp_path / "t.parquet"
    ok = pa.table({"id": pa.array(["a", "b"]).dictionary_encode(), "cents": [1, 2], "x": [0, 0]})
    pq.write_table(ok, f)
    assert table_problem(f, schema) is None
    pq.write_table(pa.table({"id": ["a"], "cents": pa.array([1], pa.int32())}), f)
    assert table_problem(f, schema) == f"{f}: column cents: type int32, expected int64"
    pq.write_table(pa.table({"cents": [1]}), f)
    assert table_problem(f, schema) == f"{f}: column id: missing"


def test_settle_cli_json_determinism_and_language(tmp_path: Path, tiny_inputs) -> None:
    claims, pop = tiny_inputs
    f = contract_file(tmp_path, PXQ)
    args = ["settle", "--claims", str(claims), "--contracts", str(f), "--population", str(pop)]
    a = CliRunner().invoke(cli_app(), [*args, "--out", str(tmp_path / "a"), "--json"])
    assert a.exit_code == 0, a.stderr
    answer = json.loads(a.stdout)
    assert answer["meta"]["contract_set"] == "test-set"
    assert answer["meta"]["claims_lines"] == 4 and answer["meta"]["claims_cents"] == 64001
    kinds = {k["kind"]: k for k in answer["kinds"]}
    assert set(kinds) == {"provider", "health_insurer", "care_office", "municipality", "government"}
    assert kinds["government"]["money_out_cents"] == 5905500  # the PZNL grant to ct1 in 2026
    assert sum(k["money_in_cents"] for k in kinds.values()) == sum(
        k["money_out_cents"] for k in kinds.values()
    )
    assert kinds["care_office"]["money_out_cents"] == 25000
    b = CliRunner().invoke(cli_app(), [*args, "--out", str(tmp_path / "b"), "--lang", "en"])
    assert b.exit_code == 0, b.stderr
    assert "Written to" in b.stdout and "Providers" in b.stdout and "Money in" in b.stdout
    assert "Zorgaanbieders" not in b.stdout
    c = CliRunner().invoke(cli_app(), [*args, "--out", str(tmp_path / "c")])
    assert "Geschreven naar" in c.stdout and "Zorgaanbieders" in c.stdout
    # the same inputs give the same bytes
    for name in ("ledger", "reconciliation", "adjustments", "stakeholders", "spend", "costs"):
        one = (tmp_path / "a" / f"{name}.parquet").read_bytes()
        assert one == (tmp_path / "b" / f"{name}.parquet").read_bytes(), name
    ok = CliRunner().invoke(cli_app(), ["ledger", "check", str(tmp_path / "a"), "--json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["ok"] is True


# --- the shipped contract sets on a generated population -------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """A small generated region (zuid-gelderland at scale 0.05) and its declared claims."""
    base = tmp_path_factory.mktemp("generated")
    pop, claims = base / "pop", base / "claims"
    r = CliRunner().invoke(
        cli_app(),
        [
            *("population", "generate", "--region", "zuid-gelderland", "--year", "2026"),
            *("--seed", "1", "--scale", "0.05", "--out", str(pop)),
        ],
    )
    assert r.exit_code == 0, r.stderr
    r = CliRunner().invoke(
        cli_app(), ["claims", "declare", "--population", str(pop), "--out", str(claims)]
    )
    assert r.exit_code == 0, r.stderr
    return pop, claims


@pytest.mark.parametrize("name", ["current", "bundle", "population-p4p"])
def test_shipped_contract_sets_settle_a_generated_region(tmp_path: Path, generated, name) -> None:
    from passend.population.params import inhabitants_by_region
    from passend.settlement.contracts import DATA

    pop, claims = generated
    ls = load_contract_set(DATA / f"{name}.yaml", catalogue())
    inhabitants = inhabitants_by_region(catalogue(), None)
    s = settle(claims, ls, pop, inhabitants_by_region=inhabitants)
    write_settlement(s, tmp_path / "own")
    problems, figures = check_ledger(tmp_path / "own")
    assert problems == []
    assert figures["claims_lines"] == s.meta["claims_lines"] > 0
    reasons = {r["reason"] for r in s.tables["ledger"].to_pylist()}
    expected = {
        # the caps are the run's own claims (no reference): they do not bind
        "current": {"claims", "efficiency_payback", "subsidy"},
        "bundle": {"claims", "bundle", "subcontract"},
        "population-p4p": {"claims", "capitation", "subcontract"},
    }[name]
    assert expected <= reasons
    assert "above_cap" not in reasons
    if name == "current":
        # the run as its own reference gives the same settlement as a run without one
        again = settle(
            claims, ls, pop, load_reference(tmp_path / "own"), inhabitants_by_region=inhabitants
        )
        assert again.tables["ledger"].equals(s.tables["ledger"])


# --- provider costs, stakeholder sums and spend, computed by hand ------------------------------


def _ledger(rows: list[tuple[str, str, str, str, str | None, int]]) -> pa.Table:
    from passend.settlement.tables import LEDGER

    return pa.Table.from_pylist(
        [
            {
                "contract_id": "c1",
                "model": "fee_for_service",
                "reason": "claims",
                "payer_id": payer,
                "payer_kind": payer_kind,
                "payee_id": payee,
                "payee_kind": payee_kind,
                "patient_id": patient,
                "law": None,
                "year": 2026,
                "amount_cents": cents,
            }
            for payer, payer_kind, payee, payee_kind, patient, cents in rows
        ],
        schema=LEDGER,
    )


def test_provider_costs_variable_and_fixed_parts_by_hand() -> None:
    """Variable share of this run's full cost (half up to the cent) plus the kind's fixed annual
    cost and the fixed share of the reference's full cost; a provider the population does not
    know gets the default kind; extra fixed costs go to a provider, also a new one."""
    from passend.settlement.costs import ProviderCosts
    from passend.settlement.engine import Reference, _add_fixed, _costs
    from passend.settlement.tables import BASIS, CLASSES, COSTS, SPEND

    pcosts = ProviderCosts.model_validate(
        {
            "source": {"document": "passend_placeholder", "section": "test"},
            "default": {"variable_share": 0.5, "fixed_annual_cents": 1000},
            "kinds": {"hospital": {"variable_share": 0.25, "fixed_annual_cents": 50000}},
        }
    )
    providers = pa.table({"provider_id": ["p1", "p2"], "provider_kind": ["hospital", "gp"]})
    now = pa.table({"provider_id": ["p1", "p3"], "full_cost_cents": [10001, 333]})
    ref_costs = pa.Table.from_pylist(
        [
            {"provider_id": "p1", "full_cost_cents": 20000, "variable_cost_cents": 0},
            {"provider_id": "p2", "full_cost_cents": 999, "variable_cost_cents": 0},
        ]
    )
    ref = Reference(BASIS.empty_table(), CLASSES.empty_table(), SPEND.empty_table(), ref_costs)
    costs = _costs(now, providers, pcosts, ref)
    assert costs.schema == COSTS
    assert costs.to_pylist() == [
        # hospital, 1/4 variable: 10001 / 4 = 2500.25 -> 2500; fixed 50000 + 20000 - 5000
        {"provider_id": "p1", "provider_kind": "hospital", "full_cost_cents": 10001,
         "variable_cost_cents": 2500, "fixed_cost_cents": 65000, "cost_cents": 67500},
        # gp is not in the cost model: the default (1/2); no cost now; fixed 1000 + 999 - 500
        # (499.5 rounds half up)
        {"provider_id": "p2", "provider_kind": "gp", "full_cost_cents": 0,
         "variable_cost_cents": 0, "fixed_cost_cents": 1499, "cost_cents": 1499},
        # not in the population: the default; 333 / 2 = 166.5 -> 167; no reference cost
        {"provider_id": "p3", "provider_kind": None, "full_cost_cents": 333,
         "variable_cost_cents": 167, "fixed_cost_cents": 1000, "cost_cents": 1167},
    ]  # fmt: skip
    # without a reference the run is its own: p1's fixed part is 50000 + 10001 - 2500
    own = {r["provider_id"]: r for r in _costs(now, providers, pcosts, None).to_pylist()}
    assert own["p1"]["fixed_cost_cents"] == 57501 and own["p2"]["fixed_cost_cents"] == 1000
    added = _add_fixed(costs, {"p2": 10, "p4": 7}).to_pylist()
    assert [r["provider_id"] for r in added] == ["p1", "p2", "p3", "p4"]
    assert (added[1]["fixed_cost_cents"], added[1]["cost_cents"]) == (1509, 1509)
    assert added[3] == {
        "provider_id": "p4", "provider_kind": None, "full_cost_cents": 0,
        "variable_cost_cents": 0, "fixed_cost_cents": 7, "cost_cents": 7,
    }  # fmt: skip


def test_stakeholders_and_spend_from_a_ledger_by_hand() -> None:
    from passend.settlement.engine import stakeholders
    from passend.settlement.frame import base_spend
    from passend.settlement.tables import COSTS

    ledger = _ledger(
        [
            ("ins1", "health_insurer", "p1", "provider", "X", 100),
            ("ins1", "health_insurer", "p1", "provider", "Y", 50),
            ("patient", "patient", "p1", "provider", "X", 30),
            ("p1", "provider", "ins1", "health_insurer", None, 20),  # paid back
            ("p1", "provider", "p2", "provider", "X", 40),  # subcontract: not spend
            ("co1", "care_office", "p2", "provider", "Y", 7),
            ("p2", "provider", "co1", "care_office", None, 10),
        ]
    )
    costs = pa.Table.from_pylist(
        [
            {"provider_id": "p1", "provider_kind": "hospital", "full_cost_cents": 0,
             "variable_cost_cents": 0, "fixed_cost_cents": 50, "cost_cents": 50},
            {"provider_id": "p9", "provider_kind": "gp", "full_cost_cents": 0,
             "variable_cost_cents": 0, "fixed_cost_cents": 5, "cost_cents": 5},
        ],
        schema=COSTS,
    )  # fmt: skip
    rows = [
        (r["kind"], r["stakeholder_id"], r["provider_kind"], r["money_in_cents"],
         r["money_out_cents"], r["cost_cents"], r["margin_cents"])
        for r in stakeholders(ledger, costs).to_pylist()
    ]  # fmt: skip
    assert rows == [
        ("care_office", "co1", None, 10, 7, 0, 3),
        ("health_insurer", "ins1", None, 20, 150, 0, -130),
        ("patient", "patient", None, 0, 30, 0, -30),
        ("provider", "p1", "hospital", 180, 60, 50, 70),
        ("provider", "p2", None, 47, 10, 0, 37),
        ("provider", "p9", "gp", 0, 0, 5, -5),
    ]
    assert sum(r[3] for r in rows) == sum(r[4] for r in rows)  # every cent paid is received
    spend = base_spend([ledger.slice(0, 3), ledger.slice(3)], "c1").to_pylist()
    assert [(r["financer_id"], r["financer_kind"], r["provider_id"], r["spend_cents"]) for r in spend] == [
        ("co1", "care_office", "p2", 7 - 10),
        ("ins1", "health_insurer", "p1", 100 + 50 - 20),
    ]  # fmt: skip
    assert {r["contract_id"] for r in spend} == {"c1"}


def test_incentive_units_are_exact_sums_rounded_half_up(tmp_path: Path) -> None:
    """The marginal view of one extra nursing hour (passend simulate's incentives): units are
    summed exactly (minutes / 60), not as floats whose sum depends on DuckDB's thread count."""
    from decimal import Decimal

    from passend.claims.declare import load_cost_prices
    from passend.scenarios.results import incentives
    from passend.settlement.costs import load_provider_costs

    # 20 + 20 + 20 + 10 + 5 = 75 minutes = 1.25 hours, 9375 cents at 75.00 euros an hour
    lines = [nursing("dn1", "cz", m, patient="p1") for m in (20, 20, 20, 10, 5)]
    base = tmp_path / "inc"
    claims = write_claims_dir(base / "claims", lines, None)
    pop = write_population(base / "pop", PATIENTS_4)
    ls = load_contract_set(contract_file(base, "contracts: []\n"), catalogue())
    prices, pcosts = load_cost_prices(), load_provider_costs()
    t = incentives(
        claims / "claims.parquet",
        ls,
        pq.read_table(pop / "patients.parquet"),
        pq.read_table(pop / "providers.parquet"),
        prices,
        pcosts,
    )
    (row,) = [r for r in t.to_pylist() if r["unit"] == "extra_nursing_hour"]
    share = Decimal(str(pcosts.for_kind("district_nursing_org").variable_share))
    cost = float(share) * prices.hourly_cents["district_nurse"]  # one hour's variable cost
    assert row["provider_kind"] == "district_nursing_org"
    assert row["units_in_baseline"] == 1.3  # 1.25 half up (a float 1.25 rounds to 1.2)
    assert row["revenue_cents"] == 7500  # PxQ: 9375 / 1.25
    assert row["cost_cents"] == round(cost)
    assert row["margin_cents"] == round(7500 - cost)


# --- incentives: the marginal payment each model answers ------------------------------------

T_ADMISSION = 450_000  # one admission's tariff in cents
T_ACP = 20_000  # one ACP conversation's tariff in cents


def _incentives(tmp_path: Path, name: str, body: str, lines: list[dict[str, Any]]) -> dict:
    """(provider kind, unit) -> (revenue, cost) cents of passend simulate's incentive table
    for ``lines`` under the contract set ``body``."""
    from passend.claims.declare import load_cost_prices
    from passend.scenarios.results import incentives
    from passend.settlement.costs import load_provider_costs

    base = tmp_path / name
    claims = write_claims_dir(base / "claims", lines, None)
    pop = write_population(base / "pop", PATIENTS_4)
    ls = load_contract_set(contract_file(base, body), catalogue())
    t = incentives(
        claims / "claims.parquet",
        ls,
        pq.read_table(pop / "patients.parquet"),
        pq.read_table(pop / "providers.parquet"),
        load_cost_prices(),
        load_provider_costs(),
    )
    return {
        (r["provider_kind"], r["unit"]): (r["revenue_cents"], r["cost_cents"])
        for r in t.to_pylist()
    }


def _admission(patient: str = "p1") -> dict[str, Any]:
    return line(
        "h1",
        "cz",
        T_ADMISSION,
        patient=patient,
        sector="medical_specialist_care",
        activity="hospital_admission",
        professional="medical_specialist",
        setting="hospital",
    )


def _scoped(model: str, params: str) -> str:
    return (
        "contracts:\n"
        f"  - {{id: c, scope: {{provider_ids: [h1]}}, model: {model}, params: {params}}}\n"
    )


def test_incentives_differ_across_pxq_bundle_and_capitation_as_their_formulas_say(
    tmp_path: Path,
) -> None:
    """One avoided admission of tariff T = 4,500.00 euros at the hospital h1, every contract at
    tariff share 0.9 (price 0.9 x T = 405,000 cents):
    - PxQ: the hospital loses the price, 405,000;
    - a bundle with the hospital as principal (hoofdaannemer): the price per patient is
      fixed, the hospital loses nothing;
    - capitation with the zorggroep as principal: the zorggroep pays the hospital its lines
      (subcontract), so the hospital loses 405,000 and the zorggroep saves it (+405,000)."""
    lines = [_admission()]
    pxq = _incentives(tmp_path, "pxq", _scoped("fee_for_service", "{tariff_share: 0.9}"), lines)
    bundle = _incentives(
        tmp_path,
        "bundle",
        _scoped("bundle", "{tariff_share: 0.9, principal: h1, price_factor_of_reference: 1}"),
        lines,
    )
    cap = _incentives(
        tmp_path,
        "capitation",
        _scoped("population", "{tariff_share: 0.9, principal: zg1, rate_eur: 100}"),
        lines,
    )
    price = 9 * T_ADMISSION // 10  # 405,000
    key = ("hospital", "avoided_admission")
    assert pxq[key][0] == -price
    assert bundle[key][0] == 0
    assert cap[key][0] == -price
    assert cap[("zorggroep", "avoided_admission")] == (price, 0)
    assert ("zorggroep", "avoided_admission") not in pxq
    assert pxq[key][1] == bundle[key][1] == cap[key][1] < 0  # the same variable cost saved


def test_incentives_of_a_revenue_cap_met_exactly(tmp_path: Path) -> None:
    """A cap at the reference's claims (share 1; the lines' run is its own reference) with
    above_cap_share 0.25: the cap binds for one unit more, not for one fewer. An avoided
    admission loses its price (450,000); an extra ACP conversation (20,000) earns 0.25 x
    20,000 = 5,000. PxQ pays 20,000 for it."""
    lines = [_admission(), line("h1", "cz", T_ACP, activity="advance_care_planning")]
    body = _scoped(
        "revenue_cap", "{cap_share_of_reference: 1, above_cap_share: 0.25, exempt_terminal: false}"
    )
    got = _incentives(tmp_path, "cap", body, lines)
    assert got[("hospital", "avoided_admission")][0] == -T_ADMISSION
    assert got[("hospital", "extra_acp")][0] == T_ACP // 4
    pxq = _incentives(tmp_path, "pxq", "contracts: []\n", lines)
    assert pxq[("hospital", "extra_acp")][0] == T_ACP


def test_cents_beyond_int64_on_duckdb_are_one_line_and_exit_2(tmp_path: Path) -> None:
    # two claims of 2**62 cents to one provider and financer: their sum is 2**63, one beyond
    # int64, which DuckDB refuses (an Out of Range Error or a HUGEINT that Arrow cannot take
    # back); the command says so in one line, not with the engine's traceback
    claims = write_claims_dir(
        tmp_path / "claims", [line("gp1", "cz", 2**62), line("gp1", "cz", 2**62)], None
    )
    pop = write_population(tmp_path / "pop", PATIENTS_4)
    r = CliRunner().invoke(
        cli_app(),
        [
            *("settle", "--claims", str(claims), "--contracts", "pxq"),
            *("--population", str(pop), "--out", str(tmp_path / "out"), "--lang", "en"),
        ],
    )
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    (message,) = r.stderr.strip().splitlines()
    assert message.startswith("passend: DuckDB: ") and "int64" in message, message
    assert not (tmp_path / "out" / "ledger.parquet").exists()
