"""Reading one assertion (and its trigger) off a mention after medspaCy ConText ran.

ConText can set several flags at once; a reviewer needs one reason, so we apply a fixed
precedence: family, negated, hypothetical, historical, uncertain. Sections add what the
text alone does not say: everything under "Family history" is about a relative. A result
stated after a service ("chest X-ray negative") does not negate the service itself.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from spacy.tokens import Span

from coder_assist.nlp.sections.rules import section_of
from coder_assist.vocabulary import REASONS

_CATEGORY_TO_ASSERTION = {
    "FAMILY": "family",
    "NEGATED_EXISTENCE": "negated",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "POSSIBLE_EXISTENCE": "uncertain",
    "ORDERED": "ordered",
}
#: Assertions that only say something about a service (a test or procedure): "MRI
#: ordered for back pain" plans the MRI; the back pain is present.
_SERVICE_ONLY = frozenset({"ordered"})
_SECTION_ASSERTION = {"family_history": "family", "past_surgical_history": "historical"}


def rules_path() -> Path:
    """Path of the packaged ConText rules JSON (medspaCy `context_rules` format)."""
    return Path(str(resources.files("coder_assist.nlp.context").joinpath("rules.json")))


def assertion_of(span: Span, service: bool | None = None) -> tuple[str, str | None]:
    """Return (assertion, trigger text) for a mention; ("present", None) when unmodified.

    `service` says whether the mention is read as a procedure/service (default: its
    label); a result reported after a service does not negate the service.
    """
    if service is None:
        service = span.label_ == "PROCEDURE"
    found: dict[str, str] = {}
    for mod in getattr(span._, "modifiers", ()) or ():
        assertion = _CATEGORY_TO_ASSERTION.get(mod.category)
        cue_start, cue_end = mod.modifier_span
        inside = span.start <= cue_start and cue_end <= span.end
        if inside and span.doc[cue_start:cue_end].text.lower() == "without":
            continue  # part of the name: "concussion without loss of consciousness"
        if assertion == "negated" and service and mod.direction == "BACKWARD":
            continue  # "X-ray of the ankle: negative" reports a result; the X-ray was done
        if assertion in _SERVICE_ONLY and not service:
            continue
        if assertion and assertion not in found:
            found[assertion] = mod.span.text if hasattr(mod, "span") else str(mod.rule.literal)
    section = section_of(span)
    if section in _SECTION_ASSERTION and _SECTION_ASSERTION[section] not in found:
        found[_SECTION_ASSERTION[section]] = f"section:{section}"
    for assertion in REASONS:
        if assertion in found:
            return assertion, found[assertion]
    return "present", None
