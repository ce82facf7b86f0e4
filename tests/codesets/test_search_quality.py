"""Search quality: our own query -> expected code table, typed as a coder would type.

`top` says how high the expected code must rank: 1 where anything else first would be
wrong, 3 (or 5 for E/M levels) where a close sibling may reasonably come first.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from coder_assist.codesets import CodeSets


class Case(NamedTuple):
    query: str
    expected: str
    top: int = 1
    system: str | None = None


CASES: tuple[Case, ...] = (
    # codes typed loosely come back first
    Case("E11.9", "E11.9"),
    Case("e119", "E11.9"),
    Case("E119", "E11.9"),
    Case("s72001a", "S72.001A"),
    Case("S06.0X1A", "S06.0X1A"),
    Case("t07xxxa", "T07.XXXA"),
    Case("99213", "99213"),
    Case("j1885", "J1885"),
    Case("J1885", "J1885", system="HCPCS"),
    Case("g0008", "G0008"),
    Case(" i10 ", "I10"),
    # typos
    Case("pnuemonia", "J18.9"),
    Case("diabetis type 2", "E11.9"),
    Case("hypertenshun", "I10"),
    Case("atrial fibrilation", "I48.91"),
    Case("astma", "J45.909"),
    Case("migrane", "G43.909"),
    Case("hypothyroidsm", "E03.9"),
    Case("urinary tract infecton", "N39.0"),
    Case("cellulitus of left lower limb", "L03.116"),
    # abbreviations: the shared lexicon and our search synonyms
    Case("uti", "N39.0"),
    Case("UTI", "N39.0"),
    Case("chf", "I50.9"),
    Case("copd", "J44.9"),
    Case("mi", "I21.9"),
    Case("MI", "I21.9"),
    Case("afib", "I48.91"),
    Case("ckd stage 3", "N18.30"),
    Case("T2DM w/o complications", "E11.9"),
    Case("htn", "I10"),
    Case("gerd", "K21.9"),
    Case("dm2", "E11.9"),
    Case("copd w/ exacerbation", "J44.1"),
    Case("dvt", "I82.409", top=3),
    Case("tia", "G45.9", top=3),
    Case("osa", "G47.33", top=3),
    Case("bph", "N40.0", top=3),
    Case("aki", "N17.9", top=3),
    # lay terms
    Case("heart attack", "I21.9"),
    Case("high blood pressure", "I10"),
    Case("sugar diabetes", "E11.9"),
    Case("strep throat", "J02.0"),
    Case("hip fracture", "S72.009A", top=3),
    Case("broken wrist", "S62.109A", top=3),
    Case("pink eye", "H10.9", top=3),
    Case("heartburn", "R12", top=3),
    # a bare condition ranks the unspecified billable code first
    Case("diabetes type 2", "E11.9"),
    Case("type 1 diabetes", "E10.9"),
    Case("hypertension", "I10"),
    Case("asthma", "J45.909"),
    Case("depression", "F32.A", top=3),
    Case("anxiety", "F41.9"),
    Case("obesity", "E66.9"),
    Case("hyperlipidemia", "E78.5"),
    Case("anemia", "D64.9"),
    Case("sepsis", "A41.9"),
    Case("chest pain", "R07.9"),
    Case("low back pain", "M54.50"),
    Case("headache", "R51.9"),
    Case("covid-19", "U07.1"),
    # qualifiers, 7th characters, multi-word
    Case("diabetes with hyperglycemia", "E11.65"),
    Case("concussion with loss of consciousness", "S06.0X9A", top=3),
    Case("femur fracture sequela", "S72.90XS"),
    Case("open fracture of femur", "S72.90XB", top=3),
    Case("osteoarthritis knee", "M17.9", top=3),
    Case("atrial flutter", "I48.92"),
    Case("nausea with vomiting", "R11.2"),
    Case("encounter for immunization", "Z23"),
    # CPT and HCPCS
    Case("flu shot", "90653", top=3, system="CPT"),
    Case("office visit established", "99213", top=5),
    Case("new patient visit", "99203", top=5),
    Case("colonoscopy", "45378"),
    Case("screening mammogram", "77067"),
    Case("ekg", "93000"),
    Case("venipuncture", "36415"),
    Case("toradol", "J1885"),
    Case("annual wellness visit", "G0439", top=3),
)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.query!r}->{c.expected}" for c in CASES])
def test_expected_code_ranks_high_enough(codesets: CodeSets, case: Case) -> None:
    hits = codesets.search(case.query, system=case.system, limit=max(case.top, 5))
    ranked = [h.code for h in hits]
    assert case.expected in ranked[: case.top], f"{case.query!r} gave {ranked}"


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40


def test_flu_shot_without_a_system_offers_a_flu_vaccine_cpt(codesets: CodeSets) -> None:
    hits = codesets.search("flu shot", limit=5)
    vaccine_cpt = [
        h for h in hits[:3] if h.system == "CPT" and "influenza vaccine" in h.description.lower()
    ]
    assert vaccine_cpt, [h.code for h in hits]


def test_office_visit_established_lists_established_e_m_levels_first(codesets: CodeSets) -> None:
    hits = codesets.search("office visit established", limit=5)
    assert all(h.code.startswith("9921") for h in hits[:3]), [h.code for h in hits]


def test_bare_diabetes_type_2_lists_e119_before_rare_children(codesets: CodeSets) -> None:
    ranked = [h.code for h in codesets.search("diabetes type 2", limit=10)]
    assert ranked[0] == "E11.9"
    for rare in ("E11.A", "E11.621", "E11.69", "E11.8"):
        if rare in ranked:
            assert ranked.index(rare) > 0


def test_heart_attack_and_mi_agree(codesets: CodeSets) -> None:
    assert codesets.search("heart attack")[0].code == codesets.search("mi")[0].code == "I21.9"


def test_a_typed_code_is_followed_by_its_family(codesets: CodeSets) -> None:
    hits = codesets.search("e11", limit=12)
    assert hits[0].code == "E11" and hits[0].score == 1.0
    assert all(h.code.startswith("E11") for h in hits)
    assert "E11.9" in [h.code for h in hits]


def test_a_code_needing_a_seventh_character_lists_its_extensions(codesets: CodeSets) -> None:
    ranked = [h.code for h in codesets.search("S72.001", limit=20)]
    assert ranked[0] == "S72.001"
    assert {"S72.001A", "S72.001D", "S72.001S"} <= set(ranked)


def test_words_match_inclusion_terms_not_only_descriptions(codesets: CodeSets) -> None:
    # "Congestive heart failure NOS" is an inclusion term of I50.9, not its description.
    hit = codesets.search("congestive heart failure")[0]
    assert hit.code == "I50.9"
    assert "congestive" not in hit.description.lower()


def test_cpt_terms_are_searched(codesets: CodeSets) -> None:
    # "toradol" appears only in the starter row's terms of J1885.
    hit = codesets.search("toradol")[0]
    assert hit.code == "J1885" and "toradol" not in hit.description.lower()


def test_with_and_without_are_told_apart(codesets: CodeSets) -> None:
    with_loc = [h.code for h in codesets.search("concussion with loss of consciousness")[:3]]
    without_loc = [h.code for h in codesets.search("concussion without loss of consciousness")]
    assert not any(code.startswith("S06.0X0") for code in with_loc)
    assert without_loc[0].startswith("S06.0X0")
