"""File-system model registry: immutable versions, an ACTIVE pointer and promotion rules.

Layout under ``Settings.models_dir``::

    <name>/
      ACTIVE                      text file holding the active version id
      2026.11.28-1/               one version (files: `ranking.model_folder`)

A version is written in full to a hidden staging folder (`Registry.stage`), where the
trainer evaluates exactly the files it wrote; sealing records every file's SHA-256 in
the manifest and renames the folder into place, so readers never see half a version and
the registered files are the evaluated ones. A version is never overwritten: retraining
makes a new version. This module imports neither scikit-learn nor onnxruntime, so the
CLI and API can list models cheaply.
"""

from __future__ import annotations

import builtins
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder_assist.errors import ModelNotFoundError, ModelRegistryError
from coder_assist.ranking.manifest import (
    CODIESP_LICENCE,
    DataSource,
    ModelManifest,
    hash_source,
    library_versions,
)
from coder_assist.ranking.model_folder import MANIFEST_FILE, RESERVED
from coder_assist.ranking.version import ModelInfo, StagedVersion, read_version

if TYPE_CHECKING:
    from coder_assist.ranking.model import FittedRanker
    from coder_assist.settings import Settings

__all__ = [
    "CODIESP_LICENCE",
    "DataSource",
    "ModelInfo",
    "ModelManifest",
    "Registry",
    "StagedVersion",
    "hash_source",
    "library_versions",
    "version_sort_key",
]

log = logging.getLogger(__name__)

ACTIVE_FILE = "ACTIVE"
# Metrics where a smaller value is better; every other metric is higher-is-better.
LOWER_IS_BETTER = frozenset({"log_loss", "brier", "ece", "latency_ms", "latency_p95_ms"})

_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")


def version_sort_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural sort key: ``2026.11.28-10`` sorts after ``2026.11.28-9``."""
    parts = re.findall(r"\d+|[^\d]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


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
        return read_version(path, self.name)

    # ----------------------------------------------------------------- writing

    def next_version(self, now: datetime | None = None) -> str:
        """Return a fresh date-based id, ``YYYY.MM.DD-N``, N counting up within the day."""
        day = (now or datetime.now(UTC)).strftime("%Y.%m.%d")
        taken = {p.name for p in self.root.iterdir()} if self.root.is_dir() else set()
        n = 1
        while f"{day}-{n}" in taken:
            n += 1
        return f"{day}-{n}"

    @contextmanager
    def stage(self, version: str | None = None) -> Iterator[StagedVersion]:
        """A hidden folder to write a new version into; removed unless committed.

        Raises:
            ModelRegistryError: The version id is invalid or already taken.

        """
        version = version or self.next_version()
        if not _VERSION_RE.match(version):
            raise ModelRegistryError(
                f"Version id {version!r} is not valid; use letters, digits, '.', '_', '+' or '-' "
                "(e.g. 2026.11.28-1), at most 64 characters."
            )
        if (self.root / version).exists():
            raise ModelRegistryError(
                f"Version {version!r} of {self.name!r} already exists; versions are immutable, "
                "register the new model under a new version id."
            )
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".staging-{version}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            yield StagedVersion(self, version, staging)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

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

        The trainer uses `stage` directly, to evaluate the staged files before committing;
        this is the one-call form for a ranker whose metrics are already known.

        Args:
            fitted: The model from `fit_ranker`; exported to the folder's ONNX file.
            metrics: Evaluation set name (e.g. ``"dev"``) -> metric -> value. Promotion
                compares versions on these, so use the same set names across versions.
            training_data: Files or folders the model was trained on (hashed here), or
                ready-made `DataSource` records.
            licence: Licence and attribution notes for the data (e.g. `CODIESP_LICENCE`).
            version: Id to use; a fresh `next_version` when omitted.
            parent_version: Version this one was derived from; defaults to the active one.
            notes: Free text for people reading the registry.
            artifacts: Extra files or folders copied into the version folder under their
                own names (names the folder itself uses are refused).
            report_dirs: Evaluation set -> folder written by `ranking.reports.write_report`;
                copied to ``reports/<set>/``.
            extra: Additional JSON-serialisable manifest data.

        Returns:
            The new version.

        Raises:
            ModelRegistryError: The version exists, its id or an artifact name is invalid,
                or an artifact/report folder is missing.

        """
        artifact_paths = [Path(a) for a in artifacts]
        names = [a.name for a in artifact_paths]
        for a, n in zip(artifact_paths, names, strict=True):
            if n in RESERVED or n == ACTIVE_FILE or names.count(n) > 1:
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
        with self.stage(version) as staged:
            staged.folder.write_ranker(fitted, staged.onnx_metadata)
            for a in artifact_paths:
                staged.folder.add_artifact(a)
            for set_name, folder in reports.items():
                staged.folder.add_report(set_name, folder)
            return staged.commit(
                fitted,
                metrics=metrics,
                training_data=training_data,
                licence=licence,
                parent_version=parent_version,
                notes=notes,
                artifacts=names,
                extra=extra,
            )

    def promote(self, version: str, force: bool = False, compare_metric: str = "map") -> ModelInfo:
        """Make ``version`` the active one, unless it is worse than the current active.

        The two versions are compared on ``compare_metric`` in every evaluation set both
        manifests report it for; the candidate is refused if it is worse on any of them,
        or if there is no shared set to compare on. ``force`` skips the comparison (for
        rollbacks and deliberate trade-offs).

        Raises:
            ModelNotFoundError: The version does not exist.
            ModelIntegrityError: The version's files do not match its manifest.
            ModelRegistryError: The candidate is worse, or cannot be compared.

        """
        candidate = self.get(version)
        candidate.verify()  # never point ACTIVE at files that are not the registered ones
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
