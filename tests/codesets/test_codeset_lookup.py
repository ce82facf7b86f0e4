"""`CodeSets` lookup, hierarchy and detail, and what invalidates the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder_assist.codesets import CodeSets
from coder_assist.codesets.codeset import cache_key
from coder_assist.codesets.starter import import_file
from coder_assist.errors import UnknownSystemError
from coder_assist.settings import Settings


def test_get_accepts_loose_spellings_and_systems(codesets: CodeSets) -> None:
    assert codesets.get("s72001a", "icd10cm").code == "S72.001A"  # type: ignore[union-attr]
    assert codesets.get("j1885").system == "HCPCS"  # type: ignore[union-attr]
    assert codesets.get("99213", "CPT").code == "99213"  # type: ignore[union-attr]
    assert codesets.get("E11.9", "CPT") is None
    assert codesets.get("Q99.99") is None
    assert "E11.9" in codesets and "XYZ" not in codesets


def test_get_with_unknown_system_lists_valid_ones(codesets: CodeSets) -> None:
    with pytest.raises(UnknownSystemError, match="ICD-10-CM, CPT, HCPCS"):
        codesets.get("E11.9", "ICD-9")


def test_children_of_a_header_are_its_codes(codesets: CodeSets) -> None:
    kids = [c.code for c in codesets.children("E11")]
    assert "E11.9" in kids and "E11.65" not in kids  # E11.65 is a grandchild
    assert codesets.children("E11.9") == []
    assert codesets.children("NOPE") == []


def test_children_of_a_code_needing_a_seventh_character_are_its_extensions(
    codesets: CodeSets,
) -> None:
    kids = [c.code for c in codesets.children("S72.001")]
    assert kids[0] == "S72.001A"
    assert "S72.001S" in kids
    assert all(k.startswith("S72.001") and len(k) == 8 for k in kids)
    assert [c.code for c in codesets.children("T07")][:1] == ["T07.XXXA"]


def test_detail_carries_every_note_and_inherited_ones(codesets: CodeSets) -> None:
    e119 = codesets.get("E11.9")
    assert e119 is not None
    detail = codesets.detail(e119)
    assert detail["parent"]["code"] == "E11"
    assert detail["excludes1"]
    inherited = {n["code"]: n for n in detail["inherited_notes"]}
    assert "diabetes NOS" in inherited["E11"]["includes"]
    assert [a["code"] for a in detail["ancestors"]] == ["E11", "E08-E13", "E00-E89"]


def test_detail_of_a_seventh_character_base(codesets: CodeSets) -> None:
    base = codesets.get("S72.001")
    assert base is not None
    detail = codesets.detail(base)
    assert {"character": "S", "meaning": "sequela"} in detail["seventh_characters"]
    assert detail["children"][0]["code"] == "S72.001A"
    assert not detail["billable"]


def test_cpt_starter_rows_say_they_are_in_our_own_words(codesets: CodeSets) -> None:
    visit = codesets.get("99213")
    assert visit is not None
    assert visit.own_words and visit.billable and visit.kind == "service"
    assert "own words" in visit.source
    stats = codesets.stats()
    assert stats["CPT"]["total"] > 500 and stats["HCPCS"]["total"] > 100


def test_codes_iterates_in_source_order(codesets: CodeSets) -> None:
    first = next(codesets.codes("ICD-10-CM"))
    assert first.kind == "chapter"
    assert sum(1 for _ in codesets.codes("HCPCS")) == codesets.stats()["HCPCS"]["total"]


def test_cache_key_changes_when_a_licensed_file_is_imported(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=tmp_path / "data")
    before = cache_key(settings)
    src = tmp_path / "cpt.csv"
    src.write_text("code,description\n0042T,Brain blood flow study by CT (test row)\n")
    assert import_file("CPT", src, settings.data_dir) == 1
    after = cache_key(settings)
    assert after != before
    assert cache_key(settings) == after  # stable while nothing changes
