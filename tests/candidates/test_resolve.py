"""`candidates.resolve`: a matched header or base code to the billable code the text supports."""

from __future__ import annotations

import pytest

from coder_assist.candidates import Resolver
from coder_assist.codesets import CodeSets


@pytest.fixture(scope="module")
def resolver(codesets: CodeSets) -> Resolver:
    return Resolver(codesets)


@pytest.mark.parametrize(
    ("code", "cues", "expected"),
    [
        # S93.40 (ankle sprain, unspecified ligament): side from the sentence, then the
        # 7th character (initial by default, sequela, subsequent).
        ("S93.40", {"right", "ankl", "sprain"}, ("S93.401A", 2)),
        ("S93.40", {"left", "sequela"}, ("S93.402S", 2)),
        ("S93.40", set(), ("S93.409A", 2)),
        ("S93.40", {"subsequ"}, ("S93.409D", 2)),
        ("E11", {"type", "diabet"}, ("E11.9", 1)),  # a header falls back to its default
        ("I10", set(), ("I10", 0)),  # billable as it stands
    ],
)
def test_known_resolutions(
    resolver: Resolver, code: str, cues: set[str], expected: tuple[str, int]
) -> None:
    assert resolver.resolve("ICD-10-CM", code, frozenset(cues)) == expected


def test_words_that_say_nothing_about_side_or_encounter_share_a_cache_entry(
    codesets: CodeSets,
) -> None:
    resolver = Resolver(codesets)
    first = resolver.resolve("ICD-10-CM", "S93.40", frozenset({"right", "ankl"}))
    again = resolver.resolve("ICD-10-CM", "S93.40", frozenset({"right", "twist", "yesterdai"}))
    assert first == again == ("S93.401A", 2)
    assert resolver._cached.cache_info().hits == 1  # type: ignore[attr-defined]


def test_unknown_code_resolves_to_nothing(resolver: Resolver) -> None:
    assert resolver.resolve("ICD-10-CM", "Z99.999", frozenset()) is None
