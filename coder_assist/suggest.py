"""`Suggester`: note text in, ranked codes with evidence out.

Loading is the expensive part (code sets, spaCy pipeline, ranker); `suggest` is cheap and
thread-compatible, so services load once and call it per request.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coder_assist.candidates import Candidate, MentionRef, Resolver, collect_candidates
from coder_assist.candidates.augment import augment
from coder_assist.candidates.priors import Priors
from coder_assist.codesets import CodeSets
from coder_assist.errors import EmptyNoteError, ModelNotFoundError, NoteTooLongError
from coder_assist.nlp.pipeline import build_pipeline
from coder_assist.ranking.features import feature_names, featurize
from coder_assist.ranking.heuristic import THRESHOLD as HEURISTIC_THRESHOLD
from coder_assist.ranking.heuristic import heuristic_scores
from coder_assist.ranking.text_model import TextModel, TextScores
from coder_assist.schemas import Entity, Evidence, Suggestion, SuggestResult
from coder_assist.settings import Settings, get_settings

log = logging.getLogger(__name__)

HEURISTIC_VERSION = "heuristic-1"
_REASON_ORDER = ("family", "negated", "hypothetical", "historical", "uncertain")
TEXT_CANDIDATES = 100
#: Strength of the per-code shift learned from coder decisions at this site.
FEEDBACK_WEIGHT = 1.0


@dataclass
class Scored:
    """A candidate with its score, before it is shaped into the output contract."""

    candidate: Candidate
    score: float


def _outermost(spans: dict[tuple[int, int], MentionRef]) -> dict[tuple[int, int], MentionRef]:
    """Drop evidence spans nested in a wider span with the same assertion.

    "hypertension" inside "Essential hypertension" adds nothing for a reviewer.
    """
    return {
        key: m
        for key, m in spans.items()
        if not any(
            other != key
            and other[0] <= key[0]
            and key[1] <= other[1]
            and spans[other].assertion == m.assertion
            for other in spans
        )
    }


def _drop_alternatives(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Keep one diagnosis per category and piece of evidence.

    Two codes of one ICD-10-CM category supported by the same words ("nausea" as R11.0,
    "nausea and vomiting" as R11.2) are alternatives a coder chooses between; offering
    both invites a duplicate claim line. The one whose evidence says more (the wider
    span, then the higher score) is kept.
    """

    def widest(s: Suggestion) -> int:
        return max((e.end - e.start for e in s.evidence), default=0)

    diagnoses = [s for s in suggestions if s.status == "suggested" and s.system == "ICD-10-CM"]
    taken: list[tuple[str, set[tuple[int, int]]]] = []
    dropped: set[str] = set()
    for s in sorted(diagnoses, key=lambda s: (-widest(s), -s.score)):
        spans = {(e.start, e.end) for e in s.evidence}
        if any(
            cat == s.code[:3] and any(a < d and c < b for a, b in spans for c, d in other)
            for cat, other in taken
        ):
            dropped.add(s.code)
        else:
            taken.append((s.code[:3], spans))
    return [s for s in suggestions if s.status != "suggested" or s.code not in dropped]


