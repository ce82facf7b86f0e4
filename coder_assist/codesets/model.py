"""The code object shared by every code system."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from coder_assist.vocabulary import SYSTEMS
from coder_assist.vocabulary import SystemName as System

__all__ = ["SYSTEMS", "Code", "Kind", "SearchHit", "System"]

Kind = Literal["chapter", "block", "category", "subcategory", "code", "extension", "service"]


@dataclass(frozen=True, slots=True)
class Code:
    """One code of a code system with everything a coder needs to decide on it.

    Tabular notes are kept as written in the source so a reviewer can read them verbatim.
    `seventh_characters` lists the extensions this code (or an ancestor) requires; it is
    empty for codes that are complete as they stand.
    """

    code: str
    system: System
    description: str
    billable: bool
    kind: Kind
    parent: str | None = None
    children: tuple[str, ...] = ()
    chapter: str | None = None
    inclusion_terms: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    excludes1: tuple[str, ...] = ()
    excludes2: tuple[str, ...] = ()
    code_first: tuple[str, ...] = ()
    use_additional_code: tuple[str, ...] = ()
    code_also: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seventh_characters: tuple[tuple[str, str], ...] = ()
    category: str | None = None
    terms: tuple[str, ...] = ()
    source: str = ""
    own_words: bool = field(default=False)

    @property
    def depth(self) -> int:
        """Specificity as the number of code characters, ignoring the dot (0 for headers)."""
        if self.kind in ("chapter", "block"):
            return 0
        return len(self.code.replace(".", ""))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result: enough to show in a pick list."""

    code: str
    system: System
    description: str
    score: float
    billable: bool
