"""Fixtures for the API tests: the real app sharing the session's code sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coder_assist.api.app import create_app
from coder_assist.codesets import CodeSets
from coder_assist.settings import Settings


@pytest.fixture(scope="session")
def codes_client(
    codesets: CodeSets, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A client of the real app; the code sets are borrowed instead of loaded again."""
    base: Path = tmp_path_factory.mktemp("codes-api")
    settings = Settings(database_url=f"sqlite:///{base / 'feedback.db'}", data_dir=base / "data")
    app = create_app(settings)
    app.state.codesets = codesets
    with TestClient(app) as client:
        yield client
