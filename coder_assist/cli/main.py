"""`coder-assist` command line (typer). Each command group lives in its own module."""

from __future__ import annotations

import logging

import typer

from coder_assist._version import __version__
from coder_assist.cli import codes, db, models
from coder_assist.cli.evaluate import evaluate
from coder_assist.cli.suggest import suggest
from coder_assist.cli.train import train

app = typer.Typer(
    name="coder-assist",
    help="Offline NLP-assisted ICD-10-CM and CPT/HCPCS coding suggestions with evidence spans.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(codes.app, name="codes")
app.add_typer(db.app, name="db")
app.add_typer(models.app, name="models")
app.command("suggest")(suggest)
app.command("evaluate")(evaluate)
app.command("train")(train)


@app.command("bench")
def bench(
    data: str = typer.Option(
        "../shared/data/codiesp/dev",
        "--data",
        help="CodiEsp split folder of notes (fixtures if missing).",
    ),
) -> None:
    """Print search p50/p95, load time, per-note latency, notes/s with 1 and 2 workers, peak RSS."""
    from pathlib import Path

    from coder_assist.bench import run

    run(data=Path(data), printer=typer.echo)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Suggest codes for clinical notes, look up code sets, train and evaluate models."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
