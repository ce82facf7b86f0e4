"""The ICD-10-CM tabular parser, on the real FY2026 file and on small hand-written XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder_assist.codesets import CodeSets, icd10cm
from coder_assist.errors import CodeSetSourceError


def test_category_e11_is_a_non_billable_header_with_its_notes(codesets: CodeSets) -> None:
    e11 = codesets.get("E11")
    assert e11 is not None
    assert e11.kind == "category"
    assert not e11.billable
    assert e11.description == "Type 2 diabetes mellitus"
    assert "E11.9" in e11.children
    assert "diabetes NOS" in e11.includes
    assert any("gestational diabetes" in note for note in e11.excludes1)
    assert e11.parent == "E08-E13"


def test_unspecified_code_e119_is_billable_leaf(codesets: CodeSets) -> None:
    e119 = codesets.get("E11.9")
    assert e119 is not None
    assert e119.billable and e119.kind == "code"
    assert e119.parent == "E11"
    assert e119.excludes1 == (
        "type 2 diabetes mellitus, without complications in remission (E11.A)",
    )
    assert e119.depth == 4


def test_seventh_character_code_is_billable_while_its_base_is_not(codesets: CodeSets) -> None:
    base = codesets.get("S72.001")
    full = codesets.get("S72.001A")
    assert base is not None and full is not None
    assert not base.billable
    assert ("A", "initial encounter for closed fracture") in base.seventh_characters
    assert full.billable and full.kind == "extension"
    assert full.parent == "S72.001"
    assert full.description.endswith(", initial encounter for closed fracture")
    assert codesets.get("S72.001Z") is None


def test_placeholder_x_pads_short_codes_before_the_seventh_character(codesets: CodeSets) -> None:
    t07 = codesets.get("T07.XXXA")
    assert t07 is not None and t07.billable
    assert t07.description == "Unspecified multiple injuries, initial encounter"
    s06 = codesets.get("S06.0X1A")
    assert s06 is not None and s06.billable
    assert s06.parent == "S06.0X1"
    t07_base = codesets.get("T07")
    assert t07_base is not None and not t07_base.billable
    assert codesets.get("T07.A") is None


def test_s06_death_before_consciousness_codes_have_no_later_encounters(codesets: CodeSets) -> None:
    # Tabular note at S06: 7th characters D and S do not apply to 6th characters 7 and 8.
    assert codesets.get("S06.2X7A") is not None
    assert codesets.get("S06.2X7D") is None
    assert codesets.get("S06.2X7S") is None
    assert codesets.get("S06.2X6D") is not None


def test_blocks_and_chapters_are_kept_as_headers(codesets: CodeSets) -> None:
    block = codesets.get("E08-E13")
    assert block is not None
    assert block.kind == "block" and not block.billable
    chapter = codesets.get(block.parent or "")
    assert chapter is not None and chapter.kind == "chapter"
    assert chapter.code == "E00-E89"
    assert [a.code for a in codesets.ancestors("E11.9")] == ["E11", "E08-E13", "E00-E89"]


def test_counts_cover_the_whole_tabular(codesets: CodeSets) -> None:
    stats = codesets.stats()["ICD-10-CM"]
    assert stats["billable"] >= 74_000
    assert stats["extensions"] > 50_000
    assert stats["chapters"] == 22


SMALL_TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning (S00-T88)</desc>
    <section id="T07-T07">
      <desc>Injuries involving multiple body regions (T07)</desc>
      <diag>
        <name>T07</name>
        <desc>Unspecified multiple injuries</desc>
        <excludes1><note>injury NOS (T14.90)</note></excludes1>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>
      </diag>
    </section>
    <section id="S10-S19">
      <desc>Injuries to the neck (S10-S19)</desc>
      <diag>
        <name>S12</name>
        <desc>Fracture of cervical vertebra</desc>
        <diag>
          <name>S12.9</name>
          <desc>Fracture of neck, unspecified</desc>
          <inclusionTerm><note>Fracture of neck NOS</note></inclusionTerm>
        </diag>
        <diag>
          <name>S12.8</name>
          <desc>Fracture of other parts of neck</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


def test_parser_expands_extensions_and_keeps_notes_on_small_file(tmp_path: Path) -> None:
    src = tmp_path / "tabular.xml"
    src.write_text(SMALL_TABULAR, encoding="utf-8")
    codes = {c.code: c for c in icd10cm.parse(src)}
    assert codes["S00-T88"].kind == "chapter"
    assert codes["T07-T07"].kind == "block"
    assert not codes["T07"].billable
    assert codes["T07"].excludes1 == ("injury NOS (T14.90)",)
    assert codes["T07.XXXA"].billable
    assert codes["T07.XXXS"].description == "Unspecified multiple injuries, sequela"
    assert codes["S12"].kind == "category" and not codes["S12"].billable
    assert codes["S12.9"].billable and codes["S12.9"].inclusion_terms == ("Fracture of neck NOS",)
    assert codes["S12"].children == ("S12.9", "S12.8")


def test_parser_rejects_broken_xml_with_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "broken.xml"
    src.write_text("<ICD10CM.tabular><chapter>", encoding="utf-8")
    with pytest.raises(CodeSetSourceError, match="Cannot parse ICD-10-CM tabular XML"):
        list(icd10cm.parse(src))


def test_parser_rejects_duplicate_codes(tmp_path: Path) -> None:
    src = tmp_path / "dup.xml"
    twice = SMALL_TABULAR.replace(
        "<name>S12.8</name>\n          <desc>Fracture of other parts of neck</desc>",
        "<name>S12.9</name>\n          <desc>Duplicate</desc>",
    )
    src.write_text(twice, encoding="utf-8")
    with pytest.raises(CodeSetSourceError, match=r"Duplicate ICD-10-CM entry S12\.9"):
        list(icd10cm.parse(src))
