"""The default-child rule, checked against what a coder picks in the real ICD-10-CM.

Expected codes are looked up in the tabular list: a bare "type 2 diabetes" is E11.9,
"knee pain" with no side is M25.569 and "right knee pain" M25.561, a cataract in both
eyes is the bilateral code, and "BPH" without more is N40.0.
"""

from __future__ import annotations

import pytest

from coder_assist.candidates import Resolver
from coder_assist.codesets import Code, CodeSets
from coder_assist.codesets.defaults import (
    SIDE_CUES,
    default_child,
    looks_like_default,
    needs_extension,
)
from coder_assist.text import keys


def _child(codesets: CodeSets, header: str, cues: frozenset[str] = frozenset()) -> str | None:
    found = default_child(codesets.children(header, "ICD-10-CM"), cues)
    return found.code if found else None


def _get(codesets: CodeSets, code: str) -> Code:
    found = codesets.get(code, "ICD-10-CM")
    assert found is not None, code
    return found


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("E11", "E11.9"),  # Type 2 diabetes mellitus without complications
        ("K21", "K21.9"),  # GERD without esophagitis
        ("H10", "H10.9"),  # Unspecified conjunctivitis
        ("J45.90", "J45.909"),  # Unspecified asthma, uncomplicated
        ("M25.56", "M25.569"),  # Pain in unspecified knee
        ("H61.2", "H61.20"),  # Impacted cerumen, unspecified ear
    ],
)
def test_a_header_without_cues_falls_back_to_its_unspecified_child(
    codesets: CodeSets, header: str, expected: str
) -> None:
    assert _child(codesets, header) == expected


@pytest.mark.parametrize(
    ("header", "cues", "expected"),
    [
        ("M25.56", {"right"}, "M25.561"),  # Pain in right knee
        ("M25.56", {"left"}, "M25.562"),  # Pain in left knee
        ("H25.01", {"right"}, "H25.011"),  # Cortical age-related cataract, right eye
        ("H25.01", {"bilater"}, "H25.013"),  # ... bilateral
        ("H25.01", {"right", "left"}, "H25.013"),  # both sides named: the bilateral code
        ("H61.2", {"left"}, "H61.22"),  # Impacted cerumen, left ear
    ],
)
def test_laterality_cues_pick_the_side_the_note_names(
    codesets: CodeSets, header: str, cues: set[str], expected: str
) -> None:
    assert _child(codesets, header, frozenset(cues)) == expected


def test_side_cues_are_the_keys_the_resolver_receives() -> None:
    # The resolver's cues are the sentence's word keys (see candidates.generate).
    sentence = "Right and left knees, bilateral effusion."
    assert set(SIDE_CUES) <= set(keys(sentence, keep_qualifiers=True))
    assert set(SIDE_CUES.values()) == {"right", "left", "bilateral"}


def test_require_default_keeps_a_real_default(codesets: CodeSets) -> None:
    # BPH NOS is N40.0 (without lower urinary tract symptoms); pelvic pain NOS is R10.20.
    for header, expected in (("N40", "N40.0"), ("R10.2", "R10.20"), ("E11", "E11.9")):
        found = default_child(codesets.children(header, "ICD-10-CM"), require_default=True)
        assert found is not None and found.code == expected


def test_require_default_refuses_a_family_without_an_unspecified_member(
    codesets: CodeSets,
) -> None:
    # F52.2 "Sexual arousal disorders" has only a male and a female code.
    children = codesets.children("F52.2", "ICD-10-CM")
    assert {c.code for c in children} == {"F52.21", "F52.22"}
    assert default_child(children, require_default=True) is None
    assert default_child(children) is not None  # the resolver still lands somewhere


def test_require_default_agrees_wherever_the_plain_choice_is_a_default(
    codesets: CodeSets,
) -> None:
    checked = 0
    for c in codesets.codes("ICD-10-CM"):
        if c.billable or not c.children:
            continue
        children = codesets.children(c.code, c.system)
        plain = default_child(children)
        if plain is not None and looks_like_default(plain):
            assert default_child(children, require_default=True) == plain, c.code
            checked += 1
    assert checked > 5000


def test_codes_needing_a_seventh_character(codesets: CodeSets) -> None:
    assert needs_extension(_get(codesets, "S72.001"))  # billable only as S72.001A, D, ...
    assert not needs_extension(_get(codesets, "S72.001A"))
    assert not needs_extension(_get(codesets, "E11.9"))
    assert not needs_extension(_get(codesets, "E11"))


@pytest.mark.parametrize(
    ("code", "cues", "expected"),
    [
        ("E11", set(), ("E11.9", 1)),
        ("M25.56", {"right"}, ("M25.561", 1)),
        ("S72.00", {"left"}, ("S72.002A", 2)),  # the side, then the initial encounter
        ("S72.00", {"left", "sequela"}, ("S72.002S", 2)),
        ("S72.00", set(), ("S72.009A", 2)),  # unspecified femur
    ],
)
def test_the_resolver_applies_the_rule(
    codesets: CodeSets, code: str, cues: set[str], expected: tuple[str, int]
) -> None:
    assert Resolver(codesets).resolve("ICD-10-CM", code, frozenset(cues)) == expected


def test_search_lends_a_header_title_to_its_default_child(codesets: CodeSets) -> None:
    # Only the category K21 is titled just "Gastro-esophageal reflux disease".
    assert codesets.search("gastro-esophageal reflux disease")[0].code == "K21.9"
