"""File-system model registry: immutable versions, an ACTIVE pointer and promotion rules.

Layout under ``Settings.models_dir``::

    <name>/
      ACTIVE                      text file holding the active version id
      2026.11.28-1/
        model.onnx                the ranker (see `coder_assist.ranking.onnx_scorer`)
        manifest.json             provenance: data hashes, features, threshold, metrics,
                                  library versions, licence notes, parent version
        metrics.json              CV report and evaluation metrics
        reports/<eval set>/       metrics.json and PNG plots from `ranking.reports`
        ...                       extra artifacts passed by the trainer (priors.json, ...)

A version folder is written in full to a hidden staging folder and renamed into place,
so readers never see half a version, and a version is never overwritten: retraining
makes a new version. This module imports neither scikit-learn nor onnxruntime, so the
CLI and API can list models cheaply.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import math
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from coder_assist import __version__
from coder_assist.errors import ModelNotFoundError, ModelRegistryError

if TYPE_CHECKING:
    from coder_assist.ranking.model import FittedRanker
    from coder_assist.ranking.onnx_scorer import OnnxScorer
    from coder_assist.settings import Settings

log = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
MANIFEST_FILE = "manifest.json"
METRICS_FILE = "metrics.json"
REPORTS_DIR = "reports"
ACTIVE_FILE = "ACTIVE"
_RESERVED = {MODEL_FILE, MANIFEST_FILE, METRICS_FILE, REPORTS_DIR}

CODIESP_LICENCE = (
    "Trained on CodiEsp (Miranda-Escalada et al., CLEF eHealth 2020), CC BY 4.0; "
    "the model and its metrics are derived works and keep the attribution."
)
# Metrics where a smaller value is better; every other metric is higher-is-better.
LOWER_IS_BETTER = frozenset({"log_loss", "brier", "ece", "latency_ms", "latency_p95_ms"})

_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
_LIBRARIES = ("scikit-learn", "skl2onnx", "onnxruntime", "onnx", "numpy")


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
    model_file: str = MODEL_FILE
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


@dataclass(frozen=True)
class ModelInfo:
    """One registered version: where it lives and what its manifest says."""

    name: str
    version: str
    path: Path
    manifest: ModelManifest

    @property
    def model_path(self) -> Path:
        """The ONNX file of this version."""
        return self.path / self.manifest.model_file

    @property
    def created_at(self) -> datetime:
        """When the version was registered (UTC)."""
        return self.manifest.created_at

    @property
    def metrics(self) -> dict[str, dict[str, float]]:
        """Evaluation metrics by evaluation set."""
        return self.manifest.metrics

    def load_scorer(self) -> OnnxScorer:
        """Open the version's ONNX model for scoring (imports onnxruntime)."""
        from coder_assist.ranking.onnx_scorer import OnnxScorer

        return OnnxScorer.load(self.model_path)


