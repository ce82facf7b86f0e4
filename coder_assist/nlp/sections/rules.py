"""Where the section rules live and how a span's section is read."""

from __future__ import annotations

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
