"""Alembic environment: runs on the connection the app hands over (no alembic.ini needed at run time)."""

from __future__ import annotations

from alembic import context

from vista_desktop.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through vista_desktop.storage.database.upgrade_schema")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
