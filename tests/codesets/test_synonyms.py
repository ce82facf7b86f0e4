"""The synonym table built from the abbreviation lexicon and our search synonyms."""

from __future__ import annotations

import json
from importlib import resources

from coder_assist.codesets.synonyms import SynonymTable, load_synonyms, sources_digest


def test_lexicon_and_search_synonyms_are_both_loaded() -> None:
    table = load_synonyms()
    assert table.lookup_phrase(("chf",)) == ["congestive heart failure"]
    assert "myocardial infarction" in table.lookup_phrase(("heart", "attack"))
    assert table.lookup_chunk("w/o") == ["without"]
    assert table.lookup_chunk("MI") == ["myocardial infarction"]


def test_case_sensitive_abbreviations_need_the_case_or_the_folded_lookup() -> None:
    table = load_synonyms()
    assert table.lookup_chunk("mi") == []
    assert table.lookup_case_folded("mi") == ["myocardial infarction"]


def test_our_search_synonyms_file_is_well_formed() -> None:
    ref = resources.files("coder_assist.codesets.data").joinpath("search_synonyms.json")
    data = json.loads(ref.read_text(encoding="utf-8"))
    assert data["version"] == 1
    phrases = [e["phrase"] for e in data["entries"]]
    assert len(phrases) == len(set(phrases)), "duplicate phrases"
    assert all(e["expansions"] and all(x.strip() for x in e["expansions"]) for e in data["entries"])


def test_add_keeps_sense_order_and_skips_empty_entries() -> None:
    table = SynonymTable()
    table.add("CA", ["cancer"], case_sensitive=True)
    table.add("CA", ["carcinoma", "cancer"], case_sensitive=True)
    table.add("", ["nothing"])
    table.add("x", [" ", ""])
    assert table.lookup_chunk("CA") == ["cancer", "carcinoma"]
    assert table.lookup_phrase(("x",)) == []


def test_digest_is_stable() -> None:
    assert sources_digest() == sources_digest()
    assert len(sources_digest()) == 16
