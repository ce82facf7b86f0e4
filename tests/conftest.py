"""Shared fixtures: the code sets are loaded once per test session (from the warm cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder_assist.codesets import CodeSets

REPO = Path(__file__).resolve().parents[1]
CODIESP = REPO.parent / "shared" / "data" / "codiesp"


@pytest.fixture(scope="session")
def codesets() -> CodeSets:
    return CodeSets.load()


@pytest.fixture(scope="session")
def codiesp_dir() -> Path:
    if not (CODIESP / "dev").is_dir():
        pytest.skip(f"CodiEsp data not found at {CODIESP}")
    return CODIESP


@pytest.fixture(scope="session")
def suggester(codesets: CodeSets):  # type: ignore[no-untyped-def]
    """The suggester with the bundled (active) model, loaded once."""
    from coder_assist.suggest import Suggester

    return Suggester.load(codesets=codesets)


@pytest.fixture(scope="session")
def heuristic_suggester(codesets: CodeSets):  # type: ignore[no-untyped-def]
    """The pipeline with heuristic scores (no trained model)."""
    from coder_assist.suggest import Suggester

    return Suggester.load(codesets=codesets, use_model=False)