def version_sort_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural sort key: ``2026.11.28-10`` sorts after ``2026.11.28-9``."""
    parts = re.findall(r"\d+|[^\d]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


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
            for chunk in iter(lambda: fh.read(1 << 20), b""):
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


class Registry:
    """Versions of one model name under a models folder.

    Reads go to disk every time, so a promotion by the CLI is seen by a running service
    on its next reload.
    """

    def __init__(self, models_dir: Path, name: str = "coder-assist") -> None:
        if not _VERSION_RE.match(name):
            raise ModelRegistryError(
                f"Model name {name!r} is not a safe folder name; use letters, digits, '.', "
                "'_' or '-'."
            )
        self.models_dir = Path(models_dir)
        self.name = name
        self.root = self.models_dir / name

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        """Open the registry named by ``Settings.models_dir`` and ``Settings.model_name``."""
        return cls(settings.models_dir, settings.model_name)

    # ----------------------------------------------------------------- reading

    def list(self) -> builtins.list[ModelInfo]:
        """All readable versions, oldest first (natural order of version ids)."""
        if not self.root.is_dir():
            return []
        out: builtins.list[ModelInfo] = []
        for child in self.root.iterdir():
            if child.name.startswith(".") or not child.is_dir():
                continue
            try:
                out.append(self._read(child))
            except ModelRegistryError as exc:
                log.warning("skipping unreadable model version %s: %s", child.name, exc)
        return sorted(out, key=lambda i: version_sort_key(i.version))

    def get(self, version: str) -> ModelInfo:
        """One version by id.

        Raises:
            ModelNotFoundError: No such version (the message lists the ones there are).
            ModelRegistryError: The version folder exists but its manifest is unreadable.

        """
        path = self.root / version
        if not _VERSION_RE.match(version) or not (path / MANIFEST_FILE).is_file():
            known = [i.version for i in self.list()]
            raise ModelNotFoundError(
                f"Model {self.name!r} has no version {version!r} in {self.root}; "
                f"available: {', '.join(known) if known else 'none (train a model first)'}."
            )
        return self._read(path)

    def active_version(self) -> str | None:
        """Return the id in the ACTIVE file, or ``None`` when nothing was promoted yet."""
        file = self.root / ACTIVE_FILE
        if not file.is_file():
            return None
        text = file.read_text(encoding="utf-8").strip()
        return text or None

    def active(self) -> ModelInfo | None:
        """Return the promoted version, or ``None`` when nothing was promoted yet.

        Raises:
            ModelRegistryError: ACTIVE names a version that is missing.

        """
        version = self.active_version()
        if version is None:
            return None
        try:
            return self.get(version)
        except ModelNotFoundError as exc:
            raise ModelRegistryError(
                f"{self.root / ACTIVE_FILE} names version {version!r}, which is missing; "
                "promote an existing version with `coder-assist models promote VERSION`."
            ) from exc

    def latest(self) -> ModelInfo | None:
        """Return the newest version by id, or ``None`` for an empty registry."""
        versions = self.list()
        return versions[-1] if versions else None

    def resolve(self, pinned: str | None = None) -> ModelInfo:
        """Pick the version to serve: ``pinned`` if given, else the active one, else the newest.

        Args:
            pinned: A version id, usually ``Settings.model_version``.

        Raises:
            ModelNotFoundError: The pinned version is missing, or the registry is empty.
            ModelRegistryError: ACTIVE names a missing version.

        """
        if pinned:
            return self.get(pinned)
        found = self.active() or self.latest()
        if found is None:
            raise ModelNotFoundError(
                f"No versions of model {self.name!r} in {self.root}; train one, or set "
                "CODER_ASSIST_MODELS_DIR to the folder that holds your models."
            )
        return found

    def _read(self, path: Path) -> ModelInfo:
        file = path / MANIFEST_FILE
        try:
            manifest = ModelManifest.model_validate_json(file.read_bytes())
        except (OSError, ValidationError, ValueError) as exc:
            raise ModelRegistryError(
                f"Cannot read {file}: {exc}. Restore the folder or remove it from the registry."
            ) from exc
        if manifest.version != path.name or manifest.name != self.name:
            raise ModelRegistryError(
                f"{file} describes {manifest.name}/{manifest.version}, not "
                f"{self.name}/{path.name}; folders must not be renamed."
            )
        return ModelInfo(self.name, manifest.version, path, manifest)

    # ----------------------------------------------------------------- writing

    def next_version(self, now: datetime | None = None) -> str:
        """Return a fresh date-based id, ``YYYY.MM.DD-N``, N counting up within the day."""
        day = (now or datetime.now(UTC)).strftime("%Y.%m.%d")
        taken = {p.name for p in self.root.iterdir()} if self.root.is_dir() else set()
        n = 1
        while f"{day}-{n}" in taken:
            n += 1
        return f"{day}-{n}"

    def create_version(
        self,
        fitted: FittedRanker,
        *,
        metrics: Mapping[str, Mapping[str, float]],
        training_data: Sequence[Path | DataSource],
        licence: Sequence[str],
        version: str | None = None,
        parent_version: str | None = None,
        notes: str = "",
        artifacts: Iterable[Path] = (),
        report_dirs: Mapping[str, Path] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> ModelInfo:
        """Register a trained ranker as a new, immutable version (not promoted).

        Args:
            fitted: The model from `fit_ranker`; exported to ``model.onnx``.
            metrics: Evaluation set name (e.g. ``"dev"``) -> metric -> value. Promotion
                compares versions on these, so use the same set names across versions.
            training_data: Files or folders the model was trained on (hashed here), or
                ready-made `DataSource` records.
            licence: Licence and attribution notes for the data (e.g. `CODIESP_LICENCE`).
            version: Id to use; a fresh `next_version` when omitted.
            parent_version: Version this one was derived from; defaults to the active one.
            notes: Free text for people reading the registry.
            artifacts: Extra files or folders (e.g. ``priors.json``) copied into the
                version folder under their own names.
            report_dirs: Evaluation set -> folder written by `ranking.reports.write_report`;
                copied to ``reports/<set>/``.
            extra: Additional JSON-serialisable manifest data.

        Returns:
            The new version.

        Raises:
            ModelRegistryError: The version exists, its id or an artifact name is invalid,
                or an artifact/report folder is missing.

        """
        from coder_assist.ranking.onnx_scorer import export_onnx

        version = version or self.next_version()
        if not _VERSION_RE.match(version):
            raise ModelRegistryError(
                f"Version id {version!r} is not valid; use letters, digits, '.', '_', '+' or '-' "
                "(e.g. 2026.11.28-1), at most 64 characters."
            )
        final = self.root / version
        if final.exists():
            raise ModelRegistryError(
                f"Version {version!r} of {self.name!r} already exists; versions are immutable, "
                "register the new model under a new version id."
            )
        artifact_paths = [Path(a) for a in artifacts]
        names = [a.name for a in artifact_paths]
        for a, n in zip(artifact_paths, names, strict=True):
            if n in _RESERVED or n == ACTIVE_FILE or names.count(n) > 1:
                raise ModelRegistryError(
                    f"Artifact name {n!r} clashes with a registry file or another artifact; "
                    "rename it."
                )
            if not a.exists():
                raise ModelRegistryError(f"Artifact {a} does not exist; pass an existing path.")
        reports = dict(report_dirs or {})
        for set_name, folder in reports.items():
            if not _VERSION_RE.match(set_name) or not Path(folder).is_dir():
                raise ModelRegistryError(
                    f"Report folder for evaluation set {set_name!r} ({folder}) is missing or "
                    "the set name is not a safe folder name."
                )
        sources = [s if isinstance(s, DataSource) else hash_source(s) for s in training_data]
        if parent_version is None:
            parent_version = self.active_version()

        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".staging-{version}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            export_onnx(
                fitted,
                staging / MODEL_FILE,
                metadata={
                    "coder_assist.model_name": self.name,
                    "coder_assist.model_version": version,
                },
            )
            for a in artifact_paths:
                if a.is_dir():
                    shutil.copytree(a, staging / a.name)
                else:
                    shutil.copy2(a, staging / a.name)
            for set_name, folder in reports.items():
                shutil.copytree(folder, staging / REPORTS_DIR / set_name)
            manifest = ModelManifest(
                name=self.name,
                version=version,
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
                artifacts=sorted(names),
                extra=dict(extra or {}),
            )
            (staging / MANIFEST_FILE).write_text(
                manifest.model_dump_json(indent=2) + "\n", encoding="utf-8"
            )
            (staging / METRICS_FILE).write_text(
                json.dumps(
                    jsonable({"cv": fitted.cv_report_, "evaluation": manifest.metrics}),
                    indent=2,
                    sort_keys=True,
                    allow_nan=False,
                )
                + "\n",
                encoding="utf-8",
            )
            try:
                # rename() is atomic; it fails when another writer won the race.
                os.rename(staging, final)
            except OSError as exc:
                raise ModelRegistryError(
                    f"Version {version!r} of {self.name!r} was created concurrently; "
                    "register under a new version id."
                ) from exc
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        log.info("registered model %s version %s", self.name, version)
        return self._read(final)

    def promote(self, version: str, force: bool = False, compare_metric: str = "map") -> ModelInfo:
        """Make ``version`` the active one, unless it is worse than the current active.

        The two versions are compared on ``compare_metric`` in every evaluation set both
        manifests report it for; the candidate is refused if it is worse on any of them,
        or if there is no shared set to compare on. ``force`` skips the comparison (for
        rollbacks and deliberate trade-offs).

        Raises:
            ModelNotFoundError: The version does not exist.
            ModelRegistryError: The candidate is worse, or cannot be compared.

        """
        candidate = self.get(version)
        current: ModelInfo | None
        try:
            current = self.active()
        except ModelRegistryError:
            current = None  # ACTIVE points at a missing version: anything is an improvement
        if current is not None and current.version != version and not force:
            _check_not_worse(candidate, current, compare_metric)
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{ACTIVE_FILE}.{uuid.uuid4().hex[:8]}"
        tmp.write_text(version + "\n", encoding="utf-8")
        os.replace(tmp, self.root / ACTIVE_FILE)
        log.info("promoted model %s version %s", self.name, version)
        return candidate


def _check_not_worse(candidate: ModelInfo, current: ModelInfo, metric: str) -> None:
    shared = sorted(
        s
        for s in candidate.metrics
        if metric in candidate.metrics[s] and metric in current.metrics.get(s, {})
    )
    if not shared:
        raise ModelRegistryError(
            f"Cannot compare {candidate.version} with active {current.version}: no evaluation "
            f"set reports {metric!r} for both. Evaluate both on the same set, choose another "
            "metric, or promote with --force."
        )
    lower = metric in LOWER_IS_BETTER
    worse = []
    for s in shared:
        new, old = candidate.metrics[s][metric], current.metrics[s][metric]
        if (new > old) if lower else (new < old):
            worse.append(f"{s}: {new:.4f} vs {old:.4f}")
    if worse:
        raise ModelRegistryError(
            f"Version {candidate.version} is worse than active {current.version} on {metric} "
            f"({'; '.join(worse)}). Keep the active model, or promote with --force if the "
            "trade-off is intended."
        )


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


def jsonable(value: Any) -> Any:
    """Plain JSON types: numpy scalars become numbers, NaN and infinities become null."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
