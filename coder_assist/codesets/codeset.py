"""`CodeSets`: the loaded knowledge base of ICD-10-CM, CPT and HCPCS codes.

Parsing the tabular XML takes seconds, so the parsed result (and the search index) is
pickled into a cache keyed by the source hashes and the cache format; a warm load only
unpickles it.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coder_assist import __version__
from coder_assist.codesets import icd10cm, starter
from coder_assist.codesets.model import SYSTEMS, Code, SearchHit, System
from coder_assist.codesets.normalize import normalize_code, normalize_system
from coder_assist.codesets.search import SearchIndex
from coder_assist.errors import InvalidQueryError
from coder_assist.settings import Settings, get_settings

log = logging.getLogger(__name__)

CACHE_FORMAT = 3
MAX_QUERY_CHARS = 500


class CodeSets:
    """All code systems, with exact lookup and typo-tolerant search.

    Build it with `CodeSets.load()`; the constructor only wires already-built parts.
    """

    def __init__(self, codes: dict[str, dict[str, Code]], index: SearchIndex) -> None:
        self._codes = codes
        self._index = index

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
                    return cls(payload["codes"], payload["index"])
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError) as exc:
                log.warning("Code-set cache %s unreadable (%s); rebuilding", path, exc)
        started = time.perf_counter()
        codes = _build_codes(settings)
        index = SearchIndex.build(c for system in codes.values() for c in system.values())
        _write_cache(path, {"key": key, "codes": codes, "index": index})
        log.info("Built code-set cache %s in %.1fs", path, time.perf_counter() - started)
        return cls(codes, index)

    # ------------------------------------------------------------------ access
    def get(self, code: str, system: str | None = None) -> Code | None:
        """Exact lookup; accepts lower case and dot-less codes (`e119`). None if unknown."""
        systems = [normalize_system(system)] if system else list(SYSTEMS)
        for sys_name in systems:
            found = self._codes[sys_name].get(normalize_code(code, sys_name))
            if found is not None:
                return found
        return None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def codes(self, system: str) -> Iterator[Code]:
        """Every code of one system, in source order."""
        return iter(self._codes[normalize_system(system)].values())

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
        """Counts per system: all entries, billable codes, and headers."""
        out: dict[str, dict[str, int]] = {}
        for sys_name, table in self._codes.items():
            billable = sum(1 for c in table.values() if c.billable)
            out[sys_name] = {"total": len(table), "billable": billable}
            if sys_name == "ICD-10-CM":
                kinds: dict[str, int] = {}
                for c in table.values():
                    kinds[c.kind] = kinds.get(c.kind, 0) + 1
                out[sys_name].update({f"{k}s": v for k, v in sorted(kinds.items())})
        return out

    def ancestors(self, code: str) -> list[Code]:
        """Parents from the nearest up to the chapter."""
        out: list[Code] = []
        current = self.get(code)
        while current is not None and current.parent:
            current = self.get(current.parent, current.system)
            if current is not None:
                out.append(current)
        return out


def cache_key(settings: Settings) -> str:
    """Cache identity: format, package version, and hashes of every source file."""
    return (
        f"v{CACHE_FORMAT}-{__version__}-{icd10cm.source_digest()}-"
        f"{starter.sources_digest(settings.data_dir)}"
    )


def _build_codes(settings: Settings) -> dict[str, dict[str, Code]]:
    codes: dict[str, dict[str, Code]] = {s: {} for s in SYSTEMS}
    for c in icd10cm.parse():
        codes["ICD-10-CM"][c.code] = c
    for sys_name in ("CPT", "HCPCS"):
        system: System = sys_name  # type: ignore[assignment]
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
