"""Turning a matched code into the billable code the text supports.

A title match can land on a header (E11 "Type 2 diabetes mellitus") or on a code that
needs a 7th character (S93.401). Coders then take the unspecified child, the side the
note names (`coder_assist.codesets.defaults`, the rule the code search shares), and the
encounter the note implies (initial by default).
"""

from __future__ import annotations

from functools import lru_cache

from coder_assist.codesets import Code, CodeSets
from coder_assist.codesets.defaults import SIDE_CUES, default_child, needs_extension

#: Word keys that say which encounter a 7th character stands for.
ENCOUNTER_CUES = frozenset({"sequela", "subsequ", "follow"})
#: The only sentence keys resolution reads; the cache is keyed on these alone, so two
#: sentences that differ in other words share one entry.
_RELEVANT_CUES = frozenset(SIDE_CUES) | ENCOUNTER_CUES


class Resolver:
    """Chooses billable descendants using laterality and encounter cues from the sentence."""

    def __init__(self, codesets: CodeSets) -> None:
        self.codesets = codesets
        self._cached = lru_cache(maxsize=50_000)(self._resolve)

    def resolve(self, system: str, code: str, cues: frozenset[str]) -> tuple[str, int] | None:
        """Return (billable code, steps taken) or None when nothing billable fits."""
        return self._cached(system, code, cues & _RELEVANT_CUES)

    def _resolve(self, system: str, code: str, cues: frozenset[str]) -> tuple[str, int] | None:
        current = self.codesets.get(code, system)
        steps = 0
        while current is not None and not current.billable and steps < 6:
            if needs_extension(current):
                char = _encounter(current, cues)
                full = self.codesets.children(current.code, system)
                nxt = next((c for c in full if c.code.endswith(char)), None)
            else:
                nxt = default_child(self.codesets.children(current.code, current.system), cues)
            if nxt is None:
                return None
            current = nxt
            steps += 1
        if current is None or not current.billable:
            return None
        return current.code, steps


def _encounter(code: Code, cues: frozenset[str]) -> str:
    chars = [c for c, _ in code.seventh_characters]
    if "sequela" in cues and "S" in chars:
        return "S"
    if ("subsequ" in cues or "follow" in cues) and "D" in chars:
        return "D"
    return "A" if "A" in chars else chars[0]
