"""A document remembers the data it was made from (SHA-256 of the draft's data at export), so the list can tell
that an exported, perhaps signed, PDF no longer matches a draft edited since.

Revision ID: 0004_document_data_hash
Revises: 0003_recycle_bin
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_document_data_hash"
down_revision = "0003_recycle_bin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows from before this version have no hash: their documents are shown as they were, never as outdated;
    # a draft gets its hash at its next save.
    op.add_column("draft_documents", sa.Column("data_hash", sa.String(64), nullable=True))
    op.add_column("drafts", sa.Column("data_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft_documents") as batch:
        batch.drop_column("data_hash")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("data_hash")
