"""From mentions to candidate codes: specific billable codes with all their evidence."""

from coder_assist.candidates.generate import (
    FULL_COVERAGE,
    Candidate,
    EntityRecord,
    MentionRef,
    collect_candidates,
)
from coder_assist.candidates.resolve import Resolver

__all__ = [
    "FULL_COVERAGE",
    "Candidate",
    "EntityRecord",
    "MentionRef",
    "Resolver",
    "collect_candidates",
]
