"""The manifest of a model version: provenance, features, threshold, metrics, checksums.

A manifest says where a version came from (training data with content hashes, library
versions, licence notes, parent version), how to call it (feature names, threshold) and
how good it was (metrics per evaluation set). `files` holds the SHA-256 of every other
file of the version, so a version whose files were changed after registration is
refused instead of served (see `ranking.model_folder.ModelFolder.verify`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from coder_assist._version import __version__
from coder_assist.errors import ModelRegistryError

CODIESP_LICENCE = (
    "Trained on CodiEsp (Miranda-Escalada et al., CLEF eHealth 2020), CC BY 4.0; "
    "the model and its metrics are derived works and keep the attribution."
)
_LIBRARIES = ("scikit-learn", "skl2onnx", "onnxruntime", "onnx", "numpy")
_CHUNK = 1 << 20


class DataSource(BaseModel):
    """A training input and its content hash, so a version can be traced to its data."""

    name: str
    path: str
    sha256: str
    files: int = 1
    bytes: int = 0


class ModelManifest(BaseModel):
    """Contents of ``manifest.json``; validated whenever a version is read."""

    name: str
    version: str
    created_at: datetime
    model_type: str
    model_file: str = Field(default="model.onnx", description="The ranker's ONNX file.")
    features: list[str]
    threshold: float
    metrics: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="Evaluation set -> metric name -> value."
    )
    training_data: list[DataSource] = Field(default_factory=list)
    library_versions: dict[str, str] = Field(default_factory=dict)
    licence: list[str] = Field(default_factory=list)
    parent_version: str | None = None
    notes: str = ""
    artifacts: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    files: dict[str, str] = Field(
        default_factory=dict,
        description="Relative path (POSIX) -> SHA-256 of every file of the version but this one.",
    )


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of one file (as `sha256sum` prints it)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_source(path: Path, name: str | None = None) -> DataSource:
    """SHA-256 of a file, or of a folder's files (relative names and bytes, in order).

    Raises:
        ModelRegistryError: The path does not exist.

    """
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
    else:
        raise ModelRegistryError(
            f"Training data source {path} does not exist; pass the files the model was trained on."
        )
    total = 0
    for file in files:
        if path.is_dir():  # a single file hashes like `sha256sum`, so it can be checked by hand
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
                total += len(chunk)
        if path.is_dir():
            digest.update(b"\0")
    return DataSource(
        name=name or path.name,
        path=str(path),
        sha256=digest.hexdigest(),
        files=len(files),
        bytes=total,
    )


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model's numbers depend on (recorded in manifests)."""
    out = {"coder-assist": __version__}
    for lib in _LIBRARIES:
        try:
            out[lib] = importlib_metadata.version(lib)
        except importlib_metadata.PackageNotFoundError:
            out[lib] = "not installed"
    return out
