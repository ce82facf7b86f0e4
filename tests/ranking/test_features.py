"""`ranking.features`: feature values of hand-built candidates, worked out by hand."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from coder_assist.candidates import Candidate, MentionRef
from coder_assist.candidates.generate import LEARNED_SOURCE
from coder_assist.candidates.priors import Priors
from coder_assist.nlp.sections.rules import SECTIONS
from coder_assist.ranking.features import MONOTONIC, feature_names, featurize

Make = Callable[..., MentionRef]
NAMES = feature_names()


def _row(X: np.ndarray, i: int) -> dict[str, float]:
    return dict(zip(NAMES, X[i].tolist(), strict=True))


def test_names_are_unique_and_match_the_columns() -> None:
    assert len(NAMES) == len(set(NAMES))
    X = featurize([Candidate("ICD-10-CM", "I10")], 100)
    assert X.shape == (1, len(NAMES)) and X.dtype == np.float32
    # Every section the rule file can assign has its column; the monotone features exist.
    assert {f"section_{s}" for s in SECTIONS} <= set(NAMES)
    assert {"section_assessment_plan", "section_family_history"} <= set(NAMES)
    assert set(MONOTONIC) <= set(NAMES)


def test_mention_counts_coverage_sections_and_positions(mention: Make) -> None:
    cand = Candidate(
        "ICD-10-CM",
        "E11.9",
        [
            mention(start=50, end=72, coverage=1.0, weight=3.0, section="assessment_plan"),
            mention(
                start=150, end=158, coverage=0.5, weight=1.0, section=None, assertion="negated"
            ),
        ],
    )
    r = _row(featurize([cand], note_length=200), 0)
    assert (r["n_mentions"], r["n_present"], r["n_negated"]) == (2, 1, 1)
    assert r["log_mentions"] == pytest.approx(math.log(3))
    assert r["frac_present"] == 0.5 and r["all_excluded"] == 0
    assert r["max_coverage"] == 1.0 and r["mean_coverage"] == 0.75
    assert r["max_weight_present"] == 3.0
    assert r["section_assessment_plan"] == 1 and r["section_none"] == 1
    assert r["section_family_history"] == 0
    assert r["first_position"] == pytest.approx(50 / 200)
    assert r["last_position"] == pytest.approx(158 / 200)
    assert r["max_span_chars"] == 22 and r["n_distinct_spans"] == 2
    # "E11.9" has four characters without the dot; an ICD-10-CM code of chapter E.
    assert r["code_depth"] == 4 and r["is_icd"] == 1 and r["is_cpt"] == 0
    assert r["chapter_E"] == 1 and r["chapter_I"] == 0
    assert r["note_chars_log"] == pytest.approx(math.log(201))
    # Half the note's mentions are under a section header.
    assert r["note_sectioned"] == 0.5


def test_a_code_ruled_out_everywhere_and_a_text_only_proposal(mention: Make) -> None:
    ruled_out = Candidate("ICD-10-CM", "R07.9", [mention(assertion="negated")])
    proposal = Candidate("ICD-10-CM", "J45.909", text_score=0.4)
    X = featurize([ruled_out, proposal], note_length=100)
    r0, r1 = _row(X, 0), _row(X, 1)
    assert r0["all_excluded"] == 1 and r0["n_present"] == 0
    # No evidence: defaults that read as "weakest" (steps 3, rank 9) and no section.
    assert r1["n_mentions"] == 0 and r1["all_excluded"] == 0
    assert (r1["min_steps"], r1["best_rank_in_mention"], r1["section_none"]) == (3, 9, 1)
    assert r1["first_position"] == 1.0 and r1["last_position"] == 0.0


def test_priors_and_text_scores(mention: Make) -> None:
    priors = Priors(
        proposed={"R10.9": 5},
        correct={"R10.9": 4},
        gold={"R10.9": 6, "R10.31": 2},
        gold_category={"R10": 8},
        proposed_category={"R10": 15},
        correct_category={"R10": 10},
    )
    cands = [
        Candidate("ICD-10-CM", "R10.9", [mention()], text_score=0.2, linear_score=0.7),
        Candidate("ICD-10-CM", "R10.31", text_score=0.5),
        Candidate("ICD-10-CM", "I10", [mention(source=LEARNED_SOURCE, term_score=0.6)]),
    ]
    X = featurize(cands, 100, priors)
    r0, r1, r2 = (_row(X, i) for i in range(3))
    assert r0["prior_precision"] == pytest.approx((4 + 0.5) / (5 + 5))  # 0.45
    assert r0["prior_category_precision"] == pytest.approx((10 + 0.5) / (15 + 5))  # 0.525
    assert r0["prior_log_proposed"] == pytest.approx(math.log(6))
    assert r0["prior_log_gold"] == pytest.approx(math.log(7))
    assert r0["prior_seen"] == 1 and r2["prior_seen"] == 0
    assert r2["prior_precision"] == pytest.approx(0.1)  # the 0.5 / 5 prior of an unseen code
    # Text ranks: R10.31 (0.5) first, R10.9 (0.2) second; both R10 codes share 0.7.
    assert (r1["text_rank_inv"], r0["text_rank_inv"]) == (1.0, 0.5)
    assert r0["text_category_score"] == pytest.approx(0.7)
    assert r0["text_linear_score"] == pytest.approx(0.7)
    assert r0["siblings"] == 1 and r2["siblings"] == 0
    assert r2["learned_term_precision"] == pytest.approx(0.6)
    assert r0["n_candidates_log"] == pytest.approx(math.log(4))
