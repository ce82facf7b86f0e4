"""Collecting candidate codes from the mentions in a processed note."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from coder_assist.candidates.resolve import Resolver
from coder_assist.nlp.concepts.component import SPAN_KEY, Match
from coder_assist.nlp.concepts.index import INDEX_SOURCE, SOURCE_ID
from coder_assist.nlp.context.assertion import assertion_of
from coder_assist.nlp.sections.rules import section_of
from coder_assist.text import keys, words

MAX_CODES_PER_MENTION = 8
LEARNED_SOURCE = SOURCE_ID["learned"]
#: Coverage at which a code's own wording counts as found in full (floating-point slack
#: below 1.0: coverage is a ratio of summed word weights).
FULL_COVERAGE = 0.99


@dataclass(slots=True)
class MentionRef:
    """One piece of evidence for a candidate: a span and how the code was found there."""

    start: int
    end: int
    text: str
    section: str | None
    assertion: str
    trigger: str | None
    coverage: float
    weight: float
    source: int
    n_keys: int
    steps: int
    matched_code: str
    rank_in_mention: int
    mention_size: int
    term_score: float = 1.0
    term: str = ""  # the matched term's own text (title, inclusion term, index term...)

    @property
    def states_term(self) -> bool:
        """Whether the note really says the term.

        Two or more of its words, or the one word as written: word keys are stems, and
        "community" and "communication" share one.
        """
        return self.n_keys > 1 or set(words(self.term)) <= set(words(self.text))


@dataclass(slots=True)
class Candidate:
    """A billable code proposed for a note, with all mentions supporting it."""

    system: str
    code: str
    mentions: list[MentionRef] = field(default_factory=list)
    text_score: float = 0.0
    linear_score: float = 0.0

    @property
    def present(self) -> list[MentionRef]:
        """Mentions asserted as present."""
        return [m for m in self.mentions if m.assertion == "present"]

    @property
    def deciding(self) -> list[MentionRef]:
        """The mentions whose assertion decides the code: its own wording found in full.

        "Denies vomiting" rules out R11.10 even if a loosely associated word elsewhere
        (a partial title match, a learned term) is asserted as present.
        """
        strong = [
            m for m in self.mentions if m.coverage >= FULL_COVERAGE and m.source != LEARNED_SOURCE
        ]
        return strong or self.mentions


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One clinical mention as the response shows it (see `schemas.Entity`)."""

    start: int
    end: int
    text: str
    label: str
    section: str | None
    assertion: str
    trigger: str | None
    codes: list[str]


def _strength(m: Match) -> tuple[float, float, int, int, int]:
    # Equal wording: our clinical index's term first (it names the code a coder assigns
    # for exactly these words), then the unspecified code over an "other" residual code,
    # then the shorter.
    return (
        round(m.weight, 3),
        round(m.coverage, 3),
        int(m.source == INDEX_SOURCE),
        int(not m.residual),
        -len(m.code),
    )


def _prune(matches: list[Match]) -> list[Match]:
    """The two best matches per code family, strongest first, bounded per mention."""
    families: dict[str, list[Match]] = {}
    for m in matches:
        family = m.code[:3] if m.system == "ICD-10-CM" else m.code
        families.setdefault(family, []).append(m)
    kept: list[Match] = []
    for group in families.values():
        group.sort(key=_strength, reverse=True)
        kept.extend(group[:2])
    kept.sort(key=_strength, reverse=True)
    return kept[:MAX_CODES_PER_MENTION]


def collect_candidates(
    doc: Doc, resolver: Resolver
) -> tuple[dict[tuple[str, str], Candidate], list[EntityRecord]]:
    """Candidates keyed by (system, code), plus one entity record per coded mention."""
    candidates: dict[tuple[str, str], Candidate] = {}
    entities: list[EntityRecord] = []
    sent_cues: dict[int, frozenset[str]] = {}
    for span in doc.spans.get(SPAN_KEY, []):
        matches: list[Match] = span._.ca_matches or []
        if not matches:
            continue
        sent = span.sent
        cues = sent_cues.get(sent.start)
        if cues is None:
            cues = frozenset(keys(sent.text, keep_qualifiers=True))
            sent_cues[sent.start] = cues
        # One span can carry diagnosis and service codes; "rapid strep test: negative"
        # negates the diagnosis but not the test.
        as_problem = assertion_of(span, service=False)
        as_service = assertion_of(span, service=True)
        section = section_of(span)
        kept = _prune(matches)
        codes: list[str] = []
        seen_in_system: dict[str, int] = {}
        for m in kept:
            # Rank among the mention's codes of the same system: a diagnosis and a service
            # named by one phrase ("MRI lumbar spine") do not compete.
            rank = seen_in_system.get(m.system, 0)
            seen_in_system[m.system] = rank + 1
            resolved = resolver.resolve(m.system, m.code, cues)
            if resolved is None:
                continue
            code, steps = resolved
            codes.append(code)
            assertion, trigger = as_problem if m.system == "ICD-10-CM" else as_service
            cand = candidates.setdefault((m.system, code), Candidate(m.system, code))
            same = next(
                (
                    i
                    for i, r in enumerate(cand.mentions)
                    if r.start == span.start_char and r.end == span.end_char
                ),
                None,
            )
            if same is not None:
                # One piece of evidence per span: a weaker match resolving to the same code
                # adds nothing, except that the code's own wording outranks a learned term
                # (it decides the assertion, see `Candidate.deciding`).
                if not (
                    cand.mentions[same].source == LEARNED_SOURCE and m.source != LEARNED_SOURCE
                ):
                    continue
                del cand.mentions[same]
            cand.mentions.append(
                MentionRef(
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    section=section,
                    assertion=assertion,
                    trigger=trigger,
                    coverage=m.coverage,
                    weight=m.weight,
                    source=m.source,
                    n_keys=m.n_keys,
                    steps=steps,
                    matched_code=m.code,
                    rank_in_mention=rank,
                    mention_size=len(kept),
                    term_score=m.term_score,
                    term=m.term,
                )
            )
        if codes:
            assertion, trigger = as_problem if span.label_ == "PROBLEM" else as_service
            entities.append(
                EntityRecord(
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    label=span.label_,
                    section=section,
                    assertion=assertion,
                    trigger=trigger,
                    codes=codes,
                )
            )
    return candidates, entities
