"""Rules that suggest a code whatever its learned score (`suggestion.json`).

A coder does not need a model's confidence to code "Assessment: acute sinusitis": the
provider stated the diagnosis. The ranker learned on narrative case reports and scores
such plain statements low, so these rules make the decision for them; the ranker keeps
ordering the suggestions and decides everything else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

from coder_assist.candidates import Candidate, MentionRef
from coder_assist.nlp.concepts.index import SOURCE_ID


@dataclass(frozen=True)
class SuggestionRule:
    """One rule of `suggestion.json` (see its `description` and `source`)."""

    id: str
    description: str
    source: str
    system: str
    sections: frozenset[str]
    assertion: str
    min_coverage: float
    min_keys_by_source: dict[int, int]  # term source id -> fewest words the term must have
    exclude_code_prefixes: tuple[str, ...]

    def supports(self, mention: MentionRef) -> bool:
        """Tell whether one mention is evidence this rule accepts.

        A one-word term must stand in the note as written: word keys are stems, and two
        words can share one ("esophageal" and "esophagitis"), so a key match alone could
        put a diagnosis the note never names.
        """
        min_keys = self.min_keys_by_source.get(mention.source)
        if (
            min_keys is None
            or mention.n_keys < min_keys
            or mention.section not in self.sections
            or mention.assertion != self.assertion
            or mention.coverage < self.min_coverage
        ):
            return False
        return mention.states_term

    def evidence(self, candidate: Candidate) -> list[MentionRef]:
        """The mentions by which the rule suggests `candidate` (empty: it does not)."""
        if candidate.system != self.system or candidate.code.startswith(self.exclude_code_prefixes):
            return []
        deciding = candidate.deciding
        # Every deciding mention must be present: one ruled-out statement of the same
        # wording elsewhere leaves the decision to the ranker.
        if not all(m.assertion == "present" for m in deciding):
            return []
        return [m for m in deciding if self.supports(m)]


@cache
def _rules_file() -> dict[str, Any]:
    return cast(
        dict[str, Any],
        json.loads(
            resources.files("coder_assist.rules").joinpath("suggestion.json").read_text("utf-8")
        ),
    )


@cache
def suggestion_rules() -> tuple[SuggestionRule, ...]:
    """The packaged rules, loaded once."""
    data = _rules_file()
    return tuple(
        SuggestionRule(
            id=r["id"],
            description=r["description"],
            source=r["source"],
            system=r["system"],
            sections=frozenset(r["sections"]),
            assertion=r["assertion"],
            min_coverage=float(r["min_coverage"]),
            min_keys_by_source={
                SOURCE_ID[name]: int(n)
                for name, n in r["term_sources"].items()
                if name in SOURCE_ID
            },
            exclude_code_prefixes=tuple(r["exclude_code_prefixes"]),
        )
        for r in data["rules"]
    )


def suggested_by_rule(candidates: Sequence[Candidate]) -> dict[tuple[str, str], str]:
    """(system, code) -> id of the rule that suggests it, for a note's candidates.

    A candidate whose every supporting span lies strictly inside a longer span that
    supports another rule-suggested candidate is left out: "sinusitis" inside "acute
    sinusitis" says nothing more.
    """
    support: dict[tuple[str, str], tuple[str, list[tuple[int, int]]]] = {}
    for cand in candidates:
        for rule in suggestion_rules():
            spans = [(m.start, m.end) for m in rule.evidence(cand)]
            if spans:
                support[(cand.system, cand.code)] = (rule.id, spans)
                break
    wide = [(key, s) for key, (_, spans) in support.items() for s in spans]
    out: dict[tuple[str, str], str] = {}
    for key, (rule_id, spans) in support.items():
        nested = all(
            any(other != key and a <= s[0] and s[1] <= b and (a, b) != s for other, (a, b) in wide)
            for s in spans
        )
        if not nested:
            out[key] = rule_id
    return out


@dataclass(frozen=True)
class DemotionRule:
    """A rule of `suggestion.json`'s `demotions`: a suggested code offered as possible."""

    id: str
    description: str
    source: str
    system: str
    code_prefixes: tuple[str, ...]
    unless_sections: frozenset[str]
    when_rule_suggests: str

    def demotes(self, candidate: Candidate, rule_ids: set[str]) -> bool:
        """Tell whether `candidate` is demoted, given the ids of the rules that fired."""
        return (
            self.when_rule_suggests in rule_ids
            and candidate.system == self.system
            and candidate.code.startswith(self.code_prefixes)
            and not any(m.section in self.unless_sections for m in candidate.present)
        )


@cache
def demotion_rules() -> tuple[DemotionRule, ...]:
    """The packaged demotion rules, loaded once."""
    data = _rules_file()
    return tuple(
        DemotionRule(
            id=r["id"],
            description=r["description"],
            source=r["source"],
            system=r["system"],
            code_prefixes=tuple(r["code_prefixes"]),
            unless_sections=frozenset(r["unless_sections"]),
            when_rule_suggests=r["when_rule_suggests"],
        )
        for r in data.get("demotions", [])
    )


def demoted_by_rule(candidate: Candidate, rule_ids: set[str]) -> DemotionRule | None:
    """The first demotion rule that applies to a suggested `candidate`, or None."""
    return next((r for r in demotion_rules() if r.demotes(candidate, rule_ids)), None)
