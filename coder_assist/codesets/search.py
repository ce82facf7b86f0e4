"""Typo- and abbreviation-tolerant search over ICD-10-CM, CPT and HCPCS.

A pick-list search must answer in a few milliseconds, so fuzzy-matching the query
against 100k descriptions (`rapidfuzz.process.extract`) is out. Instead:

1. A typed code (`e119`, `S72.001A`, `99213`) is looked up exactly, then its
   descendants and siblings are listed; no text search is done for it.
2. The query is expanded into a few readings through the synonym table (abbreviations
   such as `chf` or `w/o`, lay terms such as "heart attack").
3. Each query word is matched against the index vocabulary exactly (after light
   stemming), by prefix, and by rapidfuzz typo correction against words of similar length.
4. An inverted index (word -> texts) scores every text by IDF-weighted query coverage and
   document coverage in a few numpy operations. Words in parentheses are ICD-10-CM
   nonessential modifiers and filler words ("unspecified", "NOS") weigh little, so
   `hypertension` matches "hypertension (arterial) (benign) ..." completely.
5. The best couple of hundred texts are re-scored with rapidfuzz and static priors
   (billable codes first, the unspecified code of a family for bare queries, shallower
   codes first).

Every text of a code takes part: ICD-10-CM descriptions, inclusion terms and "includes"
notes (a header's title and notes are also lent to its unspecified billable code, so
"diabetes NOS" under E11 finds E11.9), and the descriptions and terms of CPT/HCPCS rows.
The 51k 7th-character extensions are not indexed one by one: their base code (S72.001) is
indexed once and shown as the extension the query asks for (A, initial encounter, unless
the query says "sequela", "subsequent ... routine healing", "open fracture", ...). The
index holds only lists, small dicts and numpy arrays so that it pickles into the
code-set cache and unpickles in milliseconds.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from coder_assist.codesets.model import SYSTEMS, Code, SearchHit, System
from coder_assist.codesets.synonyms import MAX_PHRASE_WORDS, SynonymTable

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]

STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "its"}
    | {"mellitus", "of", "on", "or", "per", "than", "the", "to", "via"}
)
# Words that say little about which code is meant: they match, but weigh little, so a
# description is not penalised for carrying them and a query gains little from them.
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

TYPO_MIN_LEN = 4
TYPO_CUTOFF = 80.0
FALLBACK_TYPO_CUTOFF = 65.0
PREFIX_MIN_LEN = 3
PREFIX_MAX_TERMS = 12
MAX_VARIANTS = 8
MAX_QUERY_WORDS = 24  # a pasted paragraph must not cost more than a pick-list query
CANDIDATES = 200
NEGATION_PENALTY = 0.9
STEM_ONLY_CREDIT = 0.8  # an unknown spelling whose stem is known ("sprains")

_TOKEN_RE = re.compile(r"[a-z0-9]+|[()\[\],]")
_ICD_PARTIAL = re.compile(r"[A-Z]\d[0-9A-Z]{1,5}")
_CPT_PARTIAL = re.compile(r"\d{3,4}[0-9FTU]?")
_HCPCS_PARTIAL = re.compile(r"[A-V]\d{2,4}")
_CLAUSE_RE = re.compile(r",\s*([^,]*)")
_DEFAULT_RE = re.compile(r"\bwithout complications?\b")
_WORDS_RE = re.compile(r"[a-z0-9]+")
_EDGE_PUNCT = ",.;:!?\"'()[]{}"
_WEAK_CLAUSE_STARTS = ("unspecified", "not specified", "site not specified", "nos")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Fold inflections ("fractures", "fractured" -> "fractur"); used for index and query."""
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


