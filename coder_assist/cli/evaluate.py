"""`coder-assist evaluate`: how good the public response is on coded notes.

Any number of `--data` sets (CodiEsp split folders, corpus JSONL files or folders of
them) are scored on the response an EHR receives and shown side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer


def _fmt_prf(prf: dict[str, float]) -> str:
    return f"{prf['precision']:.4f} / {prf['recall']:.4f} / {prf['f1']:.4f}"


ROWS: tuple[tuple[str, Any], ...] = (
    ("notes", lambda r: f"{r['notes']}"),
    ("MAP (whole response, ICD-10-CM)", lambda r: f"{r['map']:.4f}"),
    ("ICD-10-CM P / R / F1 (suggested)", lambda r: _fmt_prf(r["icd"])),
    ("first-listed diagnosis right", lambda r: f"{r['first_listed_accuracy']:.4f}"),
    ("CPT/HCPCS P / R / F1 (suggested)", lambda r: _fmt_prf(r["cpt_hcpcs"])),
    ("E/M code exact", lambda r: f"{r['em_exact']:.4f} of {r['em_notes']}"),
    ("ruled-out conditions suggested", lambda r: f"{r['ruled_out_suggested']}"),
)


def format_table(reports: dict[str, dict[str, Any]]) -> str:
    """The headline figures of each evaluation set, one column per set."""
    names = list(reports)
    cells = [[label, *(fmt(reports[n]) for n in names)] for label, fmt in ROWS]
    header = ["", *names]
    widths = [max(len(str(row[i])) for row in [header, *cells]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
        for row in [header, *cells]
    ]
    first = next(iter(reports.values()))
    return "\n".join([f"model version {first['model_version']}", *lines])


def format_breakdown(name: str, report: dict[str, Any]) -> str:
    """ICD-10-CM F1 and E/M accuracy by setting for one set."""
    lines = [f"{name} by setting:"]
    for setting, r in report["by_setting"].items():
        lines.append(
            f"  {setting:<20} {r['notes']:>4} notes  ICD P/R/F1 {_fmt_prf(r['icd'])}  "
            f"first-listed {r['first_listed_accuracy']:.3f}  E/M {r['em_exact']:.3f}"
        )
    return "\n".join(lines)


def evaluate(
    data: list[Path] = typer.Option(
        ...,
        "--data",
        "-d",
        help="Coded notes: a CodiEsp split folder, a corpus .jsonl file or a folder of them "
        "(repeat for several sets, shown side by side).",
    ),
    model_version: str | None = typer.Option(
        None, "--model-version", help="Registry version to evaluate."
    ),
    heuristic: bool = typer.Option(
        False, "--heuristic", help="Ignore trained models; score heuristically."
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Evaluate only the first N notes of each set."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the full reports (per set, per note) as JSON."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summaries as JSON."),
    by_setting: bool = typer.Option(
        False, "--by-setting", help="Also print the figures of each setting."
    ),
) -> None:
    """Score a model on the public response: MAP, P/R/F1, first-listed, CPT, E/M."""
    missing = [str(d) for d in data if not d.exists()]
    if missing:
        typer.echo(f"error: not found: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    from coder_assist.codesets import CodeSets
    from coder_assist.errors import CoderAssistError
    from coder_assist.suggest import Suggester
    from coder_assist.training.corpus import load_notes
    from coder_assist.training.response_metrics import evaluate_response

    codesets = CodeSets.load()
    suggester = Suggester.load(
        model_version=model_version, use_model=not heuristic, codesets=codesets
    )
    reports: dict[str, dict[str, Any]] = {}
    for path in data:
        try:
            notes = load_notes(path, codesets)
        except CoderAssistError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        name = path.name if path.name not in reports else str(path)
        reports[name] = evaluate_response(suggester, notes[:limit] if limit else notes, desc=name)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(reports, indent=1), encoding="utf-8")
    summaries = {k: {x: y for x, y in v.items() if x != "per_note"} for k, v in reports.items()}
    if as_json:
        typer.echo(json.dumps(summaries, indent=2))
        return
    typer.echo(format_table(summaries))
    if by_setting:
        for name, report in summaries.items():
            typer.echo(format_breakdown(name, report))
