from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score
from synthetic_rows import Table, make_table

from coder_assist.ranking.model import (
    CANDIDATES,
    GRADIENT_BOOSTING,
    LOGISTIC,
    FittedRanker,
    _best_f1_threshold,
    fit_ranker,
)


def test_cv_compares_both_candidates_and_keeps_the_better(fitted: FittedRanker) -> None:
    report = fitted.cv_report_
    assert set(report["candidates"]) == set(CANDIDATES)
    for metrics in report["candidates"].values():
        assert 0.0 < metrics["average_precision"] <= 1.0
        assert metrics["log_loss"] > 0.0
    assert fitted.model_type_ == report["chosen"] in CANDIDATES
    other = next(c for c in CANDIDATES if c != fitted.model_type_)
    chosen_ap = report["candidates"][fitted.model_type_]["average_precision"]
    assert chosen_ap >= report["candidates"][other]["average_precision"] - 0.002
    assert report["n_splits"] == 5
    assert report["n_groups"] == 250


def test_interactions_pick_boosting_and_a_linear_signal_picks_logistic() -> None:
    nonlinear = make_table(n_notes=250, seed=1, nonlinear=True)
    linear = make_table(n_notes=250, seed=1, nonlinear=False)
    assert (
        fit_ranker(nonlinear.X, nonlinear.y, nonlinear.groups, nonlinear.feature_names).model_type_
        == GRADIENT_BOOSTING
    )
    assert (
        fit_ranker(linear.X, linear.y, linear.groups, linear.feature_names).model_type_ == LOGISTIC
    )


def test_best_f1_threshold_on_a_hand_computed_example() -> None:
    # Rule p >= t; 3 positives. Scores given out of order on purpose.
    #   t=0.9: tp 1 of 1 predicted -> P 1,   R 1/3, F1 0.5
    #   t=0.8: tp 1 of 2           -> P 1/2, R 1/3, F1 0.4
    #   t=0.7: tp 2 of 3           -> P 2/3, R 2/3, F1 2/3
    #   t=0.6: tp 3 of 4           -> P 3/4, R 1,   F1 2*0.75/1.75 = 6/7 (best)
    #   t=0.5: tp 3 of 5           -> P 3/5, R 1,   F1 1.2/1.6 = 0.75
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.5, 0.6, 0.9, 0.8, 0.7])
    threshold, at = _best_f1_threshold(y, p)
    assert threshold == 0.6
    assert at == {"value": 0.6, "f1": pytest.approx(6 / 7), "precision": 0.75, "recall": 1.0}


def test_best_f1_threshold_moves_tied_scores_together() -> None:
    # Rows 2 and 3 tie at 0.7, one positive and one negative: p >= 0.7 takes both.
    #   t=0.9: P 1,   R 1/2 -> F1 2/3
    #   t=0.7: P 2/3, R 1   -> F1 (4/3)/(5/3) = 0.8 (best; splitting the tie would claim 1.0)
    #   t=0.2: P 1/2, R 1   -> F1 2/3
    y = np.array([1, 1, 0, 0])
    p = np.array([0.9, 0.7, 0.7, 0.2])
    threshold, at = _best_f1_threshold(y, p)
    assert threshold == 0.7
    assert at["f1"] == pytest.approx(0.8)
    assert (at["precision"], at["recall"]) == (pytest.approx(2 / 3), 1.0)


def test_fitted_threshold_is_near_the_best_f1_cut_on_unseen_notes(
    fitted: FittedRanker, holdout: Table
) -> None:
    assert 0.0 < fitted.threshold_ < 1.0
    chosen = fitted.cv_report_["threshold"]
    assert 0.0 < chosen["precision"] <= 1.0 and 0.0 < chosen["recall"] <= 1.0
    # Chosen on out-of-fold training predictions, it must carry over to notes never seen
    # (F1 from scikit-learn, best over a grid of cuts).
    proba = fitted.predict_proba(holdout.X)
    grid = np.linspace(0.02, 0.98, 49)
    best = max(f1_score(holdout.y, proba >= t) for t in grid)
    at_threshold = f1_score(holdout.y, proba >= fitted.threshold_)
    assert at_threshold >= best - 0.02
    assert at_threshold > f1_score(holdout.y, proba >= 0.9) + 0.2


def test_calibrated_probabilities_are_in_range_and_match_observed_rates(
    fitted: FittedRanker, holdout: Table
) -> None:
    proba = fitted.predict_proba(holdout.X)
    assert proba.shape == (len(holdout.y),)
    assert np.all((proba >= 0.0) & (proba <= 1.0))
    # Calibrated: the mean prediction tracks the positive rate on unseen notes, and
    # confident rows are right far more often than unconfident ones.
    assert abs(proba.mean() - holdout.y.mean()) < 0.03
    assert holdout.y[proba >= 0.7].mean() > 0.6
    assert holdout.y[proba < 0.1].mean() < 0.1
    assert average_precision_score(holdout.y, proba) > 0.6


