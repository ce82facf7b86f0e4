"""Evaluation metrics and the CodiEsp harness."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from coder_assist.errors import CoderAssistError
from coder_assist.training.codiesp import Document, load_split
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
    m.add({"A", "B", "C"}, {"A", "D"})  # tp 1 (A), fp 2 (B, C), fn 1 (D)
    m.add({"E"}, {"E", "F", "G"})  # tp 1 (E), fp 0, fn 2 (F, G)
    # Pooled: tp 2, fp 2, fn 3 -> P 2/4 = 0.5, R 2/5 = 0.4,
    # F1 = 2 * 0.5 * 0.4 / 0.9 = 0.4444 (the harmonic mean; the plain mean would be 0.45,
    # and averaging per-note precision, 1/3 and 1, would give 0.6667).
    assert m.result() == {"precision": 0.5, "recall": 0.4, "f1": 0.4444}


def test_micro_prf_rounds_to_four_places_and_zeroes_undefined_ratios() -> None:
    m = MicroPRF()
    m.add({"A", "B", "C"}, {"A"})  # P 1/3, R 1, F1 = (2/3) / (4/3) = 0.5
    assert m.result() == {"precision": 0.3333, "recall": 1.0, "f1": 0.5}
    nothing_predicted = MicroPRF()
    nothing_predicted.add(set(), {"A"})
    assert nothing_predicted.result() == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    all_wrong = MicroPRF()
    all_wrong.add({"B"}, {"A"})
    assert all_wrong.result() == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert MicroPRF().result() == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_category_ignores_the_dot() -> None:
    assert category("S72.001A") == "S72"
    assert category("R52") == "R52"


def test_load_split_rejects_a_folder_that_is_not_codiesp(tmp_path: Path) -> None:
    with pytest.raises(CoderAssistError, match="not a CodiEsp split"):
        load_split(tmp_path)


class _StubSuggester:
    """Returns fixed rankings and suggestions, so every figure of `evaluate` is known."""

    model_version = "stub-1"

    def __init__(self, outputs: dict[str, tuple[list[tuple[str, str]], list[SimpleNamespace]]]):
        self.outputs = outputs

    def analyze(self, text: str, note_id: str):  # type: ignore[no-untyped-def]
        ranked, suggestions = self.outputs[note_id]
        scored = [
            SimpleNamespace(candidate=SimpleNamespace(system=system, code=code), score=0.9 - i / 10)
            for i, (system, code) in enumerate(ranked)
        ]
        return SimpleNamespace(suggestions=suggestions), scored


def _suggestion(system: str, code: str, status: str, *spans: tuple[int, int, str]):  # type: ignore[no-untyped-def]
    evidence = [SimpleNamespace(start=a, end=b, text=t) for a, b, t in spans]
    return SimpleNamespace(system=system, code=code, status=status, evidence=evidence)


def test_evaluate_figures_on_a_hand_computed_example() -> None:
    n1 = "Essential hypertension and acute sinusitis."
    n2 = "Denies fever. Chest pain."
    docs = [Document("n1", n1, ["I10", "J01.90", "E11.9"]), Document("n2", n2, ["R07.9"])]
    stub = _StubSuggester(
        {
            "n1": (
                [
                    ("CPT", "99213"),
                    ("ICD-10-CM", "J01.90"),
                    ("ICD-10-CM", "R05.9"),
                    ("ICD-10-CM", "I10"),
                    ("ICD-10-CM", "Z00.00"),
                ],
                [
                    _suggestion("CPT", "99213", "suggested"),  # not ICD-10-CM: not counted
                    _suggestion("ICD-10-CM", "J01.90", "suggested", (27, 42, "acute sinusitis")),
                    _suggestion("ICD-10-CM", "R05.9", "suggested", (0, 5, "cough")),  # bad span
                    _suggestion("ICD-10-CM", "I10", "excluded", (0, 22, "Essential hypertension")),
                ],
            ),
            "n2": (
                [("ICD-10-CM", "R07.89"), ("ICD-10-CM", "R51.9")],
                [_suggestion("ICD-10-CM", "R07.89", "suggested", (14, 24, "Chest pain"))],
            ),
        }
    )
    report = evaluate(stub, docs, progress=False)  # type: ignore[arg-type]
    # AP n1: ICD ranking J01.90 (hit, 1/1), R05.9, I10 (hit, 2/3), Z00.00; E11.9 never
    # ranked: (1 + 2/3) / 3 = 5/9. AP n2: R07.9 never ranked: 0. MAP = 5/18 = 0.2778.
    assert report["map"] == 0.2778
    assert [n["ap"] for n in report["per_note"]] == [pytest.approx(5 / 9), 0.0]
    # Suggested ICD codes: n1 {J01.90, R05.9} (I10 is excluded), n2 {R07.89}.
    # Full code: tp 1 (J01.90), fp 2 (R05.9, R07.89), fn 3 (I10, E11.9, R07.9)
    #   -> P 1/3, R 1/4, F1 = (2/12) / (7/12) = 2/7.
    assert report["full_code"] == {"precision": 0.3333, "recall": 0.25, "f1": 0.2857}
    # Category: n1 {J01, R05} vs {I10, J01, E11}: tp 1, fp 1, fn 2; n2 {R07} vs {R07}: tp 1
    #   -> tp 2, fp 1, fn 2: P 2/3, R 2/4, F1 = (2/3) / (7/6) = 4/7.
    assert report["category"] == {"precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    # Candidates: I10 and J01.90 of 4 gold codes; by category R07 (R07.89) counts too.
    assert report["candidate_recall"] == 0.5
    assert report["candidate_recall_category"] == 0.75
    # Evidence of every suggestion, excluded ones included: 4 spans, "cough" is not at 0:5.
    assert (report["evidence_spans"], report["evidence_valid"]) == (4, 0.75)
    assert report["notes"] == 2 and report["model_version"] == "stub-1"
    assert report["per_note"][0]["suggested"] == ["J01.90", "R05.9"]
    assert [c for c, _ in report["per_note"][0]["ranked"]] == ["J01.90", "R05.9", "I10", "Z00.00"]


def test_evaluate_with_no_notes_reports_zeros() -> None:
    report = evaluate(_StubSuggester({}), [], progress=False)  # type: ignore[arg-type]
    assert report["notes"] == 0
    assert report["map"] == 0.0 and report["candidate_recall"] == 0.0
    assert report["evidence_valid"] == 1.0  # no span to get wrong


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
