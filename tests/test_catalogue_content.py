"""Properties of the embedded catalogue: the vocabulary of DESIGN section 4 is there, every
entry cites a source, published tariffs match CALIBRATION.md, and every activity has an answer."""

from __future__ import annotations

from passend.catalogue.loader import Catalogue
from passend.wegwijzer.navigator import Query, ask, candidate_titles

DESIGN_IDS = {
    "laws": {"zvw", "wlz", "wmo", "subsidy"},
    "financer_kinds": {"health_insurer", "care_office", "municipality", "government", "patient"},
    "settings": {"home", "hospital", "hospice", "nursing_home", "palliative_unit", "elv"},
    "professionals": {
        "gp",
        "gp_palliative",
        "elderly_care_physician",
        "elderly_care_physician_palliative",
        "medical_specialist",
        "nurse_specialist",
        "district_nurse",
        "palliative_nurse",
        "carer",
        "network_coordinator",
    },
    "specialties": {
        "internal_medicine",
        "geriatrics",
        "cardiology",
        "pulmonology",
        "oncology",
        "emergency_medicine",
        "anaesthesiology",
    },
    "activities": {
        "consult",
        "home_visit",
        "terminal_care",
        "palliative_consultation",
        "bedside_consult",
        "look_along_consult",
        "advice_consult",
        "scen_consult",
        "advance_care_planning",
        "case_management",
        "patz_meeting",
        "mdo",
        "personal_care",
        "nursing",
        "specialised_nursing",
        "on_call_care",
        "hospital_admission",
        "hospital_day",
        "ed_visit",
        "icu_day",
        "outpatient_visit",
        "hospital_palliative_care",
        "hospice_day",
        "elv_day",
        "nursing_home_day",
        "household_help",
        "aids",
        "tapas_coordination",
        "tapas_scop",
        "tapas_regie",
        "palliative_marking",
        "bereavement_care",
        "team_availability",
        "team_coordination",
        "expertise_training",
        "network_coordination",
    },
}

# CALIBRATION.md, "Tariffs": published GP maximum tariffs in cents, by code and year.
PUBLISHED = {
    ("12010", 2023): 575,
    ("12011", 2023): 1151,
    ("12001", 2023): 2302,
    ("12002", 2023): 1726,
    ("12003", 2023): 2877,
    ("12010", 2025): 621,
    ("12011", 2025): 1243,
    ("12001", 2025): 2485,
    ("12002", 2025): 1864,
    ("12003", 2025): 3106,
    # "Tariffs found later (2024-2025)": district nursing per hour, 2024, a provider's published
    # tariffs (documents.yaml provider_tariffs_district_nursing_2024; official: NZa
    # TB/REG-24619-01), by title name: personal care, on-call care, nursing, on-call nursing,
    # specialised nursing.
    ("1032", 2024): 6794,
    ("1033", 2024): 7276,
    ("1034", 2024): 8835,
    ("1035", 2024): 9464,
    ("1036", 2024): 11081,
    # ELV palliatief (ptz) per day, verenso.nl 9 July 2024 (verenso_elv_tariffs_2025).
    ("ELV-PALLIATIEF", 2024): 40792,
    ("ELV-PALLIATIEF", 2025): 58914,
    # SCEN consult, maximum, knmg.nl "SCEN declareren" (knmg_scen_declareren).
    ("HA-SCEN", 2017): 37304,
    ("HA-SCEN", 2018): 38734,
    ("HA-SCEN", 2019): 40266,
}

SEEDS = {
    "000_998a0de785dc4df3.txt",
    "001_8c24ee17af0a616c.txt",
    "002_29ea8fc544f47864.txt",
    "003_158c496e59021edc.txt",
    "004_b7ec9e43c39af928.txt",
}


def test_design_vocabulary_is_present(cat: Catalogue) -> None:
    for kind, ids in DESIGN_IDS.items():
        missing = ids - set(getattr(cat, kind))
        assert not missing, f"{kind}: {missing}"


def test_every_id_is_snake_case_with_dutch_and_english_names(cat: Catalogue) -> None:
    for kind in DESIGN_IDS:
        for ident, entry in getattr(cat, kind).items():
            assert ident == ident.lower() and " " not in ident
            assert entry.name.nl and entry.name.en


def test_published_tariffs_match_calibration(cat: Catalogue) -> None:
    for (code, year), cents in PUBLISHED.items():
        t = cat.titles[code].tariff(year)
        assert (t.cents, t.placeholder) == (cents, False), (code, year)


def test_every_amount_without_a_public_source_is_a_placeholder(cat: Catalogue) -> None:
    published = set(PUBLISHED)
    for title in cat.titles.values():
        for t in title.tariffs:
            if (title.code, t.year) not in published:
                assert t.placeholder, (title.code, t.year)
                assert t.note is not None


def test_every_seed_is_cited(cat: Catalogue) -> None:
    cited = set()
    for kind in ("titles", "bottlenecks", "routes", "laws", "sectors", "contract_forms"):
        for entry in getattr(cat, kind).values():
            cited |= {s.document for s in entry.sources}
    assert cited >= SEEDS


