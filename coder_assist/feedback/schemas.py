"""Request and response bodies of `/v1/feedback` (documented in the OpenAPI schema).

Requests are strict (unknown fields are rejected) because a misspelt field such as
`decison` would otherwise silently lose a coder's verdict. Responses never contain the
note text: it is PHI and is only read back by the trainer, in-process.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coder_assist.feedback.models import CODE_MAX, LABEL_MAX, NOTE_ID_MAX
from coder_assist.vocabulary import SystemName

DecisionName = Literal["accepted", "rejected", "added"]

MAX_DECISIONS = 500
MAX_EVIDENCE_PER_DECISION = 50
MAX_EVIDENCE_TEXT = 2_000
MAX_NOTE_TEXT = 1_000_000  # a hard ceiling; the service's max_note_chars applies first

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def note_digest(text: str) -> str:
    """SHA-256 of the note's UTF-8 bytes: identifies a note version without its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EvidenceSpanIn(BaseModel):
    """Where in the note the coder saw support for the code."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0, description="Start offset into the note (Python str index).")
    end: int = Field(ge=0, description="End offset (exclusive).")
    text: str | None = Field(
        default=None, max_length=MAX_EVIDENCE_TEXT, description="`note[start:end]`, optional."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be greater than start ({self.start})")
        if self.text is not None and len(self.text) != self.end - self.start:
            raise ValueError(
                f"text has {len(self.text)} characters but the span {self.start}..{self.end} "
                f"has {self.end - self.start}; send note[start:end] or omit text"
            )
        return self


class DecisionIn(BaseModel):
    """A coder's verdict on one code."""

    model_config = ConfigDict(extra="forbid")

    system: str = Field(
        min_length=1,
        max_length=32,
        description="ICD-10-CM, CPT or HCPCS (aliases such as `icd10cm` are accepted).",
        examples=["ICD-10-CM"],
    )
    code: str = Field(
        min_length=1,
        max_length=CODE_MAX + 4,
        description="The code; `e119` is read as `E11.9`.",
        examples=["E11.9"],
    )
    decision: DecisionName = Field(
        description="`accepted` or `rejected` for a suggested code, `added` for one the coder "
        "added that was not suggested."
    )
    evidence: list[EvidenceSpanIn] | None = Field(
        default=None, max_length=MAX_EVIDENCE_PER_DECISION
    )


class FeedbackIn(BaseModel):
    """Everything a coder decided about one note, in claim order."""

    model_config = ConfigDict(extra="forbid")

    note_id: str = Field(
        min_length=1,
        max_length=NOTE_ID_MAX,
        description="The caller's identifier of the note (not the text).",
        examples=["enc-2025-000123"],
    )
    note_text: str | None = Field(
        default=None,
        max_length=MAX_NOTE_TEXT,
        description="The note; stored only when sent (it becomes training data).",
    )
    note_sha256: str | None = Field(
        default=None,
        description="SHA-256 (hex) of the note's UTF-8 text, for clients that keep the text "
        "to themselves; computed when `note_text` is sent.",
    )
    model_version: str | None = Field(
        default=None, max_length=LABEL_MAX, description="Model version that made the suggestions."
    )
    coder: str | None = Field(default=None, max_length=LABEL_MAX, description="Who reviewed.")
    decisions: list[DecisionIn] = Field(
        min_length=1,
        max_length=MAX_DECISIONS,
        description="In order; the order of accepted diagnoses is their order on the claim.",
    )

    @field_validator("note_id")
    @classmethod
    def _note_id_not_blank(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("note_id is blank; send the identifier of the note")
        return stripped

    @field_validator("note_text")
    @classmethod
    def _note_text_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("note_text is empty; omit it or send the note's text")
        return value

    @field_validator("note_sha256")
    @classmethod
    def _sha_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        lowered = value.strip().lower()
        if not _SHA256.match(lowered):
            raise ValueError("note_sha256 must be 64 hexadecimal characters")
        return lowered

    @model_validator(mode="after")
    def _consistent_with_text(self) -> Self:
        if self.note_text is None:
            return self
        digest = note_digest(self.note_text)
        if self.note_sha256 is not None and self.note_sha256 != digest:
            raise ValueError("note_sha256 does not match note_text; send one or fix the hash")
        self.note_sha256 = digest
        for i, decision in enumerate(self.decisions):
            for j, span in enumerate(decision.evidence or []):
                if span.end > len(self.note_text):
                    raise ValueError(
                        f"decisions[{i}].evidence[{j}]: end ({span.end}) is past the end of "
                        f"the note ({len(self.note_text)} characters)"
                    )
                if span.text is not None and self.note_text[span.start : span.end] != span.text:
                    raise ValueError(
                        f"decisions[{i}].evidence[{j}]: text is not note[{span.start}:{span.end}]"
                    )
        return self


class EvidenceSpanOut(BaseModel):
    """A stored evidence span."""

    start: int
    end: int
    text: str | None = None


class DecisionOut(BaseModel):
    """A stored decision with its canonical system and code."""

    position: int = Field(description="0-based order within the submission.")
    system: SystemName
    code: str = Field(description="Canonical spelling, e.g. `E11.9`.")
    decision: DecisionName
    evidence: list[EvidenceSpanOut] | None = None


class FeedbackOut(BaseModel):
    """A stored submission (without the note text, which is PHI)."""

    id: int
    note_id: str
    note_sha256: str | None
    note_text_stored: bool = Field(description="Whether the note text was stored for training.")
    model_version: str | None
    coder: str | None
    created_at: datetime = Field(description="When it was stored (UTC).")
    decisions: list[DecisionOut]


class FeedbackPage(BaseModel):
    """A page of submissions, newest first."""

    items: list[FeedbackOut]
    total: int = Field(description="Submissions matching the filter, over all pages.")
    limit: int
    offset: int


class FeedbackProblem(BaseModel):
    """One thing wrong with a submission."""

    loc: str = Field(description="Where, e.g. `decisions[2].code`.", examples=["decisions[2]"])
    msg: str = Field(examples=["unknown ICD-10-CM code 'Z99.999'"])


class FeedbackErrorOut(BaseModel):
    """Why a submission was refused; nothing is stored. Never contains note text."""

    detail: str = Field(description="All problems in one line.")
    errors: list[FeedbackProblem]
