"""Storage problems the user can act on (an i18n key each), raised by the start-up entry points."""

from __future__ import annotations

from vista_desktop.errors import VistaError


class StorageProblem(VistaError):
    """The drafts database cannot be opened, upgraded, backed up or restored as asked.

    Keys: storage.upgrade_failed (backup, reason), storage.locked, storage.cannot_open (path, reason),
    storage.backup_damaged (path), storage.backup_failed (reason), storage.restore_failed (reason),
    storage.schema_unknown (path)."""
