"""Query expansion for code search: clinical abbreviations and lay terms.

Coders and clinicians type `chf`, `T2DM w/o complications` or `heart attack`; the code
sets say "congestive heart failure", "Type 2 diabetes mellitus without complications" and
"myocardial infarction". Two tables bridge the gap:

* `abbreviations.json`: the project's clinical abbreviation lexicon (shared with the note
  pipeline), entries `{"abbr", "expansions", "case_sensitive"}`;
* `search_synonyms.json`: a small table of our own for search only (lay terms and
  shorthand a coder types into a pick list, e.g. "flu shot", "sugar diabetes").

Both are compiled into a plain-dict `SynonymTable` that is pickled inside the code-set
cache, so a warm load never re-reads the JSON files.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources

from coder_assist.codesets.data_files import DATA_PACKAGE, read_entries_file

LEXICON_FILE = "abbreviations.json"
SEARCH_SYNONYMS_FILE = "search_synonyms.json"

# Longest phrase (in words) looked up as one unit; longer lexicon keys are ignored here.
MAX_PHRASE_WORDS = 4

_WORD = re.compile(r"[a-z0-9]+")


def phrase_key(text: str) -> tuple[str, ...]:
    """Lower-case word tuple used as the lookup key of a phrase (`"W/O"` -> `("w", "o")`)."""
    return tuple(_WORD.findall(text.lower()))


@dataclass
class SynonymTable:
    """Phrase -> expansions, split by how the key must be matched.

    `chunks_` holds keys matched against one whitespace-delimited chunk of the query as
    typed (abbreviations with punctuation such as `w/o` or `s/p`, and case-sensitive ones
    such as `MS`), `phrases_` holds keys matched against runs of lower-case words.
    Values keep the source order, most common sense first.
    """

    phrases_: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    chunks_: dict[str, list[str]] = field(default_factory=dict)
    case_sensitive_: dict[str, list[str]] = field(default_factory=dict)
    case_folded_: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, expansions: list[str], *, case_sensitive: bool = False) -> None:
        """Register one key; later registrations of the same key add senses after earlier ones."""
        key = key.strip()
        clean = [" ".join(e.split()) for e in expansions if e and e.strip()]
        words = phrase_key(key)
        if not key or not clean or not words or len(words) > MAX_PHRASE_WORDS:
            return
        if case_sensitive:
            _extend(self.case_sensitive_.setdefault(key, []), clean)
            _extend(self.case_folded_.setdefault(key.lower(), []), clean)
            return
        if re.fullmatch(r"[A-Za-z0-9 ]+", key):
            _extend(self.phrases_.setdefault(words, []), clean)
        else:
            _extend(self.chunks_.setdefault(key.lower(), []), clean)

    def lookup_chunk(self, chunk: str) -> list[str]:
        """Expansions for one chunk typed as is (`w/o`, `MS`, `s/p`), or an empty list."""
        found = list(self.case_sensitive_.get(chunk, ()))
        _extend(found, self.chunks_.get(chunk.lower(), []))
        return found

    def lookup_case_folded(self, word: str) -> list[str]:
        """Senses of case-sensitive abbreviations whose spelling differs only in case.

        Search boxes are typed in lower case, so `ms` may well mean `MS`; callers give these
        senses a lower weight than an exact-case match.
        """
        return self.case_folded_.get(word.lower(), [])

    def lookup_phrase(self, words: tuple[str, ...]) -> list[str]:
        """Expansions of a lower-case word run, or an empty list."""
        return self.phrases_.get(words, [])


def _extend(target: list[str], items: list[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _file_bytes(name: str) -> bytes:
    ref = resources.files(DATA_PACKAGE).joinpath(name)
    try:
        return ref.read_bytes()
    except FileNotFoundError:
        return b""


def sources_digest() -> str:
    """Hash of both synonym files, part of the code-set cache key."""
    h = hashlib.sha256()
    for name in (LEXICON_FILE, SEARCH_SYNONYMS_FILE):
        h.update(name.encode())
        h.update(_file_bytes(name))
    return h.hexdigest()[:16]


def load_synonyms() -> SynonymTable:
    """Compile the abbreviation lexicon and our search synonyms into one table.

    Our own search synonyms are registered first: for a search box the lay sense ("flu
    shot" -> influenza vaccine) is what the user means, while the lexicon is written for
    clinical notes.
    """
    table = SynonymTable()
    for entry in read_entries_file(SEARCH_SYNONYMS_FILE)["entries"]:
        table.add(str(entry["phrase"]), [str(e) for e in entry["expansions"]])
    for entry in read_entries_file(LEXICON_FILE)["entries"]:
        if not isinstance(entry, dict) or "abbr" not in entry:
            continue
        expansions = entry.get("expansions") or []
        if isinstance(expansions, str):
            expansions = [expansions]
        table.add(
            str(entry["abbr"]),
            [str(e) for e in expansions],
            case_sensitive=bool(entry.get("case_sensitive", False)),
        )
    return table
