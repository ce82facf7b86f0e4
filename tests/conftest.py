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


@pytest.fixture(scope="session")
def mention():  # type: ignore[no-untyped-def]
    """A factory of hand-built `MentionRef`s: a present, fully covered title match by default."""
    from dataclasses import replace

    from coder_assist.candidates import MentionRef

    base = MentionRef(
        start=0,
        end=10,
        text="x" * 10,
        section="assessment_plan",
        assertion="present",
        trigger=None,
        coverage=1.0,
        weight=3.0,
        source=0,
        n_keys=2,
        steps=0,
        matched_code="",
        rank_in_mention=0,
        mention_size=1,
    )

    def make(**changes: object) -> MentionRef:
        return replace(base, **changes)  # type: ignore[arg-type]

    return make
