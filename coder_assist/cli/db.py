"""`coder-assist db ...`: create or upgrade the feedback database, show its revision.

The service migrates on first use anyway; these commands are for operators who want to
migrate before starting it, check a deployment, or hand SQL to a DBA (`--sql`).
"""

from __future__ import annotations

import typer
from alembic import command
from sqlalchemy.exc import SQLAlchemyError

from coder_assist.feedback import db
from coder_assist.settings import get_settings

app = typer.Typer(help="Manage the feedback database (SQLite or PostgreSQL).", no_args_is_help=True)

_URL_HELP = (
    "SQLAlchemy URL; defaults to CODER_ASSIST_DATABASE_URL (sqlite:///./var/coder-assist.db)."
)


def _url(url: str | None) -> str:
    return url or get_settings().database_url


@app.command("upgrade")
def upgrade(
    url: str | None = typer.Option(None, "--url", help=_URL_HELP),
    revision: str = typer.Option("head", help="Target revision."),
    sql: bool = typer.Option(
        False, "--sql", help="Print the SQL instead of running it (for review by a DBA)."
    ),
) -> None:
    """Create the tables or bring them to the latest schema (safe to repeat)."""
    target = _url(url)
    if sql:
        command.upgrade(db.alembic_config(url=target), revision, sql=True)
        return
    try:
        engine = db.connect(target, migrate=False)
        try:
            db.upgrade(engine, revision)
            current = db.current_revision(engine)
        finally:
            engine.dispose()
    except db.FeedbackStoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{db.safe_url(target)} is at revision {current}")


@app.command("current")
def current(url: str | None = typer.Option(None, "--url", help=_URL_HELP)) -> None:
    """Print the database's schema revision and the newest one this version ships."""
    target = _url(url)
    try:
        engine = db.create_db_engine(target)
        try:
            revision = db.current_revision(engine)
        finally:
            engine.dispose()
    except db.FeedbackStoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except SQLAlchemyError as exc:
        typer.echo(
            f"error: cannot read {db.safe_url(target)} ({type(exc).__name__}); check the URL "
            "and that the server is running.",
            err=True,
        )
        raise typer.Exit(1) from exc
    head = db.head_revision()
    state = "up to date" if revision == head else "needs `coder-assist db upgrade`"
    typer.echo(f"current: {revision or 'none (empty database)'}\nhead: {head}\n{state}")
