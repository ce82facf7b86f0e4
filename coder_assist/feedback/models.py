"""ORM tables of the feedback store.

A *submission* is one coder's verdict on one note at one moment; its *decisions* are
ordered because the order of accepted diagnoses is the order they go on a claim. The
schema itself is created by the Alembic migrations in `migrations/versions/`, never by
`metadata.create_all`, so every deployed database has a recorded revision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

DecisionKind = Literal["accepted", "rejected", "added"]
DECISIONS: tuple[DecisionKind, ...] = ("accepted", "rejected", "added")
POSITIVE_DECISIONS: frozenset[str] = frozenset({"accepted", "added"})

NOTE_ID_MAX = 200
LABEL_MAX = 200  # model_version and coder
CODE_MAX = 16
SYSTEM_MAX = 16

# Explicit constraint names keep migrations deterministic across SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_ID = BigInteger().with_variant(Integer(), "sqlite")
_JSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps that always come back timezone-aware in UTC.

    SQLite has no timezone type, so values are stored there as naive UTC; PostgreSQL
    stores `timestamptz`. Either way callers only ever see aware UTC datetimes, which
    keeps `since=` comparisons in the trainer API unambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; naive values are taken to be UTC already."""
        if value is None:
            return None
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        utc = aware.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to SQLite's naive values; normalise PostgreSQL's to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time, aware and in UTC (the only clock the store uses)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention shared with the migrations."""

    metadata = MetaData(naming_convention=NAMING)


class FeedbackSubmission(Base):
    """One coder's reviewed decisions for one note.

    `note_text` is stored only when the client sent it (it is PHI and training needs it,
    but a client may choose to keep it). `note_sha256` identifies the note version even
    when the text is not stored, so the trainer can tell whether stored text still
    matches the latest review.
    """

    __tablename__ = "feedback_submission"
    __table_args__ = (
        Index("ix_feedback_submission_note_id_id", "note_id", "id"),
        Index("ix_feedback_submission_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    note_id: Mapped[str] = mapped_column(String(NOTE_ID_MAX), nullable=False)
    note_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    note_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(LABEL_MAX), nullable=True)
    coder: Mapped[str | None] = mapped_column(String(LABEL_MAX), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    decisions: Mapped[list[FeedbackDecision]] = relationship(
        back_populates="submission",
        order_by="FeedbackDecision.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )

    def __repr__(self) -> str:  # never include note_text: it is PHI
        return (
            f"FeedbackSubmission(id={self.id!r}, note_id={self.note_id!r}, "
            f"decisions={len(self.decisions)})"
        )


class FeedbackDecision(Base):
    """A coder's verdict on one code, at its position within the submission."""

    __tablename__ = "feedback_decision"
    __table_args__ = (
        UniqueConstraint("submission_id", "position", name="uq_feedback_decision_position"),
        CheckConstraint("decision IN ('accepted', 'rejected', 'added')", name="decision_kind"),
        CheckConstraint("system IN ('ICD-10-CM', 'CPT', 'HCPCS')", name="system_name"),
        CheckConstraint("position >= 0", name="position_nonnegative"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(
        _ID, ForeignKey("feedback_submission.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    system: Mapped[str] = mapped_column(String(SYSTEM_MAX), nullable=False)
    code: Mapped[str] = mapped_column(String(CODE_MAX), nullable=False)
    decision: Mapped[str] = mapped_column(String(16), nullable=False)
    evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(_JSON, nullable=True)

    submission: Mapped[FeedbackSubmission] = relationship(back_populates="decisions")

    def __repr__(self) -> str:
        return (
            f"FeedbackDecision(position={self.position!r}, system={self.system!r}, "
            f"code={self.code!r}, decision={self.decision!r})"
        )
