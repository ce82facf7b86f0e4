"""Our own index of clinical terms: how notes name a diagnosis -> the default ICD-10-CM code.

The ICD-10-CM Alphabetic Index is not in the package we ship, so a note that says
"pneumonia", "lumbago", "CAP" or "afib" could only be matched through code titles, which
rarely use those words. `clinical_terms.json` is a table the project wrote itself (not
copied from the Alphabetic Index or a commercial product): a term as a note says it, in
lower case, mapped to the billable code a coder assigns when the note says only that
term, i.e. the default or unspecified code of the family, the side-unspecified code when
no side is named, and the initial-encounter ("A") code for injuries.

Each entry also records how the term is phrased (`kind`), so a caller can weigh an exact
main term above a lay term, and the specialty it was written for. One term maps to one
code; a code may have many terms. The tests check every code against the packaged code
sets, so a code-set update that retires a code fails loudly instead of silently
suggesting a code that no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast, get_args

from coder_assist.codesets.data_files import read_entries_file
from coder_assist.errors import CodeSetSourceError

__all__ = ["CLINICAL_TERMS_FILE", "KINDS", "ClinicalTerm", "TermKind", "load_clinical_terms"]

CLINICAL_TERMS_FILE = "clinical_terms.json"

TermKind = Literal["main", "modifier", "abbreviation", "lay"]
"""How a term is phrased: the bare main term ("pneumonia"), the main term with modifiers
("community acquired pneumonia"), an abbreviation ("cap") or a lay term ("heart attack")."""

KINDS: tuple[TermKind, ...] = get_args(TermKind)


@dataclass(frozen=True, slots=True)
class ClinicalTerm:
    """One term -> code row of the table.

    Frozen so the cached list can be shared by every caller without defensive copies.
    """

    term: str
    code: str
    kind: TermKind
    specialty: str


@cache
def load_clinical_terms() -> list[ClinicalTerm]:
    """Read the packaged term table once per process.

    Cached because the file is static package data and callers (matcher, search) look
    terms up per note; the same list object is returned every time, so treat it as
    read-only.

    Raises:
        CodeSetSourceError: the file is missing, unreadable or an entry is malformed;
            the message names the entry so the data file can be fixed.
    """
    data = read_entries_file(CLINICAL_TERMS_FILE)
    return [_term(i, entry) for i, entry in enumerate(data["entries"])]


def _term(index: int, entry: Any) -> ClinicalTerm:
    if not isinstance(entry, dict):
        raise CodeSetSourceError(f"{CLINICAL_TERMS_FILE} entry {index} is not an object.")
    try:
        term, code, kind, specialty = (
            entry["term"],
            entry["code"],
            entry["kind"],
            entry["specialty"],
        )
    except KeyError as exc:
        raise CodeSetSourceError(
            f"{CLINICAL_TERMS_FILE} entry {index} lacks the field {exc.args[0]!r}."
        ) from exc
    if not all(isinstance(v, str) and v.strip() for v in (term, code, kind, specialty)):
        raise CodeSetSourceError(
            f"{CLINICAL_TERMS_FILE} entry {index} needs non-empty strings for "
            "term, code, kind and specialty."
        )
    if kind not in KINDS:
        raise CodeSetSourceError(
            f"{CLINICAL_TERMS_FILE} entry {index} ({term!r}) has kind {kind!r}; "
            f"use one of {', '.join(KINDS)}."
        )
    return ClinicalTerm(term=term, code=code, kind=cast(TermKind, kind), specialty=specialty)
