"""`policy.decide`: what a reviewer is shown for scored candidates (hand-built inputs)."""

from __future__ import annotations

from collections.abc import Callable

from coder_assist.candidates import Candidate, MentionRef
from coder_assist.policy import Scored, decide

Make = Callable[..., MentionRef]


def _scored(code: str, score: float, *mentions: MentionRef, system: str = "ICD-10-CM") -> Scored:
    return Scored(Candidate(system, code, list(mentions)), score)


def test_present_evidence_is_suggested_from_the_threshold_on(mention: Make) -> None:
    ranked = [
        _scored("I10", 0.5, mention(start=0, end=22)),
        _scored("E78.5", 0.49, mention(start=30, end=44)),
    ]
    decisions = decide(ranked, threshold=0.5)
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
    decisions = decide(ranked, threshold=0.5)
    assert [(d.candidate.code, d.status, d.reason) for d in decisions] == [
        ("R07.9", "excluded", "negated"),
        ("C50.919", "excluded", "family"),
    ]


def test_suggested_come_first_then_by_score_rounded_to_four_places(mention: Make) -> None:
    ranked = [
        _scored("R07.9", 0.9, mention(assertion="negated")),
        _scored("I10", 0.712345, mention(start=0, end=5)),
        _scored("E11.9", 0.95, mention(start=20, end=30)),
    ]
    decisions = decide(ranked, threshold=0.5)
    assert [(d.candidate.code, d.score) for d in decisions] == [
        ("E11.9", 0.95),
        ("I10", 0.7123),
        ("R07.9", 0.9),
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
    codes = [d.candidate.code for d in decide(ranked, threshold=0.5)]
    assert codes == ["99213", "I10", "R11.2"]


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
    (decision,) = decide(ranked, threshold=0.5)
    assert [(m.start, m.end) for m in decision.evidence] == [(12, 34), (60, 72)]
