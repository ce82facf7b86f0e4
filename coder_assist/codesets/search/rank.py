"""Scoring the texts against a query's readings, and turning the best into hits.

An inverted index (term -> texts) scores every text by IDF-weighted query coverage
and document coverage in a few numpy operations; nonessential modifiers and filler
words weigh little (`terms`), so `hypertension` matches "hypertension (arterial)
(benign) ..." completely. The best couple of hundred texts are then re-scored with
rapidfuzz and the static priors computed at build time (`prior`): billable codes first,
the unspecified code of a family for bare queries, shallower codes first. A code that
needs a 7th character is shown as the extension the query asks for.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from coder_assist.codesets.defaults import needs_extension, reads_unspecified
from coder_assist.codesets.model import SYSTEMS, Code, SearchHit, System
from coder_assist.codesets.search.query import term_matches, variants
from coder_assist.codesets.search.terms import FILLER, compact, query_words, stem, weighted_terms

if TYPE_CHECKING:
    from coder_assist.codesets.search.index import FloatArray, IntArray, SearchIndex

CANDIDATES = 200
NEGATION_PENALTY = 0.9


def text_matches(
    index: SearchIndex, query: str, sys_id: int | None, limit: int, cutoff: float
) -> list[tuple[int, float]]:
    """Best entries for a text query, scored over every reading of it.

    Args:
        index: The index to search.
        query: The query as typed.
        sys_id: Position of the system in `SYSTEMS`, or None for every system.
        limit: The most entries wanted.
        cutoff: Typo-correction cutoff (see `query.term_matches`).

    Returns:
        (entry, score) pairs, best first; [] when no query word matched anything.
    """
    readings = variants(index, query)
    if not readings:
        return []
    typed = query_words(query)
    last = typed[-1] if typed and not query[-1:].isspace() else None
    cache: dict[str, tuple[FloatArray, FloatArray, float] | None] = {}
    n = len(index.text_lower_)
    best = np.zeros(n, np.float32)
    which = np.zeros(n, np.int8)
    for v_index, variant in enumerate(readings):
        q_acc: FloatArray | None = None
        d_acc: FloatArray | None = None
        q_total = 0.0
        for word in variant.words:
            if word not in cache:
                cache[word] = _word_arrays(index, word, cutoff, word == last)
            arrays = cache[word]
            if arrays is None:  # an unknown word lowers every text's coverage alike
                q_total += index.default_idf_ * FILLER.get(word, 1.0)
                continue
            q, d, qweight = arrays
            q_total += qweight
            q_acc = q.copy() if q_acc is None else np.add(q_acc, q, out=q_acc)
            d_acc = d.copy() if d_acc is None else np.add(d_acc, d, out=d_acc)
        if q_acc is None or d_acc is None or q_total <= 0:
            continue
        idx = np.flatnonzero(q_acc > 0)
        if sys_id is not None:
            idx = idx[index.text_system_[idx] == sys_id]
        score = (0.6 / q_total) * q_acc[idx]
        score += 0.4 * np.minimum(d_acc[idx] / index.text_weight_[idx], 1.0)
        score *= variant.weight * _negation_factor(index, variant.words, idx)
        better = score > best[idx]
        best[idx[better]] = score[better]
        which[idx[better]] = v_index
    nz = np.flatnonzero(best > 0)
    if not len(nz):
        return []
    total = best[nz] + index.text_prior_[nz]
    top = float(total.max())
    keep = total >= top * 0.6
    cand = nz[keep] if int(keep.sum()) >= limit else nz
    if len(cand) > CANDIDATES:
        order = np.argpartition(best[cand] + index.text_prior_[cand], -CANDIDATES)
        cand = cand[order[-CANDIDATES:]]
    strings = [" ".join(v.words) for v in readings]
    per_entry: dict[int, tuple[float, int]] = {}
    for t in cand.tolist():
        v = int(which[t])
        fz = fuzz.token_sort_ratio(strings[v], index.text_lower_[t]) / 100.0
        final = 0.92 * float(best[t]) + 0.08 * fz * readings[v].weight
        final += float(index.text_prior_[t])
        e = int(index.text_entry_[t])
        if final > per_entry.get(e, (-1.0, 0))[0]:
            per_entry[e] = (final, v)
    ranked = sorted(per_entry.items(), key=lambda item: (-item[1][0], index.codes_[item[0]]))
    out: list[tuple[int, float]] = []
    for e, (final, v) in ranked[:limit]:
        if e in index.ext_rule_:
            e = to_extension(index, e, readings[v].words)
        out.append((e, final))
    return out


def _word_arrays(
    index: SearchIndex, word: str, cutoff: float, is_last: bool
) -> tuple[FloatArray, FloatArray, float] | None:
    """Per-text query credit and document-side matched weight for one query word."""
    matches = term_matches(index, word, cutoff, is_last)
    if not matches:
        return None
    n = len(index.text_lower_)
    q = np.zeros(n, np.float32)
    d = np.zeros(n, np.float32)
    qweight = FILLER.get(word, 1.0) * max(float(index.idf_[i]) for i, _ in matches)
    for i, credit in sorted(matches, key=lambda m: m[1]):
        a, b = int(index.post_start_[i]), int(index.post_start_[i + 1])
        texts = index.postings_[a:b]
        q[texts] = qweight * credit
        d[texts] = float(index.idf_[i]) * credit * index.post_factor_[a:b]
    return q, d, qweight


def _negation_factor(
    index: SearchIndex, words: tuple[str, ...], idx: IntArray
) -> FloatArray | float:
    """Demote "without X" texts for a query that says "with", and the reverse.

    "with" and "without" are short and common, so coverage alone barely separates
    "concussion with loss of consciousness" from its "without" sibling.
    """
    says_with, says_without = "with" in words, "without" in words
    if says_with == says_without:
        return 1.0
    has_with, has_without = index.text_with_[idx], index.text_without_[idx]
    wrong = has_without & ~has_with if says_with else has_with & ~has_without
    return np.where(wrong, np.float32(NEGATION_PENALTY), np.float32(1.0))


def to_extension(index: SearchIndex, e: int, words: tuple[str, ...]) -> int:
    """Pick the extension of a code needing a 7th character that the query asks for.

    The 7th character whose meaning shares most query words the code's own title does
    not already explain wins ("sequela", "subsequent ... routine healing", "open");
    otherwise the first one, the initial encounter. The code itself is returned when
    that extension is not in the index.
    """
    stems = {stem(w) for w in words} - set(weighted_terms(index.descriptions_[e]))
    rule = index.rules_[index.ext_rule_[e]]
    char, overlap = rule[0][0], 0
    for candidate, meaning in rule:
        shared = len(stems.intersection(meaning))
        if shared > overlap:
            char, overlap = candidate, shared
    full = compact(index.codes_[e]).ljust(6, "X") + char
    i = bisect.bisect_left(index.sorted_codes_, full)
    system = index.entry_system_[e]
    while i < len(index.sorted_codes_) and index.sorted_codes_[i] == full:
        found = int(index.sorted_entries_[i])
        if index.entry_system_[found] == system:
            return found
        i += 1
    return e


def fallback(
    index: SearchIndex, query: str, sys_id: int | None, limit: int
) -> list[tuple[int, float]]:
    """Last resort when no query word matched: fuzzy match over category titles."""
    out: list[tuple[int, float]] = []
    for _, score, i in process.extract(
        query.lower(), index.fallback_texts_, scorer=fuzz.WRatio, limit=limit * 4
    ):
        e = index.fallback_entries_[i]
        if sys_id is None or index.entry_system_[e] == sys_id:
            out.append((e, 0.5 * score / 100.0))
    return out[:limit]


def hit(index: SearchIndex, e: int, score: float) -> SearchHit:
    """The pick-list row of an entry, its score clipped to [0, 1] and rounded."""
    system: System = SYSTEMS[int(index.entry_system_[e])]
    return SearchHit(
        code=index.codes_[e],
        system=system,
        description=index.descriptions_[e],
        score=round(min(1.0, max(0.0, score)), 4),
        billable=bool(index.billable_[e]),
    )


def prior(c: Code) -> float:
    """Score the static preference among codes that match a query equally well.

    Billable codes beat headers; for ICD-10-CM the unspecified code of a family (what a
    bare query like "pneumonia" means) beats its rarer siblings, an initial encounter
    beats later ones, and shallower codes beat deeper ones.

    This bonus is not `defaults.default_child`: that picks one child per header, while
    the bonus goes to every code that reads as unspecified ("unspecified", "NOS") or is
    numbered as the residual one (9, 90 or 99 after the category), wherever it sits.
    """
    value = 0.06 if c.billable or needs_extension(c) else 0.0
    if c.system != "ICD-10-CM":
        return value
    desc = c.description.lower()
    code = compact(c.code)
    tail = code[3:].strip("X")
    if reads_unspecified(desc) or tail in ("9", "90", "99"):
        value += 0.015
    if desc.startswith("other "):
        value -= 0.01
    if needs_extension(c):
        code = code.ljust(6, "X") + "A"  # ranked as the extension it is shown as
    value -= 0.002 * max(0, len(code) - 3)
    return value
