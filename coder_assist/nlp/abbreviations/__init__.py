"""Clinical abbreviations: our lexicon plus abbreviations a note defines itself."""

from coder_assist.nlp.abbreviations.component import AbbreviationExpander, Lexicon, load_lexicon

__all__ = ["AbbreviationExpander", "Lexicon", "load_lexicon"]
