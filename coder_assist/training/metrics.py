"""CodiEsp-style metrics: MAP over ranked codes, micro P/R/F1, candidate recall."""

from __future__ import annotations

from collections.abc import Sequence


def average_precision(ranked: Sequence[str], gold: set[str]) -> float:
    """AP of one ranked list against a gold set (0 when the gold set is empty)."""
    if not gold:
        return 0.0
    hits = 0
    total = 0.0
    seen: set[str] = set()
    k = 0
    for code in ranked:
        if code in seen:
            continue
        seen.add(code)
        k += 1
        if code in gold:
            hits += 1
            total += hits / k
    return total / len(gold)


def category(code: str) -> str:
    """3-character category of an ICD-10-CM code."""
    return code.replace(".", "")[:3]


class MicroPRF:
    """Accumulates true/false positives and false negatives across notes."""

    def __init__(self) -> None:
        self.tp = 0
        self.fp = 0
        self.fn = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        """Count one note."""
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def result(self) -> dict[str, float]:
        """Precision, recall and F1 (0 where undefined)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
