"""Import ``patients`` and ``activities`` from Parquet or CSV instead of generating them.

Every input row is either accepted or written to ``rejects.csv`` with its row number (1-based,
header excluded), the column, the value and the reason; accepted + rejected = read, always.
All checks are vectorised Arrow expressions (no Python loop over rows). A file that cannot be
read at all, or misses a required column, is a fatal :class:`ImportError_` (exit code 2).
Direct identifiers are pseudonymised or refused first (:mod:`passend.privacy`), so they never
reach the tables, the rejects file or a message.

Providers and financers are taken from their own files when given (checked like the others), or
derived: a provider from each id the activities and patients name, its kind from the user's
mapping file (CSV ``provider_agb,provider_kind``) or else from the first two digits of its
AGB code (the zorgverlenerssoort, ``data/agb_kinds.yaml``); a financer from each id in the
patients' ``insurer_id`` (health insurer, Zvw), ``care_office_id`` (care office, Wlz) and
``municipality_id`` (municipality, Wmo) columns: the financer of each law (the catalogue's
``laws.financer_kinds``), with its share of the patients. A provider whose kind cannot be
derived is listed in ``flags.csv`` and left out of ``providers.parquet``, never guessed.
The plausibility rules (:mod:`passend.population.plausibility`) then reject or flag rows;
flagged rows are accepted and listed in ``flags.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
from pydantic import BaseModel, ConfigDict, Field

from passend.catalogue.loader import Catalogue, load_model_file
from passend.catalogue.schema import Source, Text
from passend.messages import Message, text
from passend.population import plausibility
from passend.population.params import TRAJECTORIES, load_regions
from passend.population.tables import ACTIVITIES, FINANCERS, PATIENTS, PROVIDERS
from passend.privacy import pseudonymise
from passend.tables import write_parquet
from passend.validation import Checker as _Checker
from passend.validation import ImportError_, Result, read_any
from passend.validation import as_np as _np
from passend.validation import missing_columns as _missing_columns

__all__ = ["ImportError_", "Result", "agb_kinds", "import_population"]

AGB_KINDS = Path(__file__).parent / "data" / "agb_kinds.yaml"
AGB_RE = r"^[0-9]{8}$"
FINANCER_COLUMNS = {  # the patients' column of each law's financer, and its kind
    "insurer_id": "health_insurer",
    "care_office_id": "care_office",
    "municipality_id": "municipality",
}
FIXED_FINANCERS = [  # as a generated population has them
    ("vws", "government", "Ministerie van VWS"),
    ("patient", "patient", "Patiënt (eigen bijdrage)"),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgbRange(_Model):
    prefix: str = Field(pattern=r"^[0-9]{2}$")
    provider_kind: str
    name: Text
    note: Text | None = None
    source: Source


class AgbKinds(_Model):
    ranges: list[AgbRange] = Field(min_length=1)


def agb_kinds(cat: Catalogue, mapping: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(zorgverlenerssoort prefix -> provider kind, AGB code -> provider kind of the user's
    mapping file). A kind unknown to the catalogue, in either, is a fatal error naming it."""
    ranges = load_model_file(AGB_KINDS, AgbKinds).ranges
    by_prefix = {r.prefix: r.provider_kind for r in ranges}
    for r in ranges:
        if r.provider_kind not in cat.provider_kinds or r.source.document not in cat.documents:
            raise ImportError_(f"{AGB_KINDS}: prefix {r.prefix}: unknown kind or document")
    own: dict[str, str] = {}
    if mapping is not None:
        t = read_any(mapping)
        _missing_columns(t, ["provider_agb", "provider_kind"], mapping)
        ck = _Checker(t, "mapping")
        ck.required("provider_agb")
        ck.unique("provider_agb")
        ck.one_of("provider_kind", sorted(cat.provider_kinds), "provider kind")
        if ck.rejects:
            first = pa.concat_tables(ck.rejects).sort_by("row").slice(0, 1).to_pylist()[0]
            raise ImportError_(
                f"{mapping}: row {first['row']}: {first['column']}: {first['reason']} "
                f"({first['value']!r})"
            )
        agbs = pc.utf8_trim_whitespace(t["provider_agb"]).to_pylist()
        own = dict(zip(agbs, pc.utf8_trim_whitespace(t["provider_kind"]).to_pylist(), strict=True))
    return by_prefix, own


