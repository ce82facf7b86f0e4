"""What a reviewer is shown: status, reason and evidence of each scored candidate.

Scores say how likely a code is; the policy decides what to do with that. A code with
present evidence is `suggested` when its score reaches the model's threshold. A code
whose own wording was found but every deciding mention is ruled out (negated, family,
historical, hypothetical, uncertain) is shown as `excluded` with the reason, so the
coder sees why it is not on the claim. Text-model proposals without evidence are never
shown, and two diagnoses of one category supported by the same words are alternatives:
only the one with the more specific evidence is suggested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coder_assist.candidates import FULL_COVERAGE, Candidate, MentionRef
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


def decide(ranked: Sequence[Scored], threshold: float) -> list[Decision]:
    """Decisions for the shown candidates: suggested first, then excluded, by score."""
    out: list[Decision] = []
    for item in ranked:
        cand = item.candidate
        deciding = cand.deciding
        if any(m.assertion == "present" for m in deciding):
            if item.score < threshold:
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
        spans = _outermost({(m.start, m.end): m for m in deciding})
        out.append(
            Decision(
                candidate=cand,
                score=round(min(max(item.score, 0.0), 1.0), SCORE_DECIMALS),
                status=status,
                reason=reason,
                evidence=tuple(m for _, m in sorted(spans.items())),
            )
        )
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
