"""The outbox of signed dossiers waiting to be sent to the intake server, and the server the installation uses
(its URL and account name only: the password is in the OS keyring).

Revision ID: 0006_outbox
Revises: 0005_tasks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outbox"
down_revision = "0005_tasks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("submission", sa.String(36), primary_key=True),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("manifest_json", sa.Text, nullable=False),
        sa.Column("total_bytes", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("server_status", sa.String(20), nullable=True),
        sa.Column("registration_number", sa.String(100), nullable=True),
        sa.Column("certificate_number", sa.String(100), nullable=True),
        sa.Column("reasons_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("receipt_json", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_error_detail", sa.Text, nullable=True),
        sa.Column("draft_id", sa.String(36), nullable=True, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sync_server",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("server_url", sa.Text, nullable=False),
        sa.Column("account", sa.String(100), nullable=False),
        sa.Column("ca_bundle", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sync_server")
    op.drop_table("outbox")
