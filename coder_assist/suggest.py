"""`Suggester`: note text in, ranked codes with evidence out.

Loading is the expensive part (code sets, spaCy pipeline, ranker); `suggest` is cheap and
thread-compatible, so services load once and call it per request. The steps, each in
its own module, run in one direction: candidates (`candidates.builder`, shared with
training) -> features (`ranking.features`) -> scores (ONNX ranker, then the site's
feedback shift) -> policy (`policy.decide`: status, reason, alternatives) -> response.
"""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from coder_assist.candidates import Candidate, EntityRecord
from coder_assist.candidates.builder import CandidateBuilder, ModelResources
from coder_assist.codesets import CodeSets
from coder_assist.errors import EmptyNoteError, ModelNotFoundError, NoteTooLongError
from coder_assist.nlp.pipeline import build_pipeline
from coder_assist.policy import Decision, Scored, decide, outermost_entities
from coder_assist.ranking.features import feature_names, featurize
from coder_assist.ranking.heuristic import THRESHOLD as HEURISTIC_THRESHOLD
from coder_assist.ranking.heuristic import heuristic_scores
from coder_assist.ranking.model_folder import ModelFolder
from coder_assist.ranking.site_feedback import shift_by_feedback
from coder_assist.schemas import Entity, Evidence, Suggestion, SuggestResult
from coder_assist.settings import Settings, get_settings

log = logging.getLogger(__name__)

HEURISTIC_VERSION = "heuristic-1"

__all__ = ["HEURISTIC_VERSION", "Scored", "Suggester"]


