"""What a reviewer is shown: status, reason and evidence of each scored candidate.

Scores say how likely a code is; the policy decides what to do with that. A code with
present evidence is `suggested` when its score reaches the model's threshold, or when a
rule of `coder_assist.rules.suggestion` says so (a diagnosis the assessment states in
full is coded whatever its score). A code whose own wording was found but every deciding
mention is ruled out (negated, family, ordered, hypothetical, historical, uncertain) is
shown as `excluded` with the reason, so the coder sees why it is not on the claim.
Text-model proposals without evidence are never shown, and two diagnoses of one category
supported by the same words are alternatives: only the one with the more specific
evidence is suggested.

After those, the next most likely codes with present evidence (below the threshold, or
alternatives) follow as `possible`, so a coder can page past the threshold instead of
searching; codes the note rules out and text-model guesses without evidence are never
offered as possible.

Order of the response: suggested, then possible, then excluded, each by score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from coder_assist.candidates import FULL_COVERAGE, Candidate, EntityRecord, MentionRef
from coder_assist.rules.suggestion import demoted_by_rule, suggested_by_rule
from coder_assist.settings import DEFAULT_MAX_POSSIBLE
from coder_assist.vocabulary import REASONS

#: Scores are reported (and ordered) at this precision.
SCORE_DECIMALS = 4


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate with its final score."""

    candidate: Candidate
    score: float


@dataclass(frozen=True, slots=True)
class Decision:
    """A candidate the reviewer sees, before it is shaped into the response."""

    candidate: Candidate
    score: float  # clipped to 0..1 and rounded to `SCORE_DECIMALS`
    status: str  # a `vocabulary.Status`
    reason: str | None  # a `vocabulary.Reason` for excluded codes
    evidence: tuple[MentionRef, ...]  # outermost spans, in note order


_ORDER = {"suggested": 0, "possible": 1, "excluded": 2}


def decide(
    ranked: Sequence[Scored], threshold: float, max_possible: int = DEFAULT_MAX_POSSIBLE
) -> list[Decision]:
    """Decisions for the shown candidates: suggested, then possible, then excluded."""
    shown = _shown(ranked, threshold)
    taken = {(d.candidate.system, d.candidate.code) for d in shown}
    possible: list[Decision] = []
    for item in ranked:  # best first
        if len(possible) >= max_possible:
            break
        cand = item.candidate
        if (cand.system, cand.code) in taken:
            continue
        if not any(m.assertion == "present" and m.states_term for m in cand.deciding):
            continue  # no evidence a reviewer would accept, or the note rules it out
        possible.append(_decision(cand, item.score, "possible", None))
    out = shown + possible
    out.sort(key=lambda d: (_ORDER[d.status], -d.score))
    return out


def _decision(cand: Candidate, score: float, status: str, reason: str | None) -> Decision:
    spans = _outermost({(m.start, m.end): m for m in cand.deciding})
    return Decision(
        candidate=cand,
        score=round(min(max(score, 0.0), 1.0), SCORE_DECIMALS),
        status=status,
        reason=reason,
        evidence=tuple(m for _, m in sorted(spans.items())),
    )


def _shown(ranked: Sequence[Scored], threshold: float) -> list[Decision]:
    """Suggested and excluded decisions, alternatives dropped."""
    by_rule = suggested_by_rule([item.candidate for item in ranked])
    out: list[Decision] = []
    for item in ranked:
        cand = item.candidate
        deciding = cand.deciding
        if any(m.assertion == "present" for m in deciding):
            if item.score < threshold and (cand.system, cand.code) not in by_rule:
                continue
            status, reason = "suggested", None
        elif deciding:
            best = max(deciding, key=lambda m: (m.weight, m.coverage))
            if best.rank_in_mention > 0 or best.coverage < FULL_COVERAGE:
                continue  # a weak guess that was also ruled out is noise to a reviewer
            assertions = {m.assertion for m in deciding}
            status, reason = "excluded", next(r for r in REASONS if r in assertions)
        else:
            continue  # text-model proposals without evidence are never shown
        out.append(_decision(cand, item.score, status, reason))
    fired = set(by_rule.values())
    out = [
        d
        if d.status != "suggested" or demoted_by_rule(d.candidate, fired) is None
        else replace(d, status="possible")
        for d in out
    ]
    out.sort(key=lambda d: (d.status != "suggested", -d.score))
    return _drop_alternatives(out)


def _outermost(spans: dict[tuple[int, int], MentionRef]) -> dict[tuple[int, int], MentionRef]:
    """Drop evidence spans nested in a wider span with the same assertion.

    "hypertension" inside "Essential hypertension" adds nothing for a reviewer.
    """
    return {
        key: m
        for key, m in spans.items()
        if not any(
            other != key
            and other[0] <= key[0]
            and key[1] <= other[1]
            and spans[other].assertion == m.assertion
            for other in spans
        )
    }


def _drop_alternatives(decisions: list[Decision]) -> list[Decision]:
    """Keep one diagnosis per category and piece of evidence.

    Two codes of one ICD-10-CM category supported by the same words ("nausea" as R11.0,
    "nausea and vomiting" as R11.2) are alternatives a coder chooses between; offering
    both invites a duplicate claim line. The one whose evidence says more (the wider
    span, then the higher score) is kept.
    """

    def widest(d: Decision) -> int:
        return max((m.end - m.start for m in d.evidence), default=0)

    diagnoses = [
        d for d in decisions if d.status == "suggested" and d.candidate.system == "ICD-10-CM"
    ]
    taken: list[tuple[str, set[tuple[int, int]]]] = []
    dropped: set[str] = set()
    for d in sorted(diagnoses, key=lambda d: (-widest(d), -d.score)):
        code = d.candidate.code
        spans = {(m.start, m.end) for m in d.evidence}
        if any(
            cat == code[:3] and any(a < e and c < b for a, b in spans for c, e in other)
            for cat, other in taken
        ):
            dropped.add(code)
        else:
            taken.append((code[:3], spans))
    return [d for d in decisions if d.status != "suggested" or d.candidate.code not in dropped]


def outermost_entities(entities: Sequence[EntityRecord]) -> list[EntityRecord]:
    """One entity per stretch of text: the widest span, carrying every code found inside.

    The matcher reports "Acute myocardial", "myocardial infarction" and "Acute myocardial
    infarction" as separate mentions; a reviewer reads one phrase. An entity strictly
    inside another with the same assertion is folded into it (its codes appended in
    order, each once); overlapping entities that do not nest are both kept.
    """
    ordered = sorted(entities, key=lambda e: (e.start, -(e.end - e.start)))
    out: list[EntityRecord] = []
    widest: dict[str, int] = {}  # assertion -> index in `out` of the kept span ending last
    for e in ordered:
        i = widest.get(e.assertion)
        # Spans come by start, so the kept span of this assertion that ends last holds e
        # whenever any kept span does.
        if i is not None and e.end <= out[i].end:
            out[i] = replace(out[i], codes=list(dict.fromkeys([*out[i].codes, *e.codes])))
            continue
        out.append(replace(e, codes=list(dict.fromkeys(e.codes))))
        widest[e.assertion] = len(out) - 1
    return out
