"""The schema and loader: broken files give errors that name the file, the line and the field;
user overrides replace tariffs."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from passend.catalogue.loader import CatalogueError, load_catalogue

GOOD_TITLE = """\
titles:
  - code: TEST-1
    official_code: false
    name: "Testtitel"
    description: {nl: "Een test.", en: "A test."}
    law: zvw
    financer_kind: health_insurer
    sector: district_nursing
    unit: hour
    tariff_kind: maximum
    tariffs:
      - {year: 2026, cents: 1000, sources: [{document: calibration, section: "x"}]}
    claimants:
      - {professionals: [district_nurse], provider_kinds: [district_nursing_org]}
    activities: [nursing]
    settings: [home]
    patient_bound: true
    contract_required: false
    status: claimable
    valid_from: 2026-01-01
    sources: [{document: calibration, section: "x"}]
"""


def _issues(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "extra.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    return [str(i) for i in info.value.issues]


def _line_of(text: str, needle: str) -> int:
    for n, line in enumerate(textwrap.dedent(text).splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_a_good_extra_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "extra.yaml"
    path.write_text(GOOD_TITLE, encoding="utf-8")
    cat = load_catalogue(path)
    assert cat.titles["TEST-1"].tariff(2026).cents == 1000
    assert str(path) in cat.files


def test_missing_field_names_file_line_and_field(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace('    name: "Testtitel"\n', "")
    (issue,) = _issues(tmp_path, text)
    # the entry starts on line 2 ("- code: TEST-1"); the missing field is reported there
    assert issue.startswith(f"{tmp_path / 'extra.yaml'}:2: titles[0].name (TEST-1):")
    assert "required field is missing" in issue


def test_bad_value_points_at_its_own_line(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("status: claimable", "status: maybe")
    (issue,) = _issues(tmp_path, text)
    line = _line_of(text, "status: maybe")
    assert f"extra.yaml:{line}: titles[0].status (TEST-1):" in issue
    assert "'maybe'" in issue


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("contract_required: false", "contract_requird: false")
    issues = _issues(tmp_path, text)
    line = _line_of(text, "contract_requird")
    assert any(
        f"extra.yaml:{line}: titles[0].contract_requird" in i and "unknown field" in i
        for i in issues
    )
    assert any(
        "titles[0].contract_required" in i and "required field is missing" in i for i in issues
    )


def test_unknown_reference_suggests_the_closest_id(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("activities: [nursing]", "activities: [nursin]")
    (issue,) = _issues(tmp_path, text)
    line = _line_of(text, "activities: [nursin]")
    assert (
        f"extra.yaml:{line}: titles[0].activities[0] (TEST-1): unknown activity 'nursin'" in issue
    )
    assert "did you mean nursing" in issue


def test_unknown_document_in_a_nested_source(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace(
        "{year: 2026, cents: 1000, sources: [{document: calibration",
        "{year: 2026, cents: 1000, sources: [{document: calibraton",
    )
    (issue,) = _issues(tmp_path, text)
    assert (
        "titles[0].tariffs[0].sources[0].document (TEST-1): unknown document 'calibraton'" in issue
    )


def test_duplicate_code_names_both_places(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("code: TEST-1", 'code: "12011"')
    (issue,) = _issues(tmp_path, text)
    assert (
        "titles[0].code (12011): '12011' is defined twice (also at catalogue/titles/gp_care.yaml:"
        in issue
    )


def test_placeholder_tariff_needs_a_note(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("cents: 1000,", "cents: 1000, placeholder: true,")
    (issue,) = _issues(tmp_path, text)
    line = _line_of(text, "{year: 2026, cents: 1000, placeholder")
    assert f"extra.yaml:{line}: titles[0].tariffs[0] (TEST-1):" in issue
    assert "placeholder tariff needs a note" in issue


def test_segment_required_in_gp_care(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("sector: district_nursing", "sector: gp_care")
    (issue,) = _issues(tmp_path, text)
    assert (
        "titles[0].segment (TEST-1): sector 'gp_care' has segments; give one of s1, s2, s3, outside"
        in issue
    )


def test_financer_must_belong_to_the_law(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("financer_kind: health_insurer", "financer_kind: municipality")
    (issue,) = _issues(tmp_path, text)
    line = _line_of(text, "financer_kind: municipality")
    assert (
        f"extra.yaml:{line}: titles[0].financer_kind (TEST-1): 'municipality' does not finance care under law 'zvw'"
        in issue
    )


def test_experimental_title_needs_a_contract(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("status: claimable", "status: experimental")
    (issue,) = _issues(tmp_path, text)
    assert "experimental title (innovation rule) always needs a contract" in issue


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace('name: "Testtitel"', 'name: "Testtitel')
    (issue,) = _issues(tmp_path, text)
    assert issue.startswith(f"{tmp_path / 'extra.yaml'}:")
    assert "YAML:" in issue


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    text = GOOD_TITLE.replace("    unit: hour\n", "    unit: hour\n    unit: day\n")
    (issue,) = _issues(tmp_path, text)
    assert "YAML:" in issue and "extra.yaml:" in issue


def test_missing_extra_path(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no such file"):
        load_catalogue(tmp_path / "nope.yaml")


def test_tariff_override_replaces_a_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            tariff_overrides:
              - code: "12011"
                year: 2026
                cents: 1301
                note: {nl: "NZa-tarief 2026", en: "NZa tariff 2026"}
                sources: [{document: passend_placeholder, section: "my contract"}]
            """
        ),
        encoding="utf-8",
    )
    base = load_catalogue(None).titles["12011"].tariff(2026)
    assert base.placeholder and base.cents == 1243
    t = load_catalogue(path).titles["12011"].tariff(2026)
    assert (t.cents, t.placeholder, t.origin) == (1301, False, "override")


