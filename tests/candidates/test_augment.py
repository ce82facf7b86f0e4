"""`candidates.augment`: text-model proposals, coded siblings and classifier scores."""

from __future__ import annotations

from collections.abc import Callable

from coder_assist.candidates import Candidate, MentionRef
from coder_assist.candidates.augment import MAX_SIBLINGS, augment
from coder_assist.candidates.priors import Priors
from coder_assist.codesets import CodeSets

Make = Callable[..., MentionRef]
# Gold counts of R10 codes in imagined training notes: R10.31 most often, then R10.9...
PRIORS = Priors(gold={"R10.31": 5, "R10.9": 3, "R10.11": 2, "R10.84": 1, "R10.2": 1})


def test_siblings_join_only_beside_a_strong_match(codesets: CodeSets, mention: Make) -> None:
    found = {
        ("ICD-10-CM", "R10.9"): Candidate("ICD-10-CM", "R10.9", [mention()]),
        ("ICD-10-CM", "I10"): Candidate("ICD-10-CM", "I10", [mention(coverage=0.6)]),
    }
    out = {c.code for c in augment(found, [], PRIORS, codesets)}
    # The three most frequent coded R10 codes are in play; R10.84 and R10.2 are not.
    assert MAX_SIBLINGS == 3
    assert out == {"R10.9", "R10.31", "R10.11", "I10"}


def test_text_proposals_are_added_with_their_vote(codesets: CodeSets, mention: Make) -> None:
    found = {("ICD-10-CM", "I10"): Candidate("ICD-10-CM", "I10", [mention()])}
    out = augment(found, [("E78.5", 0.3), ("Z99.999", 0.9), ("I10", 0.05)], Priors(), codesets)
    by_code = {c.code: c for c in out}
    assert set(by_code) == {"I10", "E78.5"}  # an unknown code is never proposed
    assert by_code["E78.5"].text_score == 0.3 and not by_code["E78.5"].mentions
    assert by_code["I10"].text_score == 0.05


def test_classifier_scores_and_inputs_left_untouched(codesets: CodeSets, mention: Make) -> None:
    original = Candidate("ICD-10-CM", "R10.9", [mention()], text_score=0.8, linear_score=0.9)
    found = {("ICD-10-CM", "R10.9"): original}
    out = augment(found, [], PRIORS, codesets, linear={"R10.9": 0.7, "R10.31": 0.2})
    by_code = {c.code: c for c in out}
    assert by_code["R10.9"].linear_score == 0.7 and by_code["R10.31"].linear_score == 0.2
    assert by_code["R10.11"].linear_score == 0.0  # no classifier for it
    assert by_code["R10.9"].text_score == 0.0  # not proposed by the text model this time
    # The caller's candidates are copies' sources, never modified (training reuses them).
    assert (original.text_score, original.linear_score, len(original.mentions)) == (0.8, 0.9, 1)
    by_code["R10.9"].mentions.append(mention())
    assert len(original.mentions) == 1
