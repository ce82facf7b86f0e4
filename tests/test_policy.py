"""`policy.decide`: what a reviewer is shown for scored candidates (hand-built inputs)."""

from __future__ import annotations

from collections.abc import Callable

from coder_assist.candidates import Candidate, EntityRecord, MentionRef
from coder_assist.policy import Scored, decide, outermost_entities

Make = Callable[..., MentionRef]
HPI = "history_of_present_illness"  # outside the sections whose diagnoses are coded by rule


def _scored(code: str, score: float, *mentions: MentionRef, system: str = "ICD-10-CM") -> Scored:
    return Scored(Candidate(system, code, list(mentions)), score)


def test_present_evidence_is_suggested_from_the_threshold_on(mention: Make) -> None:
    ranked = [
        _scored("I10", 0.5, mention(start=0, end=22, section=HPI)),
        _scored("E78.5", 0.49, mention(start=30, end=44, section=HPI)),
    ]
    decisions = decide(ranked, threshold=0.5, max_possible=0)
    assert [(d.candidate.code, d.status, d.reason) for d in decisions] == [
        ("I10", "suggested", None)
    ]


def test_ruled_out_wording_found_in_full_is_shown_with_its_reason(mention: Make) -> None:
    ranked = [
        _scored("R07.9", 0.05, mention(assertion="negated", trigger="denies")),
        # A relative's history that is also past wins as "family" (the precedence order).
        _scored("C50.919", 0.02, mention(assertion="historical"), mention(assertion="family")),
        # A partial, ruled-out guess is noise to a reviewer and is not shown at all.
        _scored("R11.10", 0.3, mention(assertion="negated", coverage=0.6)),
        # A text-model proposal with no evidence is never shown, whatever its score.
        _scored("J45.909", 0.99),
    ]
    decisions = decide(ranked, threshold=0.5, max_possible=5)
    assert [(d.candidate.code, d.status, d.reason) for d in decisions] == [
        ("R07.9", "excluded", "negated"),
        ("C50.919", "excluded", "family"),
    ]


def test_suggested_come_first_then_by_score_rounded_to_four_places(mention: Make) -> None:
    ranked = [
        _scored("R07.9", 0.9, mention(assertion="negated")),
        _scored("I10", 0.712345, mention(start=0, end=5, section=HPI)),
        _scored("E11.9", 0.95, mention(start=20, end=30, section=HPI)),
        _scored("E78.5", 0.3, mention(start=40, end=50, section=HPI)),
    ]
    decisions = decide(ranked, threshold=0.5)
    # Suggested, then possible, then excluded; each by score.
    assert [(d.candidate.code, d.status, d.score) for d in decisions] == [
        ("E11.9", "suggested", 0.95),
        ("I10", "suggested", 0.7123),
        ("E78.5", "possible", 0.3),
        ("R07.9", "excluded", 0.9),
    ]


def test_one_diagnosis_per_category_and_evidence(mention: Make) -> None:
    # "nausea" (R11.0) sits inside "nausea and vomiting" (R11.2): alternatives on the same
    # words, so only the code whose evidence says more is suggested. I10 elsewhere stays.
    ranked = [
        _scored("R11.0", 0.9, mention(start=10, end=16)),
        _scored("R11.2", 0.6, mention(start=10, end=29)),
        _scored("I10", 0.7, mention(start=40, end=52)),
        # A CPT code never competes with diagnoses.
        _scored("99213", 0.8, mention(start=10, end=16), system="CPT"),
    ]
    decisions = decide(ranked, threshold=0.5)
    assert [(d.candidate.code, d.status) for d in decisions] == [
        ("99213", "suggested"),
        ("I10", "suggested"),
        ("R11.2", "suggested"),
        ("R11.0", "possible"),  # the dropped alternative is still one key away
    ]


def test_nested_evidence_is_reduced_to_the_outer_span(mention: Make) -> None:
    ranked = [
        _scored(
            "I10",
            0.8,
            mention(start=12, end=34, text="Essential hypertension"),
            mention(start=22, end=34, text="hypertension"),
            mention(start=60, end=72, text="hypertension"),
        )
    ]
    (decision,) = decide(ranked, threshold=0.5, max_possible=0)
    assert [(m.start, m.end) for m in decision.evidence] == [(12, 34), (60, 72)]