class Suggester:
    """The suggestion pipeline: candidates, features, ranker, policy.

    Args:
        codesets: Code sets for descriptions and candidate resolution.
        builder: The candidate builder (pipeline and resolver), shared with training.
        model_version: Reported in every response.
        threshold: Score from which a code with present evidence is suggested.
        scorer: The ONNX ranker; heuristic scores when None.
        resources: The model version's priors, text model and learned terms.
        settings: Limits (note length) and paths.
        columns: The scorer's columns within `featurize` output (None: all).

    """

    def __init__(
        self,
        codesets: CodeSets,
        builder: CandidateBuilder,
        *,
        model_version: str,
        threshold: float,
        scorer: object | None = None,
        resources: ModelResources | None = None,
        settings: Settings | None = None,
        columns: np.ndarray | None = None,
    ) -> None:
        self.codesets = codesets
        self.builder = builder
        self.model_version = model_version
        self.threshold = threshold
        self.scorer = scorer
        self.columns = columns
        self.resources = resources or ModelResources()
        self.settings = settings or get_settings()

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        model_version: str | None = None,
        codesets: CodeSets | None = None,
        use_model: bool = True,
    ) -> Suggester:
        """Load code sets, the pipeline and the pinned/active ranker (heuristic if none).

        Raises:
            ModelNotFoundError: A pinned version is missing.
            ModelIntegrityError: The version's files do not match its manifest.

        """
        settings = settings or get_settings()
        codesets = codesets or CodeSets.load(settings)
        if use_model:
            from coder_assist.ranking.registry import Registry

            try:
                info = Registry.from_settings(settings).resolve(
                    model_version or settings.model_version
                )
            except ModelNotFoundError:
                if model_version or settings.model_version:
                    raise
                log.warning("No trained model in %s; using heuristic scores", settings.models_dir)
            else:
                info.verify()
                return cls.from_model_folder(
                    info.folder, info.version, codesets, settings, threshold=info.manifest.threshold
                )
        builder = CandidateBuilder(build_pipeline(codesets, settings), codesets)
        return cls(
            codesets,
            builder,
            model_version=HEURISTIC_VERSION,
            threshold=HEURISTIC_THRESHOLD,
            settings=settings,
        )

    @classmethod
    def from_model_folder(
        cls,
        folder: ModelFolder,
        version: str,
        codesets: CodeSets,
        settings: Settings,
        *,
        threshold: float,
        builder: CandidateBuilder | None = None,
    ) -> Suggester:
        """Build a suggester from a model folder's files (checksums are the caller's job).

        The trainer calls this on the staged folder it is about to register, so the
        evaluated files are the registered ones; pass `builder` to reuse a loaded pipeline.
        """
        scorer = folder.load_scorer()
        return cls(
            codesets,
            builder or CandidateBuilder(build_pipeline(codesets, settings), codesets),
            model_version=version,
            threshold=threshold,
            scorer=scorer,
            columns=scorer.columns_for(feature_names()),  # by name: older versions stay servable
            resources=folder.load_resources(),
            settings=settings,
        )

    def with_settings(self, settings: Settings) -> Suggester:
        """The same loaded pipeline and model under other limits (shares the builder's lock)."""
        clone = copy.copy(self)
        clone.settings = settings
        return clone

    # ------------------------------------------------------------------ core
    def check(self, text: str) -> None:
        """Raise the specific error for a note the service must refuse."""
        if not text or not text.strip():
            raise EmptyNoteError()
        if len(text) > self.settings.max_note_chars:
            raise NoteTooLongError(len(text), self.settings.max_note_chars)

    def candidates(self, text: str) -> tuple[list[Candidate], list[EntityRecord]]:
        """All candidate codes for a note (mention matches plus text-model proposals)."""
        return self.builder(text, self.resources)

    def features(self, cands: Sequence[Candidate], note_length: int) -> np.ndarray:
        """Feature rows in the loaded ranker's column order (every column without a ranker)."""
        X = featurize(cands, note_length, self.resources.priors)
        return X if self.columns is None else X[:, self.columns]

    def score(self, cands: Sequence[Candidate], note_length: int) -> np.ndarray:
        """Final scores: the ranker's calibrated probability, shifted by site feedback."""
        X = self.features(cands, note_length)
        if self.scorer is not None:
            scores = np.asarray(self.scorer.predict_proba(X), dtype=np.float64)  # type: ignore[attr-defined]
        else:
            scores = heuristic_scores(X)
        return shift_by_feedback(scores, [c.code for c in cands], self.resources.priors)

    def rank(self, text: str) -> tuple[list[Scored], list[EntityRecord]]:
        """Score every candidate, best first (the full ranking used for MAP)."""
        cands, entities = self.candidates(text)
        if not cands:
            return [], entities
        scores = self.score(cands, len(text))
        order = np.argsort(-np.asarray(scores), kind="stable")
        return [Scored(cands[i], float(scores[i])) for i in order], entities

    def suggest(
        self, text: str, note_id: str | None = None, *, max_possible: int | None = None
    ) -> SuggestResult:
        """Suggestions for one note in the output contract.

        `max_possible` caps the `possible` codes after the suggested ones (default
        `Settings.max_possible`; 0 for none).
        """
        return self.analyze(text, note_id, max_possible=max_possible)[0]

    def analyze(
        self, text: str, note_id: str | None = None, *, max_possible: int | None = None
    ) -> tuple[SuggestResult, list[Scored]]:
        """The contract result plus the full ranking it was cut from (for evaluation)."""
        self.check(text)
        ranked, entities = self.rank(text)
        limit = self.settings.max_possible if max_possible is None else max_possible
        decisions = decide(ranked, self.threshold, max_possible=limit)
        suggestions = [self._suggestion(d, rank) for rank, d in enumerate(decisions, 1)]
        result = SuggestResult(
            id=note_id if note_id is not None else str(uuid.uuid4()),
            model_version=self.model_version,
            suggestions=suggestions,
            entities=[
                Entity(
                    start=e.start,
                    end=e.end,
                    text=e.text,
                    label=e.label,  # type: ignore[arg-type]
                    section=e.section,
                    assertion=e.assertion,  # type: ignore[arg-type]
                    trigger=e.trigger,
                    codes=e.codes,
                )
                for e in outermost_entities(entities)
            ],
        )
        return result, ranked

    def _suggestion(self, d: Decision, rank: int) -> Suggestion:
        code = self.codesets.get(d.candidate.code, d.candidate.system)
        return Suggestion(
            system=d.candidate.system,  # type: ignore[arg-type]
            code=d.candidate.code,
            description=code.description if code else "",
            score=d.score,
            rank=rank,
            status=d.status,  # type: ignore[arg-type]
            reason=d.reason,  # type: ignore[arg-type]
            evidence=[
                Evidence(
                    start=m.start,
                    end=m.end,
                    text=m.text,
                    section=m.section,
                    assertion=m.assertion,  # type: ignore[arg-type]
                )
                for m in d.evidence
            ],
        )

    def suggest_many(self, notes: Iterable[tuple[str | None, str]]) -> Iterator[SuggestResult]:
        """Suggest for (id, text) pairs in order (one process)."""
        for note_id, text in notes:
            yield self.suggest(text, note_id)
