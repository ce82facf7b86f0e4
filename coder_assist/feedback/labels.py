"""Reading coder feedback as training labels (the trainer's side of the store).

`latest_per_note` yields one `NoteFeedback` per note built from that note's latest
submission (a review is the coder's complete verdict), and `iter_decisions` yields every
stored decision of every submission for analyses that need the full history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from coder_assist.feedback.models import POSITIVE_DECISIONS, FeedbackDecision, FeedbackSubmission

_BATCH = 500


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One stored decision, flattened with the context of its submission."""

    submission_id: int
    note_id: str
    created_at: datetime
    model_version: str | None
    coder: str | None
    position: int
    system: str
    code: str
    decision: str
    evidence: list[dict[str, Any]] | None


@dataclass(frozen=True, slots=True)
class NoteFeedback:
    """Training labels for one note, from its latest submission.

    Attributes:
        note_id: The caller's note identifier.
        note_text: The note, or None when no usable text was ever stored (see
            `latest_per_note` for where it comes from).
        note_sha256: Hash of the note version the latest submission reviewed.
        model_version: The model whose suggestions were reviewed (latest submission).
        coder: Who reviewed (latest submission).
        submission_id: Id of the latest submission.
        created_at: When the latest submission was stored (UTC).
        positives: `(system, code)` accepted or added, in claim order.
        negatives: `(system, code)` rejected, in submission order.
        added: The subset of positives the coder added (codes the model missed).
        decisions: Every decision of the latest submission, in order.

    """

    note_id: str
    note_text: str | None
    note_sha256: str | None
    model_version: str | None
    coder: str | None
    submission_id: int
    created_at: datetime
    positives: tuple[tuple[str, str], ...]
    negatives: tuple[tuple[str, str], ...]
    added: tuple[tuple[str, str], ...] = field(default=())
    decisions: tuple[DecisionRecord, ...] = field(default=())


@contextmanager
def _session_for(session_or_engine: Session | Engine) -> Iterator[tuple[Session, bool]]:
    """Yield the session to read with, and whether it is ours (so we may clear it)."""
    if isinstance(session_or_engine, Session):
        yield session_or_engine, False
        return
    with Session(session_or_engine) as session:
        yield session, True


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record(sub: FeedbackSubmission, d: FeedbackDecision) -> DecisionRecord:
    return DecisionRecord(
        submission_id=sub.id,
        note_id=sub.note_id,
        created_at=sub.created_at,
        model_version=sub.model_version,
        coder=sub.coder,
        position=d.position,
        system=d.system,
        code=d.code,
        decision=d.decision,
        evidence=d.evidence,
    )


def _submission_batches(session: Session, ids: Sequence[int]) -> Iterator[list[FeedbackSubmission]]:
    """Submissions with their decisions, in id order, a batch at a time."""
    for chunk in _chunks(ids):
        yield list(
            session.scalars(
                select(FeedbackSubmission)
                .where(FeedbackSubmission.id.in_(chunk))
                .order_by(FeedbackSubmission.id)
                .options(selectinload(FeedbackSubmission.decisions))
            )
        )


def _chunks(ids: Sequence[int], size: int = _BATCH) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def iter_decisions(
    session_or_engine: Session | Engine, since: datetime | None = None
) -> Iterator[DecisionRecord]:
    """Every stored decision of every submission, oldest submission first.

    This is the full history, superseded submissions included; use `latest_per_note`
    for training labels. `since` (naive means UTC) keeps submissions stored at or after
    it. Submissions are read in batches, so memory does not grow with the store.
    """
    since_utc = _as_utc(since)
    with _session_for(session_or_engine) as (session, owned):
        stmt = select(FeedbackSubmission.id).order_by(FeedbackSubmission.id)
        if since_utc is not None:
            stmt = stmt.where(FeedbackSubmission.created_at >= since_utc)
        ids = list(session.scalars(stmt))
        for subs in _submission_batches(session, ids):
            for sub in subs:
                for d in sub.decisions:
                    yield _record(sub, d)
            if owned:  # keep memory flat; never clear a caller's session
                session.expunge_all()