def weighted_terms(text: str, optional_terms: frozenset[str] = frozenset()) -> dict[str, float]:
    """Stemmed index terms of a text with their weight factor (1 for content words).

    Parenthesised and bracketed words are ICD-10-CM nonessential modifiers: a query may
    match them, but a text is not penalised when the query leaves them out. A clause
    after a comma that only says "unspecified ..." restates the default and weighs
    little; "without complications" is the default and is optional. `optional_terms`
    (stemmed) are optional too: the words a category's "X NOS" note says may be left
    out (E11 "diabetes NOS" makes "type 2" optional in every E11 code).
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


def _compact(code: str) -> str:
    return "".join(code.split()).upper().replace(".", "")


@dataclass(frozen=True, slots=True)
class _Variant:
    words: tuple[str, ...]
    weight: float


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
        """Index every code except chapters and blocks (they are not codes one can pick)."""
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
            priors.append(_prior(c))
            if c.kind == "extension":
                continue  # searched through its base code, see `_to_extension`
            if _needs_extension(c):
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
        pairs = sorted((_compact(code), e) for e, code in enumerate(index.codes_))
        index.sorted_codes_ = [p[0] for p in pairs]
        index.sorted_entries_ = np.asarray([p[1] for p in pairs], np.int32)
        index._build_postings(text_terms)
        return index

    def _build_postings(self, text_terms: list[dict[str, float]]) -> None:
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
            for word in _WORDS_RE.findall(text):
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

        `system` must already be canonical (`CodeSets.search` validates user input).
        """
        sys_id = SYSTEMS.index(system) if system else None
        ranked = self._code_matches(query, sys_id, limit)
        if not ranked:
            ranked = self._text_matches(query, sys_id, limit, TYPO_CUTOFF)
        if not ranked:
            ranked = self._text_matches(query, sys_id, limit, FALLBACK_TYPO_CUTOFF)
        if not ranked:
            ranked = self._fallback(query, sys_id, limit)
        return [self._hit(e, score) for e, score in ranked[:limit]]

    def _hit(self, e: int, score: float) -> SearchHit:
        system: System = SYSTEMS[int(self.entry_system_[e])]
        return SearchHit(
            code=self.codes_[e],
            system=system,
            description=self.descriptions_[e],
            score=round(min(1.0, max(0.0, score)), 4),
            billable=bool(self.billable_[e]),
        )

    # ------------------------------------------------------------ code lookup
    def _with_prefix(self, prefix: str, sys_id: int | None) -> list[int]:
        lo = bisect.bisect_left(self.sorted_codes_, prefix)
        hi = bisect.bisect_right(self.sorted_codes_, prefix + "\x7f", lo)
        found = self.sorted_entries_[lo:hi]
        if sys_id is not None:
            found = found[self.entry_system_[found] == sys_id]
        return sorted(found.tolist(), key=lambda e: (len(self.codes_[e]), self.codes_[e]))

    def _code_matches(self, query: str, sys_id: int | None, limit: int) -> list[tuple[int, float]]:
        """Rank a typed code first, then its children, then its siblings (same parent)."""
        compact = _compact(query)
        if not (
            _ICD_PARTIAL.fullmatch(compact)
            or _CPT_PARTIAL.fullmatch(compact)
            or _HCPCS_PARTIAL.fullmatch(compact)
        ):
            return []
        family = self._with_prefix(compact, sys_id)
        exact = {int(self.entry_system_[e]) for e in family if _compact(self.codes_[e]) == compact}
        if exact and sys_id is None and len(exact) == 1:  # `j1885` is HCPCS: stay in HCPCS
            sys_id = exact.pop()
            family = self._with_prefix(compact, sys_id)
        out = [(e, 1.0 if _compact(self.codes_[e]) == compact else 0.9) for e in family]
        anchor = compact
        if not out:  # e.g. "E11.99": show the nearest existing ancestor and its family
            while len(anchor) > 3 and not out:
                anchor = anchor[:-1]
                out = [(e, 0.8) for e in self._with_prefix(anchor, sys_id)]
        if not out:
            return []
        if len(out) < limit and len(anchor) > 3:
            seen = {e for e, _ in out}
            out.extend((e, 0.7) for e in self._with_prefix(anchor[:-1], sys_id) if e not in seen)
        out.sort(key=lambda item: -item[1])  # stable: exact, children, then siblings
        return out[:limit]

    # ------------------------------------------------------------ text search
    def _variants(self, query: str) -> list[_Variant]:
        """Query readings: as typed, and with abbreviations / lay terms expanded."""
        segments: list[list[tuple[tuple[str, ...], float]]] = []
        pending: list[str] = []

        def flush() -> None:
            segments.extend(self._phrase_segments(pending))
            pending.clear()

        for raw in query.split():
            chunk = raw.strip(_EDGE_PUNCT) or raw
            senses = self.synonyms_.lookup_chunk(chunk)
            if senses and (not chunk.isalnum() or chunk in self.synonyms_.case_sensitive_):
                flush()
                segments.append([(self._words(s), 1.0 - 0.03 * i) for i, s in enumerate(senses)])
                continue
            pending.extend(self._words(chunk))
        flush()
        beam: list[tuple[tuple[str, ...], float]] = [((), 1.0)]
        for alternatives in segments:
            alternatives = [a for a in alternatives if a[0]]
            if not alternatives:
                continue
            beam = sorted(
                ((words + alt, weight * w) for words, weight in beam for alt, w in alternatives),
                key=lambda item: -item[1],
            )[:MAX_VARIANTS]
        out: list[_Variant] = []
        seen: set[tuple[str, ...]] = set()
        for words, weight in beam:
            key = tuple(dict.fromkeys(words))[:MAX_QUERY_WORDS]
            if key and key not in seen:
                seen.add(key)
                out.append(_Variant(key, weight))
        return out

    def _phrase_segments(self, words: list[str]) -> list[list[tuple[tuple[str, ...], float]]]:
        """Greedy longest match of synonym phrases over a run of plain words."""
        segments: list[list[tuple[tuple[str, ...], float]]] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
                phrase = tuple(words[i : i + n])
                senses = list(self.synonyms_.lookup_phrase(phrase))
                weaker: list[str] = []
                if n == 1:
                    weaker = [
                        s for s in self.synonyms_.lookup_case_folded(phrase[0]) if s not in senses
                    ]
                if not senses and not weaker:
                    continue
                alternatives: list[tuple[tuple[str, ...], float]] = []
                if all(stem(w) in self.term_id_ for w in phrase):
                    alternatives.append((phrase, 1.0))
                for k, sense in enumerate(senses):
                    alternatives.append((self._words(sense), 1.0 - 0.03 * k))
                for k, sense in enumerate(weaker):
                    alternatives.append((self._words(sense), 0.9 - 0.03 * k))
                segments.append([a for a in alternatives if a[0]] or [(phrase, 1.0)])
                i += n
                break
            else:
                segments.append([((words[i],), 1.0)])
                i += 1
        return segments

    def _term_matches(self, word: str, cutoff: float, is_last: bool) -> list[tuple[int, float]]:
        """Vocabulary terms a query word may stand for, each with a credit in (0, 1].

        Only a word written somewhere in the code sets counts as exact: "migrane" shares
        its stem with "migrans" but is a typo of "migraine", so an unknown spelling is
        typo-corrected and its stem match kept only as one candidate among others.
        """
        term = stem(word)
        found: dict[int, float] = {}
        stem_id = self.term_id_.get(term)
        exact = stem_id if word in self.surface_ or term.isdigit() else None
        if exact is not None:
            found[exact] = 1.0
        if term.isdigit():
            return list(found.items())
        if (exact is None or is_last) and len(word) >= PREFIX_MIN_LEN:
            lo = bisect.bisect_left(self.vocab_, word)
            hi = bisect.bisect_left(self.vocab_, word + "\x7f", lo)
            ids = [i for i in range(lo, hi) if i != exact]
            if len(ids) > PREFIX_MAX_TERMS:
                ids = sorted(ids, key=lambda i: -int(self.df_[i]))[:PREFIX_MAX_TERMS]
            for i in ids:
                credit = (0.7 if exact is None else 0.5) + 0.2 * len(word) / len(self.vocab_[i])
                found[i] = max(found.get(i, 0.0), min(credit, 0.9))
        if exact is None and len(word) >= TYPO_MIN_LEN:
            n = len(word)
            lo = self.len_start_[min(max(n - 2, 0), len(self.len_start_) - 1)]
            hi = self.len_start_[min(n + 3, len(self.len_start_) - 1)]
            for cand, score, _ in process.extract(
                word, self.terms_by_len_[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff, limit=4
            ):
                i = self.surface_[cand]
                found[i] = max(found.get(i, 0.0), 0.9 * score / 100.0)
        if stem_id is not None and exact is None:
            found[stem_id] = max(found.get(stem_id, 0.0), STEM_ONLY_CREDIT)
        return list(found.items())

    def _word_arrays(
        self, word: str, cutoff: float, is_last: bool
    ) -> tuple[FloatArray, FloatArray, float] | None:
        """Per-text query credit and document-side matched weight for one query word."""
        matches = self._term_matches(word, cutoff, is_last)
        if not matches:
            return None
        n = len(self.text_lower_)
        q = np.zeros(n, np.float32)
        d = np.zeros(n, np.float32)
        qweight = FILLER.get(word, 1.0) * max(float(self.idf_[i]) for i, _ in matches)
        for i, credit in sorted(matches, key=lambda m: m[1]):
            a, b = int(self.post_start_[i]), int(self.post_start_[i + 1])
            texts = self.postings_[a:b]
            q[texts] = qweight * credit
            d[texts] = float(self.idf_[i]) * credit * self.post_factor_[a:b]
        return q, d, qweight

    def _text_matches(
        self, query: str, sys_id: int | None, limit: int, cutoff: float
    ) -> list[tuple[int, float]]:
        variants = self._variants(query)
        if not variants:
            return []
        typed = query_words(query)
        last = typed[-1] if typed and not query[-1:].isspace() else None
        cache: dict[str, tuple[FloatArray, FloatArray, float] | None] = {}
        n = len(self.text_lower_)
        best = np.zeros(n, np.float32)
        which = np.zeros(n, np.int8)
        for v_index, variant in enumerate(variants):
            q_acc: FloatArray | None = None
            d_acc: FloatArray | None = None
            q_total = 0.0
            for word in variant.words:
                if word not in cache:
                    cache[word] = self._word_arrays(word, cutoff, word == last)
                arrays = cache[word]
                if arrays is None:  # an unknown word lowers every text's coverage alike
                    q_total += self.default_idf_ * FILLER.get(word, 1.0)
                    continue
                q, d, qweight = arrays
                q_total += qweight
                q_acc = q.copy() if q_acc is None else np.add(q_acc, q, out=q_acc)
                d_acc = d.copy() if d_acc is None else np.add(d_acc, d, out=d_acc)
            if q_acc is None or d_acc is None or q_total <= 0:
                continue
            idx = np.flatnonzero(q_acc > 0)
            if sys_id is not None:
                idx = idx[self.text_system_[idx] == sys_id]
            score = (0.6 / q_total) * q_acc[idx]
            score += 0.4 * np.minimum(d_acc[idx] / self.text_weight_[idx], 1.0)
            score *= variant.weight * self._negation_factor(variant.words, idx)
            better = score > best[idx]
            best[idx[better]] = score[better]
            which[idx[better]] = v_index
        nz = np.flatnonzero(best > 0)
        if not len(nz):
            return []
        total = best[nz] + self.text_prior_[nz]
        top = float(total.max())
        keep = total >= top * 0.6
        cand = nz[keep] if int(keep.sum()) >= limit else nz
        if len(cand) > CANDIDATES:
            order = np.argpartition(best[cand] + self.text_prior_[cand], -CANDIDATES)
            cand = cand[order[-CANDIDATES:]]
        strings = [" ".join(v.words) for v in variants]
        per_entry: dict[int, tuple[float, int]] = {}
        for t in cand.tolist():
            v = int(which[t])
            fz = fuzz.token_sort_ratio(strings[v], self.text_lower_[t]) / 100.0
            final = 0.92 * float(best[t]) + 0.08 * fz * variants[v].weight
            final += float(self.text_prior_[t])
            e = int(self.text_entry_[t])
            if final > per_entry.get(e, (-1.0, 0))[0]:
                per_entry[e] = (final, v)
        ranked = sorted(per_entry.items(), key=lambda item: (-item[1][0], self.codes_[item[0]]))
        out: list[tuple[int, float]] = []
        for e, (final, v) in ranked[:limit]:
            if e in self.ext_rule_:
                e = self._to_extension(e, variants[v].words)
            out.append((e, final))
        return out

    def _to_extension(self, e: int, words: tuple[str, ...]) -> int:
        """Pick the extension of a code needing a 7th character that the query asks for.

        The 7th character whose meaning shares most query words the code's own title does
        not already explain wins ("sequela", "subsequent ... routine healing", "open");
        otherwise the first one, the initial encounter.
        """
        stems = {stem(w) for w in words} - set(weighted_terms(self.descriptions_[e]))
        rule = self.rules_[self.ext_rule_[e]]
        char, overlap = rule[0][0], 0
        for candidate, meaning in rule:
            shared = len(stems.intersection(meaning))
            if shared > overlap:
                char, overlap = candidate, shared
        compact = _compact(self.codes_[e]).ljust(6, "X") + char
        i = bisect.bisect_left(self.sorted_codes_, compact)
        system = self.entry_system_[e]
        while i < len(self.sorted_codes_) and self.sorted_codes_[i] == compact:
            found = int(self.sorted_entries_[i])
            if self.entry_system_[found] == system:
                return found
            i += 1
        return e

    def _negation_factor(self, words: tuple[str, ...], idx: IntArray) -> FloatArray | float:
        """Demote "without X" texts for a query that says "with", and the reverse.

        "with" and "without" are short and common, so coverage alone barely separates
        "concussion with loss of consciousness" from its "without" sibling.
        """
        says_with, says_without = "with" in words, "without" in words
        if says_with == says_without:
            return 1.0
        has_with, has_without = self.text_with_[idx], self.text_without_[idx]
        wrong = has_without & ~has_with if says_with else has_with & ~has_without
        return np.where(wrong, np.float32(NEGATION_PENALTY), np.float32(1.0))

    def _words(self, text: str) -> tuple[str, ...]:
        """Query words of a fragment, run-together words split into known ones."""
        return tuple(part for word in query_words(text) for part in self._split_unknown(word))

    def _split_unknown(self, word: str) -> list[str]:
        """Split a run-together word into two known ones ("gastroesophageal")."""
        if len(word) < 7 or not word.isalpha() or stem(word) in self.term_id_:
            return [word]
        best: tuple[int, list[str]] | None = None
        for i in range(3, len(word) - 2):
            left, right = word[:i], word[i:]
            if stem(left) in self.term_id_ and stem(right) in self.term_id_:
                balance = min(len(left), len(right))
                if best is None or balance > best[0]:
                    best = (balance, [left, right])
        return best[1] if best else [word]

    def _fallback(self, query: str, sys_id: int | None, limit: int) -> list[tuple[int, float]]:
        """Last resort when no query word matched: fuzzy match over category titles."""
        out: list[tuple[int, float]] = []
        for _, score, i in process.extract(
            query.lower(), self.fallback_texts_, scorer=fuzz.WRatio, limit=limit * 4
        ):
            e = self.fallback_entries_[i]
            if sys_id is None or self.entry_system_[e] == sys_id:
                out.append((e, 0.5 * score / 100.0))
        return out[:limit]


def _needs_extension(c: Code) -> bool:
    """Tell whether a leaf code is only billable with a 7th character (S72.001 -> S72.001A)."""
    return c.kind == "code" and bool(c.seventh_characters) and not c.billable


def _default_child(code: Code, by_code: dict[tuple[str, str], Code]) -> Code | None:
    """Find the billable code a bare mention of a header means: its unspecified descendant."""
    current: Code | None = code
    while current is not None and not current.billable:
        if _needs_extension(current):
            return current  # searched as a whole, shown as its extension
        if not current.children:
            return None
        best: tuple[int, Code] | None = None
        for child_code in current.children:
            child = by_code.get((current.system, child_code))
            if child is None:
                continue
            desc = child.description.lower()
            rank = 4 * ("unspecified" in desc or "without complication" in desc)
            rank += 2 * child_code.endswith("9") + child_code.endswith("0")
            if rank and (best is None or rank > best[0]):
                best = (rank, child)
        current = best[1] if best else None
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
        child = _default_child(c, by_code)
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


def _prior(c: Code) -> float:
    """Score the static preference among codes that match a query equally well.

    Billable codes beat headers; for ICD-10-CM the unspecified code of a family (what a
    bare query like "pneumonia" means) beats its rarer siblings, an initial encounter
    beats later ones, and shallower codes beat deeper ones.
    """
    prior = 0.06 if c.billable or _needs_extension(c) else 0.0
    if c.system != "ICD-10-CM":
        return prior
    desc = c.description.lower()
    compact = _compact(c.code)
    tail = compact[3:].strip("X")
    if "unspecified" in desc or " nos" in desc or tail in ("9", "90", "99"):
        prior += 0.015
    if desc.startswith("other "):
        prior -= 0.01
    if _needs_extension(c):
        compact = compact.ljust(6, "X") + "A"  # ranked as the extension it is shown as
    prior -= 0.002 * max(0, len(compact) - 3)
    return prior
