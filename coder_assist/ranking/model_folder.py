"""`ModelFolder`: the one owner of a model version's files.

Every file name of a version is defined here and nowhere else; the trainer writes a
version through it, the registry seals it (records a SHA-256 of every file in the
manifest) and the service loads it through it, after checking those checksums. A
version whose files changed after it was registered is refused with the list of files
that differ, because a model that is not the one that was evaluated must not be served.

Layout of a version folder::

    manifest.json          provenance, features, threshold, metrics, file checksums
    model.onnx             the ranker (`ranking.onnx_scorer`)
    metrics.json           cross-validation report and evaluation metrics
    priors.json            code statistics (`candidates.priors.Priors`)
    learned_terms.json     terms learned from coded notes
    text_vocab.json        the note-level text model (`candidates.text_model`) ...
    text_arrays.npz        ... and its arrays
    reports/<set>/         metrics.json and PNG plots per evaluation set
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder_assist.candidates.builder import ModelResources
from coder_assist.candidates.priors import Priors
from coder_assist.candidates.text_model import TextModel
from coder_assist.errors import ModelIntegrityError, ModelRegistryError
from coder_assist.ranking.manifest import ModelManifest, sha256_file

if TYPE_CHECKING:
    from coder_assist.ranking.model import FittedRanker
    from coder_assist.ranking.onnx_scorer import OnnxScorer

MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.onnx"
METRICS_FILE = "metrics.json"
PRIORS_FILE = "priors.json"
LEARNED_TERMS_FILE = "learned_terms.json"
TEXT_VOCAB_FILE = "text_vocab.json"
TEXT_ARRAYS_FILE = "text_arrays.npz"
REPORTS_DIR = "reports"
#: Names the folder itself uses; extra artifacts may not take them.
RESERVED = frozenset(
    {
        MANIFEST_FILE,
        MODEL_FILE,
        METRICS_FILE,
        PRIORS_FILE,
        LEARNED_TERMS_FILE,
        TEXT_VOCAB_FILE,
        TEXT_ARRAYS_FILE,
        REPORTS_DIR,
    }
)

LearnedTerm = tuple[str, str, str, str, float]


class ModelFolder:
    """Reading and writing the files of one model version folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"ModelFolder({str(self.path)!r})"

    # ----------------------------------------------------------------- paths
    @property
    def manifest_path(self) -> Path:
        """The manifest (never part of the checksums it records)."""
        return self.path / MANIFEST_FILE

    def model_path(self, manifest: ModelManifest | None = None) -> Path:
        """The ONNX ranker, named by the manifest's `model_file`.

        Without a `manifest` argument the folder's own manifest is read; a staged folder
        has none yet and uses the default name.
        """
        if manifest is None and self.manifest_path.is_file():
            manifest = self.read_manifest()
        return self.path / (manifest.model_file if manifest is not None else MODEL_FILE)

    def read_manifest(self) -> ModelManifest:
        """Parse ``manifest.json``.

        Raises:
            ModelRegistryError: It is missing or not a valid manifest.

        """
        try:
            return ModelManifest.model_validate_json(self.manifest_path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ModelRegistryError(
                f"Cannot read {self.manifest_path}: {exc}. Restore the folder or remove it "
                "from the registry."
            ) from exc

    @property
    def metrics_path(self) -> Path:
        """Cross-validation report and evaluation metrics."""
        return self.path / METRICS_FILE

    @property
    def reports_dir(self) -> Path:
        """Per evaluation set report folders."""
        return self.path / REPORTS_DIR

    # ----------------------------------------------------------------- writing
    def write_ranker(self, fitted: FittedRanker, metadata: Mapping[str, str]) -> Path:
        """Export the fitted ranker to ONNX (the file that is evaluated and registered)."""
        from coder_assist.ranking.onnx_scorer import export_onnx

        return export_onnx(fitted, self.path / MODEL_FILE, metadata=metadata)

    def write_resources(
        self,
        priors: Priors,
        text_model: TextModel | None,
        learned_terms: Sequence[Sequence[object]],
    ) -> None:
        """Write what candidate building needs: priors, the text model, learned terms."""
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / PRIORS_FILE).write_text(json.dumps(priors.to_dict()), encoding="utf-8")
        (self.path / LEARNED_TERMS_FILE).write_text(
            json.dumps([list(t) for t in learned_terms]), encoding="utf-8"
        )
        if text_model is not None:
            text_model.save(self.path / TEXT_VOCAB_FILE, self.path / TEXT_ARRAYS_FILE)

    def add_artifact(self, source: Path) -> str:
        """Copy an extra file or folder in under its own name; returns the name."""
        name = source.name
        if name in RESERVED:
            raise ModelRegistryError(
                f"Artifact name {name!r} clashes with a model folder file; rename it."
            )
        if source.is_dir():
            shutil.copytree(source, self.path / name)
        else:
            shutil.copy2(source, self.path / name)
        return name

    def add_report(self, set_name: str, folder: Path) -> None:
        """Copy a report folder (from `ranking.reports.write_report`) to reports/<set>/."""
        shutil.copytree(folder, self.reports_dir / set_name)

    def write_metrics(self, data: Mapping[str, Any]) -> None:
        """Write ``metrics.json`` (plain JSON, no NaN)."""
        self.metrics_path.write_text(
            json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8"
        )

    def seal(self, manifest: ModelManifest) -> ModelManifest:
        """Record every file's checksum in the manifest and write it (the last write)."""
        sealed = manifest.model_copy(update={"files": self.checksums()})
        self.manifest_path.write_text(sealed.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return sealed

    # ----------------------------------------------------------------- checking
    def checksums(self) -> dict[str, str]:
        """SHA-256 of every file but the manifest, by relative POSIX path."""
        return {
            p.relative_to(self.path).as_posix(): sha256_file(p)
            for p in sorted(self.path.rglob("*"))
            if p.is_file() and p != self.manifest_path
        }

    def verify(self, manifest: ModelManifest) -> None:
        """Check the folder's files against the manifest's checksums.

        Raises:
            ModelIntegrityError: The manifest records no checksums, or a file is missing,
                changed or was added since the version was registered.

        """
        where = f"{manifest.name}/{manifest.version} ({self.path})"
        if not manifest.files:
            raise ModelIntegrityError(
                f"Model {where} records no file checksums, so its files cannot be checked; "
                "retrain it, or restore a folder registered by this version of coder-assist."
            )
        found = self.checksums()
        missing = sorted(set(manifest.files) - set(found))
        added = sorted(set(found) - set(manifest.files))
        changed = sorted(n for n in manifest.files if n in found and found[n] != manifest.files[n])
        if missing or added or changed:
            parts = [
                f"{label}: {', '.join(names)}"
                for label, names in (("changed", changed), ("missing", missing), ("added", added))
                if names
            ]
            raise ModelIntegrityError(
                f"Model {where} no longer matches its manifest ({'; '.join(parts)}). Versions "
                "are immutable: restore the folder from where it was registered, or retrain."
            )

    # ----------------------------------------------------------------- loading
    def load_resources(self) -> ModelResources:
        """Priors, text model and learned terms, as candidate building takes them."""
        priors = Priors.from_dict(json.loads((self.path / PRIORS_FILE).read_text("utf-8")))
        vocab, arrays = self.path / TEXT_VOCAB_FILE, self.path / TEXT_ARRAYS_FILE
        text_model = TextModel.load(vocab, arrays) if vocab.is_file() else None
        terms_path = self.path / LEARNED_TERMS_FILE
        terms: list[LearnedTerm] = (
            [tuple(t) for t in json.loads(terms_path.read_text("utf-8"))]
            if terms_path.is_file()
            else []
        )
        return ModelResources.from_terms(priors, text_model, terms)

    def load_scorer(self, manifest: ModelManifest | None = None) -> OnnxScorer:
        """Open the ONNX ranker for scoring (imports onnxruntime)."""
        from coder_assist.ranking.onnx_scorer import OnnxScorer

        return OnnxScorer.load(self.model_path(manifest))
