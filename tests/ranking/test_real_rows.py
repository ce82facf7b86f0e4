"""The ranker on real feature rows from the pipeline: both model families, ONNX parity."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from coder_assist.ranking.features import MONOTONIC, feature_names
from coder_assist.ranking.model import GRADIENT_BOOSTING, LOGISTIC, fit_ranker
from coder_assist.ranking.onnx_scorer import OnnxScorer, export_onnx
from coder_assist.training.dataset import TrainingNote, build_dataset

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "notes.jsonl"


@pytest.fixture(scope="module")
def rows(heuristic_suggester, codesets):  # type: ignore[no-untyped-def]
    notes = []
    for line in FIXTURES.read_text("utf-8").splitlines():
        fx = json.loads(line)
        positives = {(codesets.get(c).system, c) for c in fx["expect"]["suggested"]}
        notes.append(
            TrainingNote(
                fx["id"], fx["text"], positives, systems=frozenset({"ICD-10-CM", "CPT", "HCPCS"})
            )
        )
    return build_dataset(heuristic_suggester.builder, notes, n_folds=3, progress=False)


def test_rows_are_real_and_labelled(rows) -> None:  # type: ignore[no-untyped-def]
    assert rows.X.shape[1] == len(feature_names())
    assert rows.X.shape[0] > 200
    assert 0 < rows.y.sum() < len(rows.y)
    assert np.isfinite(rows.X).all()


@pytest.mark.parametrize("family", [LOGISTIC, GRADIENT_BOOSTING])
def test_onnx_matches_scikit_learn_on_real_rows(rows, family: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fitted = fit_ranker(
        rows.X,
        rows.y,
        rows.groups,
        feature_names(),
        candidates=(family,),
        n_splits=3,
        monotonic=MONOTONIC,
    )
    assert fitted.model_type_ == family
    path = export_onnx(fitted, tmp_path / "model.onnx")
    onnx_scores = OnnxScorer.load(path).predict_proba(rows.X)
    sk_scores = fitted.predict_proba(rows.X)
    assert np.max(np.abs(onnx_scores - sk_scores)) <= 1e-5
