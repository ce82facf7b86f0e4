"""Fixtures for the CLI tests: a runner, and settings isolated in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder_assist.settings import Settings, get_settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Point the CLI's cache and data folders at tmp, so the user's cache is not touched."""
    monkeypatch.setenv("CODER_ASSIST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CODER_ASSIST_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        get_settings.cache_clear()
