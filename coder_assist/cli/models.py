"""`coder-assist models ...`: list registered ranker versions, check their files, promote one.

Promotion only changes the registry's ACTIVE pointer; a running service switches on its
next `POST /v1/models/reload` (or restart).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from coder_assist.errors import CoderAssistError
from coder_assist.ranking.registry import ModelInfo, Registry
from coder_assist.settings import get_settings

app = typer.Typer(help="List, verify and promote trained ranker versions.", no_args_is_help=True)

_DIR_HELP = "Registry root; defaults to CODER_ASSIST_MODELS_DIR (./models)."
_NAME_HELP = "Model name in the registry; defaults to CODER_ASSIST_MODEL_NAME (coder-assist)."
# Metrics shown in the table, in this order, when a version reports them.
KEY_METRICS = ("map", "f1", "average_precision", "precision", "recall")


def _registry(models_dir: Path | None, name: str | None) -> Registry:
    settings = get_settings()
    return Registry(models_dir or settings.models_dir, name or settings.model_name)


def _fail(exc: CoderAssistError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def _key_metrics(info: ModelInfo) -> str:
    parts = []
    for set_name, values in sorted(info.metrics.items()):
        shown = [f"{m}={values[m]:.3f}" for m in KEY_METRICS if m in values]
        if shown:
            parts.append(f"{set_name}: {' '.join(shown)}")
    return "; ".join(parts) or "-"


def _as_json(info: ModelInfo, active: str | None) -> dict[str, Any]:
    m = info.manifest
    return {
        "version": info.version,
        "active": info.version == active,
        "created_at": m.created_at.isoformat(),
        "model_type": m.model_type,
        "threshold": m.threshold,
        "n_features": len(m.features),
        "metrics": m.metrics,
        "parent_version": m.parent_version,
        "notes": m.notes,
        "path": str(info.path),
    }


@app.command("list")
def list_versions(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table."),
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help=_DIR_HELP)] = None,
    name: Annotated[str | None, typer.Option("--name", help=_NAME_HELP)] = None,
) -> None:
    """Show every version, oldest first; `*` marks the active one."""
    try:
        registry = _registry(models_dir, name)
        versions = registry.list()
        active = registry.active_version()
    except CoderAssistError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps([_as_json(v, active) for v in versions], indent=2))
        return
    if not versions:
        typer.echo(f"No versions of {registry.name!r} in {registry.root}.")
        return
    if active is not None and active not in {v.version for v in versions}:
        typer.echo(f"warning: ACTIVE names missing version {active!r}", err=True)
    width = max(len(v.version) for v in versions)
    typer.echo(f"  {'VERSION':<{width}}  {'CREATED (UTC)':<19}  {'MODEL':<22}  THRESH  METRICS")
    for v in versions:
        mark = "*" if v.version == active else " "
        created = v.created_at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(
            f"{mark} {v.version:<{width}}  {created:<19}  {v.manifest.model_type:<22}  "
            f"{v.manifest.threshold:.3f}   {_key_metrics(v)}"
        )


@app.command("promote")
def promote(
    version: str = typer.Argument(..., help="Version id to make active (see `models list`)."),
    force: bool = typer.Option(
        False, "--force", help="Promote even if it scores worse than the active version."
    ),
    metric: str = typer.Option(
        "map", "--metric", help="Metric compared on the evaluation sets both versions report."
    ),
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help=_DIR_HELP)] = None,
    name: Annotated[str | None, typer.Option("--name", help=_NAME_HELP)] = None,
) -> None:
    """Make VERSION the active model, refusing a worse one unless --force is given."""
    try:
        registry = _registry(models_dir, name)
        previous = registry.active_version()
        registry.promote(version, force=force, compare_metric=metric)
    except CoderAssistError as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"{registry.name} {version} is now active (was {previous or 'none'}). "
        "Running services switch on POST /v1/models/reload or restart."
    )


@app.command("verify")
def verify(
    version: str | None = typer.Argument(
        None, help="Version id to check; every version when omitted."
    ),
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help=_DIR_HELP)] = None,
    name: Annotated[str | None, typer.Option("--name", help=_NAME_HELP)] = None,
) -> None:
    """Check a version's files against the SHA-256 checksums in its manifest.

    The service refuses to load a version that fails this check; exit code 1 if any does.
    """
    try:
        registry = _registry(models_dir, name)
        versions = [registry.get(version)] if version else registry.list()
    except CoderAssistError as exc:
        raise _fail(exc) from exc
    failed = 0
    for info in versions:
        try:
            info.verify()
        except CoderAssistError as exc:
            failed += 1
            typer.echo(f"FAIL {info.version}: {exc}", err=True)
        else:
            typer.echo(f"ok   {info.version} ({len(info.manifest.files)} files)")
    if failed:
        raise typer.Exit(1)
