"""Synthetic candidate-row tables shaped like real featurizer output (test helper).

A plain module rather than conftest content, because several test folders have a
conftest.py and `from conftest import ...` would pick whichever was imported first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHAPTERS = ("A00-B99", "E00-E89", "I00-I99", "J00-J99", "K00-K95", "M00-M99", "")


@dataclass(frozen=True)
class Table:
    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    chapters: np.ndarray
    feature_names: list[str]


def make_table(n_notes: int, seed: int, nonlinear: bool = True) -> Table:
    """Rows per note like the featurizer's: counts, flags, fractions, priors, positions."""
    rng = np.random.default_rng(seed)
    per_note = rng.integers(5, 40, size=n_notes)
    n = int(per_note.sum())
    groups = np.repeat(np.arange(n_notes) + 1000 * seed, per_note)
    n_mentions = rng.poisson(1.2, n).astype(np.float32)
    frac_present = np.where(n_mentions > 0, rng.beta(3, 1.5, n), 0.0)
    coverage = np.clip(rng.beta(4, 2, n) * (n_mentions > 0), 0, 1)
    in_assessment = (rng.random(n) < 0.3).astype(np.float32)
    negated = (rng.random(n) < 0.15).astype(np.float32)
    prior_precision = rng.beta(1.5, 4, n)
    text_score = rng.beta(1, 6, n)
    first_position = rng.random(n)
    code_depth = rng.integers(3, 8, n).astype(np.float32)
    is_icd = (rng.random(n) < 0.85).astype(np.float32)
    note_chars_log = np.repeat(rng.normal(7.5, 0.6, n_notes), per_note)
    noise = rng.normal(size=(n, 8))
    logit = (
        1.2 * np.log1p(n_mentions)
        + 2.0 * coverage * frac_present
        + 0.8 * in_assessment
        + 3.0 * prior_precision
        + 4.0 * text_score
        - 5.0
    )
    if nonlinear:
        # Negation only hurts when the mention is well covered: an interaction trees find.
        logit += -5.0 * negated * (coverage > 0.6) + 3.0 * (n_mentions >= 2) * in_assessment
    else:
        logit += -1.0 * negated
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    X = np.column_stack(
        [
            n_mentions,
            np.log1p(n_mentions),
            frac_present,
            coverage,
            in_assessment,
            negated,
            prior_precision,
            np.log1p(rng.poisson(30, n)),
            text_score,
            first_position,
            code_depth,
            is_icd,
            note_chars_log,
            noise,
        ]
    ).astype(np.float32)
    names = [
        "n_mentions",
        "log_mentions",
        "frac_present",
        "max_coverage",
        "section_assessment_plan",
        "n_negated",
        "prior_precision",
        "prior_log_proposed",
        "text_score",
        "first_position",
        "code_depth",
        "is_icd",
        "note_chars_log",
        *(f"noise_{i}" for i in range(noise.shape[1])),
    ]
    chapters = np.asarray(CHAPTERS, dtype=object)[rng.integers(0, len(CHAPTERS), n)]
    return Table(X, y, groups, chapters, names)
