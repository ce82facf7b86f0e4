from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from coder_assist.candidates.text_model import TextModel

# Short notes of our own: each code has its telling word, plus shared filler so the
# neighbour vote and the classifiers have something to tell apart.
_FILLER = [
    "seen in clinic today with her daughter",
    "vital signs stable and afebrile on arrival",
    "follow up arranged in two weeks with primary care",
    "labs reviewed with the patient and questions answered",
]
_CODES = {
    "R35.0": "reports pollakiuria during the day and night",
    "K44.9": "endoscopy showed a small hiatal hernia",
    "Z90.710": "hysterectomized many years ago for fibroids",
}


def _corpus() -> tuple[list[str], list[set[str]]]:
    texts, labels = [], []
    for i in range(24):
        codes = sorted(_CODES)[i % 3 :][:2] if i % 4 else []
        body = [_FILLER[i % len(_FILLER)], _FILLER[(i + 1) % len(_FILLER)]]
        texts.append(". ".join([*body, *(_CODES[c] for c in codes)]) + ".")
        labels.append(set(codes))
    texts.append("single mention of chronic gout in the left foot. " + _FILLER[0])
    labels.append({"M10.9"})
    return texts, labels


@pytest.fixture(scope="module")
def model() -> TextModel:
    texts, labels = _corpus()
    return TextModel(k=5).fit(texts, labels)


def test_classifiers_only_for_codes_with_enough_notes(model: TextModel) -> None:
    assert sorted(model.linear_codes_) == sorted(_CODES)  # M10.9 has one note: no classifier
    assert model.linear_coef_.shape == (3, len(model.vocabulary_))


def test_classifier_follows_the_telling_words(model: TextModel) -> None:
    with_word = "Urology visit. She reports pollakiuria during the day and night. Afebrile."
    without = "Urology visit. Back pain for a month. Afebrile."
    idx = model.linear_codes_.index("R35.0")
    p_with, p_without = model.linear_proba([with_word, without])[:, idx]
    assert p_with > 0.5 > p_without


def test_l1_keeps_few_words_per_code(model: TextModel) -> None:
    nonzero_per_code = np.diff(model.linear_coef_.indptr)
    assert nonzero_per_code.max() < len(model.vocabulary_) / 2


def test_scores_combine_vote_and_classifiers(model: TextModel) -> None:
    note = "Endoscopy showed a small hiatal hernia. Vital signs stable."
    scores = model.scores(note, 10)
    # The nearest notes are the six hernia notes (i = 3, 6, 9, 15, 18, 21), and the corpus
    # pairs K44.9 with R35.0 in every one of them: all 5 voting neighbours carry both codes
    # (vote 5/5 = 1.0 each); Z90.710 and M10.9 get no vote and are left out.
    assert dict(scores.top) == pytest.approx({"K44.9": 1.0, "R35.0": 1.0})
    (only,) = model.top(note, 1)
    assert only[0] in {"K44.9", "R35.0"} and only[1] == pytest.approx(1.0)
    # Classifiers exist for the codes with two or more notes; M10.9 has one.
    assert set(scores.linear) == {"K44.9", "R35.0", "Z90.710"}
    assert max(scores.linear, key=scores.linear.__getitem__) == "K44.9"
    assert all(0.0 <= p <= 1.0 for p in scores.linear.values())


def _paths(folder: Path) -> tuple[Path, Path]:
    return folder / "text_vocab.json", folder / "text_arrays.npz"


def test_save_and_load_give_the_same_scores(model: TextModel, tmp_path: Path) -> None:
    model.save(*_paths(tmp_path))
    loaded = TextModel.load(*_paths(tmp_path))
    texts, _ = _corpus()
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    np.testing.assert_allclose(loaded.linear_proba(texts), model.linear_proba(texts))
    assert loaded.scores(texts[1], 5) == model.scores(texts[1], 5)


def test_folder_saved_before_classifiers_existed_still_loads(
    model: TextModel, tmp_path: Path
) -> None:
    model.save(*_paths(tmp_path))
    meta = json.loads((tmp_path / "text_vocab.json").read_text("utf-8"))
    for key in ("linear_codes", "linear_c", "min_linear_notes"):
        meta.pop(key)
    (tmp_path / "text_vocab.json").write_text(json.dumps(meta), "utf-8")
    arrays = dict(np.load(tmp_path / "text_arrays.npz"))
    np.savez_compressed(
        tmp_path / "text_arrays.npz", **{k: v for k, v in arrays.items() if not k.startswith("w_")}
    )
    old = TextModel.load(*_paths(tmp_path))
    note = "Endoscopy showed a small hiatal hernia."
    assert old.scores(note, 5).linear == {}
    assert old.top(note, 5) == model.top(note, 5)
