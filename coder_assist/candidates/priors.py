"""Code statistics learned from training notes: how often a code is proposed and right.

Candidate generation (coded siblings of a matched category) and the feature rows both
read them, so they sit below both; the trainer computes them out-of-fold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

#: A code (or category) never seen in training is taken to be right one time in ten when
#: proposed, a belief worth `PRIOR_WEIGHT` proposals: (correct + 0.1 * 5) / (proposed + 5).
PRIOR_PRECISION = 0.1
PRIOR_WEIGHT = 5.0
#: Pseudo-decisions added to each side of the site feedback ratio.
FEEDBACK_PSEUDOCOUNT = 1.0


@dataclass
class Priors:
    """Code-level statistics learned from training notes (may be empty)."""

    proposed: dict[str, int] = field(default_factory=dict)  # times a code was a candidate
    correct: dict[str, int] = field(default_factory=dict)  # times it was then a gold code
    gold: dict[str, int] = field(default_factory=dict)  # times a code was gold at all
    gold_category: dict[str, int] = field(default_factory=dict)
    proposed_category: dict[str, int] = field(default_factory=dict)
    correct_category: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)  # coder feedback, notes accepting
    rejected: dict[str, int] = field(default_factory=dict)  # coder feedback, notes rejecting
    n_notes: int = 0

    def feedback_log_odds(self, code: str) -> float:
        """Site feedback as a log-odds shift: codes coders reject here are demoted.

        log((accepted + 1) / (rejected + 1)): a code nobody has reviewed is left alone,
        and one rejection moves it by log 2 in log-odds.
        """
        a, r = self.accepted.get(code, 0), self.rejected.get(code, 0)
        if not a and not r:
            return 0.0
        return math.log((a + FEEDBACK_PSEUDOCOUNT) / (r + FEEDBACK_PSEUDOCOUNT))

    def category_precision(self, code: str) -> float:
        """Smoothed share of proposals in the code's category that were right.

        Rare codes borrow strength from their category (R10.31 from all R10 codes).
        """
        cat = code[:3]
        return _smoothed(self.correct_category.get(cat, 0), self.proposed_category.get(cat, 0))

    def codes_by_category(self) -> dict[str, list[str]]:
        """Gold codes grouped by 3-character category, most frequent first (cached)."""
        cached: dict[str, list[str]] | None = getattr(self, "_by_category", None)
        if cached is None:
            cached = {}
            for code in sorted(self.gold, key=lambda c: -self.gold[c]):
                cached.setdefault(code[:3], []).append(code)
            self._by_category = cached
        return cached

    def precision(self, code: str) -> float:
        """Smoothed share of proposals of `code` that were right (see `PRIOR_PRECISION`)."""
        return _smoothed(self.correct.get(code, 0), self.proposed.get(code, 0))

    def to_dict(self) -> dict[str, object]:
        """JSON form stored beside the model."""
        return {
            "proposed": self.proposed,
            "correct": self.correct,
            "gold": self.gold,
            "gold_category": self.gold_category,
            "proposed_category": self.proposed_category,
            "correct_category": self.correct_category,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "n_notes": self.n_notes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Priors:
        """Inverse of `to_dict`."""
        return cls(
            proposed=dict(data.get("proposed", {})),  # type: ignore[call-overload]
            correct=dict(data.get("correct", {})),  # type: ignore[call-overload]
            gold=dict(data.get("gold", {})),  # type: ignore[call-overload]
            gold_category=dict(data.get("gold_category", {})),  # type: ignore[call-overload]
            proposed_category=dict(data.get("proposed_category", {})),  # type: ignore[call-overload]
            correct_category=dict(data.get("correct_category", {})),  # type: ignore[call-overload]
            accepted=dict(data.get("accepted", {})),  # type: ignore[call-overload]
            rejected=dict(data.get("rejected", {})),  # type: ignore[call-overload]
            n_notes=int(data.get("n_notes", 0)),  # type: ignore[call-overload]
        )


def _smoothed(correct: int, proposed: int) -> float:
    return (correct + PRIOR_PRECISION * PRIOR_WEIGHT) / (proposed + PRIOR_WEIGHT)
