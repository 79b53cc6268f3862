"""Copies of the drafts database: rolling daily backups, a copy before every schema upgrade, and restoring one.

Every copy goes through SQLite's online backup API (consistent even while the app has the database open) into a
temporary name, then is renamed into place: a copy killed half-way never carries a backup's name."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vista_desktop.storage.errors import StorageProblem

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
KEEP_DAILY = 7
KEEP_PRE_UPGRADE = 3
KIND_DAILY = "daily"
KIND_PRE_UPGRADE = "pre-upgrade"
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str  # KIND_DAILY or KIND_PRE_UPGRADE
    taken_at: datetime  # local time, naive, as in the file name
    size: int


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_FOLDER


def _stamp(now: datetime) -> str:
    return now.strftime(_STAMP)


def fsync_dir(folder: Path) -> None:
    # The rename is only durable once the folder's entry is; Windows has no directory handles to sync.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: Path | sqlite3.Connection, target: Path) -> None:
    """A consistent copy of `source` (a path, or an open connection, e.g. one holding the write lock) at `target`,
    as a single self-contained file (rollback journal, no -wal beside it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    with contextlib.ExitStack() as stack:
        if isinstance(source, sqlite3.Connection):
            src = source
        else:
            src = sqlite3.connect(source)
            stack.callback(src.close)
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)
            # A backup in WAL mode would grow -wal/-shm files as soon as anything opens it.
            dst.execute("PRAGMA journal_mode=DELETE").fetchall()
        finally:
            dst.close()
    fsync_file(part)
    os.replace(part, target)
    fsync_dir(target.parent)


def quick_check(path: Path) -> bool:
    """Whether SQLite finds the file's structure intact (a backup before it is trusted)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error:
        return False
    finally:
        con.close()
    return rows == [("ok",)]


_NAME = re.compile(r"^(?P<stem>.+?)-(?:pre-upgrade-(?P<rev>[A-Za-z0-9_]+)-)?(?P<ts>\d{8}-\d{6})\.sqlite3$")


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of the database at `db_path`, newest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found: list[BackupInfo] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None or match["stem"] != db_path.stem or not entry.is_file():
            continue
        try:
            taken_at = datetime.strptime(match["ts"], _STAMP)
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupInfo(entry, KIND_PRE_UPGRADE if match["rev"] else KIND_DAILY, taken_at, size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def prune_backups(db_path: Path) -> None:
    # Copies killed half-way never got a backup's name; only their .part files are left.
    for part in backups_dir(db_path).glob(f"{db_path.stem}-*.sqlite3.part"):
        part.unlink(missing_ok=True)
    kept = {KIND_DAILY: KEEP_DAILY, KIND_PRE_UPGRADE: KEEP_PRE_UPGRADE}
    seen = dict.fromkeys(kept, 0)
    for info in list_backups(db_path):
        seen[info.kind] += 1
        if seen[info.kind] > kept[info.kind]:
            try:
                info.path.unlink()
            except OSError:
                log.warning("could not remove old backup %s", info.path, exc_info=True)


def _unique(path: Path) -> Path:
    # Two copies in the same second (tests, a quick restart) must not overwrite each other.
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def pre_upgrade_path(db_path: Path, revision: str | None, now: datetime | None = None) -> Path:
    stamp = _stamp(now or datetime.now())
    return _unique(backups_dir(db_path) / f"{db_path.stem}-pre-upgrade-{revision or 'none'}-{stamp}.sqlite3")


def take_backup(db_path: Path, now: datetime | None = None) -> Path:
    """A daily backup of `db_path` now, keeping the newest KEEP_DAILY."""
    target = _unique(backups_dir(db_path) / f"{db_path.stem}-{_stamp(now or datetime.now())}.sqlite3")
    try:
        copy_database(db_path, target)
    except (sqlite3.Error, OSError) as exc:
        raise StorageProblem("storage.backup_failed", reason=str(exc)) from exc
    log.info("backup of %s taken at %s", db_path, target)
    prune_backups(db_path)
    return target


def backup_if_due(db_path: Path, now: datetime | None = None) -> Path | None:
    """Take a daily backup unless one was taken today already (or the database does not exist yet)."""
    now = now or datetime.now()
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    daily = [b for b in list_backups(db_path) if b.kind == KIND_DAILY]
    # A backup dated later than now (the clock was set back) also counts as today's.
    if daily and daily[0].taken_at.date() >= now.date():
        return None
    return take_backup(db_path, now)


def move_aside(db_path: Path, label: str, now: datetime | None = None) -> Path:
    """Rename the database with its -wal and -shm files to `<name>.<label>-<time>`, untouched; returns the new
    path of the database file."""
    aside = _unique(db_path.with_name(f"{db_path.name}.{label}-{_stamp(now or datetime.now())}"))
    for suffix in ("-wal", "-shm"):
        companion = db_path.with_name(db_path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    if db_path.exists():
        os.replace(db_path, aside)
    fsync_dir(db_path.parent)
    return aside


def _incoming(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".restoring")


def finish_interrupted_restore(db_path: Path) -> bool:
    """Complete a restore killed between keeping the current file aside and moving the copy in (True), or drop
    the copy of one killed before anything was moved."""
    incoming = _incoming(db_path)
    if not incoming.exists():
        return False
    if db_path.exists():
        incoming.unlink()
        return False
    os.replace(incoming, db_path)
    fsync_dir(db_path.parent)
    log.warning("completed the interrupted restore of %s", db_path)
    return True


def replace_database(db_path: Path, source: Path, label: str) -> Path | None:
    """Put a copy of `source` in place of the database, keeping the current file aside first (returned; None if
    there was no current file). Every connection to `db_path` must be closed."""
    incoming = _incoming(db_path)
    copy_database(source, incoming)
    aside = move_aside(db_path, label) if db_path.exists() else None
    os.replace(incoming, db_path)
    fsync_dir(db_path.parent)
    return aside


def restore_backup(db_path: Path, backup_path: Path) -> Path | None:
    """Replace the database by the backup at `backup_path`; the current file is kept aside first and its new path
    returned. Close the engine first (OpenedDatabase.close) and open the database again afterwards
    (open_database_safely), which also upgrades an older backup's schema."""
    if not quick_check(backup_path):
        raise StorageProblem("storage.backup_damaged", path=str(backup_path))
    try:
        aside = replace_database(db_path, backup_path, "before-restore")
    except (sqlite3.Error, OSError) as exc:
        raise StorageProblem("storage.restore_failed", reason=str(exc)) from exc
    log.warning("database %s restored from %s; previous file kept at %s", db_path, backup_path, aside)
    return aside
