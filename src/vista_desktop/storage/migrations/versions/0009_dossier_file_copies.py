"""An attached dossier file kept as a copy in the app's content-addressed store: `path` then names the stored copy
and `original_path` the file the user attached (shown, and used for the name inside an exported dossier).

Revision ID: 0009_dossier_file_copies
Revises: 0008_drafts_list_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_dossier_file_copies"
down_revision = "0008_drafts_list_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dossier_files", sa.Column("original_path", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier_files") as batch:
        batch.drop_column("original_path")
