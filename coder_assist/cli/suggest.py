"""`coder-assist suggest`: code suggestions for one note or a JSONL file of notes."""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from tqdm import tqdm

from coder_assist.errors import CoderAssistError

if TYPE_CHECKING:
    from coder_assist.suggest import Suggester

_WORKER: Suggester | None = None


def _process(line: str) -> tuple[str, bool]:
    """One JSONL input line to one JSONL output line (errors reported in-line)."""
    assert _WORKER is not None
    note_id: Any = None
    try:
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError("each line must be a JSON object with a string field 'text'")
        note_id = item.get("id")
        result = _WORKER.suggest(item["text"], None if note_id is None else str(note_id))
        return result.model_dump_json(), True
    except (ValueError, CoderAssistError) as exc:
        message = str(exc) if isinstance(exc, CoderAssistError) else f"invalid input line: {exc}"
        return json.dumps({"id": note_id, "error": message}), False


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


def suggest(
    text: str | None = typer.Option(
        None, "--text", "-t", help="Note text to code (else --input or stdin)."
    ),
    input: Path | None = typer.Option(
        None,
        "--input",
        "-i",
        exists=True,
        dir_okay=False,
        help="JSONL file, one {'id', 'text'} per line.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Where to write JSONL results (default stdout)."
    ),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes to use for --input."),
    model_version: str | None = typer.Option(
        None, "--model-version", help="Registry version to use."
    ),
    max_possible: int | None = typer.Option(
        None,
        "--max-possible",
        min=0,
        max=100,
        help="How many 'possible' codes to list after the suggested ones "
        "(default CODER_ASSIST_MAX_POSSIBLE, 20; 0 for none).",
    ),
) -> None:
    """Suggest ICD-10-CM and CPT/HCPCS codes with evidence spans.

    With --input, writes one result line per input line, in order; a bad line yields
    {"id", "error"} and a non-zero exit status at the end. Otherwise codes one note given
    with --text or on standard input and prints its JSON result.
    """
    from coder_assist.suggest import Suggester

    global _WORKER
    _WORKER = Suggester.load(model_version=model_version)
    if max_possible is not None:
        _WORKER = _WORKER.with_settings(
            _WORKER.settings.model_copy(update={"max_possible": max_possible})
        )
    if input is None:
        note = text if text is not None else sys.stdin.read()
        try:
            result = _WORKER.suggest(note)
        except CoderAssistError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(result.model_dump_json(indent=2))
        return
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    errors = 0
    try:
        lines = _lines(input)
        if workers > 1:
            ctx = mp.get_context("fork")
            with ctx.Pool(workers) as pool:
                results = pool.imap(_process, lines, chunksize=4)
                for res, ok in tqdm(results, desc="suggest", unit="note", disable=output is None):
                    errors += not ok
                    out.write(res + "\n")
        else:
            for line in tqdm(lines, desc="suggest", unit="note", disable=output is None):
                res, ok = _process(line)
                errors += not ok
                out.write(res + "\n")
    finally:
        if output:
            out.close()
    if errors:
        typer.echo(f"{errors} line(s) could not be processed; see their 'error' fields.", err=True)
        raise typer.Exit(1)
