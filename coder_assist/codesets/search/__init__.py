"""Typo- and abbreviation-tolerant search over ICD-10-CM, CPT and HCPCS.

A pick-list search must answer in a few milliseconds, so the work is split between a
build step, done once and pickled into the code-set cache, and cheap query-time steps:

- `terms`: which words of a text or query count and how much (stop words, the light
  stemmer, filler words, nonessential modifiers); index and query share it.
- `index`: `SearchIndex`, the inverted index over every text of every code, and its
  build (header titles lent to their default child, 7th-character rules).
- `query`: typed codes, query expansion through the synonym table, typo correction.
- `rank`: scoring, re-scoring with rapidfuzz and static priors, `SearchHit`s.

The names below are re-exported so that `from coder_assist.codesets.search import ...`
works as it did when search was one module.
"""

from coder_assist.codesets.search.index import FloatArray, IntArray, SearchIndex
from coder_assist.codesets.search.query import (
    FALLBACK_TYPO_CUTOFF,
    MAX_QUERY_WORDS,
    MAX_VARIANTS,
    PREFIX_MAX_TERMS,
    PREFIX_MIN_LEN,
    STEM_ONLY_CREDIT,
    TYPO_CUTOFF,
    TYPO_MIN_LEN,
)
from coder_assist.codesets.search.rank import CANDIDATES, NEGATION_PENALTY
from coder_assist.codesets.search.terms import (
    FILLER,
    OPTIONAL_FACTOR,
    STOPWORDS,
    WEAK_FACTOR,
    query_words,
    stem,
    weighted_terms,
)

__all__ = [
    "CANDIDATES",
    "FALLBACK_TYPO_CUTOFF",
    "FILLER",
    "MAX_QUERY_WORDS",
    "MAX_VARIANTS",
    "NEGATION_PENALTY",
    "OPTIONAL_FACTOR",
    "PREFIX_MAX_TERMS",
    "PREFIX_MIN_LEN",
    "STEM_ONLY_CREDIT",
    "STOPWORDS",
    "TYPO_CUTOFF",
    "TYPO_MIN_LEN",
    "WEAK_FACTOR",
    "FloatArray",
    "IntArray",
    "SearchIndex",
    "query_words",
    "stem",
    "weighted_terms",
]
