"""`coder_assist_line_breaks`: a line break always ends a sentence.

Clinical notes are written in lines (headers, lists, one finding a line); spaCy's
punctuation sentencizer would glue them together and let matches cross lines.
"""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("coder_assist_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence at the first token after any whitespace token holding a newline."""
    for tok in doc[:-1]:
        if (tok.is_space and ("\n" in tok.text or "\r" in tok.text)) or "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc
