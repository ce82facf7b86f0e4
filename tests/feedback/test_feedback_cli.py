"""`coder-assist db upgrade|current` against real databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder_assist.cli.main import app
from coder_assist.feedback import db

runner = CliRunner()


def test_current_then_upgrade_then_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'fb.db'}"
    before = runner.invoke(app, ["db", "current", "--url", url])
    assert before.exit_code == 0, before.output
    assert (
        "none (empty database)" in before.output
        and "needs `coder-assist db upgrade`" in before.output
    )

    upgraded = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"at revision {db.head_revision()}" in upgraded.output

    after = runner.invoke(app, ["db", "current", "--url", url])
    assert after.exit_code == 0 and "up to date" in after.output


def test_upgrade_uses_the_settings_url_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coder_assist.settings import get_settings

    path = tmp_path / "from-env.db"
    monkeypatch.setenv("CODER_ASSIST_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert path.is_file()


def test_upgrade_sql_prints_the_ddl_without_touching_the_database(pg_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--sql", "--url", pg_url])
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE feedback_submission" in result.output
    assert "CREATE TABLE feedback_decision" in result.output
    engine = db.create_db_engine(pg_url)
    try:
        assert db.current_revision(engine) is None
    finally:
        engine.dispose()


def test_unreachable_database_exits_nonzero_without_the_password() -> None:
    url = "postgresql+psycopg://coder:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2"
    for command in (["db", "upgrade", "--url", url], ["db", "current", "--url", url]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert "s3cret-pw" not in result.output
        assert "127.0.0.1:1/nowhere" in result.output
