"""`coder-assist codes ...`: code-set lookup, statistics, licensed-file import, benchmark."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from coder_assist.codesets import CodeSets
from coder_assist.codesets.codeset import NOTE_FIELDS
from coder_assist.codesets.normalize import normalize_system
from coder_assist.codesets.starter import import_file
from coder_assist.errors import CoderAssistError
from coder_assist.settings import get_settings

app = typer.Typer(help="Look up ICD-10-CM, CPT and HCPCS codes.", no_args_is_help=True)


def _load() -> CodeSets:
    return CodeSets.load(get_settings())


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.command("build-cache")
def build_cache(
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Rebuild even when a cache for these sources exists."
    ),
) -> None:
    """Parse the code sets and write the cache (done by `make setup`; safe to repeat)."""
    cs = CodeSets.load(get_settings(), rebuild=rebuild)
    typer.echo(json.dumps(cs.stats()))


@app.command("search")
def search(
    query: str = typer.Argument(..., help="Words, an abbreviation (chf, T2DM) or a code."),
    system: str | None = typer.Option(
        None, "--system", "-s", help="Only this system: ICD-10-CM, CPT or HCPCS."
    ),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=1000, help="Most hits to show."),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
) -> None:
    """Search codes by words, abbreviations or code; typos are tolerated."""
    try:
        hits = _load().search(query, system=system, limit=limit)
    except CoderAssistError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "code": h.code,
                        "system": h.system,
                        "description": h.description,
                        "score": h.score,
                        "billable": h.billable,
                    }
                    for h in hits
                ],
                indent=2,
            )
        )
        return
    width = max((len(h.code) for h in hits), default=4)
    for h in hits:
        flag = "billable" if h.billable else "header  "
        typer.echo(f"{h.code:<{width}}  {h.system:<9}  {flag}  {h.score:.2f}  {h.description}")


@app.command("show")
def show(
    code: str = typer.Argument(..., help="A code as typed: E11.9, e119, S72.001A, 99213, J1885."),
    system: str | None = typer.Option(
        None, "--system", "-s", help="Look only in this system (ICD-10-CM, CPT, HCPCS)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the code as JSON."),
) -> None:
    """Show one code with all its notes, 7th characters, parent and children."""
    try:
        sys_name = normalize_system(system) if system else None
        cs = _load()
    except CoderAssistError as exc:
        raise _fail(str(exc)) from exc
    found = cs.get(code, sys_name)
    if found is None:
        where = sys_name or "ICD-10-CM, CPT or HCPCS"
        raise _fail(
            f"Unknown code {code!r} in {where}. "
            f"Try `coder-assist codes search {code!r}` to find similar codes.",
            code=1,
        )
    detail = cs.detail(found)
    if as_json:
        typer.echo(json.dumps(detail, indent=2))
        return
    typer.echo(_render(detail))


def _render(d: dict[str, Any]) -> str:
    status = "billable" if d["billable"] else "not billable (header or needs more characters)"
    lines = [f"{d['code']}  [{d['system']}, {d['kind']}, {status}]", f"  {d['description']}"]
    if d["parent"]:
        lines.append(f"Parent: {d['parent']['code']}  {d['parent']['description']}")
    if d["terms"]:
        lines.append("Terms: " + "; ".join(d["terms"]))
    for field, label in NOTE_FIELDS:
        if d[field]:
            lines.append(f"{label}:")
            lines.extend(f"  - {text}" for text in d[field])
    if d["seventh_characters"]:
        lines.append("7th characters:")
        lines.extend(f"  {s['character']}  {s['meaning']}" for s in d["seventh_characters"])
    if d["children"]:
        lines.append(f"Children ({len(d['children'])}):")
        for k in d["children"]:
            flag = "" if k["billable"] else "  (header)"
            lines.append(f"  {k['code']}  {k['description']}{flag}")
    for inherited in d["inherited_notes"]:
        lines.append(f"Notes from {inherited['code']} ({inherited['kind']}):")
        for field, label in NOTE_FIELDS:
            for text in inherited.get(field, []):
                lines.append(f"  {label}: {text}")
    lines.append(f"Source: {d['source']}")
    return "\n".join(lines)


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON.")) -> None:
    """Count codes per system (all entries and billable codes)."""
    counts = _load().stats()
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    for sys_name, table in counts.items():
        extra = ", ".join(f"{k} {v:,}" for k, v in table.items() if k not in ("total", "billable"))
        line = f"{sys_name:<9}  {table['total']:>7,} entries  {table['billable']:>7,} billable"
        typer.echo(line + (f"  ({extra})" if extra else ""))


@app.command("import")
def import_codes(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV or TSV of `code, description`."
        ),
    ],
    system: Annotated[str, typer.Option("--system", "-s", help="CPT or HCPCS.")],
) -> None:
    """Import a licensed CPT or HCPCS file; imported codes replace the starter set's."""
    settings = get_settings()
    try:
        sys_name = normalize_system(system)
        count = import_file(sys_name, file, settings.data_dir)
    except CoderAssistError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(
        f"Imported {count:,} {sys_name} codes into {settings.data_dir}; "
        "the code-set cache is rebuilt on next use."
    )


@app.command("bench")
def bench(
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Measure warm load time and search latency (p50/p95) over mixed queries."""
    from coder_assist.codesets.bench import run_bench

    result = run_bench(echo=not as_json)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
