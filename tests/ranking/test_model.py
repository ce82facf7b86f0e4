from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score
from synthetic_rows import Table, make_table

from coder_assist.ranking.model import (
    CANDIDATES,
    GRADIENT_BOOSTING,
    LOGISTIC,
    FittedRanker,
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


def test_threshold_is_a_probability_chosen_for_f1(fitted: FittedRanker) -> None:
    assert 0.0 < fitted.threshold_ < 1.0
    chosen = fitted.cv_report_["threshold"]
    assert chosen["value"] == fitted.threshold_
    assert 0.0 < chosen["precision"] <= 1.0 and 0.0 < chosen["recall"] <= 1.0
    expected_f1 = (
        2 * chosen["precision"] * chosen["recall"] / (chosen["precision"] + chosen["recall"])
    )
    assert chosen["f1"] == pytest.approx(expected_f1)


def test_calibrated_probabilities_are_in_range_and_match_observed_rates(
    fitted: FittedRanker, holdout: Table
) -> None:
    proba = fitted.predict_proba(holdout.X)
    assert proba.shape == (len(holdout.y),)
    assert proba.dtype == np.float64
    assert np.all((proba >= 0.0) & (proba <= 1.0))
    # Calibrated: the mean prediction tracks the positive rate on unseen notes, and
    # confident rows are right far more often than unconfident ones.
    assert abs(proba.mean() - holdout.y.mean()) < 0.03
    assert holdout.y[proba >= 0.7].mean() > 0.6
    assert holdout.y[proba < 0.1].mean() < 0.1
    assert average_precision_score(holdout.y, proba) > 0.6


def test_predict_applies_the_threshold(fitted: FittedRanker, holdout: Table) -> None:
    mask = fitted.predict(holdout.X)
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, fitted.predict_proba(holdout.X) >= fitted.threshold_)


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
