"""`evaluate_response`: figures of the public response on hand-made notes, worked by hand."""

from __future__ import annotations

from typing import Any

from coder_assist.schemas import Evidence, Suggestion, SuggestResult
from coder_assist.training.corpus import CodedNote
from coder_assist.training.response_metrics import (
    evaluate_response,
    is_evaluation_and_management,
)


def _s(code: str, status: str, system: str = "ICD-10-CM") -> Suggestion:
    ev = [Evidence(start=0, end=1, text="x")]
    return Suggestion(
        system=system,
        code=code,
        description="",
        score=0.5,
        rank=1,
        status=status,
        evidence=ev,  # type: ignore[arg-type]
    )


class StubSuggester:
    """Returns a fixed response per note id (no NLP)."""

    model_version = "stub"

    def __init__(self, responses: dict[str, list[Suggestion]]) -> None:
        self.responses = responses

    def suggest(self, text: str, note_id: str | None = None, **_: Any) -> SuggestResult:
        assert note_id is not None
        return SuggestResult(id=note_id, model_version="stub", suggestions=self.responses[note_id])


def _note(
    nid: str, setting: str, codes: list[tuple[str, str]], ruled_out: tuple[str, ...] = ()
) -> CodedNote:
    return CodedNote(nid, nid, "t", "x", setting, "soap", "text", tuple(codes), ruled_out=ruled_out)


def test_figures_on_a_hand_computed_example() -> None:
    notes = [
        # Gold I10 (first-listed), E11.9; E/M 99213.
        _note("a", "office", [("ICD-10-CM", "I10"), ("ICD-10-CM", "E11.9"), ("CPT", "99213")]),
        # Gold J18.9; R50.9 is ruled out by the note.
        _note("b", "ed", [("ICD-10-CM", "J18.9"), ("CPT", "99284")], ruled_out=("R50.9",)),
    ]
    stub = StubSuggester(
        {
            # Suggested E11.9 then I10 (first-listed wrong), CPT 99214 (E/M wrong), 36415.
            "a": [
                _s("E11.9", "suggested"),
                _s("I10", "suggested"),
                _s("99214", "suggested", "CPT"),
                _s("36415", "suggested", "CPT"),
            ],
            # Suggested R50.9 (ruled out: counted), J18.9 only possible; E/M right.
            "b": [
                _s("R50.9", "suggested"),
                _s("99284", "suggested", "CPT"),
                _s("J18.9", "possible"),
                _s("R05.9", "excluded"),
            ],
        }
    )
    r = evaluate_response(stub, notes, progress=False)  # type: ignore[arg-type]
    # ICD: suggested {E11.9, I10} vs {I10, E11.9}: tp 2; {R50.9} vs {J18.9}: fp 1, fn 1.
    # P = 2/3, R = 2/3, F1 = 2/3.
    assert r["icd"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    # MAP over the listed ICD codes: a = (1/1 + 2/2) / 2 = 1; b: J18.9 at rank 2 -> 0.5.
    assert r["map"] == 0.75
    assert r["first_listed_accuracy"] == 0.0  # E11.9 != I10; R50.9 != J18.9
    # CPT: {99214, 36415} vs {99213}; {99284} vs {99284}: tp 1, fp 2, fn 1.
    assert r["cpt_hcpcs"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4}
    assert (r["em_exact"], r["em_notes"]) == (0.5, 2)
    assert r["ruled_out_suggested"] == 1
    assert r["by_setting"]["ed"]["icd"]["precision"] == 0.0
    assert r["by_chapter"]["E"]["f1"] == 1.0 and r["by_chapter"]["R"]["f1"] == 0.0


def test_evaluation_and_management_codes() -> None:
    assert all(is_evaluation_and_management(c) for c in ("99202", "99215", "99285", "99239"))
    assert not any(is_evaluation_and_management(c) for c in ("93000", "36415", "G0439", "9921"))
