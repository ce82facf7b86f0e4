"""Parser for the ICD-10-CM tabular XML shipped inside the `simple-icd-10-cm` package.

We read the CMS tabular file ourselves (rather than through the package's API) because we
need every instructional note and the 7th-character rules, and we want one pass that
produces the compact cache the rest of the system loads.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from coder_assist.codesets.model import Code
from coder_assist.errors import CodeSetSourceError

SOURCE_PACKAGE = "simple_icd_10_cm.data"
SOURCE_FILE = "icd10c-tabular-April-1-2026.xml"
SOURCE_LABEL = "CMS ICD-10-CM FY2026 tabular (April 1, 2026), public domain"

_NOTE_TAGS = {
    "inclusionTerm": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "notes",
    "sevenChrNote": "notes",
}


def source_path() -> Path:
    """Locate the tabular XML inside the installed `simple-icd-10-cm` package."""
    try:
        ref = resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)
    except ModuleNotFoundError as exc:  # pragma: no cover - dependency missing
        raise CodeSetSourceError(
            "The simple-icd-10-cm package is not installed; run `make setup`."
        ) from exc
    path = Path(str(ref))
    if not path.is_file():
        raise CodeSetSourceError(
            f"ICD-10-CM tabular file {SOURCE_FILE} not found in simple-icd-10-cm; "
            "install simple-icd-10-cm==1.5.0 (April 2026 release)."
        )
    return path


def source_digest(path: Path | None = None) -> str:
    """Content hash of the source, so the cache is rebuilt whenever the file changes."""
    data = (path or source_path()).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


def format_code(raw: str) -> str:
    """Canonical form of an ICD-10-CM code: upper case with the dot after 3 characters."""
    compact = raw.strip().upper().replace(".", "")
    if len(compact) <= 3:
        return compact
    return f"{compact[:3]}.{compact[3:]}"


def _texts(elem: ET.Element) -> tuple[str, ...]:
    return tuple(" ".join((n.text or "").split()) for n in elem.findall("note") if n.text)


@dataclass
class _Node:
    code: str
    description: str
    kind: str
    parent: str | None
    chapter: str
    notes: dict[str, list[str]] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)
    seventh: tuple[tuple[str, str], ...] = ()


def _seventh_def(elem: ET.Element) -> tuple[tuple[str, str], ...]:
    sdef = elem.find("sevenChrDef")
    if sdef is None:
        return ()
    return tuple(
        (ext.get("char", ""), " ".join((ext.text or "").split()))
        for ext in sdef.findall("extension")
    )


# Restrictions stated only in prose notes of the tabular; kept as data so each is traceable.
# S06: "7th characters D and S do not apply to codes in category S06 with 6th character 7 ...
# or 8" (death prior to regaining consciousness).
_SEVENTH_EXCEPTIONS: dict[str, tuple[tuple[int, str], frozenset[str]]] = {
    "S06": ((6, "78"), frozenset("DS")),
}


def _allowed_extensions(
    code: str, rule: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    exc = _SEVENTH_EXCEPTIONS.get(code[:3])
    compact = code.replace(".", "")
    if exc is None or len(compact) < exc[0][0] or compact[exc[0][0] - 1] not in exc[0][1]:
        return rule
    return tuple((c, m) for c, m in rule if c not in exc[1])


def _with_placeholder(code: str) -> str:
    """Pad a code to six characters with the `X` placeholder before the 7th character."""
    compact = code.replace(".", "")
    compact = compact + "X" * (6 - len(compact))
    return compact


def parse(path: Path | None = None) -> Iterator[Code]:
    """Yield every chapter, block, category, code and 7th-character extension.

    Leaves under a 7th-character rule are not billable themselves; each allowed extension
    becomes its own billable code (with `X` placeholders where the base is short).
    """
    src = path or source_path()
    try:
        root = ET.parse(src).getroot()
    except (OSError, ET.ParseError) as exc:
        raise CodeSetSourceError(f"Cannot parse ICD-10-CM tabular XML at {src}: {exc}") from exc

    nodes: dict[str, _Node] = {}
    order: list[str] = []

    def add(node: _Node) -> None:
        if node.code in nodes:
            raise CodeSetSourceError(f"Duplicate ICD-10-CM entry {node.code} in {src}")
        nodes[node.code] = node
        order.append(node.code)
        if node.parent:
            nodes[node.parent].children.append(node.code)

    def collect_notes(elem: ET.Element) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for tag, attr in _NOTE_TAGS.items():
            for child in elem.findall(tag):
                out.setdefault(attr, []).extend(_texts(child))
        return out

    def walk_diag(
        elem: ET.Element, parent: str, chapter: str, seventh: tuple[tuple[str, str], ...]
    ) -> None:
        code = format_code(elem.findtext("name", ""))
        own = _seventh_def(elem)
        rule = own or seventh
        kind = "category" if len(code) == 3 else "subcategory"
        node = _Node(code, " ".join(elem.findtext("desc", "").split()), kind, parent, chapter)
        node.notes = collect_notes(elem)
        node.seventh = rule
        add(node)
        subs = elem.findall("diag")
        for sub in subs:
            walk_diag(sub, code, chapter, rule)
        if not subs:
            node.kind = "code"

    for chap in root.findall("chapter"):
        desc = " ".join(chap.findtext("desc", "").split())
        chap_id = (
            desc[desc.rfind("(") + 1 : desc.rfind(")")]
            if "(" in desc
            else chap.findtext("name", "")
        )
        chap_id = f"CH{int(chap.findtext('name', '0')):02d}" if chap_id in nodes else chap_id
        cnode = _Node(chap_id, desc, "chapter", None, chap_id)
        cnode.notes = collect_notes(chap)
        add(cnode)
        for sec in chap.findall("section"):
            sid = sec.get("id", "")
            sid = sid if "-" in sid else f"{sid}-{sid}"  # one-category blocks share the code
            snode = _Node(
                sid, " ".join(sec.findtext("desc", "").split()), "block", chap_id, chap_id
            )
            snode.notes = collect_notes(sec)
            add(snode)
            for diag in sec.findall("diag"):
                walk_diag(diag, sid, chap_id, ())

    for key in order:
        node = nodes[key]
        leaf = node.kind == "code"
        needs_ext = leaf and bool(node.seventh)
        yield Code(
            code=node.code,
            system="ICD-10-CM",
            description=node.description,
            billable=leaf and not needs_ext,
            kind=node.kind,  # type: ignore[arg-type]
            parent=node.parent,
            children=tuple(node.children),
            chapter=node.chapter,
            inclusion_terms=tuple(node.notes.get("inclusion_terms", ())),
            includes=tuple(node.notes.get("includes", ())),
            excludes1=tuple(node.notes.get("excludes1", ())),
            excludes2=tuple(node.notes.get("excludes2", ())),
            code_first=tuple(node.notes.get("code_first", ())),
            use_additional_code=tuple(node.notes.get("use_additional_code", ())),
            code_also=tuple(node.notes.get("code_also", ())),
            notes=tuple(node.notes.get("notes", ())),
            seventh_characters=node.seventh if node.kind != "chapter" else (),
            source=SOURCE_LABEL,
        )
        if needs_ext:
            base = _with_placeholder(node.code)
            for char, meaning in _allowed_extensions(node.code, node.seventh):
                full = format_code(base + char)
                yield Code(
                    code=full,
                    system="ICD-10-CM",
                    description=f"{node.description}, {meaning}",
                    billable=True,
                    kind="extension",
                    parent=node.code,
                    chapter=node.chapter,
                    source=SOURCE_LABEL,
                )
