"""Choose, calibrate and threshold the candidate ranker on numeric feature rows.

Each row is one (note, candidate code) pair; the label says whether a coder assigned
that code to that note. Rows of one note are strongly correlated, so every split here is
by note (``GroupKFold`` on ``groups``): a model must never be scored on a note it saw.

Only estimators that skl2onnx converts exactly are used, because the served model is the
ONNX export and it must give the same probabilities as the model chosen here:

* logistic regression behind a ``StandardScaler`` (calibrator inside the pipeline, so
  skl2onnx calibrates the decision function, as scikit-learn does);
* ``HistGradientBoostingClassifier``.

Both are calibrated with Platt scaling (``method="sigmoid"``): skl2onnx converts isotonic
calibration with nearest-point lookup rather than interpolation, which would break
ONNX/scikit-learn parity.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

LOGISTIC = "logistic_regression"
GRADIENT_BOOSTING = "hist_gradient_boosting"
CANDIDATES: tuple[str, ...] = (LOGISTIC, GRADIENT_BOOSTING)

# Calibrated probabilities are clipped this far from 0 and 1 when computing log loss, so a
# single saturated row cannot make the comparison infinite.
_EPS = 1e-7

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class FittedRanker:
    """A calibrated classifier with the feature order and the suggestion threshold.

    Attributes:
        estimator_: Calibrated scikit-learn estimator; ``predict_proba`` gives calibrated
            probabilities. Exported to ONNX by `coder_assist.ranking.onnx_scorer`.
        threshold_: Suggested cut-off on the calibrated probability (``p >= threshold_``),
            chosen to maximise F1 on out-of-fold predictions of the training data.
        feature_names_: Column order the estimator expects.
        model_type_: ``"logistic_regression"`` or ``"hist_gradient_boosting"``.
        cv_report_: Cross-validation figures for every candidate, the choice and the
            threshold (JSON-serialisable).

    """

    estimator_: Any
    threshold_: float
    feature_names_: list[str]
    model_type_: str
    cv_report_: dict[str, Any] = field(default_factory=dict)

    @property
    def n_features_(self) -> int:
        """Number of feature columns the estimator expects."""
        return len(self.feature_names_)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability of class 1 for each row (float64, shape ``[n]``).

        Rows are cast to float32 first, exactly as the ONNX scorer does, so both give the
        same numbers.
        """
        X32 = _as_features(X, self.n_features_)
        proba = self.estimator_.predict_proba(X32)
        return np.asarray(proba[:, 1], dtype=np.float64)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Boolean mask of rows at or above the suggestion threshold."""
        return self.predict_proba(X) >= self.threshold_


def make_candidate(
    name: str, random_state: int = 0, monotonic_cst: Sequence[int] | None = None
) -> Pipeline | HistGradientBoostingClassifier:
    """Uncalibrated estimator for one candidate name (for cross-validated comparison).

    Raises:
        ValueError: The name is not one of `CANDIDATES`.

    """
    if name == LOGISTIC:
        return Pipeline(
            [
                ("scale", StandardScaler()),
                ("clf", LogisticRegression(C=1.0, max_iter=2000, random_state=random_state)),
            ]
        )
    if name == GRADIENT_BOOSTING:
        return HistGradientBoostingClassifier(
            learning_rate=0.1,
            max_iter=300,
            max_leaf_nodes=31,
            min_samples_leaf=20,
            l2_regularization=1.0,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=15,
            random_state=random_state,
            monotonic_cst=list(monotonic_cst) if monotonic_cst is not None else None,
        )
    raise ValueError(f"Unknown ranker candidate {name!r}; choose from {', '.join(CANDIDATES)}.")


def fit_ranker(
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    feature_names: Sequence[str],
    random_state: int = 0,
    *,
    candidates: Sequence[str] = CANDIDATES,
    n_splits: int = 5,
    n_threads: int | None = 1,
    monotonic: Mapping[str, int] | None = None,
) -> FittedRanker:
    """Pick the better candidate by grouped CV, calibrate it and choose a threshold.

    The candidate with the higher mean per-fold average precision wins; within 0.002 of
    each other, the lower log loss wins (better-calibrated raw scores need less
    correction). The winner is then calibrated with Platt scaling on out-of-fold decision
    values over the same note-grouped folds and refitted on all rows. The threshold
    maximises F1 over the out-of-fold calibrated probabilities, so the development set is
    never used to tune it.

    Args:
        X: Feature matrix, ``n × f``, finite values (cast to float32).
        y: Labels, 0/1, length ``n``; both classes must occur.
        groups: Note id of each row; rows of one note always stay in one fold.
        feature_names: Column names, length ``f``; stored with the model and the export.
        monotonic: Feature name -> +1/-1 for features whose effect must not reverse
            (gradient boosting only). Keeps small retraining sets from learning, say,
            that a code coders reject more often is more likely.
        random_state: Seed for fold assignment and the boosting validation split.
        candidates: Which candidate families to compare (names from `CANDIDATES`).
        n_splits: Number of folds (lowered to the number of notes when fewer).
        n_threads: OpenMP/BLAS threads while training; ``None`` uses every core. One is
            the default because boosting's OpenMP threads slow down by an order of
            magnitude when the cores are shared with other work (100k rows x 40
            features: ~25 s on one idle core, ~17 s on two).

    Returns:
        The calibrated, refitted model with its threshold and CV report.

    Raises:
        ValueError: Shapes disagree, values are not finite, labels are not 0/1 with both
            classes present, there are fewer than two notes, or a candidate is unknown.

    """
    X32, y_int, groups_arr, names = _validate(X, y, groups, feature_names)
    unknown = sorted(set(monotonic or {}) - set(names))
    if unknown:
        raise ValueError(f"Monotonic constraints name unknown features: {', '.join(unknown)}.")
    cst = [int((monotonic or {}).get(n, 0)) for n in names] if monotonic else None
    if n_threads is not None and n_threads < 1:
        raise ValueError(f"n_threads must be at least 1 (or None for all cores), not {n_threads}.")
    if not candidates:
        raise ValueError("No ranker candidates given; pass names from CANDIDATES.")
    for name in candidates:
        make_candidate(name)  # fail fast on an unknown name, before any training
    splits = _grouped_splits(y_int, groups_arr, n_splits, random_state)
    limits = threadpool_limits(limits=n_threads) if n_threads else contextlib.nullcontext()
    with limits:
        return _fit(X32, y_int, groups_arr, names, random_state, candidates, splits, cst)


def _fit(
    X32: np.ndarray,
    y_int: np.ndarray,
    groups_arr: np.ndarray,
    names: list[str],
    random_state: int,
    candidates: Sequence[str],
    splits: list[Split],
    cst: Sequence[int] | None = None,
) -> FittedRanker:
    report: dict[str, Any] = {
        "n_rows": len(y_int),
        "n_features": len(names),
        "n_groups": len(np.unique(groups_arr)),
        "n_positive": int(y_int.sum()),
        "n_splits": len(splits),
        "selection": "mean per-fold average precision; log loss breaks ties within 0.002",
        "calibration": "sigmoid",
        "candidates": {},
    }
    oof: dict[str, np.ndarray] = {}
    for name in candidates:
        start = time.perf_counter()
        decision = cross_val_predict(
            make_candidate(name, random_state, cst),
            X32,
            y_int,
            cv=splits,
            method="decision_function",
        )
        decision = np.asarray(decision, dtype=np.float64).ravel()
        oof[name] = decision
        metrics = _fold_metrics(y_int, _sigmoid(decision), splits)
        metrics["cv_seconds"] = round(time.perf_counter() - start, 3)
        report["candidates"][name] = metrics
        log.info(
            "ranker candidate %s: AP %.4f, log loss %.4f",
            name,
            metrics["average_precision"],
            metrics["log_loss"],
        )

    chosen = _choose(report["candidates"])
    report["chosen"] = chosen

    start = time.perf_counter()
    estimator = _calibrated(chosen, random_state, splits, cst).fit(X32, y_int)
    report["calibration_seconds"] = round(time.perf_counter() - start, 3)

    calibrated_oof = _calibrator(estimator).predict(oof[chosen])
    calibrated_oof = np.clip(np.asarray(calibrated_oof, dtype=np.float64), 0.0, 1.0)
    threshold, at_threshold = _best_f1_threshold(y_int, calibrated_oof)
    report["threshold"] = at_threshold
    report["oof_calibrated"] = {
        "average_precision": float(average_precision_score(y_int, calibrated_oof)),
        "log_loss": float(log_loss(y_int, np.clip(calibrated_oof, _EPS, 1 - _EPS), labels=[0, 1])),
        "brier": float(brier_score_loss(y_int, calibrated_oof)),
    }
    return FittedRanker(
        estimator_=estimator,
        threshold_=threshold,
        feature_names_=names,
        model_type_=chosen,
        cv_report_=report,
    )


def _as_features(X: np.ndarray, n_features: int) -> np.ndarray:
    arr = np.asarray(X)
    if arr.ndim != 2 or arr.shape[1] != n_features:
        raise ValueError(
            f"Feature matrix has shape {arr.shape}; the model expects (n, {n_features}). "
            "Build rows with the same feature extractor the model was trained with."
        )
    return np.ascontiguousarray(arr, dtype=np.float32)


def _validate(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, feature_names: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    names = [str(n) for n in feature_names]
    X32 = _as_features(X, len(names))
    if len(set(names)) != len(names):
        raise ValueError("Feature names must be unique; rename the duplicated columns.")
    if not np.isfinite(X32).all():
        raise ValueError(
            "Feature matrix holds NaN or infinite values (after casting to float32); "
            "impute missing features with a numeric default before training."
        )
    y_arr = np.asarray(y).ravel()
    groups_arr = np.asarray(groups).ravel()
    if len(y_arr) != len(X32) or len(groups_arr) != len(X32):
        raise ValueError(
            f"X has {len(X32)} rows but y has {len(y_arr)} and groups has {len(groups_arr)}; "
            "pass one label and one note id per feature row."
        )
    if not np.isin(y_arr, (0, 1)).all():
        raise ValueError("Labels must be 0 or 1 (1 = the coder assigned the candidate code).")
    y_int = y_arr.astype(np.int64)
    if y_int.min() == y_int.max():
        raise ValueError(
            "Training rows hold only one class; the ranker needs both assigned (1) and "
            "not-assigned (0) candidates."
        )
    if len(np.unique(groups_arr)) < 2:
        raise ValueError("Grouped cross-validation needs rows from at least two notes.")
    return X32, y_int, groups_arr, names


def _grouped_splits(
    y: np.ndarray, groups: np.ndarray, n_splits: int, random_state: int
) -> list[Split]:
    k = max(2, min(n_splits, len(np.unique(groups))))
    splitter = GroupKFold(n_splits=k, shuffle=True, random_state=random_state)
    splits = [(tr, te) for tr, te in splitter.split(np.zeros(len(y)), y, groups)]
    for train, _ in splits:
        if len(np.unique(y[train])) < 2:
            raise ValueError(
                "A cross-validation fold has training rows of one class only; "
                "add notes with assigned codes or lower n_splits."
            )
    return splits


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -500, 500))), dtype=np.float64)


def _fold_metrics(y: np.ndarray, proba: np.ndarray, splits: list[Split]) -> dict[str, float]:
    ap: list[float] = []
    ll: list[float] = []
    for _, test in splits:
        yt, pt = y[test], np.clip(proba[test], _EPS, 1 - _EPS)
        if yt.min() != yt.max():  # AP is undefined on a fold without positives
            ap.append(float(average_precision_score(yt, pt)))
        ll.append(float(log_loss(yt, pt, labels=[0, 1])))
    return {
        "average_precision": float(np.mean(ap)) if ap else float("nan"),
        "average_precision_std": float(np.std(ap)) if ap else float("nan"),
        "log_loss": float(np.mean(ll)),
        "log_loss_std": float(np.std(ll)),
        "oof_average_precision": float(average_precision_score(y, proba)),
    }


def _choose(candidates: dict[str, dict[str, float]]) -> str:
    def key(name: str) -> tuple[float, float]:
        m = candidates[name]
        ap = m["average_precision"]
        return (ap if np.isfinite(ap) else -1.0, m["log_loss"])

    names = list(candidates)
    best = max(names, key=lambda n: key(n)[0])
    close = [n for n in names if key(best)[0] - key(n)[0] <= 0.002]
    return min(close, key=lambda n: key(n)[1])


def _calibrated(
    name: str, random_state: int, splits: list[Split], monotonic_cst: Sequence[int] | None = None
) -> BaseEstimator:
    def calibrate(est: ClassifierMixin) -> CalibratedClassifierCV:
        return CalibratedClassifierCV(est, method="sigmoid", cv=splits, ensemble=False)

    base = make_candidate(name, random_state, monotonic_cst)
    if isinstance(base, Pipeline):
        # Calibrate the classifier step, not the pipeline: skl2onnx then calibrates the
        # raw decision function (as scikit-learn does) instead of the probabilities.
        scaler, clf = base.steps[0][1], base.steps[-1][1]
        return Pipeline([("scale", clone(scaler)), ("clf", calibrate(clone(clf)))])
    return calibrate(base)


def _calibrator(estimator: Any) -> Any:
    """Return the single Platt calibrator of a fitted ``ensemble=False`` model."""
    cal = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
    return cal.calibrated_classifiers_[0].calibrators[0]


def _best_f1_threshold(y: np.ndarray, proba: np.ndarray) -> tuple[float, dict[str, float]]:
    """Threshold maximising F1 for the rule ``p >= threshold``."""
    order = np.argsort(-proba, kind="mergesort")
    p_sorted, y_sorted = proba[order], y[order]
    # Evaluate only at the last row of each run of equal scores (ties move together).
    last_of_run = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    tp = np.cumsum(y_sorted)[last_of_run]
    predicted = (np.arange(len(y_sorted)) + 1)[last_of_run]
    total_pos = int(y.sum())
    precision = tp / predicted
    recall = tp / total_pos
    f1 = np.where(tp > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    i = int(np.argmax(f1))
    threshold = float(p_sorted[last_of_run][i])
    return threshold, {
        "value": threshold,
        "f1": float(f1[i]),
        "precision": float(precision[i]),
        "recall": float(recall[i]),
    }
