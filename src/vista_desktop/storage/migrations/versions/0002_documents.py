"""Documents made from a draft, with their signing state.

Revision ID: 0002_documents
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_documents"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_documents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(36), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("fields_total", sa.Integer(), nullable=False),
        sa.Column("fields_signed", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("draft_id", "kind"),
    )
    op.create_index("ix_draft_documents_draft_id", "draft_documents", ["draft_id"])


def downgrade() -> None:
    op.drop_table("draft_documents")
