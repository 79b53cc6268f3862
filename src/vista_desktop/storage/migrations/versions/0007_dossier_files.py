"""Files attached by reference to a task's results dossier (Art. 12): path, size, modification time and SHA-256,
so that a moved or changed file is detected without copying gigabytes into the database.

Revision ID: 0007_dossier_files
Revises: 0006_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_dossier_files"
down_revision = "0006_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.String(36), nullable=False, index=True),
        sa.Column("slot", sa.String(40), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("attached_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dossier_files")
