"""Candidates from a note's mentions (coder_assist.candidates.generate).

`Candidate.present` and `Candidate.deciding` are checked on hand-built mentions;
`collect_candidates` on short notes through the real pipeline (shared, session-scoped),
against real ICD-10-CM and CPT codes.
"""

from __future__ import annotations

import pytest

from coder_assist.candidates.generate import (
    Candidate,
    EntityRecord,
    MentionRef,
    collect_candidates,
)
from coder_assist.codesets import CodeSets
from coder_assist.nlp.concepts.index import SOURCES

DESCRIPTION = SOURCES.index("description")
SYNONYM = SOURCES.index("synonym")
LEARNED = SOURCES.index("learned")


def _ref(
    text: str,
    assertion: str = "present",
    *,
    coverage: float = 1.0,
    source: int = DESCRIPTION,
    start: int = 0,
) -> MentionRef:
    return MentionRef(
        start=start,
        end=start + len(text),
        text=text,
        section=None,
        assertion=assertion,
        trigger=None if assertion == "present" else "cue",
        coverage=coverage,
        weight=1.0,
        source=source,
        n_keys=len(text.split()),
        steps=0,
        matched_code="R11.10",
        rank_in_mention=0,
        mention_size=1,
    )


# --- Candidate.present / Candidate.deciding on hand-built mentions ----------------------


def test_present_keeps_only_mentions_asserted_present_in_order() -> None:
    a = _ref("vomiting", start=0)
    b = _ref("vomiting", "negated", start=20)
    c = _ref("vomiting", "historical", start=40)
    d = _ref("emesis", start=60)
    assert Candidate("ICD-10-CM", "R11.10", [a, b, c, d]).present == [a, d]
    assert Candidate("ICD-10-CM", "R11.10", [b, c]).present == []


def test_denied_full_wording_decides_over_partial_and_learned_present_mentions() -> None:
    # "Denies vomiting." ... "nausea, some vomit in the bag" ... a learned term "emesis":
    # only the code's own wording found in full decides, and it is negated.
    full_negated = _ref("vomiting", "negated")
    partial_present = _ref("vomit", coverage=0.6, start=30)
    learned_present = _ref("emesis", source=LEARNED, start=50)
    cand = Candidate("ICD-10-CM", "R11.10", [partial_present, full_negated, learned_present])
    assert cand.deciding == [full_negated]
    assert not any(m.assertion == "present" for m in cand.deciding)
    assert cand.present == [partial_present, learned_present]


def test_without_full_wording_every_mention_decides() -> None:
    partial = _ref("vomit", coverage=0.6)
    learned = _ref("emesis", "negated", source=LEARNED, start=20)
    cand = Candidate("ICD-10-CM", "R11.10", [partial, learned])
    assert cand.deciding == [partial, learned]


@pytest.mark.parametrize(
    ("coverage", "source", "decides"),
    [
        (1.0, DESCRIPTION, True),
        (0.995, DESCRIPTION, True),  # floating-point slack below 1.0 still counts as full
        (0.9, DESCRIPTION, False),
        (1.0, SYNONYM, True),  # a synonym found in full is the code's wording too
        (1.0, LEARNED, False),  # a learned term never decides
    ],
)
def test_which_mentions_count_as_full_wording(coverage: float, source: int, decides: bool) -> None:
    strong = _ref("vomiting", "negated", coverage=coverage, source=source)
    weak = _ref("vomit", coverage=0.5, start=30)
    deciding = Candidate("ICD-10-CM", "R11.10", [strong, weak]).deciding
    assert deciding == ([strong] if decides else [strong, weak])


def test_candidate_without_mentions() -> None:
    cand = Candidate("ICD-10-CM", "R11.10")  # e.g. proposed by the text model alone
    assert cand.present == [] and cand.deciding == []


# --- collect_candidates on real notes ----------------------------------------------------


@pytest.fixture(scope="module")
def collect(heuristic_suggester):  # type: ignore[no-untyped-def]
    builder = heuristic_suggester.builder  # the shared pipeline and resolver

    def run(text: str):  # type: ignore[no-untyped-def]
        return collect_candidates(builder.nlp(text), builder.resolver)

    return run


def _span(cand: Candidate, text: str) -> MentionRef:
    for m in cand.mentions:
        if m.text == text:
            return m
    raise AssertionError(f"{cand.code}: no mention {text!r} in {[m.text for m in cand.mentions]}")


def test_assessment_of_essential_hypertension(collect) -> None:  # type: ignore[no-untyped-def]
    note = "Assessment: essential hypertension"
    cands, entities = collect(note)
    i10 = cands[("ICD-10-CM", "I10")]  # Essential (primary) hypertension
    m = _span(i10, "essential hypertension")
    assert (m.start, m.end) == (12, 34)  # after "Assessment: " (12 characters)
    assert note[m.start : m.end] == "essential hypertension"
    assert (m.section, m.assertion, m.trigger) == ("assessment_plan", "present", None)
    assert (m.matched_code, m.steps, m.coverage) == ("I10", 0, 1.0)
    assert m in i10.present and m in i10.deciding
    assert (
        EntityRecord(
            12, 34, "essential hypertension", "PROBLEM", "assessment_plan", "present", None, ["I10"]
        )
        in entities
    )
    assert all("Assessment" not in e.text for e in entities)  # a section title is no mention


