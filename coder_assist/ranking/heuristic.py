"""Transparent fallback scoring used when no trained model is available.

Mirrors what a coder weighs: how completely the code's wording was found, whether any
mention is asserted as present, whether it sits in the assessment, and how often it
recurs. Weights are hand-set, so scores are ordinal rather than calibrated.
"""

from __future__ import annotations

import numpy as np

from coder_assist.ranking.features import feature_names

_WEIGHTS = {
    "max_coverage_present": 3.0,
    "max_weight_present": 0.12,
    "log_mentions": 0.6,
    "all_excluded": -1.5,
    "section_assessment_plan": 0.8,
    "min_steps": -0.2,
    "best_rank_in_mention": -0.25,
    "prior_precision": 2.0,
    "text_score": 2.0,
}
_BIAS = -4.0
THRESHOLD = 0.5


def heuristic_scores(X: np.ndarray) -> np.ndarray:
    """Score rows of a feature matrix with the fixed weights above (values in 0..1)."""
    names = feature_names()
    z = np.full(X.shape[0], _BIAS, dtype=np.float64)
    for name, w in _WEIGHTS.items():
        z += w * X[:, names.index(name)]
    return 1.0 / (1.0 + np.exp(-z))
