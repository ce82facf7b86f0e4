from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder_assist.cli.main import app
from coder_assist.ranking.model import FittedRanker
from coder_assist.ranking.registry import Registry

runner = CliRunner()


@pytest.fixture
def models_dir(tmp_path: Path, fitted_lr: FittedRanker) -> Path:
    data = tmp_path / "train.tsv"
    data.write_text("note\tcode\n", encoding="utf-8")
    registry = Registry(tmp_path / "models", "coder-assist")
    for version, map_ in (("2026.11.27-1", 0.40), ("2026.11.28-1", 0.35)):
        registry.create_version(
            fitted_lr,
            version=version,
            metrics={"dev": {"map": map_, "f1": 0.5}},
            training_data=[data],
            licence=[],
        )
    registry.promote("2026.11.27-1")
    return tmp_path / "models"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["models", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_marks_the_active_version(models_dir: Path) -> None:
    code, out, _ = _run("list", "--models-dir", str(models_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["VERSION", "CREATED"]
    active = next(line for line in lines if "2026.11.27-1" in line)
    other = next(line for line in lines if "2026.11.28-1" in line)
    assert active.startswith("* ") and not other.startswith("*")
    assert "dev: map=0.400 f1=0.500" in active
    assert "logistic_regression" in active


def test_list_json(models_dir: Path) -> None:
    code, out, _ = _run("list", "--json", "--models-dir", str(models_dir))
    assert code == 0
    rows = json.loads(out)
    assert [(r["version"], r["active"]) for r in rows] == [
        ("2026.11.27-1", True),
        ("2026.11.28-1", False),
    ]
    assert rows[0]["metrics"] == {"dev": {"map": 0.4, "f1": 0.5}}
    assert 0 < rows[0]["threshold"] < 1


def test_list_of_an_empty_registry(tmp_path: Path) -> None:
    code, out, _ = _run("list", "--models-dir", str(tmp_path))
    assert code == 0 and "No versions of 'coder-assist'" in out
    code, out, _ = _run("list", "--json", "--models-dir", str(tmp_path))
    assert json.loads(out) == []


def test_promote_refuses_a_worse_version_then_forces_it(models_dir: Path) -> None:
    code, _, err = _run("promote", "2026.11.28-1", "--models-dir", str(models_dir))
    assert code == 1
    assert "worse than active 2026.11.27-1" in err and "--force" in err
    assert Registry(models_dir).active_version() == "2026.11.27-1"
    code, out, _ = _run("promote", "2026.11.28-1", "--force", "--models-dir", str(models_dir))
    assert code == 0
    assert "2026.11.28-1 is now active (was 2026.11.27-1)" in out
    assert Registry(models_dir).active_version() == "2026.11.28-1"


def test_promote_compares_on_the_chosen_metric(models_dir: Path) -> None:
    code, _, _ = _run("promote", "2026.11.28-1", "--metric", "f1", "--models-dir", str(models_dir))
    assert code == 0  # equal F1 is not worse


def test_promote_unknown_version_fails_with_the_known_ones(models_dir: Path) -> None:
    code, _, err = _run("promote", "nope", "--models-dir", str(models_dir))
    assert code == 1
    assert "no version 'nope'" in err and "2026.11.27-1" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["models", "--help"], "List, verify and promote trained ranker versions"),
        (["models", "list", "--help"], "marks the active one"),
        (["models", "promote", "--help"], "--force"),
        (["models", "verify", "--help"], "SHA-256"),
    ],
)
def test_help(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert expected in result.stdout


def test_verify_reports_each_version_and_fails_on_a_changed_file(models_dir: Path) -> None:
    code, out, _ = _run("verify", "--models-dir", str(models_dir))
    assert code == 0
    assert out.splitlines() == [
        "ok   2026.11.27-1 (2 files)",  # model.onnx and metrics.json
        "ok   2026.11.28-1 (2 files)",
    ]
    (models_dir / "coder-assist" / "2026.11.28-1" / "metrics.json").write_text("{}")
    code, out, err = _run("verify", "--models-dir", str(models_dir))
    assert code == 1
    assert "ok   2026.11.27-1" in out
    assert "FAIL 2026.11.28-1" in err and "changed: metrics.json" in err
    code, _, err = _run("verify", "2026.11.28-9", "--models-dir", str(models_dir))
    assert code == 1 and "no version '2026.11.28-9'" in err
