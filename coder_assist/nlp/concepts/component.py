"""`coder_assist_concepts`: clinical mentions with their candidate codes.

Each sentence is reduced to word keys (plus the expansions of any abbreviation in it);
the concept index returns the terms those keys cover. Matches that share token positions
become one mention span in `doc.spans["ca_mentions"]`, carrying every candidate code.
"""

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from coder_assist.nlp.abbreviations.component import SPAN_KEY as ABBR_KEY
from coder_assist.nlp.concepts.index import NEGATION_KEY, NEGATION_WORDS, ConceptIndex
from coder_assist.nlp.concepts.synonyms import KEY_SYNONYMS
from coder_assist.text import STOPWORDS, fold, keys, stem, token_keys, words

SPAN_KEY = "ca_mentions"
_MAX_SPREAD = 12  # tokens; wider matches are scattered words, not one mention

if not Span.has_extension("ca_matches"):
    Span.set_extension("ca_matches", default=None)


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate code for a mention and how well its wording was found."""

    system: str
    code: str
    coverage: float
    weight: float
    source: int
    term: str
    n_keys: int
    residual: bool
    term_score: float


class ConceptMatcher:
    """spaCy component wrapping a `ConceptIndex` (serialised with the pipeline)."""

    def __init__(self, nlp: Language, name: str, min_coverage: float = 0.75) -> None:
        self.name = name
        self.min_coverage = min_coverage
        self.index: ConceptIndex | None = None

    def set_index(self, index: ConceptIndex) -> None:
        """Attach a built index (done by the pipeline builder or `from_disk`)."""
        self.index = index

    def __call__(self, doc: Doc, learned: ConceptIndex | None = None) -> Doc:
        """Find mentions sentence by sentence and store them in `doc.spans["ca_mentions"]`.

        `learned` holds the terms a model version (or a training fold) learned from coded
        notes. It is an argument, not component state, so one shared pipeline serves
        every model and fold without being mutated (pass it through spaCy's
        `component_cfg={"coder_assist_concepts": {"learned": ...}}`).
        """
        if self.index is None:
            raise RuntimeError(
                "coder_assist_concepts has no index; build the pipeline with build_pipeline()."
            )
        expansions: dict[int, list[str]] = {}
        for span in doc.spans.get(ABBR_KEY, []):
            expansions[span.start] = keys(span._.ca_expansion or "")
            for i in range(span.start + 1, span.end):
                expansions[i] = []
        in_titles: set[int] = set()
        if Doc.has_extension("section_titles"):
            for title in doc._.section_titles or ():
                if title is not None:
                    in_titles.update(range(title.start, title.end))
        grouped: dict[tuple[int, int], list[Match]] = {}
        for sent in doc.sents:
            sent_keys: dict[str, list[int]] = {}
            for tok in sent:
                if tok.i in in_titles:
                    continue
                # An abbreviation adds its expansion; its own word stays too ("strep" is
                # both "streptococcal" and the word in "rapid strep test").
                for k in expansions.get(tok.i, ()):
                    for key in (k, *KEY_SYNONYMS.get(k, ())):
                        sent_keys.setdefault(key, []).append(tok.i)
                if tok.is_space or tok.is_punct:
                    continue
                low = fold(tok.text)
                if low in NEGATION_WORDS:
                    sent_keys.setdefault(NEGATION_KEY, []).append(tok.i)
                if low in STOPWORDS or not any(ch.isalnum() for ch in low):
                    continue
                for part in token_keys(low):
                    sent_keys.setdefault(part, []).append(tok.i)
                    for extra in KEY_SYNONYMS.get(part, ()):
                        sent_keys.setdefault(extra, []).append(tok.i)
                if low.isdigit():
                    sent_keys.setdefault(stem(low), []).append(tok.i)
            if not sent_keys:
                continue
            for index, min_coverage in ((self.index, self.min_coverage), (learned, 1.0)):
                if index is None:
                    continue
                for m in index.match(sent_keys, min_coverage):
                    start, end = m.positions[0], m.positions[-1] + 1
                    if end - start > _MAX_SPREAD:
                        continue
                    start, end = _widen(
                        doc, sent.start, sent.end, start, end, index.term_text_[m.term_id]
                    )
                    system, code = index.term_code_[m.term_id]
                    grouped.setdefault((start, end), []).append(
                        Match(
                            system,
                            code,
                            m.coverage,
                            m.weight,
                            index.term_source_[m.term_id],
                            index.term_text_[m.term_id],
                            len(index.term_keys_[m.term_id]),
                            index.term_residual_[m.term_id],
                            index.term_score_[m.term_id],
                        )
                    )
        spans = []
        for (start, end), matches in sorted(grouped.items()):
            label = "PROBLEM" if any(m.system == "ICD-10-CM" for m in matches) else "PROCEDURE"
            span = Span(doc, start, end, label=label)
            span._.ca_matches = matches
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        """Save the index beside the pipeline so a saved pipeline is self-contained."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / "index.pkl").open("wb") as fh:
            pickle.dump(self.index, fh, protocol=pickle.HIGHEST_PROTOCOL)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> "ConceptMatcher":
        """Load the index saved by `to_disk`."""
        with (Path(path) / "index.pkl").open("rb") as fh:
            self.index = pickle.load(fh)
        return self


def _widen(doc: Doc, lo: int, hi: int, start: int, end: int, term: str) -> tuple[int, int]:
    """Take in the term's own unmatched words next to the span ("Type" in "Type 2 diabetes").

    Such words (qualifiers, stopwords) carry no matching weight but belong to the phrase a
    reviewer reads as the evidence.
    """
    vocab = set(words(term))
    first, last = start, end
    while first > lo and fold(doc[first - 1].text) in vocab:
        first -= 1
    while last < hi and fold(doc[last].text) in vocab:
        last += 1
    # A stop word at either edge belongs to the sentence, not the phrase: "of" in
    # "History of breast cancer" is the history cue's, and taking it in would hide the
    # mention from that cue.
    while first < start and fold(doc[first].text) in STOPWORDS:
        first += 1
    while last > end and fold(doc[last - 1].text) in STOPWORDS:
        last -= 1
    return first, last


@Language.factory("coder_assist_concepts", default_config={"min_coverage": 0.6})
def make_concept_matcher(nlp: Language, name: str, min_coverage: float) -> ConceptMatcher:
    """SpaCy factory for the concept matcher."""
    return ConceptMatcher(nlp, name, min_coverage)
