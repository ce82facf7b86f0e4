"""The search index: what is built from the code sets once and pickled into the cache.

Building walks every code once (about ten seconds for ICD-10-CM); a warm start only
unpickles the result, so the index holds nothing but lists, small dicts and numpy
arrays, and every attribute filled by `SearchIndex.build` ends in `_`. What goes in:

- every text of a code: ICD-10-CM descriptions, inclusion terms and "includes" notes,
  and the descriptions and terms of CPT/HCPCS rows, as weighted terms (`terms`);
- a header's title and notes also under the billable code it defaults to
  (`coder_assist.codesets.defaults`), so "diabetes NOS" under E11 finds E11.9;
- the 51k 7th-character extensions not one by one: their base code (S72.001) is
  indexed once with its 7th-character rule and shown as the extension a query asks for;
- the postings term -> texts, IDF weights, and the surface words and their lengths
  that query expansion and typo correction look words up in.

Searching is `query` (typed codes, expansion, typo correction) and `rank` (scoring and
hits); `SearchIndex.search` puts the two together.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from coder_assist.codesets.defaults import default_child, needs_extension
from coder_assist.codesets.model import SYSTEMS, Code, SearchHit
from coder_assist.codesets.search.query import FALLBACK_TYPO_CUTOFF, TYPO_CUTOFF, code_matches
from coder_assist.codesets.search.rank import fallback, hit, prior, text_matches
from coder_assist.codesets.search.terms import compact, stem, surface_words, weighted_terms
from coder_assist.codesets.synonyms import SynonymTable

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


class SearchIndex:
    """Inverted index over every searchable text of every code.

    Build it with `SearchIndex.build(codes, synonyms)`; the constructor makes an empty
    index so that unpickling is a plain attribute restore. Learned attributes end in `_`.
    """

    def __init__(self) -> None:
        # one entry per code
        self.codes_: list[str] = []
        self.descriptions_: list[str] = []
        self.entry_system_: npt.NDArray[np.int8] = np.zeros(0, np.int8)
        self.billable_: npt.NDArray[np.bool_] = np.zeros(0, np.bool_)
        self.sorted_codes_: list[str] = []  # compact codes, sorted, for exact/prefix lookup
        self.sorted_entries_: IntArray = np.zeros(0, np.int32)
        # one text per description / inclusion term / includes note / starter term
        self.text_entry_: IntArray = np.zeros(0, np.int32)
        self.text_lower_: list[str] = []
        self.text_weight_: FloatArray = np.zeros(0, np.float32)
        self.text_prior_: FloatArray = np.zeros(0, np.float32)
        self.text_system_: npt.NDArray[np.int8] = np.zeros(0, np.int8)
        self.text_with_: npt.NDArray[np.bool_] = np.zeros(0, np.bool_)  # says "with ..."
        self.text_without_: npt.NDArray[np.bool_] = np.zeros(0, np.bool_)  # says "without"
        # vocabulary (stemmed terms) and postings term -> texts
        self.vocab_: list[str] = []
        self.term_id_: dict[str, int] = {}
        self.idf_: FloatArray = np.zeros(0, np.float32)
        self.df_: IntArray = np.zeros(0, np.int32)
        self.post_start_: npt.NDArray[np.int64] = np.zeros(1, np.int64)
        self.postings_: IntArray = np.zeros(0, np.int32)
        self.post_factor_: FloatArray = np.zeros(0, np.float32)
        self.surface_: dict[str, int] = {}  # every word as written in a text -> its term
        self.terms_by_len_: list[str] = []  # typo-correction pool (surface words) by length
        self.len_start_: list[int] = [0]
        self.default_idf_: float = 1.0
        # 7th characters: a code that needs one is indexed once and shown as an extension
        self.ext_rule_: dict[int, int] = {}  # entry of such a code -> index into rules_
        self.rules_: list[tuple[tuple[str, tuple[str, ...]], ...]] = []  # (char, meaning terms)
        self.fallback_entries_: list[int] = []
        self.fallback_texts_: list[str] = []
        self.synonyms_: SynonymTable = SynonymTable()

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, codes: Iterable[Code], synonyms: SynonymTable | None = None) -> SearchIndex:
        """Index every code except chapters and blocks (they are not codes one can pick).

        Args:
            codes: Every code of every system.
            synonyms: Abbreviations and lay terms for query expansion (none if omitted).

        Returns:
            The built index.
        """
        index = cls()
        index.synonyms_ = synonyms or SynonymTable()
        all_codes = [c for c in codes if c.kind not in ("chapter", "block")]
        by_code: dict[tuple[str, str], Code] = {(c.system, c.code): c for c in all_codes}
        lent = _lent_texts(all_codes, by_code)
        nos_optional = _nos_optional_terms(all_codes)
        sys_id = {s: i for i, s in enumerate(SYSTEMS)}
        entry_sys: list[int] = []
        billable: list[bool] = []
        priors: list[float] = []
        text_entry: list[int] = []
        text_terms: list[dict[str, float]] = []
        rule_ids: dict[tuple[tuple[str, str], ...], int] = {}
        for e, c in enumerate(all_codes):
            index.codes_.append(c.code)
            index.descriptions_.append(c.description)
            entry_sys.append(sys_id[c.system])
            billable.append(c.billable)
            priors.append(prior(c))
            if c.kind == "extension":
                continue  # searched through its base code, see `rank.to_extension`
            if needs_extension(c):
                rule = c.seventh_characters
                if rule not in rule_ids:
                    rule_ids[rule] = len(index.rules_)
                    index.rules_.append(
                        tuple((char, tuple(weighted_terms(meaning))) for char, meaning in rule)
                    )
                index.ext_rule_[e] = rule_ids[rule]
            texts = [c.description, *c.inclusion_terms, *c.terms, *c.includes]
            texts.extend(lent.get((c.system, c.code), ()))
            optional_terms = frozenset[str]()
            if c.system == "ICD-10-CM":
                optional_terms = nos_optional.get(c.code[:3], optional_terms)
            seen: set[str] = set()
            for text in texts:
                low = " ".join(text.lower().split())
                if not low or low in seen:
                    continue
                terms = weighted_terms(low, optional_terms=optional_terms)
                if not terms:
                    continue
                seen.add(low)
                text_entry.append(e)
                index.text_lower_.append(low)
                text_terms.append(terms)
            if c.kind in ("category", "service") or (c.kind == "code" and "." not in c.code):
                index.fallback_entries_.append(e)
                index.fallback_texts_.append(c.description.lower())
        index.entry_system_ = np.asarray(entry_sys, np.int8)
        index.billable_ = np.asarray(billable, np.bool_)
        index.text_entry_ = np.asarray(text_entry, np.int32)
        index.text_system_ = index.entry_system_[index.text_entry_]
        index.text_prior_ = np.asarray(priors, np.float32)[index.text_entry_]
        index.text_with_ = np.asarray(["with" in t for t in text_terms], np.bool_)
        index.text_without_ = np.asarray(["without" in t for t in text_terms], np.bool_)
        pairs = sorted((compact(code), e) for e, code in enumerate(index.codes_))
        index.sorted_codes_ = [p[0] for p in pairs]
        index.sorted_entries_ = np.asarray([p[1] for p in pairs], np.int32)
        index._build_postings(text_terms)
        return index

    def _build_postings(self, text_terms: list[dict[str, float]]) -> None:
        """Fill the vocabulary, IDF, postings and the surface-word and typo pools."""
        postings: dict[str, list[int]] = {}
        factors: dict[str, list[float]] = {}
        for t, terms in enumerate(text_terms):
            for term, factor in terms.items():
                postings.setdefault(term, []).append(t)
                factors.setdefault(term, []).append(factor)
        self.vocab_ = sorted(postings)
        self.term_id_ = {term: i for i, term in enumerate(self.vocab_)}
        df = np.asarray([len(postings[t]) for t in self.vocab_], np.int32)
        self.df_ = df
        self.idf_ = np.log1p(max(1, len(text_terms)) / np.maximum(df, 1)).astype(np.float32)
        self.default_idf_ = float(np.median(self.idf_)) if len(self.idf_) else 1.0
        starts = np.zeros(len(self.vocab_) + 1, np.int64)
        starts[1:] = np.cumsum(df)
        self.post_start_ = starts
        self.postings_ = np.fromiter(
            (t for term in self.vocab_ for t in postings[term]), np.int32, int(starts[-1])
        )
        self.post_factor_ = np.fromiter(
            (f for term in self.vocab_ for f in factors[term]), np.float32, int(starts[-1])
        )
        idf = self.idf_.tolist()
        weight = [sum(idf[self.term_id_[w]] * f for w, f in terms.items()) for terms in text_terms]
        self.text_weight_ = np.maximum(np.asarray(weight, np.float32), 1e-3)
        self.surface_ = {}
        for text in self.text_lower_:
            for word in surface_words(text):
                if word not in self.surface_ and (term := stem(word)) in self.term_id_:
                    self.surface_[word] = self.term_id_[term]
        pool = sorted((w for w in self.surface_ if len(w) >= 2 and not w.isdigit()), key=len)
        self.terms_by_len_ = pool
        lengths = [len(t) for t in pool]
        longest = lengths[-1] if pool else 0
        self.len_start_ = [bisect.bisect_left(lengths, n) for n in range(longest + 2)]

    # ----------------------------------------------------------------- search
    def search(self, query: str, system: str | None = None, limit: int = 10) -> list[SearchHit]:
        """Best codes for a query: a typed code and its family, else text matches.

        Text matching retries with a looser typo cutoff when nothing matched, and as a
        last resort fuzzy-matches category titles, so a query never comes back empty.

        Args:
            query: The query as typed.
            system: A canonical system name (`CodeSets.search` validates user input),
                or None for every system.
            limit: The most hits to return.

        Returns:
            Hits, best first.
        """
        sys_id = SYSTEMS.index(system) if system else None
        ranked = code_matches(self, query, sys_id, limit)
        if not ranked:
            ranked = text_matches(self, query, sys_id, limit, TYPO_CUTOFF)
        if not ranked:
            ranked = text_matches(self, query, sys_id, limit, FALLBACK_TYPO_CUTOFF)
        if not ranked:
            ranked = fallback(self, query, sys_id, limit)
        return [hit(self, e, score) for e, score in ranked[:limit]]


def _lend_target(code: Code, by_code: dict[tuple[str, str], Code]) -> Code | None:
    """The code a header's words are lent to: its default billable descendant.

    The walk stops at a code needing a 7th character, which is searched as a whole and
    shown as its extension. Only children that look like a default qualify, so a header
    without an unspecified child lends nothing.
    """
    current: Code | None = code
    while current is not None and not current.billable:
        if needs_extension(current):
            return current
        kids = (by_code.get((current.system, child)) for child in current.children)
        current = default_child([k for k in kids if k is not None], require_default=True)
    return current


def _lent_texts(
    codes: list[Code], by_code: dict[tuple[str, str], Code]
) -> dict[tuple[str, str], list[str]]:
    """Titles, inclusion terms and includes notes of ICD-10-CM headers, lent to their default.

    "GERD" means K21.9 although only the category K21 says just "Gastro-esophageal
    reflux disease"; lending the header's words to its unspecified code lets the billable
    code outrank the header it belongs to.
    """
    lent: dict[tuple[str, str], list[str]] = {}
    for c in codes:
        if c.system != "ICD-10-CM" or c.billable:
            continue
        child = _lend_target(c, by_code)
        if child is not None:
            lent.setdefault((child.system, child.code), []).extend(
                [c.description, *c.inclusion_terms, *c.includes]
            )
    return lent


def _nos_optional_terms(codes: list[Code]) -> dict[str, frozenset[str]]:
    """Per ICD-10-CM category, the title words its own "X NOS" note makes optional.

    E11 "Type 2 diabetes mellitus" includes "diabetes NOS": an unqualified diabetes is
    type 2, so "diabetes with hyperglycemia" should find E11.65 rather than E13.65.
    """
    out: dict[str, frozenset[str]] = {}
    for c in codes:
        if c.system != "ICD-10-CM" or c.kind != "category" or c.billable:
            continue
        title = set(weighted_terms(c.description))
        for note in (*c.includes, *c.inclusion_terms):
            if note.endswith(" NOS"):
                said = set(weighted_terms(note[: -len(" NOS")]))
                if said and said < title:
                    out[c.code] = out.get(c.code, frozenset()) | frozenset(title - said)
    return out
