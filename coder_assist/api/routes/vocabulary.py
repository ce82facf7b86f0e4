"""`GET /v1/vocabulary`: the words of the output contract and the note limit, for clients.

The review UI fetches this once at start instead of keeping its own copies of the
exclusion reasons, their descriptions, the code systems and the note limit, so a change
on the server (a new reason, `CODER_ASSIST_MAX_NOTE_CHARS`) reaches the page as it is.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from coder_assist.api.deps import SettingsDep
from coder_assist.vocabulary import (
    ASSERTIONS,
    REASON_DESCRIPTIONS,
    REASONS,
    STATUSES,
    SYSTEMS,
    Assertion,
    Reason,
    Status,
    SystemName,
)

router = APIRouter(prefix="/v1/vocabulary", tags=["vocabulary"])


class ReasonOut(BaseModel):
    """One exclusion reason and what it tells a reviewer."""

    id: Reason = Field(examples=["negated"])
    description: str = Field(examples=["negated in the note"])


class VocabularyOut(BaseModel):
    """Everything a client needs to read suggestions and to size a note."""

    assertions: list[Assertion] = Field(
        description="How a mention can be asserted (`evidence[].assertion`)."
    )
    reasons: list[ReasonOut] = Field(
        description="Why a code can be ruled out (`suggestions[].reason`), in precedence order."
    )
    systems: list[SystemName] = Field(description="Code systems served.")
    statuses: list[Status] = Field(description="Values of `suggestions[].status`.")
    max_note_chars: int = Field(
        description="Longest note accepted, in characters (code points); longer ones get a 413.",
        examples=[100_000],
    )


@router.get("", response_model=VocabularyOut)
def vocabulary(settings: SettingsDep) -> VocabularyOut:
    """List assertions, exclusion reasons, systems and statuses, and the configured note limit."""
    # Validated, not constructed: the tuples are typed `str`, the fields by their Literal.
    return VocabularyOut.model_validate(
        {
            "assertions": ASSERTIONS,
            "reasons": [{"id": r, "description": REASON_DESCRIPTIONS[r]} for r in REASONS],
            "systems": SYSTEMS,
            "statuses": STATUSES,
            "max_note_chars": settings.max_note_chars,
        }
    )
