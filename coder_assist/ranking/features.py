"""Per (note, candidate code) features: the one place training and serving compute them.

Every feature is a plain float so the row can go straight into an ONNX model. Priors
(how often a code is right when proposed, how common it is) and the note-level text
scores come with the candidates; the trainer fits them out-of-fold to avoid leakage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from coder_assist.candidates.generate import LEARNED_SOURCE, Candidate
from coder_assist.candidates.priors import Priors
from coder_assist.nlp.concepts.index import SOURCES
from coder_assist.nlp.sections.rules import SECTIONS
from coder_assist.vocabulary import ASSERTIONS

N_SOURCES = len(SOURCES)
CHAPTER_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def feature_names() -> list[str]:
    """Names of the columns `featurize` returns, in order (stored in the model manifest)."""
    names = [
        "n_mentions",
        "log_mentions",
        "n_present",
        "frac_present",
        *(f"n_{a}" for a in ASSERTIONS[1:]),
        "all_excluded",
        "max_coverage",
        "max_coverage_present",
        "max_weight",
        "max_weight_present",
        "mean_coverage",
        *(f"source_{i}" for i in range(N_SOURCES)),
        "min_steps",
        "best_rank_in_mention",
        "min_mention_size",
        "max_n_keys",
        "max_span_chars",
        "n_distinct_spans",
        *(f"section_{s}" for s in SECTIONS),
        "section_none",
        "first_position",
        "last_position",
        "code_depth",
        "is_icd",
        "is_cpt",
        "is_hcpcs",
        *(f"chapter_{c}" for c in CHAPTER_LETTERS),
        "prior_precision",
        "prior_category_precision",
        "prior_log_proposed",
        "prior_log_gold",
        "prior_log_gold_category",
        "prior_seen",
        "text_score",
        "text_rank_inv",
        "text_category_score",
        "text_linear_score",
        "learned_term_precision",
        "siblings",
        "n_candidates_log",
        "note_chars_log",
        "note_sectioned",
    ]
    return names


def featurize(
    candidates: Sequence[Candidate],
    note_length: int,
    priors: Priors | None = None,
) -> np.ndarray:
    """Feature matrix (float32, one row per candidate, columns as `feature_names()`)."""
    priors = priors or Priors()
    n = len(candidates)
    rows = np.zeros((n, len(feature_names())), dtype=np.float32)
    categories: dict[str, int] = {}
    for c in candidates:
        categories[c.code[:3]] = categories.get(c.code[:3], 0) + 1
    text_by_category: dict[str, float] = {}
    for c in candidates:
        text_by_category[c.code[:3]] = text_by_category.get(c.code[:3], 0.0) + c.text_score
    text_ranks = {
        id(c): r for r, c in enumerate(sorted(candidates, key=lambda c: -c.text_score), start=1)
    }
    length = max(note_length, 1)
    # Share of the note's mentions under a section header: structured US notes and
    # narrative case reports reward different evidence, and the ranker needs to know which.
    all_mentions = [m for c in candidates for m in c.mentions]
    in_section = sum(m.section is not None for m in all_mentions)
    sectioned = in_section / len(all_mentions) if all_mentions else 0.0
    for i, cand in enumerate(candidates):
        ms = cand.mentions
        counts: dict[str, int] = {a: 0 for a in ASSERTIONS}
        for m in ms:
            counts[m.assertion] = counts.get(m.assertion, 0) + 1
        present = [m for m in ms if m.assertion == "present"]
        best = max(ms, key=lambda m: (m.weight, m.coverage)) if ms else None
        sections = {m.section for m in ms}
        row: list[float] = [
            len(ms),
            math.log1p(len(ms)),
            counts["present"],
            counts["present"] / len(ms) if ms else 0.0,
            *(float(counts[a]) for a in ASSERTIONS[1:]),
            float(bool(ms) and not present),
            max((m.coverage for m in ms), default=0.0),
            max((m.coverage for m in present), default=0.0),
            max((m.weight for m in ms), default=0.0),
            max((m.weight for m in present), default=0.0),
            sum(m.coverage for m in ms) / len(ms) if ms else 0.0,
            *(float(best is not None and best.source == s) for s in range(N_SOURCES)),
            min((m.steps for m in ms), default=3),
            min((m.rank_in_mention for m in ms), default=9),
            min((m.mention_size for m in ms), default=0),
            max((m.n_keys for m in ms), default=0),
            max((m.end - m.start for m in ms), default=0),
            len({(m.start, m.end) for m in ms}),
            *(float(s in sections) for s in SECTIONS),
            float(None in sections or not ms),
            min((m.start for m in ms), default=length) / length,
            max((m.end for m in ms), default=0) / length,
            len(cand.code.replace(".", "")),
            float(cand.system == "ICD-10-CM"),
            float(cand.system == "CPT"),
            float(cand.system == "HCPCS"),
            *(float(cand.system == "ICD-10-CM" and cand.code[0] == ch) for ch in CHAPTER_LETTERS),
            priors.precision(cand.code),
            priors.category_precision(cand.code),
            math.log1p(priors.proposed.get(cand.code, 0)),
            math.log1p(priors.gold.get(cand.code, 0)),
            math.log1p(priors.gold_category.get(cand.code[:3], 0)),
            float(cand.code in priors.gold),
            cand.text_score,
            1.0 / text_ranks[id(cand)],
            text_by_category[cand.code[:3]],
            cand.linear_score,
            max((m.term_score for m in ms if m.source == LEARNED_SOURCE), default=0.0),
            categories[cand.code[:3]] - 1,
            math.log1p(n),
            math.log1p(note_length),
            sectioned,
        ]
        rows[i] = row
    return rows


#: Directions the ranker may not reverse: more present mentions, a better track record of
#: the code itself or a stronger neighbour vote never lowers a code's score; being ruled
#: out in every mention never raises it. The rest stays free: frequent vague codes (R69,
#: R52) are common and often wrong, and also constraining coverage, category and frequency
#: priors cost 0.008 train-CV MAP (0.486 vs 0.493).
MONOTONIC: dict[str, int] = {
    "n_present": 1,
    "prior_precision": 1,
    "text_score": 1,
    "all_excluded": -1,
}
