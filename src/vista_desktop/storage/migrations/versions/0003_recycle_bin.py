"""Recycle bin: a deleted draft keeps its row, stamped with when it was deleted.

Revision ID: 0003_recycle_bin
Revises: 0002_documents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_recycle_bin"
down_revision = "0002_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch (copy-and-drop) operation: dropping `drafts` to rebuild it would be a
    # DELETE of every draft as far as ON DELETE CASCADE is concerned.
    op.add_column("drafts", sa.Column("deleted_at", sa.DateTime(), nullable=True))
    op.create_index("ix_drafts_deleted_at", "drafts", ["deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_drafts_deleted_at", table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("deleted_at")
