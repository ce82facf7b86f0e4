"""The output contract shared by the library, the CLI and the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from coder_assist.vocabulary import Assertion, Reason, Status, SystemName

__all__ = ["Assertion", "Entity", "Evidence", "NoteIn", "Reason", "SuggestResult", "Suggestion"]


class Evidence(BaseModel):
    """A span of the original note; `text == note[start:end]` always."""

    start: int = Field(ge=0, description="Start offset into the original note (Python str index).")
    end: int = Field(ge=0, description="End offset (exclusive).")
    text: str
    section: str | None = Field(
        default=None, description="Section the span is in, e.g. `assessment_plan`."
    )
    assertion: Assertion = "present"


class Suggestion(BaseModel):
    """One candidate code with its evidence."""

    system: SystemName
    code: str
    description: str
    score: float = Field(ge=0.0, le=1.0, description="Probability-like confidence (0..1).")
    rank: int = Field(ge=1, description="1-based position among this note's suggestions.")
    status: Status
    reason: Reason | None = Field(default=None, description="Why an excluded code was ruled out.")
    evidence: list[Evidence] = Field(default_factory=list)


class Entity(BaseModel):
    """A clinical mention found in the note."""

    start: int
    end: int
    text: str
    label: Literal["PROBLEM", "PROCEDURE"]
    section: str | None = None
    assertion: Assertion = "present"
    trigger: str | None = Field(default=None, description="The ConText cue that set the assertion.")
    codes: list[str] = Field(default_factory=list, description="Candidate codes for this mention.")


class SuggestResult(BaseModel):
    """Suggestions for one note."""

    id: str | None = None
    model_version: str
    suggestions: list[Suggestion] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)


class NoteIn(BaseModel):
    """A note to code."""

    text: str = Field(description="The note text (PHI: never logged).")
    id: str | None = Field(
        default=None, max_length=200, description="Caller's note id, echoed back."
    )
    max_possible: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="How many `possible` codes to return after the suggested ones "
        "(default `CODER_ASSIST_MAX_POSSIBLE`, 20; 0 for none).",
    )
