"""Where the section rules live and how a span's section is read."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from spacy.tokens import Span, Token


def rules_path() -> Path:
    """Path of the packaged section rules JSON (medspaCy `section_rules` format)."""
    return Path(str(resources.files("coder_assist.nlp.sections").joinpath("rules.json")))


def section_of(span: Span | Token) -> str | None:
    """The section category of a span (from its first token), None before any header."""
    tok = span[0] if isinstance(span, Span) else span
    if not Token.has_extension("section_category"):
        return None
    value = tok._.section_category
    return str(value) if value else None


def _categories() -> tuple[str, ...]:
    data = json.loads(rules_path().read_text(encoding="utf-8"))
    rules = data["section_rules"] if isinstance(data, dict) else data
    return tuple(dict.fromkeys(str(r["category"]) for r in rules))


#: Every section category the rules can assign, in rule-file order.
SECTIONS: tuple[str, ...] = _categories()
