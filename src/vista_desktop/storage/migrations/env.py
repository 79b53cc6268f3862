"""Alembic environment: runs on the connection the app hands over (no alembic.ini needed at run time).

The connection is already inside one real SQLite transaction (see storage.database.upgrade_schema): SQLite's DDL
is transactional once pysqlite stops managing transactions itself, so an upgrade killed at any step leaves the
database as it was before, version stamp included."""

from __future__ import annotations

from alembic import context

from vista_desktop.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through vista_desktop.storage.database.upgrade_schema")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    # Alembic believes SQLite's DDL is not transactional; with our driver settings it is.
    transactional_ddl=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
