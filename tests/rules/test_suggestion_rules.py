"""Each rule of `rules/suggestion.json` is traced to its source and passes its own cases."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from coder_assist.rules.suggestion import demotion_rules, suggested_by_rule, suggestion_rules

DATA: dict[str, Any] = json.loads(
    resources.files("coder_assist.rules").joinpath("suggestion.json").read_text("utf-8")
)
RULES: list[dict[str, Any]] = DATA["rules"] + DATA.get("demotions", [])
CASES = [(rule["id"], case) for rule in RULES for case in rule["tests"]]


def test_every_rule_has_an_id_a_source_and_cases() -> None:
    assert len({r["id"] for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule["description"] and rule["tests"]
        assert "Guidelines" in rule["source"] or "tabular" in rule["source"].lower()
    assert [r.id for r in suggestion_rules()] == [r["id"] for r in DATA["rules"]]
    assert [r.id for r in demotion_rules()] == [r["id"] for r in DATA["demotions"]]


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[c["note"][:40] for _, c in CASES])
def test_rule_cases(rule_id: str, case: dict[str, Any], suggester: Any) -> None:
    result = suggester.suggest(case["note"], max_possible=0)
    suggested = {s.code for s in result.suggestions if s.status == "suggested"}
    for code in case.get("suggested", []):
        assert code in suggested, f"{code} not suggested: {sorted(suggested)}"
    for code in case.get("not_suggested", []):
        assert code not in suggested
    cands, _ = suggester.candidates(case["note"])
    by_rule = suggested_by_rule(cands)
    for code in case.get("not_suggested_by_rule", []):
        assert by_rule.get(("ICD-10-CM", code)) != rule_id
