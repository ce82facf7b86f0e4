from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from synthetic_rows import Table

from coder_assist.errors import ModelIntegrityError, ModelNotFoundError, ModelRegistryError
from coder_assist.ranking.model import FittedRanker
from coder_assist.ranking.registry import (
    ACTIVE_FILE,
    CODIESP_LICENCE,
    DataSource,
    Registry,
    hash_source,
    version_sort_key,
)
from coder_assist.ranking.reports import write_report
from coder_assist.settings import Settings


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.tsv"
    path.write_text("S0004-06142005000500011-1\ti10\n", encoding="utf-8")
    return path


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return Registry(tmp_path / "models", "coder-assist")


def _create(
    registry: Registry,
    fitted: FittedRanker,
    version: str | None,
    map_: float,
    data: Path,
    **kw: object,
) -> object:
    return registry.create_version(
        fitted,
        version=version,
        metrics={"dev": {"map": map_, "log_loss": 0.3}},
        training_data=[data],
        licence=[CODIESP_LICENCE],
        **kw,  # type: ignore[arg-type]
    )


def test_create_version_writes_a_complete_folder(
    registry: Registry, fitted: FittedRanker, data_file: Path, tmp_path: Path
) -> None:
    extra_file = tmp_path / "labels.json"
    extra_file.write_text("{}", encoding="utf-8")
    info = registry.create_version(
        fitted,
        version="2026.11.28-1",
        metrics={"dev": {"map": 0.41, "f1": 0.5}, "test": {"map": 0.39}},
        training_data=[data_file, DataSource(name="codiesp-train", path="x", sha256="ab")],
        licence=[CODIESP_LICENCE],
        notes="first",
        artifacts=[extra_file],
        extra={"seed": 0},
    )
    folder = registry.root / "2026.11.28-1"
    assert info.path == folder
    assert {p.name for p in folder.iterdir()} == {
        "model.onnx",
        "manifest.json",
        "metrics.json",
        "labels.json",
    }
    m = json.loads((folder / "manifest.json").read_text())
    assert m["name"] == "coder-assist" and m["version"] == "2026.11.28-1"
    assert datetime.fromisoformat(m["created_at"]).tzinfo is not None
    assert m["features"] == fitted.feature_names_
    assert m["threshold"] == fitted.threshold_
    assert m["model_type"] == fitted.model_type_
    assert m["metrics"] == {"dev": {"map": 0.41, "f1": 0.5}, "test": {"map": 0.39}}
    assert m["training_data"][0]["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert m["training_data"][1]["name"] == "codiesp-train"
    assert set(m["library_versions"]) >= {
        "scikit-learn",
        "skl2onnx",
        "onnxruntime",
        "numpy",
        "coder-assist",
    }
    assert "CC BY 4.0" in m["licence"][0]
    assert m["parent_version"] is None
    assert m["notes"] == "first" and m["artifacts"] == ["labels.json"]
    # Every file but the manifest is checksummed, as `sha256sum` would print it.
    assert m["files"] == {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("labels.json", "metrics.json", "model.onnx")
    }
    assert m["extra"] == {"seed": 0}
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["cv"]["chosen"] == fitted.model_type_
    assert metrics["evaluation"]["dev"]["map"] == 0.41


def test_registered_model_scores_like_the_fitted_one(
    registry: Registry, fitted: FittedRanker, data_file: Path, holdout: Table
) -> None:
    info = _create(registry, fitted, "v1", 0.4, data_file)
    scorer = registry.get("v1").load_scorer()
    assert info == registry.get("v1")
    assert scorer.metadata["coder_assist.model_version"] == "v1"
    diff = np.abs(scorer.predict_proba(holdout.X) - fitted.predict_proba(holdout.X))
    assert diff.max() <= 1e-5


def test_versions_are_immutable(registry: Registry, fitted: FittedRanker, data_file: Path) -> None:
    _create(registry, fitted, "v1", 0.4, data_file)
    before = (registry.root / "v1" / "manifest.json").read_bytes()
    with pytest.raises(ModelRegistryError, match="already exists; versions are immutable"):
        _create(registry, fitted, "v1", 0.9, data_file)
    assert (registry.root / "v1" / "manifest.json").read_bytes() == before
    assert [i.version for i in registry.list()] == ["v1"]


def test_automatic_version_ids_are_dated_and_count_up(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    day = datetime.now(UTC).strftime("%Y.%m.%d")
    first = _create(registry, fitted, None, 0.4, data_file)
    second = _create(registry, fitted, None, 0.4, data_file)
    assert (first.version, second.version) == (f"{day}-1", f"{day}-2")  # type: ignore[attr-defined]


def test_version_ids_sort_naturally() -> None:
    ids = ["2026.11.28-10", "2026.11.28-9", "2026.12.01-1", "2026.2.1-1"]
    assert sorted(ids, key=version_sort_key) == [
        "2026.2.1-1",
        "2026.11.28-9",
        "2026.11.28-10",
        "2026.12.01-1",
    ]


def test_promote_refuses_a_worse_model_unless_forced(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.40, data_file)
    registry.promote("v1")
    _create(registry, fitted, "v2", 0.35, data_file)
    with pytest.raises(
        ModelRegistryError,
        match=r"worse than active v1 on map \(dev: 0.3500 vs "
        r"0.4000\).*--force",
    ):
        registry.promote("v2")
    assert registry.active_version() == "v1"
    registry.promote("v2", force=True)
    assert registry.active_version() == "v2"
    assert (registry.root / ACTIVE_FILE).read_text().strip() == "v2"


def test_promote_accepts_an_equal_or_better_model(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.40, data_file)
    registry.promote("v1")
    _create(registry, fitted, "v2", 0.40, data_file)
    _create(registry, fitted, "v3", 0.45, data_file)
    registry.promote("v2")
    registry.promote("v3")
    active = registry.active()
    assert active is not None and active.version == "v3"


def test_parent_defaults_to_the_active_version(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.40, data_file)
    registry.promote("v1")
    info = _create(registry, fitted, "v2", 0.40, data_file)
    assert info.manifest.parent_version == "v1"  # type: ignore[attr-defined]
    explicit = _create(registry, fitted, "v3", 0.40, data_file, parent_version="v2")
    assert explicit.manifest.parent_version == "v2"  # type: ignore[attr-defined]


def test_lower_is_better_metrics_compare_the_other_way(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    registry.create_version(
        fitted,
        version="v1",
        metrics={"dev": {"log_loss": 0.30}},
        training_data=[data_file],
        licence=[],
    )
    registry.create_version(
        fitted,
        version="v2",
        metrics={"dev": {"log_loss": 0.35}},
        training_data=[data_file],
        licence=[],
    )
    registry.promote("v1")
    with pytest.raises(ModelRegistryError, match="worse"):
        registry.promote("v2", compare_metric="log_loss")


def test_promote_refuses_when_there_is_nothing_to_compare(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    registry.create_version(
        fitted, version="v1", metrics={"dev": {"map": 0.4}}, training_data=[data_file], licence=[]
    )
    registry.create_version(
        fitted, version="v2", metrics={"test": {"map": 0.9}}, training_data=[data_file], licence=[]
    )
    registry.promote("v1")
    with pytest.raises(ModelRegistryError, match="no evaluation set reports 'map' for both"):
        registry.promote("v2")
    registry.promote("v2", force=True)
    assert registry.active_version() == "v2"


def test_promote_unknown_version_lists_the_known_ones(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.4, data_file)
    with pytest.raises(ModelNotFoundError, match=r"no version 'v9'.*available: v1"):
        registry.promote("v9")


def test_resolve_prefers_pinned_then_active_then_newest(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    with pytest.raises(ModelNotFoundError, match="No versions"):
        registry.resolve(None)
    _create(registry, fitted, "2026.11.28-1", 0.4, data_file)
    _create(registry, fitted, "2026.11.28-2", 0.4, data_file)
    assert registry.resolve(None).version == "2026.11.28-2"
    registry.promote("2026.11.28-1")
    assert registry.resolve(None).version == "2026.11.28-1"
    assert registry.resolve("2026.11.28-2").version == "2026.11.28-2"
    with pytest.raises(ModelNotFoundError, match="no version 'nope'"):
        registry.resolve("nope")


def test_from_settings_uses_models_dir_and_name(tmp_path: Path) -> None:
    registry = Registry.from_settings(Settings(models_dir=tmp_path, model_name="other"))
    assert registry.root == tmp_path / "other"
    assert registry.list() == [] and registry.active() is None


def test_active_pointing_at_a_missing_version_is_reported(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.4, data_file)
    (registry.root / ACTIVE_FILE).write_text("gone\n")
    with pytest.raises(ModelRegistryError, match="names version 'gone', which is missing"):
        registry.active()
    registry.promote("v1")  # repairs the pointer without a comparison
    assert registry.active_version() == "v1"


def test_failed_create_leaves_nothing_behind(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    with pytest.raises(Exception, match="serializ"):
        _create(registry, fitted, "v1", 0.4, data_file, extra={"bad": object()})
    assert list(registry.root.iterdir()) == []
    assert registry.list() == []


def test_listing_skips_staging_and_unreadable_folders(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.4, data_file)
    (registry.root / ".staging-v2-1234").mkdir()
    broken = registry.root / "v3"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    assert [i.version for i in registry.list()] == ["v1"]
    with pytest.raises(ModelRegistryError, match="Cannot read"):
        registry.get("v3")


def test_renamed_version_folder_is_refused(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    _create(registry, fitted, "v1", 0.4, data_file)
    (registry.root / "v1").rename(registry.root / "v2")
    with pytest.raises(ModelRegistryError, match="must not be renamed"):
        registry.get("v2")


@pytest.mark.parametrize("version", ["../escape", "a/b", ".hidden", "x" * 65])
def test_unsafe_version_ids_are_refused(
    registry: Registry, fitted: FittedRanker, data_file: Path, version: str
) -> None:
    with pytest.raises(ModelRegistryError, match="not valid"):
        _create(registry, fitted, version, 0.4, data_file)


def test_artifacts_and_reports_are_copied(
    registry: Registry, fitted: FittedRanker, data_file: Path, holdout: Table, tmp_path: Path
) -> None:
    text_model = tmp_path / "text_model"
    text_model.mkdir()
    (text_model / "weights.npy").write_bytes(b"123")
    report = tmp_path / "report-dev"
    write_report(
        report, holdout.y, fitted.predict_proba(holdout.X), holdout.chapters, fitted.threshold_
    )
    info = _create(
        registry, fitted, "v1", 0.4, data_file, artifacts=[text_model], report_dirs={"dev": report}
    )
    folder = info.path  # type: ignore[attr-defined]
    assert (folder / "text_model" / "weights.npy").read_bytes() == b"123"
    assert (folder / "reports" / "dev" / "pr_curve.png").is_file()
    assert (folder / "reports" / "dev" / "metrics.json").is_file()


def test_bad_artifacts_are_refused_before_anything_is_written(
    registry: Registry, fitted: FittedRanker, data_file: Path, tmp_path: Path
) -> None:
    clash = tmp_path / "manifest.json"
    clash.write_text("{}")
    with pytest.raises(ModelRegistryError, match="clashes"):
        _create(registry, fitted, "v1", 0.4, data_file, artifacts=[clash])
    own = tmp_path / "priors.json"  # a file the model folder itself writes
    own.write_text("{}")
    with pytest.raises(ModelRegistryError, match="clashes"):
        _create(registry, fitted, "v1", 0.4, data_file, artifacts=[own])
    with pytest.raises(ModelRegistryError, match="does not exist"):
        _create(registry, fitted, "v1", 0.4, data_file, artifacts=[tmp_path / "absent"])
    with pytest.raises(ModelRegistryError, match="Report folder"):
        _create(registry, fitted, "v1", 0.4, data_file, report_dirs={"dev": tmp_path / "no"})
    with pytest.raises(ModelRegistryError, match="does not exist"):
        _create(registry, fitted, "v1", 0.4, tmp_path / "missing.tsv")
    assert registry.list() == []


def test_non_finite_metrics_are_left_out(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    info = registry.create_version(
        fitted,
        version="v1",
        metrics={"dev": {"map": 0.4, "roc_auc": float("nan")}},
        training_data=[data_file],
        licence=[],
    )
    assert info.metrics == {"dev": {"map": 0.4}}


def test_folder_hash_covers_names_and_contents(tmp_path: Path) -> None:
    folder = tmp_path / "train"
    folder.mkdir()
    (folder / "a.txt").write_text("one")
    (folder / "b.txt").write_text("two")
    first = hash_source(folder)
    assert (first.files, first.bytes, first.name) == (2, 6, "train")
    (folder / "b.txt").rename(folder / "c.txt")
    assert hash_source(folder).sha256 != first.sha256


def test_a_changed_missing_or_added_file_is_refused(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    info = _create(registry, fitted, "v1", 0.4, data_file)
    folder = info.path  # type: ignore[attr-defined]
    registry.get("v1").verify()  # as registered: fine
    model = folder / "model.onnx"
    original = model.read_bytes()
    model.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(ModelIntegrityError, match=r"changed: model\.onnx"):
        registry.get("v1").verify()
    with pytest.raises(ModelIntegrityError, match="v1"):
        registry.promote("v1")  # ACTIVE never points at files that were not registered
    assert registry.active_version() is None
    model.write_bytes(original)
    (folder / "metrics.json").unlink()
    (folder / "extra.bin").write_bytes(b"x")
    with pytest.raises(ModelIntegrityError, match=r"missing: metrics\.json; added: extra\.bin"):
        registry.get("v1").verify()


def test_a_version_without_checksums_is_refused(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    info = _create(registry, fitted, "v1", 0.4, data_file)
    manifest = info.path / "manifest.json"  # type: ignore[attr-defined]
    data = json.loads(manifest.read_text())
    del data["files"]
    manifest.write_text(json.dumps(data))
    with pytest.raises(ModelIntegrityError, match="records no file checksums"):
        registry.get("v1").verify()


def test_a_staged_version_is_invisible_until_committed_and_gone_if_abandoned(
    registry: Registry, fitted: FittedRanker, data_file: Path
) -> None:
    with registry.stage("v1") as staged:
        staged.folder.write_ranker(fitted, staged.onnx_metadata)
        assert registry.list() == []
        evaluated = staged.folder.model_path().read_bytes()
        info = staged.commit(
            fitted, metrics={"dev": {"map": 0.4}}, training_data=[data_file], licence=[]
        )
    assert (info.path / "model.onnx").read_bytes() == evaluated  # no second export
    with pytest.raises(RuntimeError), registry.stage("v2") as staged:
        staged.folder.write_ranker(fitted, staged.onnx_metadata)
        raise RuntimeError("training failed")
    assert [i.version for i in registry.list()] == ["v1"]
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".staging")]


def test_the_manifest_names_the_ranker_file(
    registry: Registry, fitted: FittedRanker, data_file: Path, holdout: Table
) -> None:
    info = _create(registry, fitted, "v1", 0.4, data_file)
    folder = info.folder  # type: ignore[attr-defined]
    (folder.path / "model.onnx").rename(folder.path / "ranker.onnx")
    folder.seal(info.manifest.model_copy(update={"model_file": "ranker.onnx"}))  # type: ignore[attr-defined]
    moved = registry.get("v1")
    moved.verify()
    assert moved.model_path.name == "ranker.onnx" and folder.model_path().name == "ranker.onnx"
    diff = np.abs(folder.load_scorer().predict_proba(holdout.X) - fitted.predict_proba(holdout.X))
    assert diff.max() <= 1e-5
