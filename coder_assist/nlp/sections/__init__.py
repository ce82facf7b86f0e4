"""Section detection rules (medspaCy Sectionizer with coder-assist's rule file)."""

from coder_assist.nlp.sections.rules import rules_path, section_of

__all__ = ["rules_path", "section_of"]