def import_population(
    cat: Catalogue,
    patients_path: Path,
    activities_path: Path,
    out_dir: Path,
    providers_path: Path | None = None,
    financers_path: Path | None = None,
    provider_kinds_path: Path | None = None,
    rules_path: Path | None = None,
    claims_path: Path | None = None,
    regions_path: Path | None = None,
    lang: str = "en",
) -> list[Result]:
    """Validate and write ``patients.parquet``, ``activities.parquet``, ``providers.parquet``,
    ``financers.parquet`` and (when any row is refused or flagged) ``rejects.csv`` and
    ``flags.csv`` to ``out_dir``. ``claims_path``: a claims file (CSV or Parquet, e.g. a
    system's export) whose provider and financer ids are derived too (a financer's kind from
    the law of its lines' titles). ``regions_path``: the user's own region files (a region
    known there is no unknown region). ``lang``: the language of the reasons of the
    plausibility rules and of a provider without a kind in the CSV files (read by people)."""
    results: list[Result] = []
    rejects: list[pa.Table] = []
    flag_tables: list[pa.Table | None] = []
    rules = plausibility.load_rules(cat, rules_path)
    regions = pa.array(sorted(load_regions(cat, regions_path)), pa.string())

    p_raw, p_notes = pseudonymise(read_any(patients_path), str(patients_path))
    pk, p_cols = _check_patients(cat, p_raw, patients_path)
    a_raw, a_notes = pseudonymise(read_any(activities_path), str(activities_path))
    _missing_columns(a_raw, ACTIVITY_COLUMNS, activities_path)
    claims = None if claims_path is None else _claims_ids(cat, claims_path)

    # providers: the file, or derived from the ids the activities and patients name
    if providers_path is not None:
        providers, res, rej = _read_providers(cat, providers_path)
        rejects += rej
        prov_flags = None
    else:
        providers, res, prov_flags = _derive_providers(
            cat, p_raw, a_raw, provider_kinds_path, pk.bad, claims, lang
        )
    known_providers = providers["provider_id"] if providers.num_rows else None

    pf = plausibility.Flags(pk)
    outcome = plausibility.evaluate(
        rules, "patients", p_cols, {"regions": regions, "providers": known_providers}
    )
    plausibility.apply(outcome, pk, pf, lang)
    ok = ~pk.bad
    patients = _patients_table(p_raw, p_cols).filter(pa.array(ok)).cast(PATIENTS)
    rejects += pk.rejects
    flag_tables.append(pf.table())
    p_notes += [Message("not_checked", what=x) for x in outcome.not_applied]
    results.append(Result("patients", pk.n, int(ok.sum()), int((~ok).sum()), p_notes))

    ak, activities, a_cols = _check_activities(cat, a_raw, patients)
    af = plausibility.Flags(ak)
    outcome = plausibility.evaluate(rules, "activities", a_cols, {"providers": known_providers})
    plausibility.apply(outcome, ak, af, lang)
    ok = ~ak.bad
    activities = activities.filter(pa.array(ok)).cast(ACTIVITIES)
    rejects += ak.rejects
    flag_tables.append(af.table())
    notes = a_notes + [Message("not_checked", what=x) for x in outcome.not_applied]
    results.append(Result("activities", ak.n, int(ok.sum()), int((~ok).sum()), notes))

    results.append(res)
    flag_tables.append(prov_flags)
    if financers_path is not None:
        financers, res, rej = _read_financers(cat, financers_path)
        rejects += rej
    else:
        financers, res = _derive_financers(patients, claims)
    results.append(res)

    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(patients, out_dir / "patients.parquet")
    write_parquet(activities, out_dir / "activities.parquet")
    write_parquet(providers, out_dir / "providers.parquet")
    write_parquet(financers, out_dir / "financers.parquet")
    reject_path = out_dir / "rejects.csv"
    if rejects:
        table = pa.concat_tables(rejects).sort_by([("table", "descending"), ("row", "ascending")])
        pv.write_csv(table, reject_path)
    elif reject_path.exists():
        reject_path.unlink()
    plausibility.write_flags(flag_tables, out_dir / "flags.csv")
    return results


PATIENT_COLUMNS = [
    "patient_id",
    "age",
    "sex",
    "region",
    "insurer_id",
    "trajectory",
    "wlz",
    "death_date",
    "place_of_death",
]
ACTIVITY_COLUMNS = [
    "activity_id",
    "patient_id",
    "activity",
    "professional",
    "setting",
    "provider_id",
    "date",
    "quantity",
    "unit",
    "patient_bound",
]


