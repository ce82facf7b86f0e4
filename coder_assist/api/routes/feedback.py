"""`/v1/feedback`: store coders' accept/reject/add decisions and read them back.

Errors from this router never contain the note text: FastAPI's default 422 body echoes
the offending input (which would be the whole request, note included, when e.g.
`note_id` is missing), so this router formats validation errors itself, and database
errors are reported by type only (their text can contain the SQL parameters).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from coder_assist.api.deps import CodeSetsDep, SettingsDep
from coder_assist.codesets.normalize import looks_like_code
from coder_assist.feedback import store
from coder_assist.feedback.db import FeedbackDatabase, FeedbackStoreError, app_database
from coder_assist.feedback.models import FeedbackSubmission
from coder_assist.feedback.schemas import (
    DecisionOut,
    EvidenceSpanOut,
    FeedbackErrorOut,
    FeedbackIn,
    FeedbackOut,
    FeedbackPage,
    FeedbackProblem,
)
from coder_assist.feedback.store import FeedbackValidationError, Problem

log = logging.getLogger(__name__)

MAX_PAGE = 500
_LOC_PART_MAX = 40


def _problems_response(problems: Sequence[Problem]) -> JSONResponse:
    body = FeedbackErrorOut(
        detail="; ".join(str(p) for p in problems),
        errors=[FeedbackProblem(loc=p.loc, msg=p.msg) for p in problems],
    )
    return JSONResponse(status_code=422, content=body.model_dump())


def _code_hint(body: Any, loc: tuple[Any, ...]) -> str:
    """` (code 'E11.9')` for an error inside decisions[i], so the coder sees which one."""
    if len(loc) < 2 or loc[0] != "decisions" or not isinstance(loc[1], int):
        return ""
    try:
        code = body["decisions"][loc[1]]["code"]
    except (KeyError, IndexError, TypeError):
        return ""
    if isinstance(code, str) and len(code) <= 20 and looks_like_code(code):
        return f" (code {code!r})"
    return ""


def _format_loc(parts: Sequence[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = str(part)[:_LOC_PART_MAX]
            out += f".{name}" if out else name
    return out


def _validation_problems(exc: RequestValidationError) -> list[Problem]:
    """Pydantic errors as `Problem`s, dropping `input` and `ctx` (they may hold PHI)."""
    problems: list[Problem] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        where = loc[1:] if loc[:1] == ("body",) else loc
        kind = error.get("type", "")
        msg = str(error.get("msg", "invalid value"))
        if kind == "json_invalid":
            ctx = error.get("ctx") or {}
            reason = str(ctx.get("error", "")).split(":")[0][:80]
            at = f" at character {where[0]}" if where and isinstance(where[0], int) else ""
            problems.append(Problem("body", f"malformed JSON{at}: {reason or 'cannot parse'}"))
            continue
        msg = msg.removeprefix("Value error, ")
        if kind == "missing" and not where:
            msg = "request body is required (JSON object with note_id and decisions)"
        elif kind == "missing":
            msg = f"{where[-1]} is required"
        msg += _code_hint(getattr(exc, "body", None), where)
        # A model-level check names its own location in the message.
        loc_text = "" if kind == "value_error" and not where else (_format_loc(where) or "body")
        problems.append(Problem(loc_text, msg))
    return problems


class _PhiSafeRoute(APIRoute):
    """Route class that renders validation and store errors without any request data."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def safe_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return _problems_response(_validation_problems(exc))
            except FeedbackValidationError as exc:
                return _problems_response(exc.problems)
            except FeedbackStoreError as exc:
                log.error("Feedback store unavailable: %s", exc)
                return JSONResponse(status_code=503, content={"detail": str(exc)})
            except SQLAlchemyError as exc:
                # str(exc) may contain statement parameters (note text): log the type only.
                disconnected = isinstance(exc, DBAPIError) and exc.connection_invalidated
                log.error("Feedback store error %s (%s)", type(exc).__name__, request.url.path)
                unavailable = isinstance(exc, OperationalError | InterfaceError)
                status = 503 if disconnected or unavailable else 500
                return JSONResponse(
                    status_code=status,
                    content={
                        "detail": f"The feedback database failed ({type(exc).__name__}); "
                        "nothing was stored. Retry; if it persists, check the database."
                    },
                )

        return safe_handler


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    db: FeedbackDatabase | None = getattr(app.state, "feedback_db", None)
    if db is not None:
        db.dispose()


router = APIRouter(
    prefix="/v1/feedback", tags=["feedback"], route_class=_PhiSafeRoute, lifespan=_lifespan
)


def _feedback_db(request: Request, settings: SettingsDep) -> FeedbackDatabase:
    """Return the app's store: created once per app, connected and migrated on first use."""
    return app_database(request.app.state, settings.database_url)


FeedbackDBDep = Annotated[FeedbackDatabase, Depends(_feedback_db)]


def to_out(sub: FeedbackSubmission) -> FeedbackOut:
    """Response model of a stored submission (the note text is left out: PHI)."""
    return FeedbackOut(
        id=sub.id,
        note_id=sub.note_id,
        note_sha256=sub.note_sha256,
        note_text_stored=sub.note_text is not None,
        model_version=sub.model_version,
        coder=sub.coder,
        created_at=sub.created_at,
        decisions=[
            DecisionOut(
                position=d.position,
                system=d.system,  # type: ignore[arg-type]
                code=d.code,
                decision=d.decision,  # type: ignore[arg-type]
                evidence=[EvidenceSpanOut(**span) for span in d.evidence]
                if d.evidence is not None
                else None,
            )
            for d in sorted(sub.decisions, key=lambda d: d.position)
        ],
    )


_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": FeedbackErrorOut, "description": "Refused; nothing was stored."},
    503: {"description": "The feedback database is unreachable; nothing was stored."},
}


@router.post("", status_code=201, response_model=FeedbackOut, responses=_ERRORS)
def submit_feedback(
    body: FeedbackIn, db: FeedbackDBDep, cs: CodeSetsDep, settings: SettingsDep
) -> FeedbackOut:
    """Store a coder's decisions on one note (one transaction; committed before 201).

    Codes are checked against the code sets and returned in canonical form (`e119` →
    `E11.9`); every problem is reported at once, by position, e.g. `decisions[2]:
    unknown ICD-10-CM code 'Z99.999'`.
    """
    new = store.validate_feedback(body, cs, max_note_chars=settings.max_note_chars)
    with db.session() as session:
        return to_out(store.insert_submission(session, new))


@router.get("", response_model=FeedbackPage, responses={503: _ERRORS[503]})
def list_feedback(
    db: FeedbackDBDep,
    note_id: Annotated[
        str | None, Query(max_length=200, description="Only this note's submissions.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FeedbackPage:
    """Submissions with their decisions, newest first (all notes, or one `note_id`)."""
    with db.session() as session:
        rows, total = store.list_submissions(
            session, note_id=note_id.strip() if note_id else None, limit=limit, offset=offset
        )
        return FeedbackPage(
            items=[to_out(r) for r in rows], total=total, limit=limit, offset=offset
        )


@router.get("/{submission_id}", response_model=FeedbackOut, responses={503: _ERRORS[503]})
def get_feedback(submission_id: int, db: FeedbackDBDep) -> FeedbackOut:
    """One submission by the id returned when it was stored."""
    with db.session() as session:
        found = store.get_submission(session, submission_id)
        if found is None:
            raise HTTPException(404, f"No feedback submission with id {submission_id}.")
        return to_out(found)