class _FirstColumn:
    """Stands in for the calibrated estimator: column 0 is the probability of class 1."""

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = X[:, 0].astype(np.float64)
        return np.column_stack([1.0 - p, p])


def test_predict_keeps_rows_at_or_above_the_threshold() -> None:
    ranker = FittedRanker(_FirstColumn(), 0.5, ["p"], LOGISTIC)
    X = np.array([[0.0], [0.25], [0.4999], [0.5], [0.75], [1.0]])
    np.testing.assert_allclose(ranker.predict_proba(X), [0.0, 0.25, 0.4999, 0.5, 0.75, 1.0])
    assert ranker.predict(X).tolist() == [False, False, False, True, True, True]
    stricter = FittedRanker(_FirstColumn(), 0.8, ["p"], LOGISTIC)
    assert stricter.predict(X).tolist() == [False, False, False, False, False, True]


def test_folds_keep_notes_together() -> None:
    # The label is a per-note coin flip and the only feature is a per-note random value:
    # memorising notes would look perfect under row-wise CV, but must not help here.
    rng = np.random.default_rng(3)
    n_notes, per_note = 80, 10
    groups = np.repeat(np.arange(n_notes), per_note)
    note_label = rng.random(n_notes) < 0.3
    note_value = rng.random(n_notes)
    X = np.column_stack([note_value[groups], rng.normal(size=len(groups))]).astype(np.float32)
    y = note_label[groups].astype(int)
    fitted = fit_ranker(X, y, groups, ["note_value", "noise"], candidates=[GRADIENT_BOOSTING])
    assert fitted.cv_report_["candidates"][GRADIENT_BOOSTING]["average_precision"] < 0.6


def test_same_seed_gives_the_same_model(table: Table, fitted_lr: FittedRanker) -> None:
    again = fit_ranker(table.X, table.y, table.groups, table.feature_names, candidates=[LOGISTIC])
    assert again.threshold_ == fitted_lr.threshold_
    np.testing.assert_array_equal(
        again.predict_proba(table.X[:50]), fitted_lr.predict_proba(table.X[:50])
    )


def test_feature_names_are_kept_in_order(fitted: FittedRanker, table: Table) -> None:
    assert fitted.feature_names_ == table.feature_names
    assert fitted.n_features_ == table.X.shape[1]


def test_predict_rejects_the_wrong_number_of_columns(fitted: FittedRanker, table: Table) -> None:
    with pytest.raises(ValueError, match="expects"):
        fitted.predict_proba(table.X[:, :-1])
    with pytest.raises(ValueError, match="expects"):
        fitted.predict_proba(table.X[0])


def _small() -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    groups = np.repeat(np.arange(12), 5)
    return X, y, groups, ["a", "b", "c"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda X, y, g, n: (np.where(X > 1, np.nan, X), y, g, n), "NaN or infinite"),
        (lambda X, y, g, n: (X, np.zeros_like(y), g, n), "only one class"),
        (lambda X, y, g, n: (X, y * 2, g, n), "0 or 1"),
        (lambda X, y, g, n: (X, y[:-1], g, n), "one label and one note id"),
        (lambda X, y, g, n: (X, y, np.zeros_like(g), n), "at least two notes"),
        (lambda X, y, g, n: (X, y, g, ["a", "b"]), "expects"),
        (lambda X, y, g, n: (X, y, g, ["a", "a", "c"]), "unique"),
    ],
)
def test_bad_training_input_is_refused(change: object, message: str) -> None:
    X, y, groups, names = change(*_small())  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        fit_ranker(X, y, groups, names)


def test_unknown_candidate_is_refused_before_training() -> None:
    X, y, groups, names = _small()
    with pytest.raises(ValueError, match="Unknown ranker candidate 'svm'"):
        fit_ranker(X, y, groups, names, candidates=["svm"])
    with pytest.raises(ValueError, match="No ranker candidates"):
        fit_ranker(X, y, groups, names, candidates=[])


def test_thread_count_must_be_positive() -> None:
    X, y, groups, names = _small()
    with pytest.raises(ValueError, match="n_threads must be at least 1"):
        fit_ranker(X, y, groups, names, n_threads=0)


def test_all_cores_give_the_same_model(table: Table, fitted_lr: FittedRanker) -> None:
    again = fit_ranker(
        table.X, table.y, table.groups, table.feature_names, candidates=[LOGISTIC], n_threads=None
    )
    assert again.threshold_ == pytest.approx(fitted_lr.threshold_)


def test_few_notes_lower_the_number_of_folds() -> None:
    X, y, groups, names = _small()
    groups = np.repeat(np.arange(3), 20)
    fitted = fit_ranker(X, y, groups, names, candidates=[LOGISTIC])
    assert fitted.cv_report_["n_splits"] == 3
