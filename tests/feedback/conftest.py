"""Databases for the feedback-store tests: a fresh SQLite file, and PostgreSQL when a
server answers at 127.0.0.1:5432 (database `test`, trust auth), in a throw-away schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from coder_assist.feedback import db

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_DB = "test"


def _pg_admin_user() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(
                host=PG_HOST, port=PG_PORT, dbname=PG_DB, user=user, connect_timeout=2
            ):
                return user
        except psycopg.Error:
            continue
    return None


@pytest.fixture(scope="session")
def pg_user() -> str:
    user = _pg_admin_user()
    if user is None:
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}/{PG_DB}")
    return user


@pytest.fixture
def pg_url(pg_user: str) -> Iterator[str]:
    """URL whose search_path is a fresh schema, dropped (with all tables) afterwards."""
    import psycopg

    schema = f"fb_test_{uuid.uuid4().hex[:12]}"
    conninfo = {"host": PG_HOST, "port": PG_PORT, "dbname": PG_DB, "user": pg_user}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            f"postgresql+psycopg://{pg_user}@{PG_HOST}:{PG_PORT}/{PG_DB}"
            f"?options=-csearch_path%3D{schema}"
        )
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nested' / 'feedback.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each store test runs on both back ends."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = db.connect(db_url)
    try:
        yield eng
    finally:
        eng.dispose()
