"""Draft statuses for the GUI, without loading SQLAlchemy at start-up (the drafts list filters by them)."""

from vista_desktop.storage.status import STATUS_COMPLETE, STATUS_DRAFT

__all__ = ["STATUS_COMPLETE", "STATUS_DRAFT"]
