"""Tasks: the drafts of one S&T task grouped together (Mẫu 1, update sheets, Mẫu 5, Mẫu 8, the confirmation,
Mẫu 12 of each year, the dossier).

Drafts made before this version stay ungrouped (`task_id` NULL): a task is created when one of them is first used
for a follow-up form (Mẫu 5 from a Mẫu 1), never guessed from similar titles or codes.

Revision ID: 0005_tasks
Revises: 0004_document_data_hash
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_tasks"
down_revision = "0004_document_data_hash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    # A plain ADD COLUMN, never a batch (copy-and-drop) rebuild of `drafts`: dropping it would cascade to the
    # revisions and documents. SQLite cannot add a foreign key constraint this way; the repository keeps the link
    # consistent (and deleting a task ungroups its drafts).
    op.add_column("drafts", sa.Column("task_id", sa.String(36), nullable=True))
    op.create_index("ix_drafts_task_id", "drafts", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_drafts_task_id", table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("task_id")
    op.drop_table("tasks")
