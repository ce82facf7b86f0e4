"""The per-site shift of a code's score by what coders here accepted and rejected.

Retraining takes time; a code this site's coders keep rejecting should drop at once.
`Priors.feedback_log_odds` turns the decision counts into a log-odds step that is added
to the ranker's calibrated score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coder_assist.candidates.priors import Priors

#: Strength of the per-code shift learned from coder decisions at this site.
FEEDBACK_WEIGHT = 1.0
_EPS = 1e-6


def shift_by_feedback(
    scores: np.ndarray, codes: Sequence[str], priors: Priors, weight: float = FEEDBACK_WEIGHT
) -> np.ndarray:
    """Scores moved in log-odds space by each code's site feedback (unchanged if none)."""
    shift = np.array([priors.feedback_log_odds(c) for c in codes])
    if not shift.any():
        return scores
    z = np.log(np.clip(scores, _EPS, 1 - _EPS) / np.clip(1 - scores, _EPS, 1.0))
    return 1.0 / (1.0 + np.exp(-(z + weight * shift)))
