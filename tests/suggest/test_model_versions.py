"""Every committed model version stays servable with the current code (roll-back).

Versions are immutable, so a version trained before a feature was added must still load
and score; the service picks its columns by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coder_assist.codesets import CodeSets
from coder_assist.errors import ModelIntegrityError
from coder_assist.ranking.registry import Registry
from coder_assist.settings import get_settings
from coder_assist.suggest import Suggester

VERSIONS = [info.version for info in Registry.from_settings(get_settings()).list()]

NOTE = (
    "Assessment: Type 2 diabetes mellitus without complications. Essential hypertension.\n"
    "Denies chest pain."
)


@pytest.mark.parametrize("version", VERSIONS)
def test_committed_version_loads_and_suggests(version: str, codesets: CodeSets) -> None:
    suggester = Suggester.load(model_version=version, codesets=codesets)
    assert suggester.model_version == version
    result = suggester.suggest(NOTE, "versions-1")
    assert result.model_version == version
    codes = {s.code: s for s in result.suggestions}
    assert codes["E11.9"].status == "suggested"
    assert codes["I10"].status == "suggested"
    assert all(0.0 <= s.score <= 1.0 for s in result.suggestions)


@pytest.mark.parametrize("version", VERSIONS)
def test_committed_version_files_match_their_manifest(version: str) -> None:
    Registry.from_settings(get_settings()).get(version).verify()


def test_a_tampered_copy_of_the_active_version_is_not_served(
    tmp_path: Path, codesets: CodeSets
) -> None:
    settings = get_settings()
    active = Registry.from_settings(settings).resolve()
    models = tmp_path / "models"
    shutil.copytree(settings.models_dir / settings.model_name, models / settings.model_name)
    priors = models / settings.model_name / active.version / "priors.json"
    priors.write_text(priors.read_text("utf-8").replace('"n_notes": ', '"n_notes": 1'), "utf-8")
    tampered = settings.model_copy(update={"models_dir": models})
    with pytest.raises(ModelIntegrityError, match=r"changed: priors\.json"):
        Suggester.load(tampered, codesets=codesets)
