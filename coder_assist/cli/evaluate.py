"""`coder-assist evaluate`: MAP, P/R/F1, candidate recall and evidence validity on coded notes."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def format_table(report: dict[str, object]) -> str:
    """A small plain-text table of the headline figures."""
    full = report["full_code"]
    cat = report["category"]
    assert isinstance(full, dict) and isinstance(cat, dict)
    rows = [
        ("notes", f"{report['notes']}"),
        ("model version", f"{report['model_version']}"),
        ("MAP (ranked ICD-10-CM)", f"{report['map']:.4f}"),
        (
            "micro P / R / F1, full code",
            f"{full['precision']:.4f} / {full['recall']:.4f} / {full['f1']:.4f}",
        ),
        (
            "micro P / R / F1, category",
            f"{cat['precision']:.4f} / {cat['recall']:.4f} / {cat['f1']:.4f}",
        ),
        ("candidate recall, full code", f"{report['candidate_recall']:.4f}"),
        ("candidate recall, category", f"{report['candidate_recall_category']:.4f}"),
        ("evidence spans valid", f"{report['evidence_valid']:.4f} of {report['evidence_spans']}"),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


def evaluate(
    data: Path = typer.Option(
        ..., "--data", "-d", help="CodiEsp split folder (text_files_en/ and <split>D.tsv)."
    ),
    model_version: str | None = typer.Option(
        None, "--model-version", help="Registry version to evaluate."
    ),
    heuristic: bool = typer.Option(
        False, "--heuristic", help="Ignore trained models; score heuristically."
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Evaluate only the first N notes."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the full report (per note) as JSON."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Score a model on coded notes: MAP, micro P/R/F1, candidate recall, evidence validity."""
    if not data.is_dir():
        typer.echo(f"error: {data} not found; pass a CodiEsp split folder with --data.", err=True)
        raise typer.Exit(2)
    from coder_assist.suggest import Suggester
    from coder_assist.training.codiesp import load_split
    from coder_assist.training.evaluate import evaluate as run_evaluation

    suggester = Suggester.load(model_version=model_version, use_model=not heuristic)
    docs = load_split(data)[:limit] if limit else load_split(data)
    report = run_evaluation(suggester, docs)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=1), encoding="utf-8")
    summary = {k: v for k, v in report.items() if k != "per_note"}
    typer.echo(json.dumps(summary, indent=2) if as_json else format_table(summary))