def test_possible_codes_are_capped_and_need_present_evidence(mention: Make) -> None:
    ranked = [
        _scored("E78.5", 0.40, mention(start=0, end=5, section=HPI)),
        _scored("J45.909", 0.35),  # a text-model guess: nothing to show a reviewer
        _scored("E66.9", 0.30, mention(start=10, end=15, section=HPI)),
        _scored("R51.9", 0.25, mention(start=20, end=25, section=HPI, assertion="negated")),
        _scored("K21.9", 0.20, mention(start=30, end=35, section=HPI)),
    ]
    codes = [d.candidate.code for d in decide(ranked, threshold=0.5, max_possible=2)]
    assert codes == ["E78.5", "E66.9", "R51.9"]  # two possible, then the ruled-out one
    assert [d.candidate.code for d in decide(ranked, 0.5, max_possible=0)] == ["R51.9"]


def test_a_diagnosis_stated_in_full_in_the_assessment_is_suggested_by_rule(
    mention: Make,
) -> None:
    ranked = [
        # "acute sinusitis" in the assessment: a two-word title found in full.
        _scored("J01.90", 0.02, mention(start=12, end=27, n_keys=2)),
        # One title word alone is not enough ("Community" matched "Communication ...").
        _scored("F80.9", 0.01, mention(start=40, end=49, n_keys=1, source=1)),
        # Found in full but in the HPI, or uncertain, or partly: the ranker decides.
        _scored("J18.9", 0.02, mention(start=60, end=69, section=HPI)),
        _scored("J20.9", 0.02, mention(start=70, end=85, assertion="uncertain")),
        _scored("J02.9", 0.02, mention(start=90, end=100, coverage=0.7)),
        # A symptom code is left to the ranker even in the assessment.
        _scored("R05.9", 0.02, mention(start=110, end=115)),
    ]
    decisions = decide(ranked, threshold=0.5, max_possible=0)
    assert [(d.candidate.code, d.status) for d in decisions] == [
        ("J01.90", "suggested"),
        ("J20.9", "excluded"),
    ]


def test_a_rule_match_nested_in_a_longer_one_is_left_to_the_ranker(mention: Make) -> None:
    ranked = [
        _scored("J01.90", 0.02, mention(start=12, end=27, n_keys=2)),  # "acute sinusitis"
        _scored("J32.9", 0.01, mention(start=18, end=27, n_keys=2, source=1)),  # "sinusitis"
    ]
    decisions = decide(ranked, threshold=0.5, max_possible=5)
    assert [(d.candidate.code, d.status) for d in decisions] == [
        ("J01.90", "suggested"),
        ("J32.9", "possible"),
    ]


def _entity(start: int, end: int, codes: list[str], assertion: str = "present") -> EntityRecord:
    return EntityRecord(start, end, "x" * (end - start), "PROBLEM", None, assertion, None, codes)


def test_entities_fold_into_the_outermost_span() -> None:
    entities = [
        _entity(0, 15, ["I21.9", "I21.9"]),  # "Acute myocardial"
        _entity(6, 27, ["I21.9", "I25.2"]),  # "myocardial infarction"
        _entity(0, 27, ["I21.9"]),  # "Acute myocardial infarction"
        _entity(6, 17, ["R07.9"], assertion="negated"),  # other assertion: kept apart
        _entity(30, 42, ["I10", "I10"]),
    ]
    out = outermost_entities(entities)
    assert [(e.start, e.end, e.codes) for e in out] == [
        (0, 27, ["I21.9", "I25.2"]),
        (6, 17, ["R07.9"]),
        (30, 42, ["I10"]),
    ]


def test_symptoms_outside_the_assessment_yield_to_an_assessed_diagnosis(mention: Make) -> None:
    pneumonia = _scored("J18.9", 0.3, mention(start=80, end=100, n_keys=2))
    fever_hpi = _scored("R50.9", 0.9, mention(start=5, end=10, section=HPI))
    cough_ap = _scored("R05.9", 0.9, mention(start=110, end=115))  # stated in the assessment
    decisions = decide([fever_hpi, cough_ap, pneumonia], threshold=0.5)
    assert [(d.candidate.code, d.status) for d in decisions] == [
        ("R05.9", "suggested"),
        ("J18.9", "suggested"),
        ("R50.9", "possible"),
    ]
    # Without a diagnosis suggested by rule, the ranker's symptom stands.
    alone = decide([fever_hpi], threshold=0.5)
    assert [(d.candidate.code, d.status) for d in alone] == [("R50.9", "suggested")]
