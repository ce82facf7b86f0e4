"""From mentions to candidate codes: specific billable codes with all their evidence."""

from coder_assist.candidates.generate import Candidate, MentionRef, collect_candidates
from coder_assist.candidates.resolve import Resolver

__all__ = ["Candidate", "MentionRef", "Resolver", "collect_candidates"]
