"""Which child a bare mention of an ICD-10-CM header means: the one default-child rule.

Coders code a header they cannot bill ("Type 2 diabetes mellitus", E11) as its
unspecified child (E11.9), on the side the record names when the children differ by
laterality. Two parts of the service need that choice and must agree on it: the
candidate resolver (`coder_assist.candidates.resolve`), which turns a matched header
into a billable code, and the code search, which lends a header's title to the child
it defaults to so that "GERD" finds K21.9 rather than the category K21. The rule lives
here, in the code-set layer both of them import.

The tests are plain substring tests on the description (so " nos" also finds "nose" and
"left" finds "cleft") and stay so until the change is measured: the resolver's choice
drives the model's evaluation figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from coder_assist.codesets.model import Code
from coder_assist.text import stem

#: Laterality cues (keys of `coder_assist.text.keys`, i.e. Porter stems, as the
#: resolver receives them) -> the side word a child's description says.
SIDE_CUES: dict[str, str] = {stem(side): side for side in ("right", "left", "bilateral")}

# Checked in this order: "unspecified side" before the sides it mentions.
_SIDE_WORDS = ("unspecified side", "right", "left", "bilateral")


def needs_extension(code: Code) -> bool:
    """Tell whether a code is only billable with a 7th character (S72.001 -> S72.001A)."""
    return code.kind == "code" and bool(code.seventh_characters) and not code.billable


def reads_unspecified(description: str) -> bool:
    """Tell whether a (lower-case) description marks its code as the unspecified one."""
    return "unspecified" in description or " nos" in description


def side_of(code: Code) -> str:
    """The side a code's description names ("right", ...; "unspecified side"), or ""."""
    text = code.description.lower()
    for word in _SIDE_WORDS:
        if word in text:
            return word
    return ""


def default_rank(code: Code) -> tuple[int, int, int]:
    """Sort key among siblings, highest first: unspecified, then a final 9, then shorter.

    "Without complications" counts as unspecified: it is the default reading of a
    diabetes or similar category (E11.9).
    """
    text = code.description.lower()
    unspecified = int(reads_unspecified(text) or "without complication" in text)
    nine = int(code.code.replace(".", "")[-1] in "9")
    return (unspecified, nine, -len(code.code))


def looks_like_default(code: Code) -> bool:
    """Tell whether a child reads as its family's default: unspecified, or coded 9 or 0."""
    return any(default_rank(code)[:2]) or code.code.endswith("0")


def default_child(
    children: Sequence[Code],
    cues: frozenset[str] = frozenset(),
    *,
    require_default: bool = False,
) -> Code | None:
    """Pick the child a header falls back to, one level down.

    With side cues (see `SIDE_CUES`) the children naming those sides are preferred, and
    for "right" and "left" together the bilateral one. Without cues, children that name
    no side come first, then those for an unspecified side. Among what is left,
    `default_rank` decides; ties go to the first child in tabular order.

    Args:
        children: The header's children in tabular order.
        cues: Word keys of the sentence the header was found in.
        require_default: Consider only children that `looks_like_default`, and return
            None when none does. The search sets it: lending a header's title to an
            arbitrary specific child ("recurrent") would mislead, whereas the resolver
            must always land on a billable code. Where the unrestricted choice looks like
            a default, both settings return it.

    Returns:
        The chosen child, or None when there are no children (or none qualifies).
    """
    if require_default:
        children = [c for c in children if looks_like_default(c)]
    if not children:
        return None
    sides = {side for cue, side in SIDE_CUES.items() if cue in cues}
    if sides:
        sided = [c for c in children if any(s in c.description.lower() for s in sides)]
        if len(sides) == 2:
            sided = [c for c in children if "bilateral" in c.description.lower()] or sided
        children = sided or children
    else:
        unsided = [c for c in children if not side_of(c)]
        children = unsided or [c for c in children if "unspecified" in side_of(c)] or children
    return max(children, key=default_rank)