def _optional(raw: pa.Table, name: str) -> pa.ChunkedArray | pa.Array:
    return raw[name] if name in raw.column_names else pa.nulls(raw.num_rows, pa.string())


def _text(raw: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
    return pc.fill_null(pc.cast(_optional(raw, name), pa.string()), "")


def _check_patients(cat: Catalogue, raw: pa.Table, path: Path) -> tuple[_Checker, dict]:
    """The row checks of the patients; their parsed columns under the schema's names."""
    _missing_columns(raw, PATIENT_COLUMNS, path)
    ck = _Checker(raw, "patients")
    ck.required("patient_id")
    ck.unique("patient_id")
    age = ck.ints("age", 0, 120)
    ck.one_of("sex", ["female", "male"], "sex (female or male)")
    ck.required("region")
    ck.required("insurer_id")
    ck.one_of("trajectory", list(TRAJECTORIES), "trajectory")
    wlz = ck.bools("wlz")
    settings = sorted(cat.settings)
    ck.one_of("place_of_death", settings, "setting")
    death = ck.dates("death_date")
    if "preferred_place_of_death" in raw.column_names:
        ck.one_of("preferred_place_of_death", settings, "setting", optional=True)
    resident = ck.bools("wlz_resident") if "wlz_resident" in raw.column_names else wlz
    marking = (
        ck.dates("palliative_marking_date", optional=True)
        if "palliative_marking_date" in raw.column_names
        else pa.nulls(raw.num_rows, pa.date32())
    )
    late = _np(pc.greater(marking, death))
    ck.fail(late, "palliative_marking_date", "marking after death")
    cols = {
        "age": age,
        "wlz": wlz,
        "wlz_resident": resident,
        "death_date": death,
        "palliative_marking_date": marking,
        "region": raw["region"],
        "gp_practice_id": _text(raw, "gp_practice_id"),
    }
    return ck, cols


def _patients_table(raw: pa.Table, cols: dict) -> pa.Table:
    return pa.table(
        {
            "patient_id": pc.utf8_trim_whitespace(raw["patient_id"]),
            "age": pc.cast(cols["age"], pa.int16()),
            "sex": raw["sex"],
            "region": raw["region"],
            "insurer_id": raw["insurer_id"],
            "care_office_id": _text(raw, "care_office_id"),
            "municipality_id": _text(raw, "municipality_id"),
            "trajectory": raw["trajectory"],
            "wlz": cols["wlz"],
            "wlz_resident": cols["wlz_resident"],
            "palliative_marking_date": cols["palliative_marking_date"],
            "death_date": cols["death_date"],
            "place_of_death": raw["place_of_death"],
            "preferred_place_of_death": _text(raw, "preferred_place_of_death"),
            "gp_practice_id": _text(raw, "gp_practice_id"),
            "hospital_id": _text(raw, "hospital_id"),
            "reached": pa.nulls(raw.num_rows, pa.bool_()),
        }
    )


def _check_activities(
    cat: Catalogue, raw: pa.Table, patients: pa.Table
) -> tuple[_Checker, pa.Table, dict]:
    """The row checks of the activities against the accepted patients; the activities (all
    rows) and the columns the plausibility rules read (with each row's date of death)."""
    ck = _Checker(raw, "activities")
    ck.required("activity_id")
    ck.unique("activity_id")
    ck.one_of("activity", sorted(cat.activities), "activity")
    ck.one_of("professional", sorted(cat.professionals), "professional")
    if "specialty" in raw.column_names:
        ck.one_of("specialty", sorted(cat.specialties), "specialty", optional=True)
    ck.one_of("setting", sorted(cat.settings), "setting")
    ck.required("provider_id")
    date = ck.dates("date")
    qty = ck.ints("quantity", 0, 10**9)
    ck.one_of("unit", ["minutes", "days", "count"], "unit (minutes, days or count)")
    bound = ck.bools("patient_bound")
    has_patient = ck.present("patient_id")
    bound_np = _np(bound)
    ck.fail(bound_np & ~has_patient, "patient_id", "patient-bound row without a patient")
    pos = pc.index_in(ck.col("patient_id"), value_set=patients["patient_id"])
    known = _np(pc.is_valid(pos))
    ck.fail(has_patient & ~known, "patient_id", "unknown patient (not among the accepted patients)")
    pid = ck.col("patient_id")
    specialty = _optional(raw, "specialty")
    activities = pa.table(
        {
            "activity_id": pc.utf8_trim_whitespace(raw["activity_id"]),
            "patient_id": pc.if_else(pa.array(has_patient), pid, pa.scalar(None, pa.string())),
            "activity": raw["activity"],
            "professional": raw["professional"],
            "specialty": pc.if_else(
                pc.equal(pc.fill_null(specialty, ""), ""),
                pa.scalar(None, pa.string()),
                specialty,
            ),
            "setting": raw["setting"],
            "provider_id": raw["provider_id"],
            "date": date,
            "quantity": qty,
            "unit": raw["unit"],
            "patient_bound": bound,
        }
    )
    cols = {
        "date": date,
        "death_date": patients["death_date"].take(pos),
        "activity": pc.utf8_trim_whitespace(ck.col("activity")),
        "unit": pc.utf8_trim_whitespace(ck.col("unit")),
        "provider_id": raw["provider_id"],
    }
    return ck, activities, cols


def _most_common(ids: pa.Array | pa.ChunkedArray, regions: pa.Array | pa.ChunkedArray) -> pa.Table:
    """Per distinct non-empty id: its most common region (ties: the first in order) and its
    number of rows, sorted by id."""
    pairs = pa.table(
        {
            "id": pc.utf8_trim_whitespace(pc.cast(ids, pa.string())),
            "region": pc.cast(regions, pa.string()),
        }
    )
    pairs = pairs.filter(pc.greater(pc.utf8_length(pc.fill_null(pairs["id"], "")), 0))
    pairs = pairs.set_column(1, "region", pc.fill_null(pairs["region"], ""))
    g = pairs.group_by(["id", "region"]).aggregate([([], "count_all")])
    g = g.sort_by([("id", "ascending"), ("count_all", "descending"), ("region", "ascending")])
    top = g.group_by("id", use_threads=False).aggregate([("region", "first"), ("count_all", "sum")])
    return pa.table(
        {"id": top["id"], "region": top["region_first"], "rows": top["count_all_sum"]}
    ).sort_by("id")


def _read_providers(cat: Catalogue, path: Path) -> tuple[pa.Table, Result, list[pa.Table]]:
    raw = read_any(path)
    _missing_columns(raw, ["provider_id", "provider_kind"], path)
    ck = _Checker(raw, "providers")
    ck.required("provider_id")
    ck.unique("provider_id")
    ck.one_of("provider_kind", sorted(cat.provider_kinds), "provider kind")
    ids = pc.utf8_trim_whitespace(raw["provider_id"])
    agb = _text(raw, "agb_code")
    own_agb = pc.fill_null(pc.match_substring_regex(ids, AGB_RE), False)
    table = pa.table(
        {
            "provider_id": ids,
            "provider_kind": pc.utf8_trim_whitespace(raw["provider_kind"]),
            "name": pc.if_else(pc.equal(_text(raw, "name"), ""), ids, _text(raw, "name")),
            "region": _text(raw, "region"),
            "agb_code": pc.if_else(pc.equal(agb, ""), pc.if_else(own_agb, ids, ""), agb),
        }
    )
    ok = ~ck.bad
    table = table.filter(pa.array(ok)).cast(PROVIDERS)
    return table, Result("providers", ck.n, int(ok.sum()), int((~ok).sum())), ck.rejects


def _derive_providers(
    cat: Catalogue,
    patients: pa.Table,
    activities: pa.Table,
    mapping: Path | None,
    refused_patients: np.ndarray,
    claims: pa.Table | None = None,
    lang: str = "en",
) -> tuple[pa.Table, Result, pa.Table | None]:
    """One provider per id the activities (and the patients' GP practice and hospital) name,
    with the region most of its patients live in; its kind from the mapping file, else from
    its AGB group. Ids without a kind are flagged (table ``providers``) and left out."""
    by_prefix, own = agb_kinds(cat, mapping)
    kept = patients.filter(pa.array(~refused_patients))
    pos = pc.index_in(pc.cast(activities["patient_id"], pa.string()), value_set=kept["patient_id"])
    ids = [pc.cast(activities["provider_id"], pa.string())]
    regions = [kept["region"].take(pos)]
    for col in ("gp_practice_id", "hospital_id"):
        if col in kept.column_names:
            ids.append(pc.cast(kept[col], pa.string()))
            regions.append(kept["region"])
    if claims is not None:
        ids.append(claims["provider_id"])
        regions.append(kept["region"].take(pc.index_in(claims["patient_id"], kept["patient_id"])))
    top = _most_common(
        pa.chunked_array([c for x in ids for c in _chunks(x)], pa.string()),
        pa.chunked_array(
            [c for x in regions for c in _chunks(pc.cast(x, pa.string()))], pa.string()
        ),
    )
    pid = top["id"]
    is_agb = _np(pc.match_substring_regex(pid, AGB_RE))
    own_kind = pa.array([*own.values(), None], pa.string()).take(
        pc.fill_null(pc.index_in(pid, value_set=pa.array(list(own), pa.string())), len(own))
    )
    prefixes = pa.array(list(by_prefix), pa.string())
    group = pc.utf8_slice_codeunits(pid, 0, 2)
    at = pc.fill_null(pc.index_in(group, value_set=prefixes), len(by_prefix))
    range_kind = pa.array([*by_prefix.values(), None], pa.string()).take(at)
    range_kind = pc.if_else(pa.array(is_agb), range_kind, pa.scalar(None, pa.string()))
    kind = pc.coalesce(own_kind, range_kind)
    has = _np(pc.is_valid(kind))
    providers = (
        pa.table(
            {
                "provider_id": pid,
                "provider_kind": pc.fill_null(kind, ""),
                "name": pid,
                "region": top["region"],
                "agb_code": pc.if_else(pa.array(is_agb), pid, ""),
            }
        )
        .filter(pa.array(has))
        .cast(PROVIDERS)
    )
    flags = None
    if (~has).any():
        lost = pa.array(~has)
        before, after = text(Message("no_provider_kind_agb", group="\0"), lang).split("\0")
        why = pc.if_else(
            pa.array(is_agb),
            pc.binary_join_element_wise(before, group, after, ""),
            text(Message("no_provider_kind"), lang),
        )
        n = int((~has).sum())
        flags = pa.table(
            {
                "table": pa.array(["providers"] * n),
                "row": pa.nulls(n, pa.int64()),
                "column": pa.array(["provider_id"] * n),
                "value": pid.filter(lost),
                "reason": why.filter(lost),
                "flag": pa.array(["provider_kind_unknown"] * n),
            }
        )
    mapped = int(_np(pc.is_valid(own_kind)).sum())
    note = Message(
        "providers_derived",
        n=len(pid),
        with_kind=int(has.sum()),
        mapped=mapped,
        without=int((~has).sum()),
    )
    result = Result("providers", len(pid), int(has.sum()), int((~has).sum()), [note])
    return providers, result, flags


def _chunks(c: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return c.chunks if isinstance(c, pa.ChunkedArray) else [c]


def _read_financers(cat: Catalogue, path: Path) -> tuple[pa.Table, Result, list[pa.Table]]:
    raw = read_any(path)
    _missing_columns(raw, ["financer_id", "financer_kind"], path)
    ck = _Checker(raw, "financers")
    ck.required("financer_id")
    ck.unique("financer_id")
    ck.one_of("financer_kind", sorted(cat.financer_kinds), "financer kind")
    share = pa.nulls(raw.num_rows, pa.float64())
    if "share" in raw.column_names:
        good = ck.matches("share", r"^(0(\.[0-9]+)?|1(\.0+)?)$", "not a share (0..1)", True)
        share = pc.cast(
            pc.if_else(pa.array(good), ck.col("share"), pa.scalar(None, pa.string())), pa.float64()
        )
    ids = pc.utf8_trim_whitespace(raw["financer_id"])
    uzovi = _text(raw, "uzovi")
    table = pa.table(
        {
            "financer_id": ids,
            "financer_kind": pc.utf8_trim_whitespace(raw["financer_kind"]),
            "name": pc.if_else(pc.equal(_text(raw, "name"), ""), ids, _text(raw, "name")),
            "region": _text(raw, "region"),
            "share": share,
            "uzovi": pc.if_else(pc.equal(uzovi, ""), pa.scalar(None, pa.string()), uzovi),
        }
    )
    ok = ~ck.bad
    table = table.filter(pa.array(ok)).cast(FINANCERS)
    return table, Result("financers", ck.n, int(ok.sum()), int((~ok).sum())), ck.rejects


def _claims_ids(cat: Catalogue, path: Path) -> pa.Table:
    """The patient, provider (``provider_id`` or ``provider_agb``) and financer of each line of
    a claims file, with the financer kind of its title (null for a code the catalogue does not
    know): one lookup per distinct code."""
    wanted = {"patient_id", "provider_id", "provider_agb", "financer_id", "title_code"}
    raw = read_any(path, columns=lambda n: n in wanted)
    provider = "provider_id" if "provider_id" in raw.column_names else "provider_agb"
    _missing_columns(raw, [provider, "financer_id", "title_code"], path)
    codes = pc.utf8_trim_whitespace(pc.cast(raw["title_code"], pa.string()))
    titles = pa.array(list(cat.titles), pa.string())
    kinds = pa.array([t.financer_kind for t in cat.titles.values()], pa.string())
    return pa.table(
        {
            "patient_id": _text(raw, "patient_id"),
            "provider_id": pc.cast(raw[provider], pa.string()),
            "financer_id": pc.cast(raw["financer_id"], pa.string()),
            "financer_kind": kinds.take(pc.index_in(codes, value_set=titles)),
        }
    )


def _derive_financers(
    patients: pa.Table, claims: pa.Table | None = None
) -> tuple[pa.Table, Result]:
    """The financers the accepted patients name, one per id in each law's column (insurer: Zvw,
    care office: Wlz, municipality: Wmo), with its share of the patients and their most common
    region, plus the government (subsidies) and the patient (own payments). An id named in two
    columns keeps the first column's kind (said in the note)."""
    n = max(patients.num_rows, 1)
    parts, seen, notes = [], set(), []
    for col, kind in FINANCER_COLUMNS.items():  # three columns, not rows
        top = _most_common(patients[col], patients["region"])
        clash = [i for i in top["id"].to_pylist() if i in seen]  # distinct financers: a few
        if clash:
            notes.append(Message("id_in_two_columns", column=col, ids=clash[:5]))
            top = top.filter(pc.invert(pc.is_in(top["id"], value_set=pa.array(clash))))
        seen.update(top["id"].to_pylist())
        ids = top["id"]
        parts.append(
            pa.table(
                {
                    "financer_id": ids,
                    "financer_kind": pa.array([kind] * len(ids), pa.string()),
                    "name": ids,
                    "region": top["region"],
                    "share": pc.round(pc.divide(pc.cast(top["rows"], pa.float64()), n), 6),
                    "uzovi": pc.if_else(
                        pc.match_substring_regex(ids, r"^[0-9]{4}$"),
                        ids,
                        pa.scalar(None, pa.string()),
                    ),
                }
            )
        )
    if claims is not None:  # the claims' other financers: the kind of most of their lines
        top = _most_common(claims["financer_id"], claims["financer_kind"])
        top = top.filter(
            pc.invert(pc.is_in(top["id"], value_set=pa.array(sorted(seen), pa.string())))
        )
        top = top.filter(pc.greater(pc.utf8_length(top["region"]), 0))  # a known title's kind
        regions = patients["region"].take(pc.index_in(claims["patient_id"], patients["patient_id"]))
        home = _most_common(claims["financer_id"], regions)
        where = home["region"].take(pc.index_in(top["id"], value_set=home["id"]))
        ids = top["id"]
        seen.update(ids.to_pylist())
        parts.append(
            pa.table(
                {
                    "financer_id": ids,
                    "financer_kind": top["region"],
                    "name": ids,
                    "region": pc.fill_null(where, ""),
                    "share": pa.nulls(len(ids), pa.float64()),
                    "uzovi": pc.if_else(
                        pc.match_substring_regex(ids, r"^[0-9]{4}$"),
                        ids,
                        pa.scalar(None, pa.string()),
                    ),
                }
            )
        )
        notes.append(Message("financers_from_claims", n=len(ids)))
    region = _most_common(patients["region"], patients["region"])
    main = region.sort_by([("rows", "descending"), ("id", "ascending")])["id"][:1].to_pylist()
    fixed = [f for f in FIXED_FINANCERS if f[0] not in seen]
    parts.append(
        pa.table(
            {
                "financer_id": [f[0] for f in fixed],
                "financer_kind": [f[1] for f in fixed],
                "name": [f[2] for f in fixed],
                "region": [main[0] if main else ""] * len(fixed),
                "share": pa.nulls(len(fixed), pa.float64()),
                "uzovi": pa.nulls(len(fixed), pa.string()),
            }
        )
    )
    table = pa.concat_tables([p.cast(FINANCERS) for p in parts])
    notes.insert(0, Message("financers_derived", n=table.num_rows))
    return table, Result("financers", table.num_rows, table.num_rows, 0, notes)
