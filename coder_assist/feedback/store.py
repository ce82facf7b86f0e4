"""Writing coder feedback, and listing submissions for the API.

`validate_feedback` checks every decision against the code sets and normalises it, then
`insert_submission` stores the submission and its decisions in one transaction and
commits, so a stored decision is never lost and a refused one leaves nothing behind.
`add_feedback` does both. The trainer's read path is `coder_assist.feedback.labels`
(re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from coder_assist.codesets import CodeSets
from coder_assist.codesets.normalize import normalize_system
from coder_assist.errors import CoderAssistError, UnknownSystemError
from coder_assist.feedback.labels import (
    DecisionRecord,
    NoteFeedback,
    iter_decisions,
    latest_per_note,
)
from coder_assist.feedback.models import (
    FeedbackDecision,
    FeedbackSubmission,
    utcnow,
)
from coder_assist.feedback.schemas import FeedbackIn

__all__ = [
    "DecisionRecord",
    "FeedbackValidationError",
    "NewDecision",
    "NewSubmission",
    "NoteFeedback",
    "Problem",
    "add_feedback",
    "get_submission",
    "insert_submission",
    "iter_decisions",
    "latest_per_note",
    "list_submissions",
    "validate_feedback",
]

_HEADER_KINDS = frozenset({"chapter", "block"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a submission: where (`decisions[2]`) and what."""

    loc: str
    msg: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.msg}" if self.loc else self.msg


class FeedbackValidationError(CoderAssistError, ValueError):
    """A submission that cannot be stored; lists every problem, never the note text."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid feedback")


@dataclass(frozen=True, slots=True)
class NewDecision:
    """A decision ready to store: canonical system and code, position set."""

    system: str
    code: str
    decision: str
    evidence: list[dict[str, Any]] | None = None


@dataclass(frozen=True, slots=True)
class NewSubmission:
    """A validated submission; `insert_submission` stores it as given."""

    note_id: str
    decisions: list[NewDecision]
    note_text: str | None = None
    note_sha256: str | None = None
    model_version: str | None = None
    coder: str | None = None


def validate_feedback(
    data: FeedbackIn, codesets: CodeSets, *, max_note_chars: int | None = None
) -> NewSubmission:
    """Check every decision against the code sets and return the canonical submission.

    All problems are collected, so a coder fixes them in one round trip. Codes are
    looked up with `CodeSets.get`, so `e119` becomes `E11.9`; chapter and block headings
    are refused because they cannot go on a claim. The same code twice in one
    submission is refused: a coder cannot both accept and reject it.

    Raises:
        FeedbackValidationError: naming each bad item as `decisions[i]` with its code.

    """
    problems: list[Problem] = []
    note_chars = len(data.note_text) if data.note_text is not None else 0
    if max_note_chars is not None and note_chars > max_note_chars:
        problems.append(
            Problem(
                "note_text",
                f"the note is {note_chars} characters; the limit is {max_note_chars}; "
                "split the note",
            )
        )
    seen: dict[tuple[str, str], int] = {}
    decisions: list[NewDecision] = []
    for i, item in enumerate(data.decisions):
        loc = f"decisions[{i}]"
        try:
            system = normalize_system(item.system)
        except UnknownSystemError as exc:
            problems.append(
                Problem(loc, f"unknown code system {item.system!r}; use {', '.join(exc.valid)}")
            )
            continue
        found = codesets.get(item.code, system)
        if found is None:
            problems.append(Problem(loc, f"unknown {system} code {item.code!r}"))
            continue
        if found.kind in _HEADER_KINDS:
            problems.append(
                Problem(loc, f"{system} {found.code!r} is a {found.kind} heading, not a code")
            )
            continue
        key = (system, found.code)
        if key in seen:
            first = f"decisions[{seen[key]}]"
            msg = f"{system} code {found.code!r} already appears at {first}"
            problems.append(Problem(loc, msg))
            continue
        seen[key] = i
        evidence = (
            [span.model_dump(exclude_none=True) for span in item.evidence]
            if item.evidence
            else None
        )
        decisions.append(NewDecision(system, found.code, item.decision, evidence))
    if problems:
        raise FeedbackValidationError(problems)
    return NewSubmission(
        note_id=data.note_id,
        decisions=decisions,
        note_text=data.note_text,
        note_sha256=data.note_sha256,
        model_version=data.model_version,
        coder=data.coder,
    )


def insert_submission(
    session: Session, new: NewSubmission, *, now: datetime | None = None
) -> FeedbackSubmission:
    """Store one submission with its decisions in a single transaction and commit.

    Decisions keep the order given (`position` 0, 1, ...). If anything fails (a
    constraint, the connection) the transaction is rolled back and nothing is stored.
    """
    submission = FeedbackSubmission(
        note_id=new.note_id,
        note_text=new.note_text,
        note_sha256=new.note_sha256,
        model_version=new.model_version,
        coder=new.coder,
        created_at=now or utcnow(),
        decisions=[
            FeedbackDecision(
                position=position,
                system=d.system,
                code=d.code,
                decision=d.decision,
                evidence=d.evidence,
            )
            for position, d in enumerate(new.decisions)
        ],
    )
    try:
        session.add(submission)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return submission


def add_feedback(
    session: Session,
    data: FeedbackIn,
    codesets: CodeSets,
    *,
    max_note_chars: int | None = None,
) -> FeedbackSubmission:
    """Validate and store a submission (see `validate_feedback`, `insert_submission`)."""
    new = validate_feedback(data, codesets, max_note_chars=max_note_chars)
    return insert_submission(session, new)


def _newest_first(stmt: Select[FeedbackSubmission]) -> Select[FeedbackSubmission]:
    # The id follows storage order even if the wall clock is stepped back.
    return stmt.order_by(FeedbackSubmission.id.desc())


def list_submissions(
    session: Session, *, note_id: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[FeedbackSubmission], int]:
    """Submissions newest first (optionally for one note) and the total matching."""
    where = [] if note_id is None else [FeedbackSubmission.note_id == note_id]
    total = session.scalar(select(func.count(FeedbackSubmission.id)).where(*where)) or 0
    stmt = _newest_first(select(FeedbackSubmission).where(*where)).limit(limit).offset(offset)
    rows = list(session.scalars(stmt.options(selectinload(FeedbackSubmission.decisions))))
    return rows, total


def get_submission(session: Session, submission_id: int) -> FeedbackSubmission | None:
    """One submission by id, with its decisions."""
    return session.get(FeedbackSubmission, submission_id)
