"""Evaluation report for scored candidate rows: ``metrics.json`` plus three PNG plots.

The plots answer the questions a reviewer asks before promoting a model: how precision
trades against recall (PR curve), whether a probability of 0.7 really means 70 %
(calibration curve), and which ICD-10-CM chapters the model is weak on (per-chapter F1).
Figures are drawn with matplotlib's object API on the Agg canvas, so no GUI backend or
global pyplot state is touched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    precision_recall_curve,
    roc_auc_score,
)

from coder_assist.jsonutil import jsonable

METRICS_FILE = "metrics.json"
PR_CURVE_FILE = "pr_curve.png"
CALIBRATION_FILE = "calibration.png"
CHAPTER_F1_FILE = "chapter_f1.png"
NO_CHAPTER = "(none)"

_EPS = 1e-7


def compute_metrics(
    y_true: np.ndarray,
    y_score: np.ndarray,
    chapters: Sequence[str | None] | np.ndarray,
    threshold: float = 0.5,
    n_bins: int = 10,
) -> dict[str, Any]:
    """Row-level metrics of calibrated scores, overall and per chapter.

    Args:
        y_true: 0/1 labels, one per candidate row.
        y_score: Calibrated probabilities in [0, 1], one per row.
        chapters: ICD-10-CM chapter range of each row's candidate code (e.g.
            ``"J00-J99"``); ``None`` or ``""`` for codes without a chapter (CPT/HCPCS).
        threshold: Suggestion cut-off (``score >= threshold``) for precision/recall/F1.
        n_bins: Number of equal-width bins of the calibration curve and ECE.

    Returns:
        JSON-serialisable dict (undefined values such as AP without positives are None).

    Raises:
        ValueError: Lengths differ, labels are not 0/1, scores are outside [0, 1] or not
            finite, or the input is empty.

    """
    y, s, ch = _validate(y_true, y_score, chapters)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"Threshold {threshold} is outside [0, 1]; pass a probability cut-off.")
    both = y.min() != y.max()
    out: dict[str, Any] = {
        "n": len(y),
        "n_positive": int(y.sum()),
        "threshold": float(threshold),
        "average_precision": float(average_precision_score(y, s)) if both else None,
        "roc_auc": float(roc_auc_score(y, s)) if both else None,
        "log_loss": float(log_loss(y, np.clip(s, _EPS, 1 - _EPS), labels=[0, 1])),
        "brier": float(brier_score_loss(y, s)),
        **_prf(y, s >= threshold),
    }
    prob_true, prob_pred, counts = _calibration(y, s, n_bins)
    out["ece"] = float(np.sum(counts * np.abs(prob_true - prob_pred)) / len(y))
    out["calibration_curve"] = {
        "prob_pred": prob_pred.tolist(),
        "prob_true": prob_true.tolist(),
        "count": counts.tolist(),
    }
    per_chapter: dict[str, Any] = {}
    for chapter in sorted(set(ch.tolist())):
        mask = ch == chapter
        per_chapter[chapter] = {
            "n": int(mask.sum()),
            "n_positive": int(y[mask].sum()),
            **_prf(y[mask], s[mask] >= threshold),
        }
    out["per_chapter"] = per_chapter
    return out


def write_report(
    out_dir: Path,
    y_true: np.ndarray,
    y_score: np.ndarray,
    chapters: Sequence[str | None] | np.ndarray,
    threshold: float = 0.5,
    *,
    title: str = "",
    extra_metrics: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``metrics.json``, ``pr_curve.png``, ``calibration.png`` and ``chapter_f1.png``.

    Args:
        out_dir: Folder to write into (created); pass it to
            ``Registry.create_version(report_dirs=...)`` to keep it with the model.
        y_true: 0/1 labels, one per candidate row.
        y_score: Calibrated probabilities in [0, 1].
        chapters: Chapter range per row (see `compute_metrics`).
        threshold: Suggestion cut-off used for precision/recall/F1 and marked on the PR
            curve.
        title: Prefix for plot titles (e.g. ``"CodiEsp dev"``).
        extra_metrics: Further figures (e.g. note-level MAP) merged into ``metrics.json``.

    Returns:
        The metrics written to ``metrics.json``.

    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    metrics = compute_metrics(y_true, y_score, chapters, threshold)
    if extra_metrics:
        metrics.update(extra_metrics)
    y, s, _ = _validate(y_true, y_score, chapters)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"{title}: " if title else ""

    def save(fig: Figure, name: str) -> None:
        FigureCanvasAgg(fig)
        fig.tight_layout()
        fig.savefig(out_dir / name, dpi=100)

    # Precision-recall curve, with the operating point at the threshold.
    fig = Figure(figsize=(5, 4))
    ax = fig.add_subplot()
    if y.min() != y.max():
        precision, recall, _ = precision_recall_curve(y, s)
        ax.plot(recall, precision, label=f"AP = {metrics['average_precision']:.3f}")
        ax.scatter(
            [metrics["recall"]],
            [metrics["precision"]],
            color="C3",
            zorder=3,
            label=f"threshold {threshold:.2f}",
        )
        ax.legend(loc="lower left")
    else:
        ax.text(0.5, 0.5, "only one class present", ha="center", va="center")
    ax.set(
        xlabel="Recall",
        ylabel="Precision",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=f"{prefix}precision-recall",
    )
    save(fig, PR_CURVE_FILE)

    # Calibration (reliability) curve.
    fig = Figure(figsize=(5, 4))
    ax = fig.add_subplot()
    curve = metrics["calibration_curve"]
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
    ax.plot(
        curve["prob_pred"],
        curve["prob_true"],
        marker="o",
        label=f"model (ECE {metrics['ece']:.3f})",
    )
    ax.set(
        xlabel="Mean predicted probability",
        ylabel="Fraction positive",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"{prefix}calibration",
    )
    ax.legend(loc="upper left")
    save(fig, CALIBRATION_FILE)

    # Per-chapter F1.
    chapters_sorted = list(metrics["per_chapter"])
    f1 = [metrics["per_chapter"][c]["f1"] for c in chapters_sorted]
    fig = Figure(figsize=(max(5.0, 0.35 * len(chapters_sorted) + 1.5), 4))
    ax = fig.add_subplot()
    ax.bar(range(len(chapters_sorted)), f1, color="C0")
    ax.set_xticks(range(len(chapters_sorted)), chapters_sorted, rotation=70, ha="right", fontsize=7)
    ax.set(ylabel=f"F1 at {threshold:.2f}", ylim=(0, 1), title=f"{prefix}F1 by chapter")
    save(fig, CHAPTER_F1_FILE)

    (out_dir / METRICS_FILE).write_text(
        json.dumps(jsonable(metrics), indent=2, sort_keys=True, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    return metrics


def _validate(
    y_true: np.ndarray, y_score: np.ndarray, chapters: Sequence[str | None] | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = np.asarray(y_true).ravel()
    s = np.asarray(y_score, dtype=np.float64).ravel()
    ch = np.array([c if c else NO_CHAPTER for c in chapters], dtype=object)
    if len(y) == 0:
        raise ValueError("No rows to evaluate; score at least one candidate row.")
    if not (len(y) == len(s) == len(ch)):
        raise ValueError(
            f"Got {len(y)} labels, {len(s)} scores and {len(ch)} chapters; "
            "pass one of each per row."
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError("Labels must be 0 or 1.")
    if not np.isfinite(s).all() or s.min() < 0.0 or s.max() > 1.0:
        raise ValueError("Scores must be finite probabilities in [0, 1]; pass calibrated scores.")
    return y.astype(np.int64), s, ch


def _prf(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    tp = int(np.sum(predicted & (y == 1)))
    n_pred, n_pos = int(predicted.sum()), int(y.sum())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_pos if n_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _calibration(
    y: np.ndarray, s: np.ndarray, n_bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calibration curve plus the row count of each non-empty bin (for the ECE)."""
    prob_true, prob_pred = calibration_curve(y, s, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], s)  # same binning as calibration_curve
    counts = np.bincount(bins, minlength=n_bins)
    return prob_true, prob_pred, counts[counts > 0]