class Suggester:
    """The suggestion pipeline: NLP, candidates, features, ranker."""

    def __init__(
        self,
        codesets: CodeSets,
        nlp: object,
        *,
        model_version: str,
        threshold: float,
        scorer: object | None = None,
        priors: Priors | None = None,
        text_model: TextModel | None = None,
        settings: Settings | None = None,
        columns: np.ndarray | None = None,
    ) -> None:
        self.codesets = codesets
        self.nlp = nlp
        self.model_version = model_version
        self.threshold = threshold
        self.scorer = scorer
        self.columns = columns  # the scorer's columns within `featurize` output (None: all)
        self.priors = priors or Priors()
        self.text_model = text_model
        self.settings = settings or get_settings()
        self.resolver = Resolver(codesets)
        self._lock = threading.Lock()  # spaCy's vocab is not safe to grow from two threads

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        model_version: str | None = None,
        codesets: CodeSets | None = None,
        use_model: bool = True,
    ) -> Suggester:
        """Load code sets, the pipeline and the pinned/active ranker (heuristic if none)."""
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
                return cls.from_model_dir(
                    info.path, info.version, codesets, settings, threshold=info.manifest.threshold
                )
        nlp = build_pipeline(codesets, settings=settings)
        return cls(
            codesets,
            nlp,
            model_version=HEURISTIC_VERSION,
            threshold=HEURISTIC_THRESHOLD,
            settings=settings,
        )

    @classmethod
    def from_model_dir(
        cls,
        path: Path,
        version: str,
        codesets: CodeSets,
        settings: Settings,
        *,
        threshold: float,
    ) -> Suggester:
        """Build a suggester from a model folder (ONNX ranker, priors, text model, terms)."""
        from coder_assist.ranking.onnx_scorer import OnnxScorer

        priors = Priors.from_dict(json.loads((path / "priors.json").read_text("utf-8")))
        text_model = TextModel.load(path) if TextModel.exists(path) else None
        terms_path = path / "learned_terms.json"
        extra = (
            [tuple(t) for t in json.loads(terms_path.read_text("utf-8"))]
            if terms_path.is_file()
            else []
        )
        nlp = build_pipeline(codesets, extra, settings=settings)
        scorer = OnnxScorer.load(path / "model.onnx")
        columns = scorer.columns_for(feature_names())  # by name: older versions stay servable
        return cls(
            codesets,
            nlp,
            model_version=version,
            threshold=threshold,
            scorer=scorer,
            columns=columns,
            priors=priors,
            text_model=text_model,
            settings=settings,
        )

    def with_settings(self, settings: Settings) -> Suggester:
        """The same loaded pipeline and model under other limits (shares the lock)."""
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

    def candidates(self, text: str) -> tuple[list[Candidate], list[tuple]]:
        """All candidate codes for a note (mention matches plus text-model proposals)."""
        with self._lock:
            doc = self.nlp(text)  # type: ignore[operator]
            found, entities = collect_candidates(doc, self.resolver)
        scores = (
            self.text_model.scores(text, TEXT_CANDIDATES)
            if self.text_model is not None
            else TextScores()
        )
        return augment(found, scores.top, self.priors, self.codesets, scores.linear), entities

    def features(self, cands: Sequence[Candidate], note_length: int) -> np.ndarray:
        """Feature rows in the loaded ranker's column order (every column without a ranker)."""
        X = featurize(cands, note_length, self.priors)
        return X if self.columns is None else X[:, self.columns]

    def rank(self, text: str) -> tuple[list[Scored], list[tuple]]:
        """Score every candidate, best first (the full ranking used for MAP)."""
        cands, entities = self.candidates(text)
        if not cands:
            return [], entities
        X = self.features(cands, len(text))
        if self.scorer is not None:
            scores = np.asarray(self.scorer.predict_proba(X), dtype=np.float64)  # type: ignore[attr-defined]
        else:
            scores = heuristic_scores(X)
        shift = np.array([self.priors.feedback_log_odds(c.code) for c in cands])
        if shift.any():
            z = np.log(np.clip(scores, 1e-6, 1 - 1e-6) / np.clip(1 - scores, 1e-6, 1.0))
            scores = 1.0 / (1.0 + np.exp(-(z + FEEDBACK_WEIGHT * shift)))
        order = np.argsort(-np.asarray(scores), kind="stable")
        return [Scored(cands[i], float(scores[i])) for i in order], entities

    def suggest(self, text: str, note_id: str | None = None) -> SuggestResult:
        """Suggestions for one note in the output contract."""
        return self.analyze(text, note_id)[0]

    def analyze(self, text: str, note_id: str | None = None) -> tuple[SuggestResult, list[Scored]]:
        """The contract result plus the full ranking it was cut from (for evaluation)."""
        self.check(text)
        ranked, entities = self.rank(text)
        suggestions: list[Suggestion] = []
        for item in ranked:
            cand = item.candidate
            deciding = cand.deciding
            if any(m.assertion == "present" for m in deciding):
                if item.score < self.threshold:
                    continue
                status, reason = "suggested", None
            elif deciding:
                best = max(deciding, key=lambda m: (m.weight, m.coverage))
                if best.rank_in_mention > 0 or best.coverage < 0.99:
                    continue  # a weak guess that was also ruled out is noise to a reviewer
                assertions = {m.assertion for m in deciding}
                status, reason = "excluded", next(r for r in _REASON_ORDER if r in assertions)
            else:
                continue  # text-model proposals without evidence are never shown
            code = self.codesets.get(cand.code, cand.system)
            spans = _outermost({(m.start, m.end): m for m in deciding})
            suggestions.append(
                Suggestion(
                    system=cand.system,  # type: ignore[arg-type]
                    code=cand.code,
                    description=code.description if code else "",
                    score=round(min(max(item.score, 0.0), 1.0), 4),
                    rank=1,
                    status=status,  # type: ignore[arg-type]
                    reason=reason,  # type: ignore[arg-type]
                    evidence=[
                        Evidence(
                            start=m.start,
                            end=m.end,
                            text=m.text,
                            section=m.section,
                            assertion=m.assertion,  # type: ignore[arg-type]
                        )
                        for _, m in sorted(spans.items())
                    ],
                )
            )
        suggestions.sort(key=lambda s: (s.status != "suggested", -s.score))
        suggestions = _drop_alternatives(suggestions)
        for i, s in enumerate(suggestions, start=1):
            s.rank = i
        result = SuggestResult(
            id=note_id if note_id is not None else str(uuid.uuid4()),
            model_version=self.model_version,
            suggestions=suggestions,
            entities=[
                Entity(
                    start=e[0],
                    end=e[1],
                    text=e[2],
                    label=e[3],
                    section=e[4],
                    assertion=e[5],
                    trigger=e[6],
                    codes=e[7],
                )
                for e in entities
            ],
        )
        return result, ranked

    def suggest_many(self, notes: Iterable[tuple[str | None, str]]) -> Iterator[SuggestResult]:
        """Suggest for (id, text) pairs in order (one process)."""
        for note_id, text in notes:
            yield self.suggest(text, note_id)
