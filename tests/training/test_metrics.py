"""Evaluation metrics and the CodiEsp harness."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder_assist.errors import CoderAssistError
from coder_assist.training.codiesp import load_split
from coder_assist.training.evaluate import evaluate
from coder_assist.training.metrics import MicroPRF, average_precision, category


def test_average_precision_counts_hits_in_rank_order() -> None:
    assert average_precision(["A", "B", "C"], {"A", "C"}) == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert average_precision(["X", "A"], {"A", "B"}) == pytest.approx((1 / 2) / 2)
    assert average_precision(["A", "A", "B"], {"A", "B"}) == pytest.approx(1.0)
    assert average_precision([], {"A"}) == 0.0
    assert average_precision(["A"], set()) == 0.0


def test_micro_prf_accumulates_across_notes() -> None:
    m = MicroPRF()
    m.add({"A", "B"}, {"A"})
    m.add(set(), {"C"})
    assert m.result() == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert MicroPRF().result() == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_category_ignores_the_dot() -> None:
    assert category("S72.001A") == "S72"
    assert category("R52") == "R52"


def test_load_split_rejects_a_folder_that_is_not_codiesp(tmp_path: Path) -> None:
    with pytest.raises(CoderAssistError, match="not a CodiEsp split"):
        load_split(tmp_path)


def test_evaluate_on_a_written_split(suggester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "text_files_en").mkdir()
    (tmp_path / "text_files_en" / "n1.txt").write_text(
        "Assessment: essential hypertension and acute sinusitis.", "utf-8"
    )
    (tmp_path / "text_files_en" / "n2.txt").write_text("Patient denies fever.", "utf-8")
    (tmp_path / "toyD.tsv").write_text("n1\ti10\nn1\tj01.90\nn2\tr50.9\n", "utf-8")
    docs = load_split(tmp_path)
    assert [d.id for d in docs] == ["n1", "n2"]
    assert docs[0].codes == ["I10", "J01.90"]
    report = evaluate(suggester, docs, progress=False)
    assert report["notes"] == 2
    assert 0.0 <= report["map"] <= 1.0
    assert report["evidence_valid"] == 1.0
    assert report["candidate_recall"] >= 0.5  # I10 and J01.90 are found in the first note


@pytest.mark.codiesp
def test_codiesp_dev_slice_evaluates(suggester, codiesp_dir: Path) -> None:  # type: ignore[no-untyped-def]
    docs = load_split(codiesp_dir / "dev")[:10]
    report = evaluate(suggester, docs, progress=False)
    assert report["notes"] == 10
    assert report["evidence_valid"] == 1.0
    assert report["map"] > 0.2
