"""Engine, migrations and sessions of the feedback store.

The schema is owned by the Alembic scripts shipped inside the package, and is brought
to the latest revision programmatically on first use, so an installed service needs no
`alembic.ini` and no manual migration step. SQLite (the default, a file under `./var/`)
runs in WAL mode with `synchronous=FULL`, so once a request has committed its decision
survives a crash of the process or the machine.
"""

from __future__ import annotations

import logging
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from coder_assist.errors import CoderAssistError

log = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every process migrating one database.
_PG_MIGRATION_LOCK = 0x0C0DE5A5


class FeedbackStoreError(CoderAssistError):
    """The feedback database is misconfigured, unreachable or could not be migrated."""


def safe_url(url: str | URL) -> str:
    """Render the URL with its password masked, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # WAL + FULL: a commit is on disk
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
    finally:
        cursor.close()


def create_db_engine(database_url: str) -> Engine:
    """Engine for `database_url` with the settings the store relies on.

    A SQLite file's parent folder is created, because the default `./var/` does not
    exist in a fresh checkout. An in-memory SQLite database is shared by all threads
    (FastAPI runs sync endpoints in a thread pool), otherwise each thread would see
    its own empty database.

    Raises:
        FeedbackStoreError: the URL cannot be parsed, names a driver that is not
            installed (PostgreSQL needs `psycopg`: `postgresql+psycopg://...`), or the
            SQLite file's folder cannot be created.

    """
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise FeedbackStoreError(
            "CODER_ASSIST_DATABASE_URL is not a valid SQLAlchemy URL; use e.g. "
            "sqlite:///./var/coder-assist.db or postgresql+psycopg://user@host:5432/db."
        ) from exc
    # hide_parameters: statement parameters (note text) never reach logs or exception text.
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        if _is_memory_sqlite(url):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            assert url.database is not None
            folder = Path(url.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise FeedbackStoreError(
                    f"Cannot create the folder {folder} for the SQLite feedback database "
                    f"({exc.strerror or type(exc).__name__}); point CODER_ASSIST_DATABASE_URL "
                    "at a writable location."
                ) from exc
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise FeedbackStoreError(
            f"Cannot create a database engine for {safe_url(url)}: {exc}. For PostgreSQL "
            "use the psycopg 3 driver: postgresql+psycopg://user@host:5432/dbname."
        ) from exc
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic configuration pointing at the migration scripts inside the package.

    Passing `connection` makes the migrations run on it (and on the engine settings
    that created it) rather than on a fresh engine built from a URL.
    """
    config = Config()
    location = resources.files("coder_assist.feedback").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest migration revision shipped with this package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a migration
        raise FeedbackStoreError("No feedback-store migrations are installed.")
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction.

    On PostgreSQL an advisory lock serialises concurrent upgrades, so several service
    workers starting together do not race to create the same tables.

    Raises:
        FeedbackStoreError: the database cannot be reached or a migration failed.

    """
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        raise FeedbackStoreError(
            f"Could not migrate the feedback database at {safe_url(engine.url)} "
            f"({type(exc).__name__}); check that it is reachable and writable, or set "
            "CODER_ASSIST_DATABASE_URL."
        ) from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose objects stay readable after commit (for the response)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def connect(database_url: str, *, migrate: bool = True) -> Engine:
    """Engine for the store, migrated to the latest schema: the trainer's entry point."""
    engine = create_db_engine(database_url)
    if migrate:
        try:
            upgrade(engine)
        except Exception:
            engine.dispose()
            raise
    return engine


class FeedbackDatabase:
    """The store's engine and session factory, created and migrated once, on first use.

    One instance lives on `app.state`; a failed start (database down) is not cached,
    so the next request tries again.
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The migrated engine (connects and migrates on first access)."""
        self._ensure()
        assert self._engine is not None
        return self._engine

    def session(self) -> Session:
        """Open a new session on the migrated database (connecting first if needed)."""
        self._ensure()
        assert self._sessions is not None
        return self._sessions()

    def _ensure(self) -> None:
        if self._sessions is not None:
            return
        with self._lock:
            if self._sessions is None:
                engine = connect(self.database_url)
                log.info("Feedback store ready at %s", safe_url(engine.url))
                self._engine = engine
                self._sessions = make_sessionmaker(engine)

    def dispose(self) -> None:
        """Close pooled connections; a later use reconnects."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None
            self._sessions = None


_STATE_LOCK = threading.Lock()


def app_database(state: Any, database_url: str) -> FeedbackDatabase:
    """Return the `FeedbackDatabase` kept on `state` (an `app.state`), creating it once.

    Creating it does not connect; the first session does. Other routers (e.g. one that
    starts retraining) share the same engine through this function.
    """
    db = getattr(state, "feedback_db", None)
    if db is None:
        with _STATE_LOCK:
            db = getattr(state, "feedback_db", None)
            if db is None:
                db = FeedbackDatabase(database_url)
                state.feedback_db = db
                log.info("Feedback store configured at %s", safe_url(database_url))
    return db