def test_denied_chest_pain_is_a_negated_mention(collect) -> None:  # type: ignore[no-untyped-def]
    cands, entities = collect("Denies chest pain.")
    r079 = cands[("ICD-10-CM", "R07.9")]  # Chest pain, unspecified
    m = _span(r079, "chest pain")
    assert (m.start, m.end) == (7, 17)
    assert m.assertion == "negated" and m.trigger is not None
    assert r079.present == []
    assert [x.assertion for x in r079.deciding] == ["negated"] * len(r079.deciding)
    (chest_pain,) = [e for e in entities if e.text == "chest pain"]
    assert chest_pain.assertion == "negated" and "R07.9" in chest_pain.codes


@pytest.mark.parametrize(
    ("note", "side_code", "other_side"),
    [
        ("Right ankle sprain", "S93.401A", "S93.402A"),
        ("Left ankle sprain.", "S93.402A", "S93.401A"),
    ],
)
def test_ankle_sprain_resolves_to_the_side_named_in_the_sentence(
    collect,  # type: ignore[no-untyped-def]
    codesets: CodeSets,
    note: str,
    side_code: str,
    other_side: str,
) -> None:
    # S93.401A / S93.402A: sprain of unspecified ligament of right / left ankle, initial
    # encounter (the 7th character A is the default when no encounter is named).
    cands, _ = collect(note)
    assert ("ICD-10-CM", other_side) not in cands
    cand = cands[("ICD-10-CM", side_code)]
    full = _span(cand, note.rstrip("."))
    assert (full.start, full.end, full.assertion) == (0, len(note.rstrip(".")), "present")
    # Either our clinical index names the billable code itself, or the title of the
    # 6-character code is found and the 7th character is added.
    assert (full.matched_code, full.steps) in {(side_code, 0), (side_code[:-1], 1)}
    # Every piece of evidence is for this family of codes.
    assert all(m.matched_code.startswith("S93.4") for m in cand.mentions)
    for system, code in cands:
        got = codesets.get(code, system)
        assert got is not None and got.billable, code


def test_diagnosis_negated_but_test_performed(collect) -> None:  # type: ignore[no-untyped-def]
    # "Rapid strep test: negative": the infection is ruled out, the test was done.
    cands, _ = collect("Rapid strep test: negative.")
    test = cands[("CPT", "87880")]  # rapid strep antigen test (immunoassay, direct optical)
    strep = cands[("ICD-10-CM", "A49.1")]  # streptococcal infection, unspecified site
    assert {m.assertion for m in test.mentions} == {"present"}
    assert {m.assertion for m in strep.mentions} == {"negated"}


@pytest.mark.parametrize(
    ("note", "key", "text", "assertion"),
    [
        ("Possible pneumonia.", ("ICD-10-CM", "J18.9"), "pneumonia", "uncertain"),
        ("Mother with breast cancer.", ("ICD-10-CM", "C50.919"), "breast cancer", "family"),
        ("HTN", ("ICD-10-CM", "I10"), "HTN", "present"),  # abbreviation
    ],
)
def test_assertion_of_each_mention_is_kept(
    collect,  # type: ignore[no-untyped-def]
    note: str,
    key: tuple[str, str],
    text: str,
    assertion: str,
) -> None:
    cands, _ = collect(note)
    m = _span(cands[key], text)
    assert m.assertion == assertion
    assert note[m.start : m.end] == text


def test_offsets_point_into_the_original_text(collect) -> None:  # type: ignore[no-untyped-def]
    note = "  Temp 37.8 °C — na\u00efve patient.\r\nAssessment: Essential hypertension."
    cands, entities = collect(note)
    # 31 characters on the first line, CRLF, then "Assessment: " (12): 31 + 2 + 12 = 45.
    m = _span(cands[("ICD-10-CM", "I10")], "Essential hypertension")
    assert (m.start, m.end) == (45, 67)
    for cand in cands.values():
        for ref in cand.mentions:
            assert note[ref.start : ref.end] == ref.text
    for e in entities:
        assert note[e.start : e.end] == e.text


def test_each_mention_keeps_a_bounded_ranked_list(collect) -> None:  # type: ignore[no-untyped-def]
    # "breast cancer" matches many malignant neoplasm titles; at most 8 codes per mention.
    cands, entities = collect("Mother with breast cancer.")
    refs = [m for c in cands.values() for m in c.mentions]
    assert max(m.mention_size for m in refs) == 8
    assert all(0 <= m.rank_in_mention < m.mention_size for m in refs)
    for e in entities:
        assert e.codes and all(("ICD-10-CM", code) in cands for code in e.codes)


@pytest.mark.parametrize("note", ["", "   \n\t", "Hello.", "!!!", "😷😷", "x" * 5_000])
def test_notes_without_clinical_wording_give_nothing(collect, note: str) -> None:  # type: ignore[no-untyped-def]
    assert collect(note) == ({}, [])
