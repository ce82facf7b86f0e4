"""Scoring the public response, exactly as an EHR receives it, against coded notes.

Everything here reads `SuggestResult` (what `POST /v1/suggest` returns), never the
internal candidate list: MAP ranks the response's ICD-10-CM codes in the order they are
listed (suggested, then possible, then excluded), precision, recall and F1 count only
`suggested` codes, first-listed accuracy compares the first suggested diagnosis with the
gold first-listed one, and ruled-out codes suggested counts gold-annotated conditions
the note rules out that were suggested anyway. Figures come overall, by setting and by
ICD-10-CM chapter (the code's first letter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from coder_assist.schemas import SuggestResult
from coder_assist.suggest import Suggester
from coder_assist.training.corpus import CodedNote
from coder_assist.training.metrics import MicroPRF, average_precision

ICD = "ICD-10-CM"


def is_evaluation_and_management(code: str) -> bool:
    """Tell whether a CPT code is a visit (E/M) code: 99202-99499 or the 98000 series."""
    return code.isdigit() and (99202 <= int(code) <= 99499 or 98000 <= int(code) <= 98016)


class _Tally:
    """Counts for one slice of notes (all, one setting, ...)."""

    def __init__(self) -> None:
        self.notes = 0
        self.icd = MicroPRF()
        self.procedures = MicroPRF()
        self.aps: list[float] = []
        self.first_listed = [0, 0]  # right, notes with a gold diagnosis
        self.em = [0, 0]  # exact, notes with a gold E/M code
        self.ruled_out_suggested = 0

    def result(self) -> dict[str, Any]:
        return {
            "notes": self.notes,
            "map": round(sum(self.aps) / len(self.aps), 4) if self.aps else 0.0,
            "icd": self.icd.result(),
            "cpt_hcpcs": self.procedures.result(),
            "first_listed_accuracy": _ratio(*self.first_listed),
            "em_exact": _ratio(*self.em),
            "em_notes": self.em[1],
            "ruled_out_suggested": self.ruled_out_suggested,
        }


def _ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def _score_note(tally: _Tally, note: CodedNote, result: SuggestResult) -> None:
    gold_icd = note.icd
    gold_px = {c for s, c in note.codes if s != ICD}
    listed = result.suggestions
    suggested_icd = [s.code for s in listed if s.system == ICD and s.status == "suggested"]
    suggested_px = {s.code for s in listed if s.system != ICD and s.status == "suggested"}
    tally.notes += 1
    tally.icd.add(set(suggested_icd), set(gold_icd))
    tally.procedures.add(suggested_px, gold_px)
    if gold_icd:
        tally.aps.append(
            average_precision([s.code for s in listed if s.system == ICD], set(gold_icd))
        )
        tally.first_listed[1] += 1
        tally.first_listed[0] += bool(suggested_icd) and suggested_icd[0] == gold_icd[0]
    gold_em = {c for c in gold_px if is_evaluation_and_management(c)}
    if gold_em:
        tally.em[1] += 1
        tally.em[0] += {c for c in suggested_px if is_evaluation_and_management(c)} == gold_em
    tally.ruled_out_suggested += len(set(note.ruled_out) & set(suggested_icd))


def evaluate_response(
    suggester: Suggester,
    notes: Sequence[CodedNote],
    *,
    progress: bool = True,
    desc: str = "evaluate",
) -> dict[str, Any]:
    """Figures of the public response over `notes`, overall, by setting and by chapter."""
    overall = _Tally()
    by_setting: dict[str, _Tally] = defaultdict(_Tally)
    chapter_prf: dict[str, MicroPRF] = defaultdict(MicroPRF)
    per_note: list[dict[str, Any]] = []
    bar = tqdm(notes, desc=desc, unit="note", total=len(notes), disable=not progress)
    for note in bar:
        result = suggester.suggest(note.text, note.id)
        _score_note(overall, note, result)
        _score_note(by_setting[note.setting], note, result)
        suggested = {
            s.code for s in result.suggestions if s.system == ICD and s.status == "suggested"
        }
        for letter in {c[0] for c in suggested} | {c[0] for c in note.icd}:
            chapter_prf[letter].add(
                {c for c in suggested if c[0] == letter}, {c for c in note.icd if c[0] == letter}
            )
        per_note.append(
            {
                "id": note.id,
                "setting": note.setting,
                "gold": [f"{s}:{c}" for s, c in note.codes],
                "response": [f"{s.status}:{s.system}:{s.code}" for s in result.suggestions],
            }
        )
    summary = overall.result()
    if progress:
        icd = summary["icd"]
        bar.write(
            f"{desc}: {summary['notes']} notes, ICD P/R/F1 {icd['precision']:.3f}/"
            f"{icd['recall']:.3f}/{icd['f1']:.3f}, MAP {summary['map']:.3f}"
        )
    return {
        **summary,
        "model_version": suggester.model_version,
        "by_setting": {k: v.result() for k, v in sorted(by_setting.items())},
        "by_chapter": {k: v.result() for k, v in sorted(chapter_prf.items())},
        "per_note": per_note,
    }
