"""Note-level text model: TF-IDF nearest neighbours vote for codes.

It catches codes whose wording the dictionary misses (paraphrase, translation noise) and
gives the ranker a whole-note opinion. A neighbour vote needs no per-code model, fits in
a second and stays small: the stored state is the TF-IDF vocabulary, the training notes'
sparse vectors and their code lists (plain arrays and JSON, no pickle).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

_FILES = ("text_vocab.json", "text_arrays.npz")
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


class TextModel:
    """Per-code scores in 0..1 from the most similar training notes."""

    def __init__(self, k: int = 25, power: float = 2.0) -> None:
        self.k = k
        self.power = power

    def fit(self, texts: Sequence[str], labels: Sequence[set[str]]) -> TextModel:
        """Remember the notes' TF-IDF vectors and their codes."""
        vec = TfidfVectorizer(**_VECTORIZER)
        self.matrix_ = sparse.csr_matrix(vec.fit_transform(texts), dtype=np.float32)
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
        self._vectorizer: TfidfVectorizer | None = None
        return self

    def _vec(self) -> TfidfVectorizer:
        if self._vectorizer is None:
            vec = TfidfVectorizer(**_VECTORIZER, vocabulary=self.vocabulary_)
            vec.idf_ = self.idf_
            self._vectorizer = vec
        return self._vectorizer

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Similarity-weighted share of neighbours carrying each code, (n_texts, n_codes)."""
        q = sparse.csr_matrix(self._vec().transform(texts), dtype=np.float32)
        sims = (q @ self.matrix_.T).toarray()
        out = np.zeros((len(texts), len(self.codes_)), dtype=np.float32)
        k = min(self.k, sims.shape[1])
        for i in range(len(texts)):
            top = np.argpartition(-sims[i], k - 1)[:k]
            w = np.power(np.clip(sims[i, top], 0.0, None), self.power)
            if w.sum() <= 0:
                continue
            out[i] = (w @ self.labels_[top].toarray()) / w.sum()
        return out

    def top(self, text: str, k: int) -> list[tuple[str, float]]:
        """The k highest-scoring codes for one note (zero scores left out)."""
        proba = self.predict_proba([text])[0]
        idx = np.argsort(-proba)[:k]
        return [(self.codes_[i], float(proba[i])) for i in idx if proba[i] > 0]

    def save(self, folder: Path) -> None:
        """Write the vocabulary, codes and sparse arrays into a model folder."""
        (folder / _FILES[0]).write_text(
            json.dumps(
                {
                    "codes": self.codes_,
                    "vocabulary": self.vocabulary_,
                    "k": self.k,
                    "power": self.power,
                }
            ),
            encoding="utf-8",
        )
        m, lab = self.matrix_, self.labels_
        np.savez_compressed(
            folder / _FILES[1],
            idf=self.idf_,
            m_data=m.data,
            m_indices=m.indices,
            m_indptr=m.indptr,
            m_shape=np.array(m.shape),
            l_indices=lab.indices,
            l_indptr=lab.indptr,
            l_shape=np.array(lab.shape),
        )

    @staticmethod
    def exists(folder: Path) -> bool:
        """True when the folder holds a saved text model."""
        return all((folder / f).is_file() for f in _FILES)

    @classmethod
    def load(cls, folder: Path) -> TextModel:
        """Read a text model written by `save`."""
        meta = json.loads((folder / _FILES[0]).read_text("utf-8"))
        a = np.load(folder / _FILES[1])
        model = cls(k=int(meta["k"]), power=float(meta["power"]))
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
        model._vectorizer = None
        return model
