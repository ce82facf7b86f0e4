"""Reading a query: a typed code, or words expanded through synonyms and typo correction.

A pick-list search must answer in a few milliseconds, so fuzzy-matching the query
against 100k descriptions is out. Instead a query is read in three steps, each cheap:

1. A typed code (`e119`, `S72.001A`, `99213`) is looked up exactly in the sorted code
   list, then its descendants and siblings are listed; no text search is done for it.
2. The words are expanded into a few readings (`Variant`) through the synonym table:
   abbreviations such as `chf` or `w/o`, lay terms such as "heart attack".
3. Each query word is matched against the index vocabulary exactly (after light
   stemming), by prefix, and by rapidfuzz typo correction against surface words of
   similar length (`term_matches`).

Scoring the readings against the texts is `rank`'s job.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from coder_assist.codesets.search.terms import compact, query_words, stem
from coder_assist.codesets.synonyms import MAX_PHRASE_WORDS

if TYPE_CHECKING:
    from coder_assist.codesets.search.index import SearchIndex

TYPO_MIN_LEN = 4
TYPO_CUTOFF = 80.0
FALLBACK_TYPO_CUTOFF = 65.0
PREFIX_MIN_LEN = 3
PREFIX_MAX_TERMS = 12
MAX_VARIANTS = 8
MAX_QUERY_WORDS = 24  # a pasted paragraph must not cost more than a pick-list query
STEM_ONLY_CREDIT = 0.8  # an unknown spelling whose stem is known ("sprains")

_ICD_PARTIAL = re.compile(r"[A-Z]\d[0-9A-Z]{1,5}")
_CPT_PARTIAL = re.compile(r"\d{3,4}[0-9FTU]?")
_HCPCS_PARTIAL = re.compile(r"[A-V]\d{2,4}")
_EDGE_PUNCT = ",.;:!?\"'()[]{}"

# One reading of a segment of the query: its words and the weight of that reading.
_Alternative = tuple[tuple[str, ...], float]


@dataclass(frozen=True, slots=True)
class Variant:
    """One reading of a query: its words (deduplicated, in order) and its weight."""

    words: tuple[str, ...]
    weight: float


# ------------------------------------------------------------------ code lookup
def with_prefix(index: SearchIndex, prefix: str, sys_id: int | None) -> list[int]:
    """Entries whose compact code starts with `prefix`, shortest code first."""
    lo = bisect.bisect_left(index.sorted_codes_, prefix)
    hi = bisect.bisect_right(index.sorted_codes_, prefix + "\x7f", lo)
    found = index.sorted_entries_[lo:hi]
    if sys_id is not None:
        found = found[index.entry_system_[found] == sys_id]
    return sorted(found.tolist(), key=lambda e: (len(index.codes_[e]), index.codes_[e]))


def code_matches(
    index: SearchIndex, query: str, sys_id: int | None, limit: int
) -> list[tuple[int, float]]:
    """Rank a typed code first, then its children, then its siblings (same parent).

    Args:
        index: The index to look codes up in.
        query: The query as typed; anything that does not look like a code gives [].
        sys_id: Position of the system in `SYSTEMS`, or None for every system.
        limit: The most entries wanted.

    Returns:
        (entry, score) pairs, best first; [] when the query is not a code.
    """
    typed = compact(query)
    if not (
        _ICD_PARTIAL.fullmatch(typed)
        or _CPT_PARTIAL.fullmatch(typed)
        or _HCPCS_PARTIAL.fullmatch(typed)
    ):
        return []
    family = with_prefix(index, typed, sys_id)
    exact = {int(index.entry_system_[e]) for e in family if compact(index.codes_[e]) == typed}
    if exact and sys_id is None and len(exact) == 1:  # `j1885` is HCPCS: stay in HCPCS
        sys_id = exact.pop()
        family = with_prefix(index, typed, sys_id)
    out = [(e, 1.0 if compact(index.codes_[e]) == typed else 0.9) for e in family]
    anchor = typed
    if not out:  # e.g. "E11.99": show the nearest existing ancestor and its family
        while len(anchor) > 3 and not out:
            anchor = anchor[:-1]
            out = [(e, 0.8) for e in with_prefix(index, anchor, sys_id)]
    if not out:
        return []
    if len(out) < limit and len(anchor) > 3:
        seen = {e for e, _ in out}
        out.extend((e, 0.7) for e in with_prefix(index, anchor[:-1], sys_id) if e not in seen)
    out.sort(key=lambda item: -item[1])  # stable: exact, children, then siblings
    return out[:limit]


# ------------------------------------------------------------ query expansion
def variants(index: SearchIndex, query: str) -> list[Variant]:
    """Query readings: as typed, and with abbreviations / lay terms expanded.

    A chunk the synonym table knows with its punctuation (`w/o`) or case (`MI`) is
    expanded on its own; runs of plain words go through `_phrase_segments`. The
    readings are the best `MAX_VARIANTS` combinations of every segment's alternatives.
    """
    segments: list[list[_Alternative]] = []
    pending: list[str] = []

    def flush() -> None:
        segments.extend(_phrase_segments(index, pending))
        pending.clear()

    for raw in query.split():
        chunk = raw.strip(_EDGE_PUNCT) or raw
        senses = index.synonyms_.lookup_chunk(chunk)
        if senses and (not chunk.isalnum() or chunk in index.synonyms_.case_sensitive_):
            flush()
            segments.append([(words(index, s), 1.0 - 0.03 * i) for i, s in enumerate(senses)])
            continue
        pending.extend(words(index, chunk))
    flush()
    beam: list[_Alternative] = [((), 1.0)]
    for alternatives in segments:
        alternatives = [a for a in alternatives if a[0]]
        if not alternatives:
            continue
        beam = sorted(
            ((ws + alt, weight * w) for ws, weight in beam for alt, w in alternatives),
            key=lambda item: -item[1],
        )[:MAX_VARIANTS]
    out: list[Variant] = []
    seen: set[tuple[str, ...]] = set()
    for ws, weight in beam:
        key = tuple(dict.fromkeys(ws))[:MAX_QUERY_WORDS]
        if key and key not in seen:
            seen.add(key)
            out.append(Variant(key, weight))
    return out


def _phrase_segments(index: SearchIndex, ws: list[str]) -> list[list[_Alternative]]:
    """Greedy longest match of synonym phrases over a run of plain words."""
    segments: list[list[_Alternative]] = []
    i = 0
    while i < len(ws):
        for n in range(min(MAX_PHRASE_WORDS, len(ws) - i), 0, -1):
            phrase = tuple(ws[i : i + n])
            senses = list(index.synonyms_.lookup_phrase(phrase))
            weaker: list[str] = []
            if n == 1:
                weaker = [
                    s for s in index.synonyms_.lookup_case_folded(phrase[0]) if s not in senses
                ]
            if not senses and not weaker:
                continue
            alternatives: list[_Alternative] = []
            if all(stem(w) in index.term_id_ for w in phrase):
                alternatives.append((phrase, 1.0))
            for k, sense in enumerate(senses):
                alternatives.append((words(index, sense), 1.0 - 0.03 * k))
            for k, sense in enumerate(weaker):
                alternatives.append((words(index, sense), 0.9 - 0.03 * k))
            segments.append([a for a in alternatives if a[0]] or [(phrase, 1.0)])
            i += n
            break
        else:
            segments.append([((ws[i],), 1.0)])
            i += 1
    return segments


def words(index: SearchIndex, text: str) -> tuple[str, ...]:
    """Query words of a fragment, run-together words split into known ones."""
    return tuple(part for word in query_words(text) for part in _split_unknown(index, word))


def _split_unknown(index: SearchIndex, word: str) -> list[str]:
    """Split a run-together word into two known ones ("gastroesophageal")."""
    if len(word) < 7 or not word.isalpha() or stem(word) in index.term_id_:
        return [word]
    best: tuple[int, list[str]] | None = None
    for i in range(3, len(word) - 2):
        left, right = word[:i], word[i:]
        if stem(left) in index.term_id_ and stem(right) in index.term_id_:
            balance = min(len(left), len(right))
            if best is None or balance > best[0]:
                best = (balance, [left, right])
    return best[1] if best else [word]


# ------------------------------------------------------------- typo correction
def term_matches(
    index: SearchIndex, word: str, cutoff: float, is_last: bool
) -> list[tuple[int, float]]:
    """Vocabulary terms a query word may stand for, each with a credit in (0, 1].

    Only a word written somewhere in the code sets counts as exact: "migrane" shares
    its stem with "migrans" but is a typo of "migraine", so an unknown spelling is
    typo-corrected and its stem match kept only as one candidate among others.

    Args:
        index: The index whose vocabulary is searched.
        word: One query word, lower-case, not stemmed.
        cutoff: rapidfuzz ratio (0-100) a typo correction must reach.
        is_last: The word is the last one typed, perhaps unfinished: complete it by
            prefix even when it is a known word.

    Returns:
        (term id, credit) pairs.
    """
    term = stem(word)
    found: dict[int, float] = {}
    stem_id = index.term_id_.get(term)
    exact = stem_id if word in index.surface_ or term.isdigit() else None
    if exact is not None:
        found[exact] = 1.0
    if term.isdigit():
        return list(found.items())
    if (exact is None or is_last) and len(word) >= PREFIX_MIN_LEN:
        lo = bisect.bisect_left(index.vocab_, word)
        hi = bisect.bisect_left(index.vocab_, word + "\x7f", lo)
        ids = [i for i in range(lo, hi) if i != exact]
        if len(ids) > PREFIX_MAX_TERMS:
            ids = sorted(ids, key=lambda i: -int(index.df_[i]))[:PREFIX_MAX_TERMS]
        for i in ids:
            credit = (0.7 if exact is None else 0.5) + 0.2 * len(word) / len(index.vocab_[i])
            found[i] = max(found.get(i, 0.0), min(credit, 0.9))
    if exact is None and len(word) >= TYPO_MIN_LEN:
        n = len(word)
        lo = index.len_start_[min(max(n - 2, 0), len(index.len_start_) - 1)]
        hi = index.len_start_[min(n + 3, len(index.len_start_) - 1)]
        for cand, score, _ in process.extract(
            word, index.terms_by_len_[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff, limit=4
        ):
            i = index.surface_[cand]
            found[i] = max(found.get(i, 0.0), 0.9 * score / 100.0)
    if stem_id is not None and exact is None:
        found[stem_id] = max(found.get(stem_id, 0.0), STEM_ONLY_CREDIT)
    return list(found.items())
