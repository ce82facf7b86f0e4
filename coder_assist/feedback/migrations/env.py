"""Alembic environment for the feedback store.

Run programmatically by `coder_assist.feedback.db.upgrade`, which hands over an open
connection in `config.attributes["connection"]`; a URL in the config is the fallback
(for `alembic -x`-style use and offline `--sql` output).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from coder_assist.feedback.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from coder_assist.feedback.db import create_db_engine

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("No connection or sqlalchemy.url given to the feedback migrations.")
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            _configure(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
