"""Concept matching: code-set wording found in notes, robust to word order and inflection."""

from coder_assist.nlp.concepts.component import SPAN_KEY, ConceptMatcher, Match
from coder_assist.nlp.concepts.index import ConceptIndex

__all__ = ["SPAN_KEY", "ConceptIndex", "ConceptMatcher", "Match"]
