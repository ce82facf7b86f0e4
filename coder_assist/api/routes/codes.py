"""Code-set endpoints: pick-list search and one code with all its tabular notes.

Input errors come back as 422 with a message saying what to change (an empty or too
long query, an unknown system with the valid ones listed); an unknown code is a 404.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from coder_assist.api.deps import CodeSetsDep
from coder_assist.codesets.codeset import MAX_QUERY_CHARS
from coder_assist.codesets.model import Kind, System
from coder_assist.codesets.normalize import normalize_system

router = APIRouter(prefix="/v1/codes", tags=["codes"])


class CodeHit(BaseModel):
    """One search result, enough for a pick list."""

    code: str = Field(examples=["E11.9"])
    system: System
    description: str
    score: float = Field(ge=0.0, le=1.0, description="Relevance, 1.0 for a code typed exactly.")
    billable: bool = Field(description="False for headers and codes that need more characters.")


class CodeRef(BaseModel):
    """A related code (parent, child, ancestor)."""

    code: str
    description: str
    billable: bool
    kind: Kind


class SeventhCharacter(BaseModel):
    """One allowed 7th character of a code under a 7th-character rule."""

    character: str = Field(examples=["A"])
    meaning: str = Field(examples=["initial encounter for closed fracture"])


class InheritedNotes(BaseModel):
    """Instructional notes of a category or subcategory above the code; they apply to it."""

    code: str
    kind: Kind
    inclusion_terms: list[str] = []
    includes: list[str] = []
    excludes1: list[str] = []
    excludes2: list[str] = []
    code_first: list[str] = []
    use_additional_code: list[str] = []
    code_also: list[str] = []
    notes: list[str] = []


class CodeDetail(BaseModel):
    """A code with everything a coder needs to decide on it, notes verbatim."""

    code: str
    system: System
    description: str
    billable: bool
    kind: Kind
    source: str = Field(description="Where the code and its text come from.")
    own_words: bool = Field(
        description="True when the description is written by coder-assist (CPT starter set), "
        "not the code owner's text."
    )
    chapter: str | None = None
    category: str | None = Field(None, description="CPT/HCPCS starter-set grouping.")
    terms: list[str] = Field([], description="Search terms of CPT/HCPCS starter rows.")
    inclusion_terms: list[str]
    includes: list[str]
    excludes1: list[str] = Field(description="Never code together with this code.")
    excludes2: list[str] = Field(description="Not included here; may be coded together.")
    code_first: list[str]
    use_additional_code: list[str]
    code_also: list[str]
    notes: list[str]
    seventh_characters: list[SeventhCharacter]
    parent: CodeRef | None
    children: list[CodeRef] = Field(
        description="Codes one level below; for a code needing a 7th character, its full codes."
    )
    ancestors: list[CodeRef] = Field(description="From the parent up to the chapter.")
    inherited_notes: list[InheritedNotes]


@router.get("/search", response_model=list[CodeHit])
def search(
    cs: CodeSetsDep,
    q: str = Query(
        ...,
        description=f"Words, an abbreviation (chf, T2DM) or a code (e119, 99213); "
        f"1 to {MAX_QUERY_CHARS} characters. Typos are tolerated.",
        examples=["T2DM w/o complications"],
    ),
    system: str | None = Query(None, description="ICD-10-CM, CPT or HCPCS; all when omitted."),
    limit: int = Query(10, ge=1, le=100, description="Most hits to return."),
) -> list[CodeHit]:
    """Search codes by words, abbreviations or code, best match first."""
    hits = cs.search(q, system=system, limit=limit)
    return [
        CodeHit(
            code=h.code,
            system=h.system,
            description=h.description,
            score=h.score,
            billable=h.billable,
        )
        for h in hits
    ]


@router.get(
    "/{system}/{code}",
    response_model=CodeDetail,
    responses={404: {"description": "Unknown code"}, 422: {"description": "Unknown system"}},
)
def show(system: str, code: str, cs: CodeSetsDep) -> CodeDetail:
    """One code with all its notes, 7th characters, parent and children."""
    sys_name = normalize_system(system)
    found = cs.get(code, sys_name)
    if found is None:
        raise HTTPException(
            404,
            f"Unknown {sys_name} code {code!r}; "
            f"search for it with /v1/codes/search?q={code}&system={sys_name}.",
        )
    return CodeDetail.model_validate(cs.detail(found))
