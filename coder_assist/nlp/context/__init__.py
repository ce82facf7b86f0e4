"""Assertion (ConText): negated, uncertain, historical, family and hypothetical mentions."""

from coder_assist.nlp.context.assertion import assertion_of, rules_path

__all__ = ["assertion_of", "rules_path"]
