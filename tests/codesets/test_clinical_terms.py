"""Our clinical term -> code table: well formed, and every code billable in our code sets.

The known mappings are the ones a coder assigns from the ICD-10-CM tabular for a note
that says only that term (pneumonia with no organism is J18.9, low back pain with nothing
more is M54.50, a UTI with no site is N39.0).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources

import pytest

from coder_assist.codesets import CodeSets
from coder_assist.codesets.clinical_terms import (
    CLINICAL_TERMS_FILE,
    KINDS,
    ClinicalTerm,
    _term,
    load_clinical_terms,
)
from coder_assist.errors import CodeSetSourceError

SPECIALTIES = {
    "primary-care",
    "cardiology",
    "pulmonology",
    "endocrinology",
    "gastroenterology",
    "nephrology",
    "neurology",
    "psychiatry",
    "orthopedics",
    "dermatology",
    "ent",
    "ophthalmology",
    "obgyn",
    "urology",
    "infectious-disease",
    "hematology-oncology",
    "pediatrics",
    "emergency",
    "status-history",
}

# Words that alone support no code: a body part, a generic noun or a record heading.
FORBIDDEN_SINGLE_WORDS = {
    "abdomen",
    "acute",
    "allergy",
    "arm",
    "back",
    "blood",
    "bone",
    "brain",
    "breast",
    "cancer",
    "chest",
    "chronic",
    "condition",
    "disease",
    "disorder",
    "ear",
    "exam",
    "eye",
    "fall",
    "foot",
    "fracture",
    "hand",
    "head",
    "heart",
    "history",
    "infection",
    "injury",
    "joint",
    "kidney",
    "knee",
    "leg",
    "lesion",
    "liver",
    "lump",
    "lung",
    "mass",
    "medication",
    "muscle",
    "neck",
    "nerve",
    "pain",
    "problem",
    "screening",
    "skin",
    "status",
    "stomach",
    "surgery",
    "syndrome",
    "test",
    "tumor",
    "visit",
}

KNOWN = {
    "pneumonia": "J18.9",
    "community acquired pneumonia": "J18.9",
    "migraine": "G43.909",
    "low back pain": "M54.50",
    "lumbago": "M54.50",
    "acute sinusitis": "J01.90",
    "uti": "N39.0",
    "strep throat": "J02.0",
    "type 2 diabetes": "E11.9",
    "diabetic neuropathy": "E11.40",
    "gerd": "K21.9",
    "afib": "I48.91",
    "chf": "I50.9",
    "ckd stage 3a": "N18.31",
    "essential hypertension": "I10",
    "hypothyroidism": "E03.9",
    "generalized anxiety": "F41.1",
    "major depression, recurrent, moderate": "F33.1",
    "ankle sprain": "S93.409A",
    "history of colon polyps": "Z86.0100",
    "former smoker": "Z87.891",
    "on insulin": "Z79.4",
    "long term anticoagulation": "Z79.01",
    "s/p cabg": "Z95.1",
}


@pytest.fixture(scope="module")
def terms() -> list[ClinicalTerm]:
    return load_clinical_terms()


def test_table_is_large_enough(terms: list[ClinicalTerm]) -> None:
    assert len(terms) >= 1500


def test_file_header() -> None:
    ref = resources.files("coder_assist.codesets.data").joinpath(CLINICAL_TERMS_FILE)
    data = json.loads(ref.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["description"].strip()
    assert len(data["entries"]) == len(load_clinical_terms())


def test_every_code_exists_and_is_billable(codesets: CodeSets, terms: list[ClinicalTerm]) -> None:
    found = {t.term: codesets.get(t.code, "ICD-10-CM") for t in terms}
    missing = [term for term, code in found.items() if code is None]
    assert not missing, f"unknown codes for {missing[:20]}"
    not_billable = [(term, c.code) for term, c in found.items() if c and not c.billable]
    assert not not_billable, f"header codes: {not_billable[:20]}"


def test_seventh_character_is_the_default(codesets: CodeSets, terms: list[ClinicalTerm]) -> None:
    """Injuries take the initial encounter ("A"); fetus-specific codes take "0" (unspecified)."""
    wrong = []
    for t in terms:
        found = codesets.get(t.code, "ICD-10-CM")
        if found is None or found.kind != "extension" or found.parent is None:
            continue
        parent = codesets.get(found.parent, "ICD-10-CM")
        options = dict(parent.seventh_characters) if parent else {}
        if options.get("A", "").startswith("initial encounter") and not t.code.endswith("A"):
            wrong.append((t.term, t.code))
        if options.get("0", "").startswith("not applicable") and not t.code.endswith("0"):
            wrong.append((t.term, t.code))
    assert not wrong, wrong[:20]


def test_terms_are_unique(terms: list[ClinicalTerm]) -> None:
    dupes = [term for term, n in Counter(t.term for t in terms).items() if n > 1]
    assert not dupes, dupes


def test_terms_are_lower_case_and_trimmed(terms: list[ClinicalTerm]) -> None:
    bad = [
        t.term
        for t in terms
        if t.term != t.term.lower() or t.term != " ".join(t.term.split()) or len(t.term) < 2
    ]
    assert not bad, bad[:20]


def test_no_bare_generic_words(terms: list[ClinicalTerm]) -> None:
    bad = [t.term for t in terms if t.term in FORBIDDEN_SINGLE_WORDS]
    assert not bad, bad


def test_kinds_and_specialties_are_known(terms: list[ClinicalTerm]) -> None:
    assert {t.kind for t in terms} <= set(KINDS)
    assert {t.specialty for t in terms} == SPECIALTIES
    assert set(Counter(t.kind for t in terms)) == set(KINDS)


def test_codes_are_written_with_the_dot(terms: list[ClinicalTerm]) -> None:
    shape = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")
    bad = [(t.term, t.code) for t in terms if not shape.fullmatch(t.code)]
    assert not bad, bad[:20]


@pytest.mark.parametrize(("term", "code"), sorted(KNOWN.items()))
def test_known_mappings(terms: list[ClinicalTerm], term: str, code: str) -> None:
    by_term = {t.term: t.code for t in terms}
    assert by_term.get(term) == code


def test_loader_is_cached_and_rows_are_frozen(terms: list[ClinicalTerm]) -> None:
    assert load_clinical_terms() is terms
    with pytest.raises(AttributeError):
        terms[0].code = "X00"  # type: ignore[misc]


@pytest.mark.parametrize(
    "entry",
    [
        "pneumonia",
        {"term": "pneumonia", "code": "J18.9", "kind": "main"},
        {"term": "pneumonia", "code": "J18.9", "kind": "synonym", "specialty": "pulmonology"},
        {"term": " ", "code": "J18.9", "kind": "main", "specialty": "pulmonology"},
    ],
)
def test_malformed_entries_are_reported(entry: object) -> None:
    with pytest.raises(CodeSetSourceError, match="entry 7"):
        _term(7, entry)
