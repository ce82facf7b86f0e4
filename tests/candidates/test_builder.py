"""`CandidateBuilder`: model resources are arguments, never state of the shared pipeline."""

from __future__ import annotations

from typing import Any

from coder_assist.candidates.builder import CandidateBuilder, ModelResources
from coder_assist.candidates.generate import LEARNED_SOURCE
from coder_assist.candidates.priors import Priors

NOTE = "Assessment: maxillary pressure for a week. Essential hypertension. Denies chest pain."
# A term a model might have learned from coded notes: wording no ICD-10-CM title uses.
LEARNED = ModelResources.from_terms(
    Priors(), None, [("ICD-10-CM", "J01.00", "maxillary pressure", "learned", 0.8)]
)


def _view(builder: CandidateBuilder, doc: Any, resources: ModelResources) -> list[tuple]:
    cands, _ = builder.candidates(doc, resources)
    return sorted(
        (c.system, c.code, m.start, m.end, m.assertion, m.source) for c in cands for m in c.mentions
    )


def test_learned_terms_apply_only_when_passed(heuristic_suggester: Any) -> None:
    builder: CandidateBuilder = heuristic_suggester.builder
    start = NOTE.index("maxillary pressure")
    cands, _ = builder(NOTE, LEARNED)
    j01 = next(c for c in cands if c.code == "J01.00")
    assert [(m.start, m.end, m.text, m.source) for m in j01.mentions] == [
        (start, start + len("maxillary pressure"), "maxillary pressure", LEARNED_SOURCE)
    ]
    # The same builder without those resources: the term is not matched, nothing leaked.
    plain, _ = builder(NOTE, ModelResources())
    assert "J01.00" not in {c.code for c in plain}
    assert {"I10", "R07.9"} <= {c.code for c in plain}


def test_a_parse_matched_again_equals_a_fresh_parse(heuristic_suggester: Any) -> None:
    """Training parses a note once and matches it once per fold with that fold's terms."""
    builder: CandidateBuilder = heuristic_suggester.builder
    reused = builder.parse(NOTE)
    first = _view(builder, reused, LEARNED)
    assert _view(builder, reused, ModelResources()) == _view(
        builder, builder.parse(NOTE), ModelResources()
    )
    assert _view(builder, reused, LEARNED) == first


def test_entities_are_typed_records(heuristic_suggester: Any) -> None:
    _, entities = heuristic_suggester.builder(NOTE, ModelResources())
    by_text = {e.text: e for e in entities}
    chest = by_text["chest pain"]
    assert (chest.start, chest.end) == (NOTE.index("chest pain"), NOTE.index("chest pain") + 10)
    assert chest.assertion == "negated" and chest.label == "PROBLEM" and "R07.9" in chest.codes
