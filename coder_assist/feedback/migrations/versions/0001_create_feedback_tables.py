"""Create the feedback submission and decision tables.

Revision ID: 0001
Revises:
Create Date: 2025-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "feedback_submission",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("note_id", sa.String(200), nullable=False),
        sa.Column("note_text", sa.Text(), nullable=True),
        sa.Column("note_sha256", sa.String(64), nullable=True),
        sa.Column("model_version", sa.String(200), nullable=True),
        sa.Column("coder", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_submission")),
    )
    op.create_index(
        op.f("ix_feedback_submission_note_id_id"), "feedback_submission", ["note_id", "id"]
    )
    op.create_index(
        op.f("ix_feedback_submission_created_at"), "feedback_submission", ["created_at"]
    )

    op.create_table(
        "feedback_decision",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("submission_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(16), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("evidence", _JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_decision")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["feedback_submission.id"],
            name=op.f("fk_feedback_decision_submission_id_feedback_submission"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "submission_id", "position", name=op.f("uq_feedback_decision_position")
        ),
        sa.CheckConstraint(
            "decision IN ('accepted', 'rejected', 'added')",
            name=op.f("ck_feedback_decision_decision_kind"),
        ),
        sa.CheckConstraint(
            "system IN ('ICD-10-CM', 'CPT', 'HCPCS')", name=op.f("ck_feedback_decision_system_name")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_feedback_decision_position_nonnegative")),
    )


def downgrade() -> None:
    op.drop_table("feedback_decision")
    op.drop_index(op.f("ix_feedback_submission_created_at"), table_name="feedback_submission")
    op.drop_index(op.f("ix_feedback_submission_note_id_id"), table_name="feedback_submission")
    op.drop_table("feedback_submission")
