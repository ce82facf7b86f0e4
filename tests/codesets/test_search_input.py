"""Search input handling and the index's own contract (pickling, filters, fallback)."""

from __future__ import annotations

import pickle

import pytest

from coder_assist.codesets import Code, CodeSets
from coder_assist.codesets.codeset import MAX_QUERY_CHARS
from coder_assist.codesets.search import SearchIndex, stem, weighted_terms
from coder_assist.codesets.synonyms import SynonymTable
from coder_assist.errors import InvalidQueryError, UnknownSystemError


@pytest.mark.parametrize("query", ["", " ", "\t\n  "])
def test_empty_or_blank_query_is_refused(codesets: CodeSets, query: str) -> None:
    with pytest.raises(InvalidQueryError, match="empty"):
        codesets.search(query)


def test_too_long_query_is_refused_with_the_limit(codesets: CodeSets) -> None:
    with pytest.raises(InvalidQueryError, match=f"limit is {MAX_QUERY_CHARS}"):
        codesets.search("a" * (MAX_QUERY_CHARS + 1))


def test_query_at_the_limit_is_accepted(codesets: CodeSets) -> None:
    query = ("chest pain " * 60)[:MAX_QUERY_CHARS]
    assert codesets.search(query)


def test_unknown_system_lists_the_valid_ones(codesets: CodeSets) -> None:
    with pytest.raises(UnknownSystemError) as info:
        codesets.search("asthma", system="SNOMED")
    message = str(info.value)
    for valid in ("ICD-10-CM", "CPT", "HCPCS"):
        assert valid in message


def test_limit_below_one_is_refused(codesets: CodeSets) -> None:
    with pytest.raises(InvalidQueryError, match="limit"):
        codesets.search("asthma", limit=0)


@pytest.mark.parametrize("alias", ["icd10cm", "ICD-10-CM", "icd", "cpt", "Hcpcs"])
def test_system_aliases_are_accepted(codesets: CodeSets, alias: str) -> None:
    hits = codesets.search("injection", system=alias, limit=5)
    assert hits
    assert len({h.system for h in hits}) == 1


def test_system_filter_keeps_only_that_system(codesets: CodeSets) -> None:
    for system in ("ICD-10-CM", "CPT", "HCPCS"):
        hits = codesets.search("influenza", system=system, limit=10)
        assert hits and all(h.system == system for h in hits)


def test_limit_is_respected_and_scores_descend(codesets: CodeSets) -> None:
    hits = codesets.search("fracture of femur", limit=7)
    assert len(hits) == 7
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


@pytest.mark.parametrize("typed", ["e119", "E119", "e11.9", " E11.9 ", "E 11 9"])
def test_lower_case_and_dotless_codes_are_normalised(codesets: CodeSets, typed: str) -> None:
    hit = codesets.search(typed)[0]
    assert hit.code == "E11.9" and hit.score == 1.0
    found = codesets.get(typed)
    assert found is not None and found.code == "E11.9"


@pytest.mark.parametrize("query", ["xqzvbwk", "zzzz qqqq", "!!!", "E99.99"])
def test_a_sensible_or_odd_query_never_returns_nothing(codesets: CodeSets, query: str) -> None:
    assert codesets.search(query)


def test_unknown_code_falls_back_to_its_nearest_family(codesets: CodeSets) -> None:
    hits = codesets.search("E11.99")
    assert hits and all(h.code.startswith("E11") for h in hits)


def _tiny_index() -> SearchIndex:
    codes = [
        Code(
            "I21",
            "ICD-10-CM",
            "Acute myocardial infarction",
            False,
            "category",
            children=("I21.9",),
        ),
        Code(
            "I21.9",
            "ICD-10-CM",
            "Acute myocardial infarction, unspecified",
            True,
            "code",
            parent="I21",
            inclusion_terms=("Myocardial infarction (acute) NOS",),
        ),
        Code("I34.0", "ICD-10-CM", "Nonrheumatic mitral (valve) insufficiency", True, "code"),
        Code(
            "99213",
            "CPT",
            "Established patient office visit",
            True,
            "service",
            terms=("follow-up visit",),
        ),
    ]
    synonyms = SynonymTable()
    synonyms.add("MI", ["myocardial infarction", "mitral insufficiency"], case_sensitive=True)
    synonyms.add("w/o", ["without"])
    return SearchIndex.build(codes, synonyms)


def test_index_survives_pickling_with_identical_results() -> None:
    index = _tiny_index()
    clone = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    for query in ("MI", "myocardial", "follow up visit", "i219", "mitral"):
        assert clone.search(query) == index.search(query)


def test_index_expands_abbreviations_in_sense_order() -> None:
    ranked = [h.code for h in _tiny_index().search("MI")]
    assert ranked[0] == "I21.9"
    assert "I34.0" in ranked


def test_index_searches_terms_and_filters_by_system() -> None:
    index = _tiny_index()
    assert index.search("follow-up", system="CPT")[0].code == "99213"
    assert all(h.system == "ICD-10-CM" for h in index.search("visit", system="ICD-10-CM"))


def test_stemming_folds_inflections_alike() -> None:
    assert stem("fractures") == stem("fracture") == stem("fractured")
    assert stem("injuries") == stem("injury")
    assert stem("e11") == "e11"


def test_nonessential_modifiers_and_filler_weigh_nothing_or_little() -> None:
    terms = weighted_terms("Hypertension (arterial) (benign), unspecified")
    assert terms["hypertension"] == 1.0
    assert terms["arterial"] == 0.0
    assert 0.0 < terms[stem("unspecified")] < 1.0
