"""Turning a matched code into the billable code the text supports.

A title match can land on a header (E11 "Type 2 diabetes mellitus") or on a code that
needs a 7th character (S93.401). Coders then take the unspecified child, the side the
note names, and the encounter the note implies (initial by default).
"""

from __future__ import annotations

from functools import lru_cache

from coder_assist.codesets import Code, CodeSets

_SIDE_WORDS = {"right": "right", "left": "left", "bilater": "bilateral"}


class Resolver:
    """Chooses billable descendants using laterality and encounter cues from the sentence."""

    def __init__(self, codesets: CodeSets) -> None:
        self.codesets = codesets
        self._cached = lru_cache(maxsize=50_000)(self._resolve)

    def resolve(self, system: str, code: str, cues: frozenset[str]) -> tuple[str, int] | None:
        """Return (billable code, steps taken) or None when nothing billable fits."""
        return self._cached(system, code, cues)

    def _resolve(self, system: str, code: str, cues: frozenset[str]) -> tuple[str, int] | None:
        current = self.codesets.get(code, system)
        steps = 0
        while current is not None and not current.billable and steps < 6:
            if current.kind == "code" and current.seventh_characters:
                char = _encounter(current, cues)
                full = self.codesets.children(current.code, system)
                nxt = next((c for c in full if c.code.endswith(char)), None)
            else:
                nxt = self._default_child(current, cues)
            if nxt is None:
                return None
            current = nxt
            steps += 1
        if current is None or not current.billable:
            return None
        return current.code, steps

    def _default_child(self, code: Code, cues: frozenset[str]) -> Code | None:
        children = self.codesets.children(code.code, code.system)
        if not children:
            return None
        sides = {v for k, v in _SIDE_WORDS.items() if k in cues}
        if sides:
            sided = [c for c in children if any(s in c.description.lower() for s in sides)]
            if len(sides) == 2:
                sided = [c for c in children if "bilateral" in c.description.lower()] or sided
            children = sided or children
        else:
            unsided = [c for c in children if not _side_of(c)]
            children = unsided or [c for c in children if "unspecified" in _side_of(c)] or children
        return max(children, key=_default_rank)


def _side_of(code: Code) -> str:
    d = code.description.lower()
    for word in ("unspecified side", "right", "left", "bilateral"):
        if word in d:
            return word
    return ""


def _default_rank(code: Code) -> tuple[int, int, int]:
    text = code.description.lower()
    unspecified = int("unspecified" in text or " nos" in text or "without complication" in text)
    nine = int(code.code.replace(".", "")[-1] in "9")
    return (unspecified, nine, -len(code.code))


def _encounter(code: Code, cues: frozenset[str]) -> str:
    chars = [c for c, _ in code.seventh_characters]
    if "sequela" in cues and "S" in chars:
        return "S"
    if ("subsequ" in cues or "follow" in cues) and "D" in chars:
        return "D"
    return "A" if "A" in chars else chars[0]
