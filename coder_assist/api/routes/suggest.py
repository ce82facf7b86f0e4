"""`POST /v1/suggest` and `POST /v1/suggest/batch`: code suggestions for notes."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from coder_assist.api.deps import SettingsDep, SuggesterDep
from coder_assist.errors import EmptyNoteError, NoteTooLongError
from coder_assist.schemas import NoteIn, SuggestResult

router = APIRouter(prefix="/v1/suggest", tags=["suggest"])


class BatchIn(BaseModel):
    """Several notes in one request (at most `CODER_ASSIST_MAX_BATCH`, default 100)."""

    notes: list[NoteIn] = Field(min_length=1)


class NoteError(BaseModel):
    """Why one note of a batch was not processed."""

    status: int = Field(description="The HTTP status a single request would have got (413, 422).")
    detail: str


class BatchItem(BaseModel):
    """Result or error for one note, in request order."""

    id: str | None = None
    result: SuggestResult | None = None
    error: NoteError | None = None


class BatchOut(BaseModel):
    """Per-note outcomes; one bad note does not fail the batch."""

    results: list[BatchItem]


_RESPONSES: dict[int | str, dict[str, object]] = {
    413: {"description": "Note longer than the configured limit (default 100,000 characters)."},
    422: {"description": "Empty or whitespace-only text, a missing field or malformed JSON."},
}


@router.post("", response_model=SuggestResult, responses=_RESPONSES)
def suggest(note: NoteIn, suggester: SuggesterDep) -> SuggestResult:
    """Suggest ICD-10-CM and CPT/HCPCS codes for one note, with evidence spans."""
    try:
        return suggester.suggest(note.text, note.id, max_possible=note.max_possible)
    except NoteTooLongError as exc:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, str(exc)) from exc
    except EmptyNoteError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc


@router.post("/batch", response_model=BatchOut, responses=_RESPONSES)
def suggest_batch(batch: BatchIn, suggester: SuggesterDep, settings: SettingsDep) -> BatchOut:
    """Suggest for up to 100 notes; each note succeeds or fails on its own."""
    if len(batch.notes) > settings.max_batch:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            f"Batch has {len(batch.notes)} notes; the limit is {settings.max_batch}. "
            "Split it into smaller batches.",
        )
    items: list[BatchItem] = []
    for note in batch.notes:
        try:
            result = suggester.suggest(note.text, note.id, max_possible=note.max_possible)
            items.append(BatchItem(id=note.id, result=result))
        except NoteTooLongError as exc:
            items.append(BatchItem(id=note.id, error=NoteError(status=413, detail=str(exc))))
        except EmptyNoteError as exc:
            items.append(BatchItem(id=note.id, error=NoteError(status=422, detail=str(exc))))
    return BatchOut(results=items)
