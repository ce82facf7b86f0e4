"""The spaCy pipeline: sections, assertions, abbreviations and exact offsets."""

from __future__ import annotations

import pytest

from coder_assist.nlp.concepts import SPAN_KEY
from coder_assist.nlp.context import assertion_of
from coder_assist.nlp.sections import section_of

NOTE = (
    "Chief Complaint: cough.\n"
    "HPI: Patient denies chest pain. Possible pneumonia.\n"
    "Past Medical History: HTN, T2DM. History of DVT in 2015, resolved.\n"
    "Family History: mother with breast cancer.\n"
    "Assessment and Plan: Acute bronchitis. Return if fever develops.\n"
)


@pytest.fixture(scope="module")
def doc(heuristic_suggester):  # type: ignore[no-untyped-def]
    return heuristic_suggester.builder.nlp(NOTE)


def _mention(doc, text: str):  # type: ignore[no-untyped-def]
    for span in doc.spans[SPAN_KEY]:
        if span.text.lower() == text.lower():
            return span
    raise AssertionError(f"no mention {text!r}: {[s.text for s in doc.spans[SPAN_KEY]]}")


def test_pipeline_starts_blank_with_our_components(heuristic_suggester) -> None:  # type: ignore[no-untyped-def]
    names = heuristic_suggester.builder.nlp.pipe_names
    assert names[0] == "sentencizer"
    for name in (
        "medspacy_sectionizer",
        "coder_assist_abbreviations",
        "coder_assist_concepts",
        "medspacy_context",
    ):
        assert name in names


@pytest.mark.parametrize(
    ("text", "assertion"),
    [
        ("chest pain", "negated"),
        ("pneumonia", "uncertain"),
        ("DVT", "historical"),
        ("breast cancer", "family"),
        ("fever", "hypothetical"),
        ("Acute bronchitis", "present"),
        ("HTN", "present"),
    ],
)
def test_assertions(doc, text: str, assertion: str) -> None:  # type: ignore[no-untyped-def]
    got, trigger = assertion_of(_mention(doc, text))
    assert got == assertion
    assert (trigger is None) == (assertion == "present")


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("chest pain", "history_of_present_illness"),
        ("HTN", "past_medical_history"),
        ("breast cancer", "family_history"),
        ("Acute bronchitis", "assessment_plan"),
    ],
)
def test_sections(doc, text: str, section: str) -> None:  # type: ignore[no-untyped-def]
    assert section_of(_mention(doc, text)) == section


def test_abbreviations_map_to_codes(doc) -> None:  # type: ignore[no-untyped-def]
    htn = {m.code for m in _mention(doc, "HTN")._.ca_matches}
    t2dm = {m.code for m in _mention(doc, "T2DM")._.ca_matches}
    assert "I10" in htn
    assert any(c.startswith("E11") for c in t2dm)


def test_defined_abbreviation_is_expanded(heuristic_suggester) -> None:  # type: ignore[no-untyped-def]
    doc = heuristic_suggester.builder.nlp(
        "He has xyzzy obstructive pulmonary disease (XOPD).\nXOPD is stable."
    )
    spans = doc.spans["ca_abbreviations"]
    assert any(s.text == "XOPD" and "obstructive" in (s._.ca_expansion or "") for s in spans)


@pytest.mark.parametrize(
    "note",
    [
        "Assessment:\r\nEssential hypertension.\r\nType 2 diabetes mellitus.\r\n",
        "\tAssessment:\tacute\tbronchitis\t\n\tHTN",
        "Temp 37.8 °C — naïve patient with café-au-lait spots; pneumonia 😷 confirmed.",
        "\n\n   Essential hypertension and acute sinusitis.",
    ],
)
def test_offsets_point_into_the_original_text(heuristic_suggester, note: str) -> None:  # type: ignore[no-untyped-def]
    result = heuristic_suggester.suggest(note)
    assert result.entities, "expected at least one mention"
    for ent in result.entities:
        assert note[ent.start : ent.end] == ent.text
    for s in result.suggestions:
        for ev in s.evidence:
            assert note[ev.start : ev.end] == ev.text
