"""Candidates beyond the mention matches: text-model proposals and coded siblings.

Coders of similar notes often chose a sibling of the code the wording points at
(R10.31 "right lower quadrant pain" where the text says "abdominal pain"). When a
category is already in play, its codes seen in training notes join as candidates; the
ranker weighs them by their priors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from coder_assist.candidates.generate import FULL_COVERAGE, Candidate
from coder_assist.candidates.priors import Priors
from coder_assist.codesets import CodeSets

Key = tuple[str, str]
MAX_SIBLINGS = 3
STRONG_TEXT = 0.1


def augment(
    found: dict[Key, Candidate],
    text_top: list[tuple[str, float]],
    priors: Priors,
    codesets: CodeSets,
    linear: Mapping[str, float] | None = None,
) -> list[Candidate]:
    """A fresh candidate list: mention candidates, text proposals, then coded siblings.

    `linear` holds the text model's per-code classifier probabilities; every ICD-10-CM
    candidate with a classifier gets its probability as `linear_score`.
    """
    out = {
        k: replace(c, mentions=list(c.mentions), text_score=0.0, linear_score=0.0)
        for k, c in found.items()
    }
    for code, prob in text_top:
        key = ("ICD-10-CM", code)
        cand = out.get(key)
        if cand is None:
            if codesets.get(code, "ICD-10-CM") is None:
                continue
            cand = out[key] = Candidate("ICD-10-CM", code)
        cand.text_score = prob
    by_category = priors.codes_by_category()
    for (system, code), cand in list(out.items()):
        strong = cand.text_score >= STRONG_TEXT or any(
            m.coverage >= FULL_COVERAGE for m in cand.mentions
        )
        if system != "ICD-10-CM" or not strong:
            continue
        for sibling in by_category.get(code[:3], ())[:MAX_SIBLINGS]:
            out.setdefault(("ICD-10-CM", sibling), Candidate("ICD-10-CM", sibling))
    if linear:
        for (system, code), cand in out.items():
            if system == "ICD-10-CM":
                cand.linear_score = linear.get(code, 0.0)
    return list(out.values())
