"""The shipped Alembic migrations build the schema the ORM models describe."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from coder_assist.feedback import db
from coder_assist.feedback.models import Base

TABLES = {"alembic_version", "feedback_submission", "feedback_decision"}


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


def _check_fresh_upgrade(url: str) -> None:
    engine = db.create_db_engine(url)
    try:
        assert db.current_revision(engine) is None
        assert not set(inspect(engine).get_table_names()) & TABLES
        db.upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert db.current_revision(engine) == db.head_revision()
        assert _schema_diff(engine) == []
        db.upgrade(engine)  # repeating is a no-op
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()


def test_empty_sqlite_file_is_migrated_to_head(tmp_path: Path) -> None:
    path = tmp_path / "var" / "deeper" / "coder-assist.db"
    _check_fresh_upgrade(f"sqlite:///{path}")
    assert path.is_file()  # the missing parent folders were created


def test_empty_postgres_schema_is_migrated_to_head(pg_url: str) -> None:
    _check_fresh_upgrade(pg_url)


def _constraint_names(engine: Engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    out: dict[str, set[str]] = {}
    for table in ("feedback_submission", "feedback_decision"):
        names = {c["name"] for c in insp.get_check_constraints(table)}
        names |= {c["name"] for c in insp.get_unique_constraints(table)}
        names |= {c["name"] for c in insp.get_foreign_keys(table)}
        names |= {i["name"] for i in insp.get_indexes(table)}
        out[table] = {n for n in names if n}
    return out


def _model_constraint_names() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table in ("feedback_submission", "feedback_decision"):
        t = Base.metadata.tables[table]
        names = {str(c.name) for c in t.constraints if c.name and c is not t.primary_key}
        names |= {str(i.name) for i in t.indexes}
        out[table] = names
    return out


def test_migrated_constraint_names_match_the_models(engine: Engine) -> None:
    migrated = _constraint_names(engine)
    expected = _model_constraint_names()
    assert "ck_feedback_decision_decision_kind" in expected["feedback_decision"]
    assert migrated == expected


def test_downgrade_to_base_removes_the_tables(db_url: str) -> None:
    engine = db.connect(db_url)
    try:
        with engine.begin() as conn:
            command.downgrade(db.alembic_config(conn), "base")
        assert not set(inspect(engine).get_table_names()) & (TABLES - {"alembic_version"})
        assert db.current_revision(engine) is None
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(sqlite_url: str) -> None:
    engine = db.connect(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_for_all_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = db.connect("sqlite://")
    try:
        with ThreadPoolExecutor(2) as pool:
            names = pool.submit(lambda: set(inspect(engine).get_table_names())).result()
        assert names >= TABLES
    finally:
        engine.dispose()


def test_migrations_and_template_ship_inside_the_package() -> None:
    root = resources.files("coder_assist.feedback").joinpath("migrations")
    assert root.joinpath("env.py").is_file()
    assert root.joinpath("script.py.mako").is_file()
    versions = [p.name for p in root.joinpath("versions").iterdir() if p.name[:1].isdigit()]
    assert "0001_create_feedback_tables.py" in versions


def test_invalid_url_is_an_actionable_error() -> None:
    with pytest.raises(db.FeedbackStoreError, match="CODER_ASSIST_DATABASE_URL"):
        db.create_db_engine("not a url")


def test_unreachable_server_error_hides_the_password() -> None:
    url = "postgresql+psycopg://coder:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(db.FeedbackStoreError) as info:
        db.connect(url)
    assert "s3cret-pw" not in str(info.value)
    assert "127.0.0.1:1/nowhere" in str(info.value)
