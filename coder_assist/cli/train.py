"""`coder-assist train`: train a new ranker version from CodiEsp data and/or coder feedback."""

from __future__ import annotations

from pathlib import Path

import typer

from coder_assist.errors import CoderAssistError
from coder_assist.settings import get_settings


def _fmt(metrics: dict[str, float] | None) -> str:
    if not metrics:
        return "-"
    return (
        f"MAP {metrics['map']:.4f}  F1 {metrics['f1']:.4f}  "
        f"cand.recall {metrics['candidate_recall']:.4f}"
    )


def train(
    plus: list[Path] = typer.Option(
        [],
        "--plus",
        help="Training data: CodiEsp-layout split folder(s) or coded-notes JSONL file(s) "
        "({'id','text','codes':[{'system','code'}]}); repeatable.",
    ),
    from_feedback: bool = typer.Option(
        False,
        "--from-feedback",
        help="Train on stored coder decisions (accepted/added vs rejected).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Registry folder models/<name> (default: settings models_dir/model_name).",
    ),
    dev: Path | None = typer.Option(
        None,
        "--dev",
        help="CodiEsp dev folder to report on (default ../shared/data/codiesp/dev if present).",
    ),
    version: str | None = typer.Option(
        None, "--version", help="Version id (default YYYY.MM.DD-N)."
    ),
    promote: bool = typer.Option(
        False, "--promote", help="Promote the new version if it is not worse."
    ),
    holdout: float = typer.Option(
        0.1, "--holdout", min=0.0, max=0.5, help="Share of notes held back for comparison."
    ),
    notes: str = typer.Option("", "--notes", help="Free text stored in the manifest."),
) -> None:
    """Train, evaluate and register a ranker version (not active until promoted).

    Builds features for every candidate of every training note (priors and text scores
    out-of-fold), compares logistic regression with gradient-boosted trees by grouped
    cross-validation, calibrates the better one, picks the suggestion threshold on the
    training folds, exports it to ONNX, evaluates it and the active model on a held-back
    slice and CodiEsp dev, and writes metrics and plots into the version folder.
    """
    settings = get_settings()
    if out is not None:
        settings = settings.model_copy(update={"models_dir": out.parent, "model_name": out.name})
    if dev is None:
        default_dev = Path("../shared/data/codiesp/dev")
        dev = default_dev if default_dev.is_dir() else None
    from coder_assist.training.train import train as run_training

    try:
        result = run_training(
            settings=settings,
            plus=list(plus),
            from_feedback=from_feedback,
            dev=dev,
            version=version,
            holdout_fraction=holdout,
            notes_text=notes,
        )
    except CoderAssistError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    info = result.info
    typer.echo(f"registered {info.name} {info.version} at {info.path}")
    for name, metrics in result.metrics.items():
        typer.echo(f"  {name:12s} new    {_fmt(metrics)}")
        if result.active_metrics is not None:
            typer.echo(
                f"  {name:12s} active {_fmt(result.active_metrics.get(name))} "
                f"({result.active_version})"
            )
    if promote:
        from coder_assist.ranking.registry import Registry

        try:
            Registry.from_settings(settings).promote(info.version)
        except CoderAssistError as exc:
            typer.echo(f"not promoted: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"promoted {info.version}")
    else:
        typer.echo(f"promote with: coder-assist models promote {info.version}")
