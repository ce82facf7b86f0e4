"""Our own US-style fixture notes (data/fixtures) against the bundled model.

Each note lists the codes a coder would assign, the mentions that must be ruled out (with
the reason) and codes that must not be proposed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures" / "notes.jsonl"
NOTES = [json.loads(line) for line in FIXTURES.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def results(suggester):  # type: ignore[no-untyped-def]
    return {fx["id"]: suggester.suggest(fx["text"], fx["id"]) for fx in NOTES}


def test_fixture_set_covers_the_required_cases() -> None:
    tags = {t for fx in NOTES for t in fx["tags"]}
    assert len(NOTES) >= 30
    assert {
        "negation",
        "family",
        "historical",
        "abbreviation",
        "laterality",
        "seventh_character",
        "procedure",
    } <= tags


@pytest.mark.parametrize("fx", NOTES, ids=[fx["id"] for fx in NOTES])
def test_expected_codes_are_suggested(fx, results) -> None:  # type: ignore[no-untyped-def]
    result = results[fx["id"]]
    suggested = {s.code for s in result.suggestions if s.status == "suggested"}
    missing = set(fx["expect"]["suggested"]) - suggested
    assert not missing, f"{fx['id']} ({fx['title']}): missing {sorted(missing)}"


@pytest.mark.parametrize("fx", NOTES, ids=[fx["id"] for fx in NOTES])
def test_ruled_out_conditions_are_never_suggested(fx, results) -> None:  # type: ignore[no-untyped-def]
    by_code = {s.code: s for s in results[fx["id"]].suggestions}
    for item in fx["expect"]["excluded"]:
        found = by_code.get(item["code"])
        assert found is None or found.status == "excluded", (
            f"{fx['id']}: {item['code']} should be ruled out ({item['reason']})"
        )
        if found is not None:
            assert found.reason == item["reason"]
    for code in fx["expect"].get("absent", []):
        assert code not in by_code or by_code[code].status != "suggested", f"{fx['id']}: {code}"


@pytest.mark.parametrize("fx", NOTES, ids=[fx["id"] for fx in NOTES])
def test_evidence_spans_are_exact(fx, results) -> None:  # type: ignore[no-untyped-def]
    text = fx["text"]
    for s in results[fx["id"]].suggestions:
        assert s.evidence, f"{fx['id']}: {s.code} has no evidence"
        for ev in s.evidence:
            assert text[ev.start : ev.end] == ev.text
