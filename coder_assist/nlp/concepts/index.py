"""Concept index: every code's wording as bags of normalised words, for order-free matching.

A note rarely repeats a code title word for word ("right ankle sprain" vs "Sprain of
unspecified ligament of right ankle"), so terms are matched as weighted bags of word keys
within a sentence rather than as exact phrases. Each term is reachable through its two
most informative keys (anchors), which keeps look-ups short.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coder_assist.codesets.model import Code
from coder_assist.text import keys

LATERALITY = frozenset({"right", "left", "bilater", "unilater"})
#: Services differ by one word (the body part, "with contrast"), so their wording must be
#: found almost in full.
SERVICE_MIN_COVERAGE = 0.85
#: Words ICD-10-CM titles add that notes often leave out ("abnormal weight loss").
LOW_WEIGHT = frozenset(
    keys("abnormal abnormality essential primary localized generalized finding findings")
)
_OPPOSITE = {"right": "left", "left": "right"}
_PAREN = re.compile(r"\([^)]*\)")
_BRACKET = re.compile(r"\[([^\]]*)\]")
#: Where a term comes from: code titles, inclusion terms, CPT/HCPCS service terms, our
#: synonyms, terms learned from coded notes, and our clinical index
#: (`coder_assist/codesets/data/clinical_terms.json`: term -> default code, the way a
#: coder looks a term up). Appended, never reordered: feature columns are named by index.
SOURCES = ("description", "inclusion", "service_term", "synonym", "learned", "index_term")
SOURCE_ID = {name: i for i, name in enumerate(SOURCES)}
INDEX_SOURCE = SOURCE_ID["index_term"]


def _extra_term(term: Sequence[object]) -> tuple[str, str, str, int, float]:
    """`(system, code, text, source name[, score])` as an index entry."""
    system, code, text, source = (str(x) for x in term[:4])
    score = float(term[4]) if len(term) > 4 else 1.0  # type: ignore[arg-type]
    return system, code, text, SOURCE_ID[source], score


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One term found in a sentence."""

    term_id: int
    coverage: float
    weight: float
    positions: tuple[int, ...]


class ConceptIndex:
    """Weighted word-bag terms of all codes with anchor postings."""

    def __init__(self) -> None:
        self.term_code_: list[tuple[str, str]] = []
        self.term_text_: list[str] = []
        self.term_source_: list[int] = []
        self.term_keys_: list[tuple[str, ...]] = []
        self.term_total_: list[float] = []
        self.term_residual_: list[bool] = []
        self.term_score_: list[float] = []
        self.term_absent_: dict[int, tuple[str, ...]] = {}
        self.idf_: dict[str, float] = {}
        self.postings_: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        codes: Iterable[Code],
        extra_terms: Iterable[Sequence[object]] = (),
    ) -> ConceptIndex:
        """Index titles, inclusion terms, service terms and extra terms.

        Extra terms are `(system, code, text, source[, score])`, e.g. learned terms. Terms
        of our clinical index (source `index_term`) are indexed first: where one has the
        same words as a code's own text it keeps its source, which says a coder's term was
        found (a coding rule trusts a one-word index term, never a one-word title).
        """
        entries: list[tuple[str, str, str, int, float]] = []
        extra = [_extra_term(t) for t in extra_terms]
        entries.extend(e for e in extra if e[3] == INDEX_SOURCE)
        residual: set[tuple[str, str]] = set()
        for c in codes:
            if c.kind in ("chapter", "block", "extension"):
                continue
            if _RESIDUAL_TITLE.search(c.description):
                residual.add((c.system, c.code))
            for text in _variants(c.description):
                entries.append((c.system, c.code, text, SOURCE_ID["description"], 1.0))
            for inc in (
                *c.inclusion_terms,
                *(c.includes if c.kind != "category" or not c.children else ()),
            ):
                for text in _variants(inc):
                    entries.append((c.system, c.code, text, SOURCE_ID["inclusion"], 1.0))
            for term in c.terms:
                entries.append((c.system, c.code, term, SOURCE_ID["service_term"], 1.0))
        entries.extend(e for e in extra if e[3] != INDEX_SOURCE)

        index = cls()
        bags: list[tuple[str, ...]] = []
        df: Counter[str] = Counter()
        seen: set[tuple[str, str, tuple[str, ...]]] = set()
        for system, code, text, source, score in entries:
            bag = tuple(dict.fromkeys(keys(text)))
            if not bag or (system, code, bag) in seen:
                continue
            seen.add((system, code, bag))
            index.term_code_.append((system, code))
            index.term_text_.append(text)
            index.term_source_.append(source)
            index.term_residual_.append((system, code) in residual)
            index.term_score_.append(score)
            absent = _absent_keys(text)
            if absent:
                index.term_absent_[len(index.term_score_) - 1] = absent
            bags.append(bag)
            df.update(set(bag))
        n = len(bags)
        index.idf_ = {k: math.log((n + 1) / (v + 1)) + 1.0 for k, v in df.items()}
        for k in LATERALITY:
            if k in index.idf_:
                index.idf_[k] = 1.5
        for k in LOW_WEIGHT:
            if k in index.idf_:
                index.idf_[k] = min(index.idf_[k], 1.0)
        for tid, bag in enumerate(bags):
            index.term_keys_.append(bag)
            index.term_total_.append(sum(index.idf_[k] for k in bag))
            ranked = sorted((k for k in bag if k not in LATERALITY), key=lambda k: -index.idf_[k])
            for k in ranked[:2] or bag[:1]:
                index.postings_.setdefault(k, []).append(tid)
        return index

    # ------------------------------------------------------------------ match
    def match(self, sent_keys: dict[str, list[int]], min_coverage: float = 0.75) -> list[TermMatch]:
        """Terms whose weighted keys are (mostly) present among a sentence's keys.

        `sent_keys` maps each key to the token positions where it occurs. A term that names
        the opposite side (right vs left) of the only side mentioned is rejected.
        """
        touched: set[int] = set()
        for k in sent_keys:
            post = self.postings_.get(k)
            if post:
                touched.update(post)
        out = []
        idf = self.idf_
        for tid in touched:
            bag = self.term_keys_[tid]
            got = 0.0
            for k in bag:
                if k in sent_keys:
                    got += idf[k]
            coverage = got / self.term_total_[tid]
            if coverage < min_coverage:
                continue
            if coverage < SERVICE_MIN_COVERAGE and self.term_code_[tid][0] != "ICD-10-CM":
                continue  # "X-ray ankle 3 views" must not match "X-ray pelvis 3 views"
            absent = self.term_absent_.get(tid)
            if absent and NEGATION_KEY not in sent_keys and all(k in sent_keys for k in absent):
                continue  # "nausea and vomiting" is not "nausea with no vomiting"
            if _wrong_side(bag, sent_keys):
                continue
            anchor = next((k for k in bag if k in sent_keys and k not in LATERALITY), None)
            if anchor is None:
                continue
            centre = sent_keys[anchor][0]
            positions = tuple(
                sorted(
                    min(sent_keys[k], key=lambda p: abs(p - centre)) for k in bag if k in sent_keys
                )
            )
            out.append(TermMatch(tid, coverage, got, positions))
        return out


