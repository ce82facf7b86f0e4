"""`coder_assist_abbreviations`: marks abbreviations and attaches their expansions.

Expansions are not written into the text (offsets must stay true to the note); the
concept matcher reads them from `doc.spans["ca_abbreviations"]` instead. Abbreviations a
note defines ("chronic obstructive pulmonary disease (COPD)") are picked up with
scispaCy's AbbreviationDetector when it is in the pipeline.
"""

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

SPAN_KEY = "ca_abbreviations"

if not Span.has_extension("ca_expansion"):
    Span.set_extension("ca_expansion", default=None)


@dataclass
class Lexicon:
    """Abbreviation -> expansions, with a case-sensitivity flag per entry."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Lexicon":
        """Build from `{"version": 1, "entries": [{"abbr", "expansions", "case_sensitive"}]}`."""
        return cls(entries=list(data.get("entries", [])))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (round-trips with `from_dict`)."""
        return {"version": 1, "entries": self.entries}


def load_lexicon() -> Lexicon:
    """The lexicon shipped in `coder_assist/codesets/data/abbreviations.json`."""
    text = (
        resources.files("coder_assist.codesets.data")
        .joinpath("abbreviations.json")
        .read_text("utf-8")
    )
    return Lexicon.from_dict(json.loads(text))


class AbbreviationExpander:
    """Finds lexicon abbreviations with PhraseMatchers (exact case and lower case)."""

    def __init__(self, nlp: Language, name: str, lexicon: Lexicon | None = None) -> None:
        self.name = name
        self.lexicon = lexicon or load_lexicon()
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._expansions: dict[str, str] = {}
        for entry in self.lexicon.entries:
            abbr = str(entry["abbr"])
            expansion = " ".join(entry.get("expansions", [])[:1])
            if not expansion:
                continue
            key = abbr if entry.get("case_sensitive") else abbr.lower()
            self._expansions[key] = expansion
            matcher = self._exact if entry.get("case_sensitive") else self._lower
            matcher.add(key, [nlp.make_doc(abbr)])

    def __call__(self, doc: Doc) -> Doc:
        """Mark lexicon abbreviations (and note-defined ones) with their expansions."""
        spans: list[Span] = []
        for matcher in (self._exact, self._lower):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                span = Span(doc, start, end, label="ABBR")
                span._.ca_expansion = self._expansions[key]
                spans.append(span)
        for short in (
            getattr(doc._, "abbreviations", []) if Doc.has_extension("abbreviations") else []
        ):
            long_form = getattr(short._, "long_form", None)
            if long_form is not None and long_form.end <= short.start:
                span = Span(doc, short.start, short.end, label="ABBR")
                span._.ca_expansion = long_form.text
                spans.append(span)
        doc.spans[SPAN_KEY] = filter_spans(spans)
        return doc


@Language.factory("coder_assist_abbreviations", default_config={})
def make_abbreviation_expander(nlp: Language, name: str) -> AbbreviationExpander:
    """SpaCy factory for the abbreviation component."""
    return AbbreviationExpander(nlp, name)
