"""Coding rules as data: each rule with an id, a plain-words description and its source.

Rules are JSON files in this package, written in our own words and traced to the
ICD-10-CM Official Guidelines for Coding and Reporting (FY2026) or a tabular convention;
the modules here only load and apply them. See `suggestion.py` for the rules that decide
which codes are suggested whatever their learned score.
"""
