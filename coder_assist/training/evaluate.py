"""Evaluating a `Suggester` on coded notes (CodiEsp layout)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from coder_assist.suggest import Suggester
from coder_assist.training.codiesp import Document
from coder_assist.training.metrics import MicroPRF, average_precision, category


def evaluate(
    suggester: Suggester, docs: Sequence[Document], *, progress: bool = True
) -> dict[str, Any]:
    """MAP, micro P/R/F1 (full code and category), candidate recall and evidence validity.

    MAP ranks every ICD-10-CM candidate by score (what a reviewer would page through);
    P/R/F1 count only codes with status `suggested`.
    """
    aps: list[float] = []
    full, cat = MicroPRF(), MicroPRF()
    gold_total = cand_hits = cand_cat_hits = 0
    spans = spans_ok = 0
    per_note: list[dict[str, Any]] = []
    for doc in tqdm(docs, desc="evaluate", unit="note", disable=not progress):
        gold = set(doc.codes)
        result, ranked = suggester.analyze(doc.text, doc.id)
        icd = [s for s in ranked if s.candidate.system == "ICD-10-CM"]
        ranked_codes = [s.candidate.code for s in icd]
        aps.append(average_precision(ranked_codes, gold))
        suggested = {
            s.code
            for s in result.suggestions
            if s.status == "suggested" and s.system == "ICD-10-CM"
        }
        full.add(suggested, gold)
        cat.add({category(c) for c in suggested}, {category(c) for c in gold})
        cand_codes = set(ranked_codes)
        cand_cats = {category(c) for c in cand_codes}
        gold_total += len(gold)
        cand_hits += len(gold & cand_codes)
        cand_cat_hits += sum(1 for g in gold if category(g) in cand_cats)
        for s in result.suggestions:
            for ev in s.evidence:
                spans += 1
                spans_ok += int(doc.text[ev.start : ev.end] == ev.text)
        per_note.append(
            {
                "id": doc.id,
                "gold": sorted(gold),
                "suggested": sorted(suggested),
                "ranked": [(s.candidate.code, round(s.score, 4)) for s in icd[:50]],
                "ap": aps[-1],
            }
        )
    return {
        "notes": len(docs),
        "model_version": suggester.model_version,
        "map": round(sum(aps) / len(aps), 4) if aps else 0.0,
        "full_code": full.result(),
        "category": cat.result(),
        "candidate_recall": round(cand_hits / gold_total, 4) if gold_total else 0.0,
        "candidate_recall_category": round(cand_cat_hits / gold_total, 4) if gold_total else 0.0,
        "evidence_valid": round(spans_ok / spans, 4) if spans else 1.0,
        "evidence_spans": spans,
        "per_note": per_note,
    }
