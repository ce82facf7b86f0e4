"""Which words of a code text or a query the search indexes, and how much each weighs.

The index and the query must cut text into the same words and fold them alike, or a
typed word never meets the title it was meant for. This module holds that shared part:
the stop words (the shared list of `coder_assist.text`, less the words that tell
codes apart), the light stemmer, the filler words that match but weigh little, and the
ICD-10-CM conventions that make words optional: nonessential modifiers in parentheses,
clauses that only restate the default, and the words a category's "X NOS" note says may
be left out.

Search cuts words at every character outside [a-z0-9] of the lower-cased text, unlike
`coder_assist.text.words`, which folds accents and drops a possessive "'s": the
index's vocabulary, prefix completion and typo pool are all built on these words, and
search results are kept as they are.
"""

from __future__ import annotations

import re

from coder_assist.text import STOPWORDS as SHARED_STOPWORDS
from coder_assist.text import light_stem as stem

__all__ = [
    "FILLER",
    "KEPT_STOPWORDS",
    "OPTIONAL_FACTOR",
    "STOPWORDS",
    "WEAK_FACTOR",
    "compact",
    "query_words",
    "stem",
    "surface_words",
    "weighted_terms",
]

#: Words of the shared stop-word list that search keeps as words. The shared list is
#: written for note prose; search reads code titles and pick-list queries.
KEPT_STOPWORDS = frozenset(
    # scored by search: "with" tells "with"/"without" siblings apart, "other" is filler
    {"with", "other"}
    # words of code titles: "due to" names a cause, "ALL" is acute lymphoblastic
    # leukaemia, "I" a Roman numeral ("type I"), "AML-ME", "ASC-US"
    | {"due", "all", "any", "i", "me", "us", "such", "others"}
    # pronouns, determiners and auxiliaries, rare in code titles, that the index has
    # always matched as words; dropping them would move scores
    | {"also", "been", "being", "he", "her", "him", "his", "it", "my", "onto", "our"}
    | {"she", "that", "their", "them", "then", "these", "they", "this", "those", "upon"}
    | {"was", "we", "were", "which", "who", "whom", "whose", "you", "your"}
)
#: Stop words of search: the shared list less `KEPT_STOPWORDS`, plus "mellitus", which
#: follows "diabetes" in every title that says it and which queries leave out.
STOPWORDS = (SHARED_STOPWORDS - KEPT_STOPWORDS) | {"mellitus"}

#: Words that say little about which code is meant: they match, but weigh little, so a
#: description is not penalised for carrying them and a query gains little from them.
FILLER: dict[str, float] = {
    "unspecified": 0.25,
    "nos": 0.1,
    "site": 0.25,
    "not": 0.25,
    "elsewhere": 0.1,
    "classified": 0.1,
    "specified": 0.5,
    "other": 0.6,
    "encounter": 0.25,
    "initial": 0.25,
    "with": 0.3,
}
WEAK_FACTOR = 0.25  # clauses that only restate the default ("without complications")
OPTIONAL_FACTOR = 0.0  # nonessential modifiers in (parentheses) or [brackets]

_TOKEN_RE = re.compile(r"[a-z0-9]+|[()\[\],]")
_WORDS_RE = re.compile(r"[a-z0-9]+")
_CLAUSE_RE = re.compile(r",\s*([^,]*)")
_DEFAULT_RE = re.compile(r"\bwithout complications?\b")
_WEAK_CLAUSE_STARTS = ("unspecified", "not specified", "site not specified", "nos")


def weighted_terms(text: str, optional_terms: frozenset[str] = frozenset()) -> dict[str, float]:
    """Stemmed index terms of a text with their weight factor (1 for content words).

    Parenthesised and bracketed words are ICD-10-CM nonessential modifiers: a query may
    match them, but a text is not penalised when the query leaves them out. A clause
    after a comma that only says "unspecified ..." restates the default and weighs
    little; "without complications" is the default and is optional.

    Args:
        text: A description, inclusion term, note or 7th-character meaning.
        optional_terms: Stemmed terms that are optional too: the words a category's
            "X NOS" note says may be left out (E11 "diabetes NOS" makes "type 2"
            optional in every E11 code).

    Returns:
        Each term once, with the highest factor it has anywhere in the text.
    """
    low = text.lower()
    spans: list[tuple[int, int, float]] = []
    if "," in low:
        for m in _CLAUSE_RE.finditer(low):
            if m.group(1).startswith(_WEAK_CLAUSE_STARTS):
                spans.append((m.start(), m.end(), WEAK_FACTOR))
    if "without complication" in low:
        for m in _DEFAULT_RE.finditer(low):
            spans.append((m.start(), m.end(), OPTIONAL_FACTOR))
    out: dict[str, float] = {}
    depth = 0
    for m in _TOKEN_RE.finditer(low):
        tok = m.group()
        if tok in "([":
            depth += 1
            continue
        if tok in ")]":
            depth = max(0, depth - 1)
            continue
        if tok == "," or tok in STOPWORDS:
            continue
        factor = OPTIONAL_FACTOR if depth else FILLER.get(tok, 1.0)
        if spans:
            at = m.start()
            for a, b, cap in spans:
                if a <= at < b:
                    factor = min(factor, cap)
        term = stem(tok)
        if term in optional_terms:
            factor = OPTIONAL_FACTOR
        out[term] = max(out.get(term, 0.0), factor)
    return out


def query_words(text: str) -> list[str]:
    """Lower-case words of a query fragment without stop words (not yet stemmed)."""
    return [w for w in _WORDS_RE.findall(text.lower()) if w not in STOPWORDS]


def surface_words(low: str) -> list[str]:
    """Every word of an already lower-cased text as written, stop words included."""
    return _WORDS_RE.findall(low)


def compact(code: str) -> str:
    """Fold a code as typed or stored to its bare characters ("s72.001a" -> "S72001A")."""
    return "".join(code.split()).upper().replace(".", "")