def latest_per_note(
    session_or_engine: Session | Engine,
    since: datetime | None = None,
    *,
    require_text: bool = False,
) -> Iterator[NoteFeedback]:
    """Training labels: one record per note, from that note's latest submission.

    Semantics:

    * *Latest* is the most recently stored submission for the `note_id` (highest id).
      Each submission is the coder's complete verdict at that time, so it supersedes
      earlier ones; decisions are never merged across submissions.
    * `positives` are the accepted and added codes in claim order; `negatives` are the
      rejected ones. Codes the coder neither accepted nor rejected are absent.
    * `note_text` is the latest submission's text; when it carried none, the text of the
      newest earlier submission of the same note is used, but only if the latest
      submission's `note_sha256` is unset or equal to that text's hash (so labels are
      never paired with a different version of the note). Otherwise it is None.
    * `since` (naive means UTC) keeps only notes whose latest submission was stored at
      or after it, i.e. notes with new feedback since the last training run.
    * `require_text=True` skips notes without usable text.

    Notes are yielded in order of their latest submission (oldest first), read in
    batches so memory does not grow with the store.
    """
    since_utc = _as_utc(since)
    with _session_for(session_or_engine) as (session, owned):
        latest = (
            select(func.max(FeedbackSubmission.id).label("id"))
            .group_by(FeedbackSubmission.note_id)
            .subquery()
        )
        stmt = (
            select(FeedbackSubmission.id)
            .join(latest, latest.c.id == FeedbackSubmission.id)
            .order_by(FeedbackSubmission.id)
        )
        if since_utc is not None:
            stmt = stmt.where(FeedbackSubmission.created_at >= since_utc)
        ids = list(session.scalars(stmt))
        for subs in _submission_batches(session, ids):
            texts = _fallback_texts(session, [s.note_id for s in subs if s.note_text is None])
            for sub in subs:
                text = sub.note_text
                if text is None and sub.note_id in texts:
                    sha, candidate = texts[sub.note_id]
                    if sub.note_sha256 is None or sub.note_sha256 == sha:
                        text = candidate
                if require_text and text is None:
                    continue
                yield _note_feedback(sub, text)
            if owned:  # keep memory flat; never clear a caller's session
                session.expunge_all()


def _fallback_texts(session: Session, note_ids: list[str]) -> dict[str, tuple[str | None, str]]:
    """For each note, the hash and text of its newest submission that stored text."""
    if not note_ids:
        return {}
    newest_text = (
        select(func.max(FeedbackSubmission.id).label("id"))
        .where(FeedbackSubmission.note_id.in_(note_ids))
        .where(FeedbackSubmission.note_text.is_not(None))
        .group_by(FeedbackSubmission.note_id)
        .subquery()
    )
    rows = session.execute(
        select(
            FeedbackSubmission.note_id,
            FeedbackSubmission.note_sha256,
            FeedbackSubmission.note_text,
        ).join(newest_text, newest_text.c.id == FeedbackSubmission.id)
    )
    return {note_id: (sha, text) for note_id, sha, text in rows if text is not None}


def _note_feedback(sub: FeedbackSubmission, text: str | None) -> NoteFeedback:
    ordered = sorted(sub.decisions, key=lambda d: d.position)
    return NoteFeedback(
        note_id=sub.note_id,
        note_text=text,
        note_sha256=sub.note_sha256,
        model_version=sub.model_version,
        coder=sub.coder,
        submission_id=sub.id,
        created_at=sub.created_at,
        positives=tuple((d.system, d.code) for d in ordered if d.decision in POSITIVE_DECISIONS),
        negatives=tuple((d.system, d.code) for d in ordered if d.decision == "rejected"),
        added=tuple((d.system, d.code) for d in ordered if d.decision == "added"),
        decisions=tuple(_record(sub, d) for d in ordered),
    )
