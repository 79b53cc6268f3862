"""The drafts database as the user sees it: its backups and restoring one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.storage.backup import BackupInfo, list_backups, restore_backup

if TYPE_CHECKING:
    from vista_desktop.services.app import AppServices

__all__ = ["BackupInfo", "DatabaseService"]


class DatabaseService:
    def __init__(self, app: AppServices) -> None:
        self._app = app

    def backups(self) -> list[BackupInfo]:
        """Daily and pre-upgrade copies, newest first."""
        return list_backups(self._app.database_path)

    def restore(self, backup: Path) -> Path | None:
        """Put a backup in place of the current database (kept aside; its path is returned) and open it again.
        Every editing session must be closed first: their drafts would be written to the replaced file."""
        self._app.close()
        try:
            return restore_backup(self._app.database_path, backup)
        finally:
            self._app.open_storage()
