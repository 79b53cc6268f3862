"""Opening the local database: pragmas for durability, and the schema brought to Alembic's head at start-up.

Two entry points: `open_database` (an engine on an intact database, schema upgraded atomically) and
`open_database_safely`, the app's start-up, which also checks the file, recovers a damaged one, takes the daily
backup and empties old drafts from the recycle bin."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from vista_desktop.storage.errors import StorageProblem
from vista_desktop.storage.head import HEAD_REVISION
from vista_desktop.storage.schema import (
    APP_TABLES,
    MIGRATIONS_DIR,
    current_revision,
    make_engine,
    upgrade_schema,
)

__all__ = [
    "HEAD_REVISION",
    "MIGRATIONS_DIR",
    "OpenedDatabase",
    "StorageProblem",
    "make_engine",
    "open_database",
    "open_database_safely",
    "take_daily_backup",
    "upgrade_schema",
]

if TYPE_CHECKING:
    from vista_desktop.storage.recovery import RecoveryReport

log = logging.getLogger(__name__)

# Present while the app has the database open: found at start-up, it means the last run did not close cleanly.
IN_USE_SUFFIX = ".in-use"
CHECK_SUFFIX = ".check"


def _has_app_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()
    return bool(names & {*APP_TABLES, "alembic_version"})


def _is_locked(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, sqlite3.OperationalError) and getattr(exc, "sqlite_errorcode", 0) & 0xFF in (5, 6):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def _upgrade(engine: Engine, path: Path, revision: str | None) -> None:
    from vista_desktop.storage import backup

    if not _has_app_tables(path):
        upgrade_schema(engine)  # a new database: nothing to copy
        return
    copy = backup.pre_upgrade_path(path, revision)
    copied: list[Path] = []

    def take_copy() -> None:
        # From a connection of its own: the backup API refuses a source connection that holds the write lock.
        backup.copy_database(path, copy)
        copied.append(copy)

    try:
        upgrade_schema(engine, before_changes=take_copy)
    except StorageProblem:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        if _is_locked(exc):
            raise StorageProblem("storage.locked", path=str(path)) from exc
        if not copied:
            log.exception("schema upgrade of %s failed before any change", path)
            raise StorageProblem("storage.upgrade_failed_unchanged", reason=str(exc)) from exc
        # The transaction was rolled back already; the copy is put back all the same, so that whatever the
        # failure did to the file, the user gets exactly the database as it was before the upgrade.
        log.exception("schema upgrade of %s failed; restoring the copy %s", path, copy)
        try:
            backup.replace_database(path, copy, "failed-upgrade")
        except Exception as restore_exc:
            log.exception("restoring %s failed", copy)
            raise StorageProblem("storage.upgrade_failed_not_restored", backup=str(copy)) from restore_exc
        raise StorageProblem("storage.upgrade_failed", backup=str(copy), reason=str(exc)) from exc
    else:
        # The copy's only purpose was this upgrade; a few are kept in case the new version misbehaves.
        backup.prune_backups(path)


def open_database(path: Path) -> Engine:
    """An engine on `path` whose schema is at the newest migration (upgraded atomically, after a copy)."""
    revision = current_revision(path)
    if revision is not None and revision != HEAD_REVISION and not _known_revision(revision):
        # Written by a newer version of the app: an "upgrade" would fail or, worse, undo its changes.
        raise StorageProblem("storage.newer_version", path=str(path), revision=revision)
    engine = make_engine(path)
    if revision != HEAD_REVISION:
        log.info("migrating database schema at %s from %s", path, revision)
        _upgrade(engine, path, revision)
    return engine


def _known_revision(revision: str) -> bool:
    """Whether this version of the app has the migration that stamped `revision` (files are named after it)."""
    return (MIGRATIONS_DIR / "versions" / f"{revision}.py").is_file()


def in_use_marker(path: Path) -> Path:
    return path.with_name(path.name + IN_USE_SUFFIX)


def check_flag(path: Path) -> Path:
    """Present when something found a sign of damage while the database was in use: next start checks fully."""
    return path.with_name(path.name + CHECK_SUFFIX)


def take_daily_backup(path: Path, now: datetime | None = None) -> Path | None:
    """The day's backup if none was taken today (else None), fully checked: the copy is a free look at every page
    of the database, so damage that the quick start-up check cannot see is found within a day. A damaged copy
    is deleted and the database flagged for a full check and recovery at the next start. Safe to call on a
    worker while the app uses the database (start-up does it unless told not to)."""
    from vista_desktop.storage import backup, recovery

    taken = backup.backup_if_due(path, now)
    if taken is None:
        return None
    problem = recovery.check_database(taken, full=True)
    if problem is None:
        return taken
    log.error("the daily backup of %s shows damage (%s): full check at next start", path, problem)
    taken.unlink(missing_ok=True)
    check_flag(path).touch()
    return None


@dataclass
class OpenedDatabase:
    """What start-up found and did. Show `recovery` (if any) to the user; call `close()` at exit."""

    engine: Engine
    path: Path
    recovery: RecoveryReport | None
    backup_taken: Path | None
    purged: int = 0  # drafts emptied from the recycle bin (older than 30 days)
    full_check: bool = True  # whether PRAGMA quick_check and the text scan ran (after an unclean exit)
    # The day's backup could not be made (e.g. a full disk): worth a warning, not a reason to stop working.
    backup_problem: StorageProblem | None = None

    def close(self) -> None:
        """Close every connection and note that the database was closed cleanly (no full check next time)."""
        self.engine.dispose()
        in_use_marker(self.path).unlink(missing_ok=True)


def open_database_safely(
    path: Path,
    now: datetime | None = None,
    full_check: bool | None = None,
    purge: bool = True,
    backup: bool = True,
) -> OpenedDatabase:
    """Start-up: check the file → recover it if damaged → daily backup → atomic schema upgrade → purge the
    recycle bin. `full_check` forces (True) or skips (False) PRAGMA quick_check and the text scan; by default they
    run when the previous run did not close cleanly (or something flagged damage). `backup=False` leaves the
    daily backup to a later `take_daily_backup` call. Raises StorageProblem when the database cannot be used."""
    from vista_desktop.storage import backup as backup_module
    from vista_desktop.storage import recovery
    from vista_desktop.storage.drafts import DraftRepository

    path.parent.mkdir(parents=True, exist_ok=True)
    marker, flag = in_use_marker(path), check_flag(path)
    backup_module.finish_interrupted_restore(path)
    report = recovery.finish_interrupted_recovery(path)
    full = (marker.exists() or flag.exists()) if full_check is None else full_check
    if report is None:
        problem = recovery.check_database(path, full=full)
        if problem is not None:
            report = recovery.recover_database(path, problem)
    if full:
        flag.unlink(missing_ok=True)
    marker.touch()
    taken, backup_problem = None, None
    # After a recovery the older backups may hold more than was recovered: no new backup rotates one out today.
    if backup and report is None:
        try:
            taken = take_daily_backup(path, now)
        except StorageProblem as exc:
            log.warning("daily backup of %s failed: %s", path, exc.params)
            backup_problem = exc
        if flag.exists():
            flag.unlink()
            report = recovery.recover_database(path, "damage found by the check of the daily backup")
    engine = open_database(path)
    purged = DraftRepository(engine).purge_trash() if purge else 0
    return OpenedDatabase(engine, path, report, taken, purged, full, backup_problem)