def test_override_of_an_unknown_code(tmp_path: Path) -> None:
    text = """\
    tariff_overrides:
      - code: "99999"
        year: 2026
        cents: 1
        note: {nl: "x", en: "x"}
        sources: [{document: calibration, section: "x"}]
    """
    (issue,) = _issues(tmp_path, text)
    assert "extra.yaml:2: tariff_overrides[0].code (99999): unknown title code '99999'" in issue


def _typed(value: object) -> object:
    """A document as plain values with their types (True == 1 in Python, 'yes' is not)."""
    if isinstance(value, dict):
        return [(k, _typed(v)) for k, v in value.items()]  # in order
    if isinstance(value, list):
        return [_typed(v) for v in value]
    kind = next(t for t in (bool, int, float, str, dt.date, type(None)) if isinstance(value, t))
    return (kind.__name__, value if kind is not float else repr(float(value)))


def test_shipped_files_read_fast_hold_what_the_round_trip_loader_reads() -> None:
    """The shipped catalogue and population files are read by libyaml (no lines) for speed:
    every value must be the round-trip loader's (YAML 1.1 and 1.2 differ on e.g. ``yes``,
    ``010``, ``1e3``, ``1:30``), every file, as the same types."""
    from passend.catalogue import loader
    from passend.population.params import DATA

    files = loader._files(loader.DATA_DIR) + loader._files(DATA)
    assert len(files) > 25
    for path in files:
        fast = loader.read_fast(path)
        slow = loader._yaml().load(path.read_text("utf-8"))
        assert _typed(fast) == _typed(slow), path


def _shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> int:
    """A copy of the shipped catalogue as the shipped one, with ``old`` replaced by ``new``
    in activities.yaml; returns the line of ``new``."""
    import shutil

    from passend.catalogue import loader

    data = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, data)
    path = data / "activities.yaml"
    text = path.read_text("utf-8")
    assert text.count(old) >= 1
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    monkeypatch.setattr(loader, "DATA_DIR", data)
    return _line_of(text, new.splitlines()[-1])


def test_a_broken_shipped_file_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _shipped_copy(
        tmp_path, monkeypatch, "  - id: nursing\n", "  - id: nursing\n    bogus: 1\n"
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(None)
    (issue,) = [str(i) for i in info.value.issues]
    assert issue.startswith(f"catalogue/activities.yaml:{line}: ")
    assert "unknown field" in issue


def test_a_key_given_twice_in_a_shipped_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shipped_copy(tmp_path, monkeypatch, "  - id: nursing\n", "  - id: nursing\n    id: care\n")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(None)
    (issue,) = [str(i) for i in info.value.issues]
    assert issue.startswith("catalogue/activities.yaml:") and "YAML:" in issue


def test_a_changed_extra_file_is_read_again(tmp_path: Path) -> None:
    """The catalogue is loaded once per process while its files do not change."""
    path = tmp_path / "extra.yaml"
    path.write_text(GOOD_TITLE, encoding="utf-8")
    assert load_catalogue(path) is load_catalogue(path)
    path.write_text(GOOD_TITLE.replace("cents: 1000", "cents: 12345"), encoding="utf-8")
    assert load_catalogue(path).titles["TEST-1"].tariff(2026).cents == 12345