def test_gp_care_has_every_segment(cat: Catalogue) -> None:
    segments = {t.segment for t in cat.titles.values() if t.sector == "gp_care"}
    assert segments == {"s1", "s2", "s3", "outside"}


def test_the_three_tapas_titles_are_experimental_and_need_a_contract(cat: Catalogue) -> None:
    for code in ("TAPAS-1", "TAPAS-2", "TAPAS-3"):
        t = cat.titles[code]
        assert (t.status, t.contract_required, t.sector) == ("experimental", True, "transmural")


def test_contract_forms_of_design_section_6(cat: Catalogue) -> None:
    expected = {
        "fee_for_service",
        "integral_hourly_rate",
        "revenue_cap",
        "lump_sum",
        "bundle",
        "population",
        "shared_savings",
        "pay_for_performance",
        "availability",
        "network",
    }
    assert expected <= set(cat.contract_forms)
    add_ons = {k for k, v in cat.contract_forms.items() if v.add_on}
    assert add_ons == {"shared_savings", "pay_for_performance"}  # seed 001, table 1


def test_every_activity_has_an_answer_in_the_default_year(cat: Catalogue) -> None:
    """Each activity has a title, a route or a named bottleneck: nothing falls silently."""
    year = cat.meta.default_year
    for activity in cat.activities:
        has_title = bool(candidate_titles(cat, activity, None, year))
        has_route = any(activity in r.applies_to.activities for r in cat.routes.values())
        has_caveat = any(activity in b.applies_to.activities for b in cat.bottlenecks.values())
        assert has_title or has_route or has_caveat, activity


def test_non_patient_bound_work_is_flagged_as_a_gap(cat: Catalogue) -> None:
    for activity in ("team_availability", "team_coordination", "expertise_training"):
        assert cat.activities[activity].patient_bound is False
        answer = ask(cat, Query(activity, "palliative_nurse", year=2026))
        assert "non_patient_bound_gap" in {c["bottleneck_id"] for c in answer["caveats"]}
        for opt in answer["options"]:
            assert opt["contract_required"] is True  # nothing pays for it without a contract


def test_answers_are_deterministic(cat: Catalogue) -> None:
    q = Query("advance_care_planning", "palliative_nurse", setting="home", year=2026)
    assert ask(cat, q) == ask(cat, q)


def test_district_nursing_codes_are_not_claimed_official_by_listing_order(cat: Catalogue) -> None:
    """Seed 004 B5 names 'prestaties 1032 t/m 1037' and lists six titles, without saying which
    code is which: the assignment follows listing order, so no code is marked official."""
    for code in ("1032", "1033", "1034", "1035", "1036", "1037"):
        title = cat.titles[code]
        assert not title.official_code, code
        assert title.code_note is not None and "listing order" in title.code_note


def test_own_contributions_cite_the_law_not_seed_000(cat: Catalogue) -> None:
    """Seed 000 theme 2 does not mention an eigen bijdrage; the Wlz (art. 3.2.5) and the Wmo
    2015 (art. 2.1.4) do."""
    for route, law in (
        ("wlz_own_contribution", "wet_langdurige_zorg"),
        ("wmo_own_contribution", "wmo_2015"),
    ):
        docs = {s.document for s in cat.routes[route].sources}
        assert docs == {law}, route
        assert cat.documents[law].url is not None


def test_policy_defaults_are_dated_catalogue_data(cat: Catalogue) -> None:
    """The defaults the models use (terminal phase, non-contracted share, regular consult
    minutes) live in the catalogue with a dated value, marked as assumptions with a reason."""
    from decimal import Decimal

    assert cat.policy("terminal_days", 2026) == 90
    assert cat.policy("non_contracted_share", 2026) == Decimal("0.75")
    assert cat.policy("regular_consult_minutes", 2026) == 10
    for pid in ("terminal_days", "non_contracted_share", "regular_consult_minutes"):
        value = cat.policy_defaults[pid].value_in(2026)
        assert value.assumption, pid
        assert "passend_assumption" in {s.document for s in value.sources}
        assert value.note.en.startswith("Assumption")


def test_models_take_their_defaults_from_the_catalogue(monkeypatch) -> None:
    from decimal import Decimal

    from passend.settlement.models import fee_for_service, integral_hourly_rate, revenue_cap

    for module in (revenue_cap, integral_hourly_rate, fee_for_service):
        monkeypatch.setattr(module, "policy_default", lambda pid, year=None: Decimal(30))
    assert revenue_cap.Params(cap_share_of_reference=Decimal(1)).terminal_days == 30
    ihr = integral_hourly_rate.Params(norm_hours_per_client_month=9, payback_share=Decimal("0.5"))
    assert ihr.terminal_days == 30
    assert fee_for_service.Params().non_contracted_share == 30
    monkeypatch.undo()
    assert revenue_cap.Params(cap_share_of_reference=Decimal(1)).terminal_days == 90
    assert fee_for_service.Params().non_contracted_share == Decimal("0.75")
