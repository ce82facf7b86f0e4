"""Note-level text model: TF-IDF nearest neighbours and sparse per-code classifiers.

It catches codes whose wording the dictionary misses (paraphrase, translation noise) and
gives the ranker two whole-note opinions:

* a neighbour vote: the share of the most similar training notes that carry a code. It
  needs no per-code model and proposes candidates for any code seen in training;
* a per-code logistic regression with an L1 penalty over the same TF-IDF features, for
  codes with at least `min_linear_notes` training notes. L1 keeps a handful of telling
  words per code ("pollakiuria", "hysterectomized"), so the classifiers are both small
  and sharper than the vote about which words matter (train-CV MAP 0.493 -> 0.524).

The stored state is the TF-IDF vocabulary, the training notes' sparse vectors, their code
lists and the classifiers' sparse weights (plain arrays and JSON, no pickle).
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

_VECTORIZER = {
    "lowercase": True,
    "strip_accents": "unicode",
    "ngram_range": (1, 2),
    "min_df": 2,
    "max_df": 0.5,
    "sublinear_tf": True,
    "max_features": 40_000,
    "token_pattern": r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b",
}


@dataclass
class TextScores:
    """The text model's opinion of one note.

    Attributes:
        top: Codes with the highest neighbour vote, best first (zero votes left out).
        linear: Per-code classifier probability for every code that has a classifier.

    """

    top: list[tuple[str, float]] = field(default_factory=list)
    linear: dict[str, float] = field(default_factory=dict)


class TextModel:
    """Per-code scores in 0..1 from the most similar training notes and per-code classifiers.

    Args:
        k: Neighbours that vote.
        power: Exponent on the cosine similarity of each vote (closer notes weigh more).
        linear_c: Inverse L1 strength of the per-code classifiers (larger keeps more words).
        min_linear_notes: Training notes (counting repeats) a code needs for a classifier.

    """

    def __init__(
        self,
        k: int = 25,
        power: float = 2.0,
        linear_c: float = 3.0,
        min_linear_notes: int = 2,
    ) -> None:
        self.k = k
        self.power = power
        self.linear_c = linear_c
        self.min_linear_notes = min_linear_notes

    def fit(self, texts: Sequence[str], labels: Sequence[set[str]]) -> TextModel:
        """Remember the notes' TF-IDF vectors and their codes; fit the per-code classifiers."""
        vec = TfidfVectorizer(**_VECTORIZER)
        tfidf = vec.fit_transform(texts)
        self.matrix_ = sparse.csr_matrix(tfidf, dtype=np.float32)
        self.vocabulary_ = {k: int(v) for k, v in vec.vocabulary_.items()}
        self.idf_ = vec.idf_.astype(np.float32)
        self.codes_ = sorted({c for codes in labels for c in codes})
        col = {c: j for j, c in enumerate(self.codes_)}
        rows, cols = [], []
        for i, codes in enumerate(labels):
            for c in codes:
                rows.append(i)
                cols.append(col[c])
        self.labels_ = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(labels), len(self.codes_)),
        )
        self._fit_linear(tfidf, labels)
        self._vectorizer: TfidfVectorizer | None = None
        return self

    def _fit_linear(self, tfidf: sparse.spmatrix, labels: Sequence[set[str]]) -> None:
        counts = Counter(c for codes in labels for c in codes)
        codes, rows, intercepts = [], [], []
        with warnings.catch_warnings():
            # A code carried by a couple of notes is separable: liblinear stops at its
            # iteration cap, which is the sparse, confident classifier wanted here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            for code in sorted(c for c, n in counts.items() if n >= self.min_linear_notes):
                y = np.array([code in codes_ for codes_ in labels], dtype=np.int64)
                if y.all():
                    continue  # on every note: nothing to tell apart
                clf = LogisticRegression(
                    C=self.linear_c,
                    solver="liblinear",
                    l1_ratio=1.0,
                    class_weight="balanced",
                    random_state=0,
                ).fit(tfidf, y)
                codes.append(code)
                rows.append(sparse.csr_matrix(clf.coef_, dtype=np.float32))
                intercepts.append(float(clf.intercept_[0]))
        n_terms = tfidf.shape[1]
        self.linear_codes_: list[str] = codes
        self.linear_coef_ = (
            sparse.csr_matrix(sparse.vstack(rows), dtype=np.float32)
            if rows
            else sparse.csr_matrix((0, n_terms), dtype=np.float32)
        )
        self.linear_intercept_ = np.asarray(intercepts, dtype=np.float32)

    def _vec(self) -> TfidfVectorizer:
        if self._vectorizer is None:
            vec = TfidfVectorizer(**_VECTORIZER, vocabulary=self.vocabulary_)
            vec.idf_ = self.idf_
            self._vectorizer = vec
        return self._vectorizer

    def _transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(self._vec().transform(texts), dtype=np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Similarity-weighted share of neighbours carrying each code, (n_texts, n_codes)."""
        return self._vote(self._transform(texts))

    def linear_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Per-code classifier probabilities, (n_texts, len(linear_codes_))."""
        return self._linear(self._transform(texts))

    def _linear(self, q: sparse.csr_matrix) -> np.ndarray:
        z = (q @ self.linear_coef_.T).toarray() + self.linear_intercept_
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def _vote(self, q: sparse.csr_matrix) -> np.ndarray:
        sims = (q @ self.matrix_.T).toarray()
        out = np.zeros((q.shape[0], len(self.codes_)), dtype=np.float32)
        k = min(self.k, sims.shape[1])
        for i in range(q.shape[0]):
            top = np.argpartition(-sims[i], k - 1)[:k]
            w = np.power(np.clip(sims[i, top], 0.0, None), self.power)
            if w.sum() <= 0:
                continue
            out[i] = (w @ self.labels_[top].toarray()) / w.sum()
        return out

    def top(self, text: str, k: int) -> list[tuple[str, float]]:
        """The k codes with the highest neighbour vote for one note (zero votes left out)."""
        return self._top(self._transform([text]), k)

    def scores(self, text: str, k: int) -> TextScores:
        """Neighbour vote top-k and every classifier probability, from one TF-IDF pass."""
        q = self._transform([text])
        linear = self._linear(q)[0]
        return TextScores(
            self._top(q, k), dict(zip(self.linear_codes_, linear.tolist(), strict=True))
        )

    def _top(self, q: sparse.csr_matrix, k: int) -> list[tuple[str, float]]:
        proba = self._vote(q)[0]
        idx = np.argsort(-proba)[:k]
        return [(self.codes_[i], float(proba[i])) for i in idx if proba[i] > 0]

    def save(self, vocab_path: Path, arrays_path: Path) -> None:
        """Write the vocabulary and settings (JSON) and the sparse arrays (npz).

        The file names are the model folder's business (`ranking.model_folder`).
        """
        vocab_path.write_text(
            json.dumps(
                {
                    "codes": self.codes_,
                    "vocabulary": self.vocabulary_,
                    "k": self.k,
                    "power": self.power,
                    "linear_c": self.linear_c,
                    "min_linear_notes": self.min_linear_notes,
                    "linear_codes": self.linear_codes_,
                }
            ),
            encoding="utf-8",
        )
        m, lab = self.matrix_, self.labels_
        np.savez_compressed(
            arrays_path,
            idf=self.idf_,
            m_data=m.data,
            m_indices=m.indices,
            m_indptr=m.indptr,
            m_shape=np.array(m.shape),
            l_indices=lab.indices,
            l_indptr=lab.indptr,
            l_shape=np.array(lab.shape),
            w_data=self.linear_coef_.data,
            w_indices=self.linear_coef_.indices,
            w_indptr=self.linear_coef_.indptr,
            w_shape=np.array(self.linear_coef_.shape),
            w_intercept=self.linear_intercept_,
        )

    @classmethod
    def load(cls, vocab_path: Path, arrays_path: Path) -> TextModel:
        """Read a text model written by `save`."""
        meta = json.loads(vocab_path.read_text("utf-8"))
        a = np.load(arrays_path)
        model = cls(k=int(meta["k"]), power=float(meta["power"]))
        if "linear_c" in meta:  # older folders: the constructor's defaults stand
            model.linear_c = float(meta["linear_c"])
            model.min_linear_notes = int(meta["min_linear_notes"])
        model.codes_ = list(meta["codes"])
        model.vocabulary_ = dict(meta["vocabulary"])
        model.idf_ = a["idf"]
        model.matrix_ = sparse.csr_matrix(
            (a["m_data"], a["m_indices"], a["m_indptr"]), shape=tuple(a["m_shape"])
        )
        model.labels_ = sparse.csr_matrix(
            (np.ones(len(a["l_indices"]), dtype=np.float32), a["l_indices"], a["l_indptr"]),
            shape=tuple(a["l_shape"]),
        )
        # Versions saved before the classifiers existed have none: no code gets a score.
        model.linear_codes_ = list(meta.get("linear_codes", []))
        if "w_shape" in a:
            model.linear_coef_ = sparse.csr_matrix(
                (a["w_data"], a["w_indices"], a["w_indptr"]), shape=tuple(a["w_shape"])
            )
            model.linear_intercept_ = a["w_intercept"]
        else:
            model.linear_coef_ = sparse.csr_matrix((0, len(model.idf_)), dtype=np.float32)
            model.linear_intercept_ = np.zeros(0, dtype=np.float32)
        model._vectorizer = None
        return model
