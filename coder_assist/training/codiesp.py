"""Reading a CodiEsp split (English text, diagnosis labels).

Layout: `<split>/text_files_en/<doc-id>.txt` and `<split>/<split>D.tsv` with
`doc-id<TAB>code` lines (lower-case codes with a dot). Codes are upper-cased here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coder_assist.errors import CoderAssistError


@dataclass
class Document:
    """One coded note."""

    id: str
    text: str
    codes: list[str] = field(default_factory=list)


def load_split(path: Path) -> list[Document]:
    """Load every document of a split folder, sorted by id, with its diagnosis codes."""
    path = Path(path)
    text_dir = path / "text_files_en"
    labels = sorted(path.glob("*D.tsv"))
    if not text_dir.is_dir() or not labels:
        raise CoderAssistError(
            f"{path} is not a CodiEsp split folder (expected text_files_en/ and <split>D.tsv)."
        )
    codes: dict[str, list[str]] = {}
    for line in labels[0].read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            bucket = codes.setdefault(parts[0], [])
            code = parts[1].strip().upper()
            if code not in bucket:
                bucket.append(code)
    docs = []
    for txt in sorted(text_dir.glob("*.txt")):
        docs.append(Document(txt.stem, txt.read_text(encoding="utf-8"), codes.get(txt.stem, [])))
    return docs
