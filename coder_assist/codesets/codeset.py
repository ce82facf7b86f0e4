"""`CodeSets`: the loaded knowledge base of ICD-10-CM, CPT and HCPCS codes.

Parsing the tabular XML takes seconds, so the parsed result (and the search index) is
pickled into a cache keyed by the source hashes and the cache format; a warm load only
unpickles it. Codes are cached as plain field tuples and become `Code` objects on first
access: building 100k frozen dataclasses takes longer than the rest of the load, and a
lookup or search service touches only a few of them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import coder_assist.text as text_module
from coder_assist._version import __version__
from coder_assist.codesets import defaults, icd10cm, starter, synonyms
from coder_assist.codesets import search as search_package
from coder_assist.codesets.model import SYSTEMS, Code, SearchHit, System
from coder_assist.codesets.normalize import normalize_code, normalize_system
from coder_assist.codesets.search import SearchIndex
from coder_assist.errors import InvalidQueryError
from coder_assist.settings import Settings, get_settings

log = logging.getLogger(__name__)

CACHE_FORMAT = 4
MAX_QUERY_CHARS = 500

# Tabular note fields with human labels, in the order a coder reads them.
NOTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("inclusion_terms", "Inclusion terms"),
    ("includes", "Includes"),
    ("excludes1", "Excludes1 (never coded together)"),
    ("excludes2", "Excludes2 (not included here; may be coded together)"),
    ("code_first", "Code first"),
    ("use_additional_code", "Use additional code"),
    ("code_also", "Code also"),
    ("notes", "Notes"),
)


class CodeSets:
    """All code systems, with exact lookup and typo-tolerant search.

    Build it with `CodeSets.load()`; the constructor only wires already-built parts.
    """

    def __init__(self, codes: dict[str, dict[str, Code]], index: SearchIndex) -> None:
        # Values are `Code`s, or field tuples from the cache until first accessed.
        self._codes: dict[str, dict[str, Code | tuple[Any, ...]]] = dict(codes)  # type: ignore[arg-type]
        self._index = index

    @classmethod
    def _from_rows(cls, rows: dict[str, list[tuple[Any, ...]]], index: SearchIndex) -> CodeSets:
        cs = cls({}, index)
        cs._codes = {system: {row[0]: row for row in table} for system, table in rows.items()}
        return cs

    def _code(self, system: str, key: str, value: Code | tuple[Any, ...]) -> Code:
        if isinstance(value, Code):
            return value
        built = Code(*value)
        self._codes[system][key] = built
        return built

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, settings: Settings | None = None, *, rebuild: bool = False) -> CodeSets:
        """Load from the cache, building it first when missing or stale."""
        settings = settings or get_settings()
        key = cache_key(settings)
        path = settings.cache_dir / f"codesets-{key}.pkl"
        if not rebuild and path.is_file():
            try:
                with path.open("rb") as fh:
                    payload = pickle.load(fh)
                if payload.get("key") == key:
                    return cls._from_rows(payload["codes"], payload["index"])
            except (
                OSError,
                pickle.UnpicklingError,
                EOFError,
                AttributeError,
                KeyError,
                TypeError,
            ) as exc:
                log.warning("Code-set cache %s unreadable (%s); rebuilding", path, exc)
        started = time.perf_counter()
        codes = _build_codes(settings)
        index = SearchIndex.build(
            (c for system in codes.values() for c in system.values()), synonyms.load_synonyms()
        )
        _write_cache(path, {"key": key, "codes": _codes_to_rows(codes), "index": index})
        log.info("Built code-set cache %s in %.1fs", path, time.perf_counter() - started)
        return cls(codes, index)

    # ------------------------------------------------------------------ access
    def get(self, code: str, system: str | None = None) -> Code | None:
        """Exact lookup; accepts lower case and dot-less codes (`e119`). None if unknown."""
        systems = [normalize_system(system)] if system else list(SYSTEMS)
        for sys_name in systems:
            key = normalize_code(code, sys_name)
            found = self._codes[sys_name].get(key)
            if found is None and "-" in code:  # blocks and chapters (E08-E13) take no dot
                key = "".join(code.split()).upper()
                found = self._codes[sys_name].get(key)
            if found is not None:
                return self._code(sys_name, key, found)
        return None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def codes(self, system: str) -> Iterator[Code]:
        """Every code of one system, in source order."""
        sys_name = normalize_system(system)
        table = self._codes[sys_name]
        return (self._code(sys_name, key, value) for key, value in list(table.items()))

    def search(self, query: str, system: str | None = None, limit: int = 10) -> list[SearchHit]:
        """Typo- and abbreviation-tolerant search over codes and descriptions."""
        if not query or not query.strip():
            raise InvalidQueryError("Search query is empty; type a code or a few words.")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidQueryError(
                f"Search query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}."
            )
        if limit < 1:
            raise InvalidQueryError("limit must be at least 1.")
        sys_name = normalize_system(system) if system else None
        return self._index.search(query, system=sys_name, limit=limit)

    def stats(self) -> dict[str, dict[str, int]]:
        """Count entries per system: all entries, billable codes, and headers by kind."""
        out: dict[str, dict[str, int]] = {}
        for sys_name, table in self._codes.items():
            billable = sum(1 for v in table.values() if _field(v, "billable"))
            out[sys_name] = {"total": len(table), "billable": billable}
            if sys_name == "ICD-10-CM":
                kinds: dict[str, int] = {}
                for v in table.values():
                    kind = _field(v, "kind")
                    kinds[kind] = kinds.get(kind, 0) + 1
                out[sys_name].update({f"{k}s": v for k, v in sorted(kinds.items())})
        return out

    def children(self, code: str, system: str | None = None) -> list[Code]:
        """Codes one level below; for a code that needs a 7th character, its full codes.

        The tabular lists 7th-character extensions as a rule, not as children, so
        S72.001 has no `children` but is only billable as S72.001A, S72.001B, ...
        """
        found = self.get(code, system)
        if found is None:
            return []
        if found.children:
            kids = (self.get(k, found.system) for k in found.children)
            return [k for k in kids if k is not None]
        if found.seventh_characters and not found.billable:
            base = found.code.replace(".", "").ljust(6, "X")
            kids = (self.get(base + char, found.system) for char, _ in found.seventh_characters)
            return [k for k in kids if k is not None and k.parent == found.code]
        return []

    def detail(self, c: Code) -> dict[str, Any]:
        """Everything known about a code as JSON-able data (for `codes show` and the API).

        Notes of the categories and subcategories above the code are listed separately
        (`inherited_notes`): an Excludes1 at E11 applies to E11.9 just as much.
        """
        parent = self.get(c.parent, c.system) if c.parent else None
        ancestors = self.ancestors(c.code) if c.system == "ICD-10-CM" else []
        inherited = []
        for a in ancestors:
            if a.kind in ("chapter", "block"):
                continue
            notes = {f: list(getattr(a, f)) for f, _ in NOTE_FIELDS if getattr(a, f)}
            if notes:
                inherited.append({"code": a.code, "kind": a.kind, **notes})
        return {
            "code": c.code,
            "system": c.system,
            "description": c.description,
            "billable": c.billable,
            "kind": c.kind,
            "source": c.source,
            "own_words": c.own_words,
            "chapter": c.chapter,
            "category": c.category,
            "terms": list(c.terms),
            **{f: list(getattr(c, f)) for f, _ in NOTE_FIELDS},
            "seventh_characters": [
                {"character": ch, "meaning": meaning} for ch, meaning in c.seventh_characters
            ],
            "parent": _ref(parent) if parent else None,
            "children": [_ref(k) for k in self.children(c.code, c.system)],
            "ancestors": [_ref(a) for a in ancestors],
            "inherited_notes": inherited,
        }

    def ancestors(self, code: str) -> list[Code]:
        """Parents from the nearest up to the chapter."""
        out: list[Code] = []
        current = self.get(code)
        while current is not None and current.parent:
            current = self.get(current.parent, current.system)
            if current is not None:
                out.append(current)
        return out


def _ref(c: Code) -> dict[str, Any]:
    return {"code": c.code, "description": c.description, "billable": c.billable, "kind": c.kind}


def cache_key(settings: Settings) -> str:
    """Cache identity: format, version, hashes of every source file and of the index code."""
    return (
        f"v{CACHE_FORMAT}-{__version__}-{_icd_digest()}-"
        f"{starter.sources_digest(settings.data_dir)}-{synonyms.sources_digest()}-"
        f"{_index_code_digest()}"
    )


def _index_code_digest() -> str:
    """Hash the search-index code, so a change to how it is built invalidates the cache.

    Hashed once, when this module is imported: a process must key its cache by the code
    it runs, not by a file edited on disk since.
    """
    return _INDEX_CODE_DIGEST


def _index_sources() -> list[Path]:
    """The files whose code decides what the pickled index holds, in a fixed order.

    Every module of the `search` package (a new one counts as soon as it exists), the
    default-child rule that decides which code a header's title is lent to, the
    synonym table, and the shared stop words and stemmer of `coder_assist.text`.
    """
    package = sorted(Path(str(search_package.__file__)).parent.glob("*.py"))
    modules = [Path(str(m.__file__)) for m in (defaults, synonyms, text_module)]
    return [*package, *modules]


def _hash_modules() -> str:
    h = hashlib.sha256()
    for path in _index_sources():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


_INDEX_CODE_DIGEST = _hash_modules()


_CODE_FIELDS = tuple(f.name for f in dataclasses.fields(Code))
_FIELD_POS = {name: i for i, name in enumerate(_CODE_FIELDS)}


def _field(value: Code | tuple[Any, ...], name: str) -> Any:
    return value[_FIELD_POS[name]] if isinstance(value, tuple) else getattr(value, name)


def _icd_source() -> Path | None:
    """Locate the tabular XML without importing `simple_icd_10_cm`.

    Importing that package parses the whole XML (seconds), which would cost more than
    the warm cache load; `find_spec` locates the package without running it. None when
    it is not found this way (then `icd10cm` reports what is missing).
    """
    spec = importlib.util.find_spec("simple_icd_10_cm")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / icd10cm.SOURCE_FILE
        if path.is_file():
            return path
    return None


def _icd_digest() -> str:
    return icd10cm.source_digest(_icd_source())


def _codes_to_rows(codes: dict[str, dict[str, Code]]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        system: [tuple(getattr(c, name) for name in _CODE_FIELDS) for c in table.values()]
        for system, table in codes.items()
    }


def _build_codes(settings: Settings) -> dict[str, dict[str, Code]]:
    codes: dict[str, dict[str, Code]] = {s: {} for s in SYSTEMS}
    for c in icd10cm.parse(_icd_source()):
        codes["ICD-10-CM"][c.code] = c
    for sys_name in ("CPT", "HCPCS"):
        system: System = sys_name
        for c in starter.load_starter(system):
            codes[sys_name][c.code] = c
        for c in starter.load_imported(system, starter.imported_path(settings.data_dir, sys_name)):
            codes[sys_name][c.code] = c  # a licensed import takes precedence over ours
    return codes


def _write_cache(path: Path, payload: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("codesets-*.pkl"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache dir must not stop the service
        log.warning("Could not write code-set cache %s: %s", path, exc)
