"""Our coded US-note corpus: loading, validating, and the checks that keep it honest.

A corpus we write ourselves can grade itself: notes that repeat code titles word for
word, list diagnoses in the gold order, or come from one template teach nothing that
holds on real notes. `check_corpus` measures exactly those failure modes, so the data
tests (and a writer, with `python -m coder_assist.training.corpus FILE...`) see them:

* the share of gold codes whose full title appears verbatim in the note (< 40%);
* the share of notes whose first-listed code is not the first assessment item;
* near-duplicate notes (word 5-gram Jaccard similarity);
* codes that are not billable ICD-10-CM FY2026 codes or not in our CPT/HCPCS sets.

One JSON object a line::

    {"id": "dev-e-001", "template": "dev-e-001", "writer": "dev-e",
     "specialty": "cardiology", "setting": "office", "style": "soap",
     "text": "...",
     "codes": [{"system": "ICD-10-CM", "code": "I10"}, {"system": "CPT", "code": "99214"}],
     "first_assessment_code": "I10",
     "audit": {"by": "...", "changes": ["..."]}}

ICD-10-CM codes come in reporting order (first-listed first), then CPT/HCPCS lines.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder_assist.codesets import CodeSets
from coder_assist.errors import CoderAssistError
from coder_assist.training.codiesp import Document, load_split

SETTINGS = (
    "office",
    "urgent_care",
    "ed",
    "inpatient_hp",
    "inpatient_progress",
    "discharge",
    "telehealth",
    "procedure",
    "preventive",
)
STYLES = ("soap", "templated", "dictated", "terse", "copy_forward")
#: Most gold codes whose title the note repeats verbatim before the corpus grades itself.
MAX_TITLE_COPY_SHARE = 0.40
#: Word 5-gram Jaccard similarity from which two notes count as near-duplicates.
NEAR_DUPLICATE = 0.5
_SHINGLE = 5
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class CodedNote:
    """One note of the corpus with its gold codes (ICD-10-CM in reporting order)."""

    id: str
    template: str
    writer: str
    specialty: str
    setting: str
    style: str
    text: str
    codes: tuple[tuple[str, str], ...]
    first_assessment_code: str | None = None
    audit: dict[str, Any] = field(default_factory=dict)
    ruled_out: tuple[str, ...] = ()  # ICD-10-CM codes of conditions the note rules out

    @property
    def icd(self) -> list[str]:
        """ICD-10-CM codes in reporting order."""
        return [c for s, c in self.codes if s == "ICD-10-CM"]


def load_corpus(path: Path, codesets: CodeSets) -> list[CodedNote]:
    """Read a corpus file, normalising codes and refusing unknown or non-billable ones.

    Raises:
        CoderAssistError: A line is not valid JSON, lacks a field, or names a code that is
            unknown or (for ICD-10-CM) not billable; the message gives file and line.

    """
    notes: list[CodedNote] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            item = json.loads(line)
            codes: list[tuple[str, str]] = []
            for c in item["codes"]:
                found = codesets.get(c["code"], c["system"])
                if found is None:
                    raise CoderAssistError(f"{where}: unknown {c['system']} code {c['code']!r}")
                if found.system == "ICD-10-CM" and not found.billable:
                    raise CoderAssistError(f"{where}: {found.code} is not billable")
                if (found.system, found.code) in codes:
                    raise CoderAssistError(f"{where}: {found.code} is listed twice")
                codes.append((found.system, found.code))
            ruled_out = []
            for code in item.get("ruled_out") or []:
                found = codesets.get(code, "ICD-10-CM")
                if found is None:
                    raise CoderAssistError(f"{where}: unknown ruled-out code {code!r}")
                ruled_out.append(found.code)
            first = item.get("first_assessment_code")
            first_code = codesets.get(first, "ICD-10-CM") if first else None
            notes.append(
                CodedNote(
                    id=str(item["id"]),
                    template=str(item.get("template", item["id"])),
                    writer=str(item.get("writer", "")),
                    specialty=str(item.get("specialty", "")),
                    setting=str(item.get("setting", "")),
                    style=str(item.get("style", "")),
                    text=str(item["text"]),
                    codes=tuple(codes),
                    first_assessment_code=first_code.code if first_code else first,
                    audit=dict(item.get("audit") or {}),
                    ruled_out=tuple(ruled_out),
                )
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise CoderAssistError(
                f"{where}: expected an object with id, text and codes [{{system, code}}] "
                f"(corpus notes also give specialty, setting and style) ({exc!r})"
            ) from exc
    return notes


def codiesp_as_corpus(docs: Sequence[Document]) -> list[CodedNote]:
    """CodiEsp documents in the corpus form (setting "case_report"; diagnoses unordered)."""
    return [
        CodedNote(
            id=d.id,
            template=d.id,
            writer="codiesp",
            specialty="",
            setting="case_report",
            style="dictated",
            text=d.text,
            codes=tuple(("ICD-10-CM", c) for c in d.codes),
        )
        for d in docs
    ]


def load_notes(path: Path, codesets: CodeSets) -> list[CodedNote]:
    """Coded notes from a CodiEsp split folder, a corpus JSONL file or a folder of them."""
    path = Path(path)
    if is_codiesp_split(path):
        return codiesp_as_corpus(load_split(path))
    return [n for f in corpus_files(path) for n in load_corpus(f, codesets)]


def is_codiesp_split(path: Path) -> bool:
    """Tell whether `path` is a CodiEsp split folder (`text_files_en/` inside)."""
    return path.is_dir() and (path / "text_files_en").is_dir()


def corpus_files(path: Path) -> list[Path]:
    """The coded-note JSONL files `path` names: itself, or the `.jsonl` files in it.

    Raises:
        CoderAssistError: It is neither.

    """
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise CoderAssistError(
            f"{path} is neither a CodiEsp split folder, a .jsonl file of coded notes, "
            "nor a folder of them."
        )
    return files


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + _SHINGLE]) for i in range(max(len(words) - _SHINGLE + 1, 0))}


def near_duplicates(
    notes: Sequence[CodedNote], threshold: float = NEAR_DUPLICATE
) -> list[tuple[str, str, float]]:
    """Pairs of notes whose word 5-grams overlap at `threshold` or more (Jaccard)."""
    sh = [_shingles(n.text) for n in notes]
    out = []
    for i in range(len(notes)):
        for j in range(i + 1, len(notes)):
            a, b = sh[i], sh[j]
            if not a or not b:
                continue
            sim = len(a & b) / len(a | b)
            if sim >= threshold:
                out.append((notes[i].id, notes[j].id, round(sim, 3)))
    return out


def title_copied(note: CodedNote, codesets: CodeSets) -> list[str]:
    """Gold codes whose whole title appears verbatim (case and spacing aside) in the note."""
    text = " ".join(_WORD.findall(note.text.lower()))
    out = []
    for system, code in note.codes:
        found = codesets.get(code, system)
        title = " ".join(_WORD.findall(found.description.lower())) if found else ""
        if title and f" {title} " in f" {text} ":
            out.append(code)
    return out


def check_corpus(notes: Sequence[CodedNote], codesets: CodeSets) -> dict[str, Any]:
    """Figures that say whether a corpus could grade itself, and the problems found."""
    problems: list[str] = []
    ids = Counter(n.id for n in notes)
    templates = Counter(n.template for n in notes)
    problems += [f"id {i!r} used {k} times" for i, k in ids.items() if k > 1]
    problems += [f"template {t!r} used by {k} notes" for t, k in templates.items() if k > 1]
    for n in notes:
        if n.setting not in SETTINGS:
            problems.append(f"{n.id}: setting {n.setting!r} is not one of {SETTINGS}")
        if n.style not in STYLES:
            problems.append(f"{n.id}: style {n.style!r} is not one of {STYLES}")
        if not n.icd:
            problems.append(f"{n.id}: no ICD-10-CM code")
        if n.first_assessment_code and n.first_assessment_code not in n.icd:
            problems.append(f"{n.id}: first_assessment_code is not one of its ICD-10-CM codes")
    gold = sum(len(n.codes) for n in notes)
    copied = sum(len(title_copied(n, codesets)) for n in notes)
    share = copied / gold if gold else 0.0
    if share >= MAX_TITLE_COPY_SHARE:
        problems.append(f"{share:.0%} of gold codes have their title verbatim in the note")
    reordered = [
        n for n in notes if n.first_assessment_code and n.first_assessment_code != n.icd[0]
    ]
    dupes = near_duplicates(notes)
    problems += [f"{a} and {b} are near-duplicates ({s})" for a, b, s in dupes]
    return {
        "notes": len(notes),
        "gold_codes": gold,
        "specialties": dict(Counter(n.specialty for n in notes).most_common()),
        "settings": dict(Counter(n.setting for n in notes).most_common()),
        "styles": dict(Counter(n.style for n in notes).most_common()),
        "title_copy_share": round(share, 3),
        "first_listed_not_first_assessment": round(len(reordered) / len(notes), 3)
        if notes
        else 0.0,
        "audited": sum(bool(n.audit) for n in notes),
        "problems": problems,
    }


def main(paths: Iterable[str]) -> int:
    """Check corpus files; print the figures and problems; 1 if any problem."""
    codesets = CodeSets.load()
    notes: list[CodedNote] = []
    try:
        for p in paths:
            notes.extend(load_corpus(Path(p), codesets))
    except CoderAssistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = check_corpus(notes, codesets)
    print(json.dumps(report, indent=2))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
