from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from synthetic_rows import Table

from coder_assist.ranking.model import FittedRanker
from coder_assist.ranking.reports import (
    CALIBRATION_FILE,
    CHAPTER_F1_FILE,
    METRICS_FILE,
    NO_CHAPTER,
    PR_CURVE_FILE,
    compute_metrics,
    write_report,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_report_writes_metrics_and_three_plots(
    fitted: FittedRanker, holdout: Table, tmp_path: Path
) -> None:
    scores = fitted.predict_proba(holdout.X)
    out = tmp_path / "dev"
    metrics = write_report(
        out,
        holdout.y,
        scores,
        holdout.chapters,
        fitted.threshold_,
        title="synthetic dev",
        extra_metrics={"map": 0.5},
    )
    for name in (PR_CURVE_FILE, CALIBRATION_FILE, CHAPTER_F1_FILE):
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5000
    on_disk = json.loads((out / METRICS_FILE).read_text(), parse_constant=pytest.fail)
    assert on_disk == json.loads(json.dumps(metrics))
    assert on_disk["map"] == 0.5
    assert on_disk["n"] == len(holdout.y)
    assert 0.6 < on_disk["average_precision"] <= 1.0
    assert 0.0 <= on_disk["ece"] < 0.05
    assert set(on_disk["per_chapter"]) == {c or NO_CHAPTER for c in holdout.chapters}


def test_metrics_match_a_hand_computed_example() -> None:
    y = np.array([1, 0, 1, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.4, 0.1, 0.6, 0.05])
    chapters = ["J00-J99", "J00-J99", "I00-I99", "I00-I99", None, ""]
    m = compute_metrics(y, s, chapters, threshold=0.5)
    # Predicted positive at 0.5: rows 0, 1, 4 -> tp 2, fp 1, fn 1 (row 2).
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["per_chapter"]["J00-J99"] == {
        "n": 2,
        "n_positive": 1,
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
    }
    assert m["per_chapter"]["I00-I99"]["f1"] == 0.0
    assert m["per_chapter"][NO_CHAPTER] == {
        "n": 2,
        "n_positive": 1,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
    assert sum(m["calibration_curve"]["count"]) == 6
    # Brier: squared errors .01 + .64 + .36 + .01 + .16 + .0025 = 1.1825, over 6 rows.
    assert m["brier"] == pytest.approx(1.1825 / 6)
    # Log loss: -(ln .9 + ln .2 + ln .4 + ln .9 + ln .6 + ln .95) / 6 = -ln(0.036936) / 6.
    assert m["log_loss"] == pytest.approx(0.549762, abs=1e-6)
    # ROC AUC: of the 9 positive/negative pairs, 0.9 beats all 3 negatives, 0.6 and 0.4
    # beat 0.1 and 0.05 but not 0.8 -> 7/9.
    assert m["roc_auc"] == pytest.approx(7 / 9)
    # AP by rank: 0.9 (+, P 1), 0.8 (-), 0.6 (+, P 2/3), 0.4 (+, P 3/4); each hit is 1/3
    # of the recall: (1 + 2/3 + 3/4) / 3 = 29/36.
    assert m["average_precision"] == pytest.approx(29 / 36)


def test_one_class_leaves_ranking_metrics_undefined(tmp_path: Path) -> None:
    y = np.zeros(4, dtype=int)
    s = np.array([0.1, 0.2, 0.3, 0.4])
    metrics = write_report(tmp_path, y, s, ["J00-J99"] * 4)
    assert metrics["average_precision"] is None and metrics["roc_auc"] is None
    assert json.loads((tmp_path / METRICS_FILE).read_text())["average_precision"] is None
    assert (tmp_path / PR_CURVE_FILE).read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("y", "s", "chapters", "message"),
    [
        ([1, 0], [0.5], ["A", "B"], "one of each per row"),
        ([1, 2], [0.5, 0.5], ["A", "B"], "0 or 1"),
        ([1, 0], [0.5, 1.5], ["A", "B"], r"\[0, 1\]"),
        ([1, 0], [0.5, float("nan")], ["A", "B"], "finite"),
        ([], [], [], "No rows"),
    ],
)
def test_bad_input_is_refused(
    y: list[int], s: list[float], chapters: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compute_metrics(np.array(y), np.array(s), chapters)


def test_threshold_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match="outside"):
        compute_metrics(np.array([1, 0]), np.array([0.2, 0.3]), ["A", "B"], threshold=2.0)
