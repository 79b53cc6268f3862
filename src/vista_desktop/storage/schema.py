"""The schema: engines on the database file and the atomic Alembic upgrade (its own module so that recovery can
build a new database without importing the start-up logic)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

from vista_desktop.storage.errors import StorageProblem

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
APP_TABLES = ("drafts", "draft_revisions", "draft_documents")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the GUI read while autosave writes; FULL syncs the WAL on every commit so that what the app
    # shows as saved survives a power cut, not only a crash of the process.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _migration_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling never puts DDL in a transaction (CREATE TABLE commits at once): take it
    # away so that the BEGIN below covers every statement of the upgrade, the version stamp included.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # Batch migrations rebuild a table by copy-and-drop; with foreign keys on, the drop would cascade.
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _migration_begin(connection: Connection) -> None:
    # IMMEDIATE: take the write lock before reading the version, so two instances cannot both upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _migration_engine(url: Any) -> Engine:
    """An engine whose transactions are real SQLite transactions, DDL included (SQLAlchemy's documented pysqlite
    recipe: driver transactions off, BEGIN emitted on the `begin` event)."""
    engine = create_engine(url, poolclass=NullPool)
    event.listen(engine, "connect", _migration_connect)
    event.listen(engine, "begin", _migration_begin)
    return engine


def current_revision(path: Path) -> str | None:
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


def _is_empty(connection: Connection, table: str) -> bool:
    return connection.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first() is None


def _repair_half_migrated(connection: Connection, path: str) -> None:
    """Undo what the non-atomic migrations of earlier versions left after a kill: tables created without the
    version stamp that goes with them. They can only be empty (no start-up got past the failed migration), so
    they are dropped and created again; anything else is not ours to guess."""
    tables = {r[0] for r in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    stamp = None
    if "alembic_version" in tables:
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        stamp = row[0] if row else None
    if stamp is None:
        stray = [t for t in APP_TABLES if t in tables]
    elif stamp == "0001_initial":
        stray = [t for t in ("draft_documents",) if t in tables]
    else:
        return
    if not stray:
        return
    if not all(_is_empty(connection, t) for t in stray):
        raise StorageProblem("storage.schema_unknown", path=path)
    log.warning("dropping tables %s left by an interrupted migration (stamp %s)", stray, stamp)
    for table in reversed(stray):
        connection.exec_driver_sql(f'DROP TABLE "{table}"')


def upgrade_schema(
    engine: Engine,
    revision: str = "head",
    before_changes: Callable[[], None] | None = None,
) -> None:
    """Bring the schema of `engine`'s database to `revision` in one SQLite transaction: killed at any step, the
    database is left as it was. `before_changes` runs once the upgrade holds the write lock, so a copy it takes
    through another connection is exactly the state being upgraded."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    migration_engine = _migration_engine(engine.url)
    try:
        with migration_engine.begin() as connection:
            if before_changes is not None:
                before_changes()
            _repair_half_migrated(connection, str(engine.url.database))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        migration_engine.dispose()
