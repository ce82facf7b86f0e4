"""ONNX export of a fitted ranker and the onnxruntime scorer the service uses.

The service scores with onnxruntime rather than scikit-learn: the model file is
self-contained, loads in milliseconds and does not depend on the pickling details of the
scikit-learn version that trained it. The export stores the feature names and the
threshold in the model's metadata, so a model file alone says how to call it.

Inputs are float32 everywhere (training, scikit-learn scoring and ONNX scoring), which
keeps the two paths within 1e-5 of each other.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coder_assist.errors import ModelRegistryError

if TYPE_CHECKING:
    from coder_assist.ranking.model import FittedRanker

INPUT_NAME = "features"
GRAPH_NAME = "coder_assist_ranker"
# Opsets every onnxruntime >= 1.16 runs; skl2onnx 1.20 is tested up to opset 22.
TARGET_OPSET: dict[str, int] = {"": 18, "ai.onnx.ml": 3}

_META_FEATURES = "coder_assist.feature_names"
_META_THRESHOLD = "coder_assist.threshold"
_META_MODEL_TYPE = "coder_assist.model_type"


def export_onnx(
    fitted: FittedRanker, path: Path, metadata: Mapping[str, str] | None = None
) -> Path:
    """Convert the calibrated estimator to ONNX and write it to ``path``.

    The graph has one input, ``features`` (float32, ``[None, n_features]``), and outputs
    ``label`` and ``probabilities`` (float32, ``[None, 2]``, no ZipMap).

    Args:
        fitted: Result of `coder_assist.ranking.model.fit_ranker`.
        path: File to write (parent folders are created).
        metadata: Extra string key/values stored in the model's metadata (e.g. the
            registry name and version).

    Returns:
        The path written.

    """
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.calibration import CalibratedClassifierCV

    n_features = len(fitted.feature_names_)
    with _skl2onnx_tree_fix():
        onx = convert_sklearn(
            fitted.estimator_,
            initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
            options={CalibratedClassifierCV: {"zipmap": False}},
            target_opset=TARGET_OPSET,
        )
    meta = {
        _META_FEATURES: json.dumps(list(fitted.feature_names_)),
        _META_THRESHOLD: repr(float(fitted.threshold_)),
        _META_MODEL_TYPE: fitted.model_type_,
        **(metadata or {}),
    }
    # skl2onnx names the graph with a random UUID; a fixed name makes the file a function
    # of the model alone, so retraining on the same data reproduces the same bytes.
    onx.graph.name = GRAPH_NAME
    del onx.metadata_props[:]
    for key, value in meta.items():
        prop = onx.metadata_props.add()
        prop.key, prop.value = key, str(value)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(onx.SerializeToString())
    return path


@contextlib.contextmanager
def _skl2onnx_tree_fix() -> Iterator[None]:
    """Work around skl2onnx 1.20 writing a Python bool into an ONNX int attribute.

    Its HistGradientBoosting converter passes ``missing=False`` for leaves, which current
    protobuf rejects ("Expected an int, got a boolean"). The wrapper casts that one
    argument to int for the duration of the export and restores the original after.
    """
    from skl2onnx.common import tree_ensemble

    original = tree_ensemble.add_node

    @functools.wraps(original)
    def add_node(*args: Any, **kwargs: Any) -> Any:
        key = "nodes_missing_value_tracks_true"
        if key in kwargs:
            kwargs[key] = int(kwargs[key])
        return original(*args, **kwargs)

    tree_ensemble.add_node = add_node
    try:
        yield
    finally:
        tree_ensemble.add_node = original


class OnnxScorer:
    """Calibrated probabilities from an exported ranker, via onnxruntime.

    Create with `OnnxScorer.load`; score one note's candidate rows per call.
    """

    def __init__(
        self,
        session: Any,
        path: Path,
        feature_names: list[str],
        threshold: float | None,
        metadata: dict[str, str],
    ) -> None:
        self.session = session
        self.path = path
        self.feature_names = feature_names
        self.threshold = threshold
        self.metadata = metadata
        self._output = self._probability_output(session)

    @classmethod
    def load(cls, path: Path) -> OnnxScorer:
        """Open an exported model with a single-threaded onnxruntime session.

        One thread per session because the service parallelises across requests, and a
        note's few hundred candidate rows are scored in microseconds anyway.

        Raises:
            ModelRegistryError: The file is missing, not an ONNX model, or not a ranker
                export (no ``features`` input or probability output).

        """
        import onnxruntime as ort

        path = Path(path)
        if not path.is_file():
            raise ModelRegistryError(
                f"No ONNX model at {path}; check the registry folder or promote another version."
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelRegistryError(
                f"Cannot load ONNX model {path}: {exc}. Re-export the model or promote "
                "another version."
            ) from exc
        inputs = session.get_inputs()
        if len(inputs) != 1 or inputs[0].name != INPUT_NAME:
            raise ModelRegistryError(
                f"{path} is not a coder-assist ranker export (expected one input named "
                f"{INPUT_NAME!r}); re-export it with export_onnx()."
            )
        n_features = inputs[0].shape[1]
        meta = dict(session.get_modelmeta().custom_metadata_map)
        if _META_FEATURES in meta:
            feature_names = [str(n) for n in json.loads(meta[_META_FEATURES])]
        elif isinstance(n_features, int):
            feature_names = [f"f{i}" for i in range(n_features)]
        else:
            raise ModelRegistryError(
                f"{path} records neither feature names nor a fixed feature count; "
                "re-export it with export_onnx()."
            )
        if isinstance(n_features, int) and n_features != len(feature_names):
            raise ModelRegistryError(
                f"{path} declares {n_features} inputs but names {len(feature_names)} "
                "features; re-export it with export_onnx()."
            )
        threshold = float(meta[_META_THRESHOLD]) if _META_THRESHOLD in meta else None
        return cls(session, path, feature_names, threshold, meta)

    @staticmethod
    def _probability_output(session: Any) -> str:
        names = [o.name for o in session.get_outputs()]
        if "probabilities" in names:
            return "probabilities"
        raise ModelRegistryError(
            "ONNX model has no 'probabilities' output (was it exported with ZipMap?); "
            "re-export it with export_onnx()."
        )

    @property
    def n_features(self) -> int:
        """Number of feature columns the model expects."""
        return len(self.feature_names)

    @property
    def model_type(self) -> str | None:
        """Candidate family recorded at export (``None`` for foreign exports)."""
        return self.metadata.get(_META_MODEL_TYPE)

    def columns_for(self, feature_names: Sequence[str]) -> np.ndarray:
        """Indices of this model's features among the columns the extractor builds.

        Call once after loading. A version trained before a feature was added still
        scores correctly on the columns it knows (versions are immutable and must stay
        servable for roll-back); one that needs a column the extractor no longer builds
        cannot be served.

        Raises:
            ModelRegistryError: A feature of the model is not among `feature_names`.

        """
        given = list(feature_names)
        missing = [n for n in self.feature_names if n not in given]
        if missing:
            raise ModelRegistryError(
                f"Model {self.path} needs features this version of coder-assist does not "
                f"build ({', '.join(missing[:5])}); retrain the model or pin a version "
                "trained with this code."
            )
        return np.array([given.index(n) for n in self.feature_names], dtype=np.intp)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability of class 1 for each row (float64, shape ``[n]``).

        Raises:
            ValueError: ``X`` is not 2-D with `n_features` columns.

        """
        arr = np.asarray(X)
        if arr.ndim != 2 or arr.shape[1] != self.n_features:
            raise ValueError(
                f"Feature matrix has shape {arr.shape}; the model expects "
                f"(n, {self.n_features}). Build rows with the model's feature list."
            )
        if arr.shape[0] == 0:
            return np.zeros(0, dtype=np.float64)
        X32 = np.ascontiguousarray(arr, dtype=np.float32)
        (proba,) = self.session.run([self._output], {INPUT_NAME: X32})
        return np.asarray(proba[:, 1], dtype=np.float64)
