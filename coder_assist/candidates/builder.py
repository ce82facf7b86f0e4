"""The one candidate builder: note text to candidate codes, for serving and for training.

Serving (`Suggester`) and training (`training.dataset`) must turn a note into exactly
the same candidates, or the ranker learns from rows it will never see. Both call
`CandidateBuilder`; what differs between a model version and a training fold (code
priors, the note-level text model, terms learned from coded notes) travels as a
`ModelResources` argument, so nothing shared is mutated.

The work is split where training needs to cache it: `parse` runs the note-independent
pipeline steps once (sentences, sections, abbreviations); `mentions` runs the concept
matcher with the resources' learned terms and ConText; `candidates` adds text-model
proposals and coded siblings.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from coder_assist.candidates.augment import augment
from coder_assist.candidates.generate import Candidate, EntityRecord, collect_candidates
from coder_assist.candidates.priors import Priors
from coder_assist.candidates.resolve import Resolver
from coder_assist.candidates.text_model import TextModel, TextScores
from coder_assist.codesets import CodeSets
from coder_assist.nlp.concepts import ConceptIndex, ConceptMatcher

Key = tuple[str, str]
#: Codes the text model may propose per note (its highest neighbour votes).
TEXT_CANDIDATES = 100
#: Pipeline components that depend on the model's resources; `parse` stops before them.
MENTION_COMPONENTS = ("coder_assist_concepts", "medspacy_context")


@dataclass(frozen=True)
class ModelResources:
    """What a model version (or one training fold) brings to candidate building.

    Attributes:
        priors: Code statistics from training notes (siblings, feature values).
        text_model: The note-level text model, if the version has one.
        learned: Index of terms learned from coded notes, matched in full only.

    """

    priors: Priors = field(default_factory=Priors)
    text_model: TextModel | None = None
    learned: ConceptIndex | None = None

    @classmethod
    def from_terms(
        cls,
        priors: Priors,
        text_model: TextModel | None,
        terms: Sequence[Sequence[object]],
    ) -> ModelResources:
        """Resources with learned terms given as `(system, code, text, source, score)` rows."""
        return cls(priors, text_model, ConceptIndex.build((), terms) if terms else None)


class CandidateBuilder:
    """Candidates for a note under given model resources (thread-compatible).

    Args:
        nlp: The pipeline from `coder_assist.nlp.pipeline.build_pipeline`.
        codesets: The code sets candidates are resolved against.

    """

    def __init__(self, nlp: Language, codesets: CodeSets) -> None:
        self.nlp = nlp
        self.codesets = codesets
        self.resolver = Resolver(codesets)
        self._lock = threading.Lock()  # spaCy's vocab is not safe to grow from two threads

    def parse(self, text: str) -> Doc:
        """Run the pipeline steps that do not depend on a model (cacheable per note)."""
        with self._lock:
            return self.nlp(text, disable=list(MENTION_COMPONENTS))

    def mentions(
        self, doc: Doc, learned: ConceptIndex | None = None
    ) -> tuple[dict[Key, Candidate], list[EntityRecord]]:
        """Mention candidates of a parsed note, and the entity records for the output.

        Matching again on the same `Doc` replaces its mentions, so a training fold can
        reuse a cached parse with its own learned terms.
        """
        matcher, context = (self.nlp.get_pipe(name) for name in MENTION_COMPONENTS)
        assert isinstance(matcher, ConceptMatcher)
        with self._lock:
            doc = context(matcher(doc, learned))
            return collect_candidates(doc, self.resolver)

    def candidates(
        self, doc: Doc, resources: ModelResources
    ) -> tuple[list[Candidate], list[EntityRecord]]:
        """All candidates of a parsed note: mention matches, text proposals, coded siblings."""
        found, entities = self.mentions(doc, resources.learned)
        scores = (
            resources.text_model.scores(doc.text, TEXT_CANDIDATES)
            if resources.text_model is not None
            else TextScores()
        )
        cands = augment(found, scores.top, resources.priors, self.codesets, scores.linear)
        return cands, entities

    def __call__(
        self, text: str, resources: ModelResources
    ) -> tuple[list[Candidate], list[EntityRecord]]:
        """Parse a note and build its candidates."""
        return self.candidates(self.parse(text), resources)
