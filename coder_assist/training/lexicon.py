"""Mining note wording that signals a code, from coded notes (the learned lexicon).

Coders of the training notes chose codes for wording the code titles never use
("adenopathies" for R59.0, "smoker" for F17.210). For each code we keep the words and
word pairs that occur in several of its notes and rarely elsewhere; they become matcher
terms (source "learned"), so such codes get candidates with evidence spans.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from coder_assist.text import QUALIFIERS, STOPWORDS, words

Term = tuple[str, str, str, str, float]
#: Office, hospital, emergency and preventive visit codes (E/M levels).
EVALUATION_AND_MANAGEMENT = frozenset(
    str(c)
    for c in (
        *range(99202, 99216),
        *range(99221, 99240),
        *range(99281, 99286),
        *range(99381, 99398),
    )
)
_GENERIC = frozenset(
    [
        "patient",
        "patients",
        "case",
        "year",
        "years",
        "old",
        "month",
        "months",
        "day",
        "days",
        "week",
        "weeks",
        "time",
        "admission",
        "study",
        "left",
        "right",
        "treatment",
        "normal",
        "level",
        "levels",
        "value",
        "values",
        "hospital",
        "history",
        "presented",
        "showed",
        "performed",
        "revealed",
        "diagnosis",
        "diagnosed",
        "clinical",
        "examination",
        "test",
        "tests",
        "result",
        "results",
        "ml",
        "mg",
        "dl",
        "mm",
        "cm",
        "kg",
        "hours",
        "hour",
    ]
)


def _grams(text: str) -> set[str]:
    out: set[str] = set()
    for line in text.splitlines():
        toks = [w for w in words(line) if w not in STOPWORDS and not w.isdigit() and len(w) > 2]
        for i, w in enumerate(toks):
            if w not in QUALIFIERS and w not in _GENERIC:
                out.add(w)
            if i + 1 < len(toks) and not {w, toks[i + 1]} <= (_GENERIC | QUALIFIERS):
                out.add(f"{w} {toks[i + 1]}")
    return out


def mine_terms(
    notes: Sequence[tuple[str, set[tuple[str, str]]]],
    *,
    min_support: int = 3,
    min_precision: float = 0.3,
    max_per_code: int = 6,
) -> list[Term]:
    """Learned terms `(system, code, text, "learned", precision)` from (text, codes) pairs.

    Precision is the share of notes containing the term that carry the code; the ranker
    sees it as a feature.
    """
    note_grams = [_grams(text) for text, _ in notes]
    df: Counter[str] = Counter()
    for grams in note_grams:
        df.update(grams)
    by_code: dict[tuple[str, str], Counter[str]] = {}
    for grams, (_, codes) in zip(note_grams, notes, strict=True):
        for key in codes:
            by_code.setdefault(key, Counter()).update(grams)
    terms: list[Term] = []
    for (system, code), counts in by_code.items():
        if system == "CPT" and code in EVALUATION_AND_MANAGEMENT:
            continue  # a visit level is a judgement on the whole note, not a phrase in it
        scored = []
        for gram, support in counts.items():
            if support < min_support:
                continue
            precision = support / df[gram]
            if precision >= min_precision:
                scored.append((precision * math.log1p(support), gram, precision))
        scored.sort(reverse=True)
        terms.extend(
            (system, code, gram, "learned", round(precision, 4))
            for _, gram, precision in scored[:max_per_code]
        )
    return sorted(terms)
