"""Drafts and their revisions.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("form_id", sa.String(40), nullable=False),
        sa.Column("form_version", sa.String(20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_drafts_form_id", "drafts", ["form_id"])
    op.create_index("ix_drafts_updated_at", "drafts", ["updated_at"])
    op.create_table(
        "draft_revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(36), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("form_version", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("editing_session", sa.String(36), nullable=True),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("draft_id", "number"),
    )
    op.create_index("ix_draft_revisions_draft_id", "draft_revisions", ["draft_id"])


def downgrade() -> None:
    op.drop_table("draft_revisions")
    op.drop_table("drafts")
