"""CPT and HCPCS Level II code files: our own starter sets and a licensed-file importer.

CPT descriptors are the AMA's copyright, so the starter sets carry code numbers with
descriptions written by this project in plain words. A site with a CPT licence imports
the full file with `coder-assist codes import`; imported rows take precedence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from importlib import resources
from pathlib import Path

from coder_assist.codesets.model import Code, System
from coder_assist.errors import ImportFileError

STARTER_FILES: dict[str, str] = {"CPT": "cpt_starter.tsv", "HCPCS": "hcpcs_starter.tsv"}
STARTER_LABEL = "coder-assist starter set (descriptions in our own words, not AMA text)"
IMPORT_LABEL = "imported licensed file"

_CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "CPT": re.compile(r"^\d{4}[0-9FTU]$"),
    "HCPCS": re.compile(r"^[A-V]\d{4}$"),
}


def _starter_text(system: str) -> str:
    return (
        resources.files("coder_assist.codesets.data")
        .joinpath(STARTER_FILES[system])
        .read_text(encoding="utf-8")
    )


def imported_path(data_dir: Path, system: str) -> Path:
    """Where an imported licensed file for `system` is kept."""
    return data_dir / "codesets" / f"{system}.tsv"


def load_starter(system: System) -> list[Code]:
    """Read a bundled starter set (package data)."""
    rows = csv.DictReader(io.StringIO(_starter_text(system)), delimiter="\t")
    out = []
    for row in rows:
        terms = tuple(t.strip() for t in (row.get("terms") or "").split("|") if t.strip())
        out.append(
            Code(
                code=row["code"].strip().upper(),
                system=system,
                description=row["description"].strip(),
                billable=True,
                kind="service",
                category=(row.get("category") or "").strip() or None,
                terms=terms,
                source=STARTER_LABEL,
                own_words=True,
            )
        )
    return out


def load_imported(system: System, path: Path) -> list[Code]:
    """Read a previously imported licensed file (normalised TSV `code, description`)."""
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) >= 2 and row[0] != "code":
                out.append(
                    Code(
                        code=row[0],
                        system=system,
                        description=row[1],
                        billable=True,
                        kind="service",
                        source=IMPORT_LABEL,
                    )
                )
    return out


def import_file(system: System, src: Path, data_dir: Path) -> int:
    """Validate a licensed `code, description` CSV/TSV and store it for the code sets.

    The whole file is checked before anything is written, so a bad file never replaces a
    good import. Returns the number of codes stored.
    """
    if system not in _CODE_PATTERNS:
        raise ImportFileError(f"Only CPT and HCPCS files can be imported, not {system}.")
    try:
        text = src.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"Cannot read {src}: {exc}. Give a UTF-8 CSV or TSV file.") from exc
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else "excel"
    pattern = _CODE_PATTERNS[system]
    rows: dict[str, str] = {}
    for lineno, row in enumerate(csv.reader(io.StringIO(text), dialect=dialect), start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise ImportFileError(f"{src}:{lineno}: expected two columns `code, description`.")
        code, desc = row[0].strip().upper(), " ".join(row[1].split())
        if lineno == 1 and not pattern.match(code):
            continue  # header row
        if not pattern.match(code):
            raise ImportFileError(f"{src}:{lineno}: {code!r} is not a valid {system} code number.")
        if not desc:
            raise ImportFileError(f"{src}:{lineno}: code {code} has an empty description.")
        rows[code] = desc
    if not rows:
        raise ImportFileError(f"{src}: no codes found; expected rows of `code, description`.")
    dest = imported_path(data_dir, system)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["code", "description"])
        for code in sorted(rows):
            writer.writerow([code, rows[code]])
    tmp.replace(dest)
    return len(rows)


def sources_digest(data_dir: Path) -> str:
    """Hash of the starter and imported files, part of the cache key."""
    h = hashlib.sha256()
    for system in STARTER_FILES:
        h.update(_starter_text(system).encode())
        path = imported_path(data_dir, system)
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]