_ABSENT = re.compile(r"\b(?:no|not|without)\s+((?:[a-z-]+\s*){1,3})", re.IGNORECASE)
#: Words that let a sentence say "without X"; the matcher marks them with NEGATION_KEY.
NEGATION_WORDS = frozenset({"no", "not", "without", "denies", "denied", "negative", "absent"})
NEGATION_KEY = "<negation>"


def _absent_keys(text: str) -> tuple[str, ...]:
    """Keys a term says are absent ("Nausea with no vomiting" -> vomiting)."""
    out: list[str] = []
    for m in _ABSENT.finditer(text):
        out.extend(k for k in keys(m.group(1)) if k not in out)
    return tuple(out)


def _wrong_side(bag: tuple[str, ...], sent_keys: dict[str, list[int]]) -> bool:
    for side, other in _OPPOSITE.items():
        if side in bag and side not in sent_keys and other in sent_keys:
            return True
    return False


_RESIDUAL_TITLE = re.compile(r"^other\b|\bother (?:specified )?[a-z]+ of\b|\bnot elsewhere", re.I)
_RESIDUAL = re.compile(
    r"\b(?:unspecified|other specified|other)\s+(?:organism|part|site|parts|sites|type|ligament|"
    r"region|cause|causes|agent|bone|joint|muscle|tendon|level|location|degree|body|lobe)\b"
    r"|\bwithout (?:complications?|mention of [a-z ]+)|\bnot elsewhere classified\b",
    re.IGNORECASE,
)


def _variants(text: str) -> list[str]:
    """A title cleaned of residual wording, and with bracketed synonyms swapped in.

    "Pneumonia, unspecified organism" is matched as "Pneumonia"; "Abnormal
    electrocardiogram [ECG] [EKG]" also as "Abnormal ECG" and "Abnormal EKG".
    """
    base = _RESIDUAL.sub(" ", _PAREN.sub(" ", text))
    out = [_BRACKET.sub(" ", base)]
    for m in _BRACKET.finditer(base):
        before = base[: m.start()].rstrip().rsplit(" ", 1)
        if len(before) == 2:
            out.append(f"{before[0]} {m.group(1)} {_BRACKET.sub(' ', base[m.end() :])}")
    return [t for t in out if t.strip()]
