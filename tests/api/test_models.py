"""`/v1/models` through the real app, against a throw-away registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coder_assist.api.app import create_app
from coder_assist.codesets import CodeSets
from coder_assist.ranking.model import LOGISTIC, FittedRanker, fit_ranker
from coder_assist.ranking.registry import Registry
from coder_assist.settings import Settings
from coder_assist.suggest import Suggester


@pytest.fixture(scope="module")
def ranker() -> FittedRanker:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4)).astype(np.float32)
    y = (X[:, 0] + 0.5 * rng.normal(size=400) > 0.8).astype(int)
    groups = np.repeat(np.arange(40), 10)
    return fit_ranker(X, y, groups, ["a", "b", "c", "d"], candidates=[LOGISTIC])


@pytest.fixture
def registry(tmp_path: Path, ranker: FittedRanker) -> Registry:
    data = tmp_path / "train.tsv"
    data.write_text("note\tcode\n", encoding="utf-8")
    registry = Registry(tmp_path / "models", "coder-assist")
    for version, map_ in (("v1", 0.40), ("v2", 0.45)):
        registry.create_version(
            ranker,
            version=version,
            metrics={"dev": {"map": map_}},
            training_data=[data],
            licence=[],
            notes=f"run {version}",
        )
    registry.promote("v1")
    return registry


def _client(registry: Registry, tmp_path: Path, **settings: Any) -> tuple[FastAPI, TestClient]:
    app = create_app(
        Settings(
            models_dir=registry.models_dir,
            model_name=registry.name,
            data_dir=tmp_path / "data",
            **settings,
        )
    )
    return app, TestClient(app)


def _loaded(codesets: CodeSets, version: str) -> Suggester:
    """A suggester as the service holds it after loading `version` (no NLP needed here)."""
    return Suggester(codesets, None, model_version=version, threshold=0.5)


def test_list_shows_versions_active_and_resolved(registry: Registry, tmp_path: Path) -> None:
    _, client = _client(registry, tmp_path)
    body = client.get("/v1/models").json()
    assert body["name"] == "coder-assist"
    assert body["active"] == "v1" and body["resolved"] == "v1"
    assert body["pinned"] is None and body["serving"] is None and body["problem"] is None
    assert [(v["version"], v["active"]) for v in body["versions"]] == [("v1", True), ("v2", False)]
    v1 = body["versions"][0]
    assert v1["metrics"] == {"dev": {"map": 0.4}}
    assert v1["model_type"] == LOGISTIC and v1["n_features"] == 4 and v1["notes"] == "run v1"


def test_list_reports_the_pinned_version(registry: Registry, tmp_path: Path) -> None:
    _, client = _client(registry, tmp_path, model_version="v2")
    body = client.get("/v1/models").json()
    assert body["pinned"] == "v2" and body["resolved"] == "v2" and body["active"] == "v1"


def test_list_of_an_empty_registry_explains_why_nothing_resolves(tmp_path: Path) -> None:
    _, client = _client(Registry(tmp_path / "empty"), tmp_path)
    body = client.get("/v1/models").json()
    assert body["versions"] == [] and body["resolved"] is None
    assert "No versions of model 'coder-assist'" in body["problem"]


def test_reload_switches_the_service_to_the_promoted_version(
    registry: Registry, tmp_path: Path, codesets: CodeSets
) -> None:
    app, client = _client(registry, tmp_path)
    app.state.suggester = _loaded(codesets, "v1")
    assert client.get("/v1/models").json()["serving"] == "v1"
    registry.promote("v2")  # e.g. by `coder-assist models promote v2` on the same host
    response = client.post("/v1/models/reload")
    assert response.status_code == 200
    assert response.json() == {
        "name": "coder-assist",
        "version": "v2",
        "previous": "v1",
        "active": "v2",
        "pinned": None,
    }
    assert app.state.suggester is None  # the next request builds one on v2
    assert client.get("/v1/models").json()["serving"] is None


def test_reload_keeps_the_pinned_version(registry: Registry, tmp_path: Path) -> None:
    _, client = _client(registry, tmp_path, model_version="v1")
    registry.promote("v2")
    assert client.post("/v1/models/reload").json()["version"] == "v1"


def test_reload_without_any_model_is_404(tmp_path: Path, codesets: CodeSets) -> None:
    app, client = _client(Registry(tmp_path / "empty"), tmp_path)
    app.state.suggester = current = _loaded(codesets, "heuristic-1")
    response = client.post("/v1/models/reload")
    assert response.status_code == 404
    assert "No versions" in response.json()["detail"]
    assert app.state.suggester is current


def test_reload_to_a_missing_pinned_version_is_404(registry: Registry, tmp_path: Path) -> None:
    _, client = _client(registry, tmp_path, model_version="v9")
    response = client.post("/v1/models/reload")
    assert response.status_code == 404
    assert "no version 'v9'" in response.json()["detail"]


def test_reload_refuses_a_model_file_that_does_not_open(
    registry: Registry, tmp_path: Path, codesets: CodeSets
) -> None:
    app, client = _client(registry, tmp_path)
    app.state.suggester = current = _loaded(codesets, "v1")
    info = registry.get("v1")
    info.model_path.write_bytes(b"truncated")
    response = client.post("/v1/models/reload")
    assert response.status_code == 409
    assert "changed: model.onnx" in response.json()["detail"]  # not the registered file
    assert app.state.suggester is current  # keeps serving the model it has
    info.folder.seal(info.manifest)  # as if a broken file had been registered
    response = client.post("/v1/models/reload")
    assert response.status_code == 409
    assert "Cannot load ONNX model" in response.json()["detail"]
    assert app.state.suggester is current
