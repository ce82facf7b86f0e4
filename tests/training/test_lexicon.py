"""Learning note wording that signals a code (coder_assist.training.lexicon.mine_terms).

Defaults: a term is kept for a code when at least 3 of the code's notes contain it
(support) and at least 30 % of the notes containing it carry the code (precision).
Counts are per note, and one word per line keeps the grams of each note obvious.
"""

from __future__ import annotations

import math

import pytest

from coder_assist.training.lexicon import mine_terms

SMOKING = ("ICD-10-CM", "F17.210")  # nicotine dependence, cigarettes
NODES = ("ICD-10-CM", "R59.0")  # localized enlarged lymph nodes
ASTHMA = ("ICD-10-CM", "J45.909")
SPIROMETRY = ("CPT", "94010")
OFFICE_VISIT = ("CPT", "99213")  # an E/M level: never learned

Notes = list[tuple[str, set[tuple[str, str]]]]


def _corpus() -> Notes:
    visit = {SMOKING, OFFICE_VISIT}
    return [
        ("smoker\ncough\nwheeze\nvaper\npatient history", visit),
        ("smoker\ncough\nwheeze\nvaper\nunspecified", visit),
        ("smoker\ncough\nwheeze\nthe 2015 ab", visit),  # stopword, number, 2-letter word
        ("Smoker.", visit),  # case and punctuation fold away
        ("Hilar adenopathies.", {NODES}),
        ("hilar adenopathies", {NODES}),
        ("HILAR ADENOPATHIES!", {NODES}),
        ("spirometry", {SPIROMETRY}),
        ("spirometry", {SPIROMETRY}),
        ("spirometry", {SPIROMETRY}),
        ("cough cough cough\nwheeze", set()),  # repeats count once per note
        *[("cough\nwheeze", set())] * 6,
        ("wheeze", set()),
    ]


def test_terms_learned_from_a_hand_made_corpus() -> None:
    # smoker:       4 of 4 notes carry F17.210 -> support 4, precision 1.0
    # cough:        3 F17.210 notes of 10 with the word -> 3/10 = 0.3, kept (>= 0.3)
    # wheeze:       3 of 11 -> 0.2727 < 0.3, not precise enough
    # vaper:        2 notes only -> support 2 < 3, too rare although precision is 1.0
    # patient, history (generic), unspecified (qualifier), the, 2015, ab: never terms
    # hilar, adenopathies and the pair "hilar adenopathies": 3 of 3 R59.0 notes
    # spirometry: 3 of 3 notes of CPT 94010 (only E/M levels are skipped)
    # 99213 is on every smoker note (smoker: precision 1.0 for it too) but is an E/M level
    assert mine_terms(_corpus()) == [
        ("CPT", "94010", "spirometry", "learned", 1.0),
        ("ICD-10-CM", "F17.210", "cough", "learned", 0.3),
        ("ICD-10-CM", "F17.210", "smoker", "learned", 1.0),
        ("ICD-10-CM", "R59.0", "adenopathies", "learned", 1.0),
        ("ICD-10-CM", "R59.0", "hilar", "learned", 1.0),
        ("ICD-10-CM", "R59.0", "hilar adenopathies", "learned", 1.0),
    ]


def _smoking_terms(**kw: object) -> dict[str, float]:
    terms = mine_terms(_corpus(), **kw)  # type: ignore[arg-type]
    return {text: p for system, code, text, _, p in terms if (system, code) == SMOKING}


def test_lower_support_admits_the_rare_word() -> None:
    assert _smoking_terms(min_support=2) == {"cough": 0.3, "smoker": 1.0, "vaper": 1.0}


def test_lower_precision_admits_the_common_word() -> None:
    # wheeze: 3 / 11 = 0.272727... rounded to 4 places
    assert _smoking_terms(min_precision=0.25) == {"cough": 0.3, "smoker": 1.0, "wheeze": 0.2727}


def test_stricter_thresholds_drop_terms() -> None:
    assert _smoking_terms(min_precision=0.31) == {"smoker": 1.0}
    assert _smoking_terms(min_support=4) == {"smoker": 1.0}
    assert _smoking_terms(min_support=5) == {}


def _asthma_corpus() -> Notes:
    # 18 asthma notes: all say wheezing, 10 say nocturnal, 3 say inhaler;
    # 10 other notes say nocturnal, 2 of them wheezing too.
    asthma: Notes = []
    for i in range(18):
        lines = ["wheezing"] + ["nocturnal"] * (i < 10) + ["inhaler"] * (i < 3)
        asthma.append(("\n".join(lines), {ASTHMA}))
    other: Notes = [("nocturnal\nwheezing" if j < 2 else "nocturnal", set()) for j in range(10)]
    return asthma + other


def test_max_per_code_keeps_the_best_precision_times_log_support() -> None:
    # wheezing:  support 18, precision 18/20 = 0.9 -> 0.9 * ln(19) = 2.650
    # inhaler:   support 3,  precision 3/3   = 1.0 -> 1.0 * ln(4)  = 1.386
    # nocturnal: support 10, precision 10/20 = 0.5 -> 0.5 * ln(11) = 1.199
    assert 0.9 * math.log(19) > math.log(4) > 0.5 * math.log(11)
    notes = _asthma_corpus()
    assert mine_terms(notes, max_per_code=1) == [
        ("ICD-10-CM", "J45.909", "wheezing", "learned", 0.9)
    ]
    assert mine_terms(notes, max_per_code=2) == [
        ("ICD-10-CM", "J45.909", "inhaler", "learned", 1.0),
        ("ICD-10-CM", "J45.909", "wheezing", "learned", 0.9),
    ]
    assert [t[2] for t in mine_terms(notes)] == ["inhaler", "nocturnal", "wheezing"]


def test_word_pairs_do_not_cross_lines() -> None:
    notes: Notes = [("hilar\nadenopathies", {NODES})] * 3
    assert [t[2] for t in mine_terms(notes)] == ["adenopathies", "hilar"]


def test_pairs_of_generic_words_are_not_terms() -> None:
    # "left", "right" and "history" are generic; "unspecified" is a qualifier.
    notes: Notes = [("left history\nright unspecified", {SMOKING})] * 5
    assert mine_terms(notes) == []


@pytest.mark.parametrize(
    "notes",
    [
        [],
        [("", {SMOKING})] * 5,
        [("😷 !!! ...", {SMOKING})] * 5,
        [("smoker", set())] * 5,  # no codes: nothing to learn for
        [("the of and 2015 12 mg", {SMOKING})] * 5,  # stopwords, numbers, units
    ],
    ids=["no-notes", "empty-text", "no-words", "no-codes", "only-filler"],
)
def test_nothing_to_learn(notes: Notes) -> None:
    assert mine_terms(notes) == []
