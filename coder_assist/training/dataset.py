"""Training rows from coded notes: candidates, out-of-fold priors and text scores, labels.

Priors and the text model are fitted on the other folds for each note's rows, exactly as
they will be at serving time on unseen notes; otherwise the ranker would learn to trust
features that memorised the training labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc
from tqdm import tqdm

from coder_assist.candidates import Candidate
from coder_assist.candidates.builder import CandidateBuilder, ModelResources
from coder_assist.candidates.priors import Priors
from coder_assist.candidates.text_model import TextModel
from coder_assist.ranking.features import featurize
from coder_assist.training.lexicon import mine_terms

Key = tuple[str, str]


@dataclass
class TrainingNote:
    """A note with what coders decided about it.

    `positives` are codes on the claim (gold, accepted or added); `negatives` are codes a
    coder rejected. Candidates in neither set count as negatives too when `complete` is
    true (CodiEsp gold lists and submitted reviews are complete for diagnoses).
    """

    id: str
    text: str
    positives: set[Key] = field(default_factory=set)
    negatives: set[Key] = field(default_factory=set)
    source: str = "codiesp"
    repeat: int = 1
    systems: frozenset[str] = frozenset({"ICD-10-CM"})


@dataclass
class Dataset:
    """Feature rows and labels, plus the models fitted on all notes for serving."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    sources: list[str]
    codes: list[str]
    priors: Priors
    text_model: TextModel | None
    learned_terms: list[tuple[str, str, str, str, float]]


def compute_priors(notes: Sequence[TrainingNote], cands: Sequence[dict[Key, Candidate]]) -> Priors:
    """Code statistics over notes (each note counted `repeat` times).

    Code sets are walked in sorted order: the order of the counts is kept (it breaks ties
    between equally frequent siblings), and set order changes with every process's hash
    seed, which made two runs on the same data train different models.
    """
    p = Priors()
    for note, found in zip(notes, cands, strict=True):
        p.n_notes += note.repeat
        for system, code in found:
            if system not in note.systems:
                continue
            cat = code[:3]
            p.proposed[code] = p.proposed.get(code, 0) + note.repeat
            p.proposed_category[cat] = p.proposed_category.get(cat, 0) + note.repeat
            if (system, code) in note.positives:
                p.correct[code] = p.correct.get(code, 0) + note.repeat
                p.correct_category[cat] = p.correct_category.get(cat, 0) + note.repeat
        for _, code in sorted(note.positives):
            p.gold[code] = p.gold.get(code, 0) + note.repeat
            p.gold_category[code[:3]] = p.gold_category.get(code[:3], 0) + note.repeat
        if note.source == "feedback":  # explicit coder decisions, one vote per note
            for _, code in sorted(note.positives):
                p.accepted[code] = p.accepted.get(code, 0) + 1
            for _, code in sorted(note.negatives):
                p.rejected[code] = p.rejected.get(code, 0) + 1
    return p


def fit_text_model(notes: Sequence[TrainingNote]) -> TextModel | None:
    """Text model over ICD-10-CM positives (None when too few labelled notes)."""
    pairs = _labelled(notes)
    if len(pairs) < 10:
        return None
    return TextModel().fit(
        [text for text, _ in pairs],
        [{c for s, c in positives if s == "ICD-10-CM"} for _, positives in pairs],
    )


def _labelled(notes: Sequence[TrainingNote]) -> list[tuple[str, set[Key]]]:
    out = []
    for n in notes:
        out.extend([(n.text, n.positives)] * n.repeat)
    return out


def build_dataset(
    builder: CandidateBuilder,
    notes: Sequence[TrainingNote],
    *,
    n_folds: int = 5,
    use_text_model: bool = True,
    progress: bool = True,
) -> Dataset:
    """Rows for every (note, candidate) with out-of-fold priors, text scores and learned terms.

    Candidates come from the same `CandidateBuilder` the service uses; each fold's priors,
    text model and learned terms are passed to it as `ModelResources`, and each note is
    parsed once and matched again per fold.
    """
    docs: list[Doc] = []
    base: list[dict[Key, Candidate]] = []
    for note in tqdm(notes, desc="candidates", unit="note", disable=not progress):
        doc = builder.parse(note.text)
        docs.append(doc)
        base.append(builder.mentions(doc)[0])
    folds = np.arange(len(notes)) % max(2, min(n_folds, len(notes)))
    rows: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    sources: list[str] = []
    codes: list[str] = []
    for fold in tqdm(sorted(set(folds.tolist())), desc="folds", disable=not progress):
        train_idx = [i for i in range(len(notes)) if folds[i] != fold]
        fold_notes = [notes[i] for i in train_idx]
        resources = ModelResources.from_terms(
            compute_priors(fold_notes, [base[i] for i in train_idx]),
            fit_text_model(fold_notes) if use_text_model else None,
            mine_terms(_labelled(fold_notes)),
        )
        for i in (i for i in range(len(notes)) if folds[i] == fold):
            note = notes[i]
            cands = [
                c for c in builder.candidates(docs[i], resources)[0] if c.system in note.systems
            ]
            if not cands:
                continue
            X = featurize(cands, len(note.text), resources.priors)
            y = np.array([(c.system, c.code) in note.positives for c in cands], dtype=np.int64)
            for _ in range(note.repeat):
                rows.append(X)
                ys.append(y)
                groups.append(np.full(len(cands), i))
                sources.extend([note.source] * len(cands))
                codes.extend(c.code for c in cands)
    return Dataset(
        X=np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32),
        y=np.concatenate(ys) if ys else np.zeros(0, dtype=np.int64),
        groups=np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64),
        sources=sources,
        codes=codes,
        priors=compute_priors(notes, base),
        text_model=fit_text_model(notes) if use_text_model else None,
        learned_terms=mine_terms(_labelled(notes)),
    )
