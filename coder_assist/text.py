"""Word normalisation shared by the concept index (code text) and the note side.

Both sides must reduce a word to the same key, so plurals, hyphen variants, accents and
Latin/Greek clinical suffix spellings meet. The stemmer is cached because vocabularies
are small compared to the number of tokens we see.

The code search (`coder_assist.codesets.search`) builds on the same stopword list and
has its own, lighter stemmer here (`light_stem`), so every word-normalisation rule of
the package lives in this one module, below both the code sets and the NLP pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nltk.stem.porter import PorterStemmer

_STEMMER = PorterStemmer(mode=PorterStemmer.NLTK_EXTENSIONS)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

#: Words that carry no clinical meaning for matching.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "into",
        "onto",
        "upon",
        "per",
        "via",
        "than",
        "then",
        "also",
        "any",
        "all",
        "other",
        "others",
        "such",
        "which",
        "who",
        "whom",
        "whose",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "me",
        "him",
        "them",
        "us",
        "due",
    ]
)

#: Words that ICD-10-CM uses as residual qualifiers; a note rarely says them.
QUALIFIERS = frozenset(
    [
        "unspecified",
        "nos",
        "nec",
        "specified",
        "elsewhere",
        "classified",
        "otherwise",
        "type",
        "site",
        "part",
        "region",
        "without",
        "complication",
        "complications",
        "encounter",
        "initial",
        "subsequent",
        "sequela",
        "condition",
        "conditions",
        "disease",
        "disorder",
        "disorders",
    ]
)

# Spelling variants that a stemmer does not join (British/Spanish-translated spellings).
_SPELLING = {
    "oesophagus": "esophagus",
    "oesophageal": "esophageal",
    "haemorrhage": "hemorrhage",
    "anaemia": "anemia",
    "tumour": "tumor",
    "oedema": "edema",
    "edemas": "edema",
    "faeces": "feces",
    "diarrhoea": "diarrhea",
    "ischaemic": "ischemic",
    "leucocytosis": "leukocytosis",
    "haematuria": "hematuria",
    "paediatric": "pediatric",
    "orchiepididymitis": "orchitis epididymitis",
    "high": "high",
}


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case and strip accents (café -> cafe) without changing meaning."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Normalised key of one lower-case word."""
    word = _SPELLING.get(word, word)
    if word.isdigit() or len(word) <= 3:
        return word
    return str(_STEMMER.stem(word))


@lru_cache(maxsize=1 << 16)
def light_stem(word: str) -> str:
    """Fold only plain inflections ("fractures", "fractured" -> "fractur"; "injuries" -> "injury").

    The code search (`coder_assist.codesets.search`) keys its index on this rather than on
    `stem`: it strips a plural, "-ed", "-ing" and a final "e" and nothing else, so a key
    stays close to the word as written, which the search's prefix completion and typo
    correction compare typed words against, and words Porter merges stay apart. Words of
    four letters or fewer and words with digits are kept whole.
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ed") and len(word) > 5:
        word = word[:-2]
    elif word.endswith("ing") and len(word) > 6:
        word = word[:-3]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case, accent-free word tokens of a phrase (hyphens split words)."""
    return _WORD.findall(fold(text).replace("'s", ""))


@lru_cache(maxsize=200_000)
def token_keys(word: str) -> tuple[str, ...]:
    """`keys` of one note token, cached: notes repeat their words."""
    return tuple(keys(word))


def keys(text: str, *, keep_qualifiers: bool = False) -> list[str]:
    """Content-word keys of a phrase, in order, without stopwords (and qualifiers)."""
    out = []
    for w in words(text):
        for part in _SPELLING.get(w, w).split():
            if part in STOPWORDS or (not keep_qualifiers and part in QUALIFIERS):
                continue
            out.append(stem(part))
    return out
