from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from synthetic_rows import Table

from coder_assist.errors import ModelRegistryError
from coder_assist.ranking.model import GRADIENT_BOOSTING, LOGISTIC, FittedRanker
from coder_assist.ranking.onnx_scorer import INPUT_NAME, OnnxScorer, export_onnx


@pytest.fixture(params=[LOGISTIC, GRADIENT_BOOSTING])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[FittedRanker, OnnxScorer]:
    fitted: FittedRanker = request.getfixturevalue(
        "fitted_lr" if request.param == LOGISTIC else "fitted_hgb"
    )
    assert fitted.model_type_ == request.param
    path = export_onnx(fitted, tmp_path / "model.onnx")
    return fitted, OnnxScorer.load(path)


def test_onnx_and_sklearn_probabilities_agree(
    pair: tuple[FittedRanker, OnnxScorer], table: Table, holdout: Table
) -> None:
    fitted, scorer = pair
    for X in (table.X, holdout.X):
        diff = np.abs(scorer.predict_proba(X) - fitted.predict_proba(X))
        assert diff.max() <= 1e-5


def test_parity_holds_outside_the_training_range(
    pair: tuple[FittedRanker, OnnxScorer], table: Table
) -> None:
    fitted, scorer = pair
    rng = np.random.default_rng(7)
    X = (table.X[:500] * rng.uniform(-3, 3, size=(500, table.X.shape[1]))).astype(np.float64)
    assert np.abs(scorer.predict_proba(X) - fitted.predict_proba(X)).max() <= 1e-5


def test_export_records_features_threshold_and_type(
    pair: tuple[FittedRanker, OnnxScorer],
) -> None:
    fitted, scorer = pair
    assert scorer.feature_names == fitted.feature_names_
    assert scorer.n_features == fitted.n_features_
    assert scorer.threshold == fitted.threshold_
    assert scorer.model_type == fitted.model_type_


def test_graph_has_one_float_input_and_a_plain_probability_tensor(
    fitted_hgb: FittedRanker, tmp_path: Path
) -> None:
    path = export_onnx(fitted_hgb, tmp_path / "m.onnx", metadata={"coder_assist.note": "x"})
    model = onnx.load(path)
    (inp,) = model.graph.input
    assert inp.name == INPUT_NAME
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = inp.type.tensor_type.shape.dim
    assert dims[1].dim_value == fitted_hgb.n_features_
    outputs = {o.name: o for o in model.graph.output}
    assert outputs["probabilities"].type.HasField("tensor_type")  # no ZipMap
    assert {p.key: p.value for p in model.metadata_props}["coder_assist.note"] == "x"


def test_session_is_single_threaded(pair: tuple[FittedRanker, OnnxScorer]) -> None:
    _, scorer = pair
    assert scorer.session.get_session_options().intra_op_num_threads == 1


def test_empty_batch_gives_no_scores(pair: tuple[FittedRanker, OnnxScorer]) -> None:
    _, scorer = pair
    out = scorer.predict_proba(np.zeros((0, scorer.n_features), dtype=np.float32))
    assert out.shape == (0,)


def test_wrong_shape_is_refused(pair: tuple[FittedRanker, OnnxScorer], table: Table) -> None:
    _, scorer = pair
    with pytest.raises(ValueError, match=r"expects \(n, 21\)"):
        scorer.predict_proba(table.X[:, :5])
    with pytest.raises(ValueError, match="expects"):
        scorer.predict_proba(table.X[0])


def test_columns_for_picks_the_model_features_by_name(
    pair: tuple[FittedRanker, OnnxScorer], holdout: Table
) -> None:
    fitted, scorer = pair
    names = fitted.feature_names_
    assert scorer.columns_for(names).tolist() == list(range(len(names)))
    # A newer extractor builds extra columns, in another order: an older version still
    # scores its own columns exactly as before.
    wider = ["added_later", *reversed(names)]
    cols = scorer.columns_for(wider)
    X = holdout.X.astype(np.float32)
    X_wide = np.hstack([np.full((len(X), 1), 7.0, dtype=np.float32), X[:, ::-1]])
    np.testing.assert_allclose(scorer.predict_proba(X_wide[:, cols]), scorer.predict_proba(X))
    with pytest.raises(ModelRegistryError, match=r"does not build \(n_mentions\)"):
        scorer.columns_for(["new", *names[1:]])


def test_missing_or_corrupt_model_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(ModelRegistryError, match="No ONNX model"):
        OnnxScorer.load(tmp_path / "absent.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelRegistryError, match="Cannot load ONNX model"):
        OnnxScorer.load(bad)


def test_foreign_onnx_model_is_refused(tmp_path: Path) -> None:
    x = onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 2])
    y = onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [None, 2])
    graph = onnx.helper.make_graph([onnx.helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 18)])
    model.ir_version = 8
    path = tmp_path / "foreign.onnx"
    onnx.save(model, path)
    with pytest.raises(ModelRegistryError, match="not a coder-assist ranker export"):
        OnnxScorer.load(path)


def test_export_leaves_skl2onnx_unpatched(fitted_hgb: FittedRanker, tmp_path: Path) -> None:
    from skl2onnx.common import tree_ensemble

    before = tree_ensemble.add_node
    export_onnx(fitted_hgb, tmp_path / "m.onnx")
    assert tree_ensemble.add_node is before


def test_exporting_the_same_model_twice_gives_the_same_bytes(
    fitted: FittedRanker, tmp_path: Path
) -> None:
    first = export_onnx(fitted, tmp_path / "a.onnx", metadata={"k": "v"}).read_bytes()
    second = export_onnx(fitted, tmp_path / "b.onnx", metadata={"k": "v"}).read_bytes()
    assert first == second
