"""One model version: a registered one (`ModelInfo`) and one being written (`StagedVersion`)."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder_assist.errors import ModelRegistryError
from coder_assist.jsonutil import jsonable
from coder_assist.ranking.manifest import DataSource, ModelManifest, hash_source, library_versions
from coder_assist.ranking.model_folder import MANIFEST_FILE, MODEL_FILE, ModelFolder

if TYPE_CHECKING:
    from coder_assist.ranking.model import FittedRanker
    from coder_assist.ranking.onnx_scorer import OnnxScorer
    from coder_assist.ranking.registry import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelInfo:
    """One registered version: where it lives and what its manifest says."""

    name: str
    version: str
    path: Path
    manifest: ModelManifest

    @property
    def folder(self) -> ModelFolder:
        """The version's files."""
        return ModelFolder(self.path)

    @property
    def model_path(self) -> Path:
        """The ONNX file of this version."""
        return self.folder.model_path(self.manifest)

    @property
    def created_at(self) -> datetime:
        """When the version was registered (UTC)."""
        return self.manifest.created_at

    @property
    def metrics(self) -> dict[str, dict[str, float]]:
        """Evaluation metrics by evaluation set."""
        return self.manifest.metrics

    def verify(self) -> None:
        """Check the files against the manifest's checksums (`ModelIntegrityError` if not)."""
        self.folder.verify(self.manifest)

    def load_scorer(self) -> OnnxScorer:
        """Open the version's ONNX model for scoring (imports onnxruntime)."""
        return self.folder.load_scorer(self.manifest)


class StagedVersion:
    """A version being written: its folder is hidden until `commit` seals and renames it.

    The trainer writes the ranker and resources through `folder`, loads and evaluates the
    staged files, then commits them; nothing is exported twice.
    """

    def __init__(self, registry: Registry, version: str, staging: Path) -> None:
        self.registry = registry
        self.version = version
        self.folder = ModelFolder(staging)
        self.info: ModelInfo | None = None

    @property
    def onnx_metadata(self) -> dict[str, str]:
        """Metadata the ranker's ONNX file carries (registry name and version)."""
        return {
            "coder_assist.model_name": self.registry.name,
            "coder_assist.model_version": self.version,
        }

    def commit(
        self,
        fitted: FittedRanker,
        *,
        metrics: Mapping[str, Mapping[str, float]],
        training_data: Sequence[Path | DataSource],
        licence: Sequence[str],
        parent_version: str | None = None,
        notes: str = "",
        artifacts: Sequence[str] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> ModelInfo:
        """Write metrics and the sealed manifest, then rename the folder into place."""
        if self.info is not None:
            raise ModelRegistryError(f"Version {self.version!r} was already committed.")
        if not (self.folder.path / MODEL_FILE).is_file():
            raise ModelRegistryError(
                f"Staged version {self.version!r} has no ranker; write it before committing."
            )
        sources = [s if isinstance(s, DataSource) else hash_source(s) for s in training_data]
        if parent_version is None:
            parent_version = self.registry.active_version()
        manifest = ModelManifest(
            name=self.registry.name,
            version=self.version,
            created_at=datetime.now(UTC).replace(microsecond=0),
            model_type=fitted.model_type_,
            features=list(fitted.feature_names_),
            threshold=float(fitted.threshold_),
            metrics=_finite_metrics(metrics),
            training_data=sources,
            library_versions=library_versions(),
            licence=list(licence),
            parent_version=parent_version,
            notes=notes,
            artifacts=sorted(artifacts),
            extra=dict(extra or {}),
        )
        self.folder.write_metrics(
            jsonable({"cv": fitted.cv_report_, "evaluation": manifest.metrics})
        )
        self.folder.seal(manifest)
        final = self.registry.root / self.version
        try:
            # rename() is atomic; it fails when another writer won the race.
            os.rename(self.folder.path, final)
        except OSError as exc:
            raise ModelRegistryError(
                f"Version {self.version!r} of {self.registry.name!r} was created concurrently; "
                "register under a new version id."
            ) from exc
        log.info("registered model %s version %s", self.registry.name, self.version)
        self.info = read_version(final, self.registry.name)
        return self.info


def read_version(path: Path, name: str) -> ModelInfo:
    """Read and check the manifest of a version folder (its files are not hashed here)."""
    file = path / MANIFEST_FILE
    manifest = ModelFolder(path).read_manifest()
    if manifest.version != path.name or manifest.name != name:
        raise ModelRegistryError(
            f"{file} describes {manifest.name}/{manifest.version}, not "
            f"{name}/{path.name}; folders must not be renamed."
        )
    return ModelInfo(name, manifest.version, path, manifest)


def _finite_metrics(metrics: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Metrics as plain floats, leaving out undefined ones (NaN) rather than storing null."""
    out: dict[str, dict[str, float]] = {}
    for set_name, values in metrics.items():
        out[set_name] = {}
        for metric, value in values.items():
            number = float(value)
            if math.isfinite(number):
                out[set_name][metric] = number
            else:
                log.warning("metric %s/%s is not finite; not recorded", set_name, metric)
    return out
