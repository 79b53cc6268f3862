"""Files attached by reference to a task's results dossier: where they are, and the size, modification time and
SHA-256 they had when attached (what a later change is detected against). A file the user asked to keep is copied
into the content store: its row then points at the copy and remembers the original path for display."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from vista_desktop.storage.models import DossierFileRow


@dataclass(frozen=True)
class AttachedFileRecord:
    id: int
    task_id: str
    slot: str
    path: str
    size: int
    mtime_ns: int
    sha256: str
    attached_at: datetime
    original_path: str | None = None  # set when `path` is the app's stored copy


def _record(row: DossierFileRow) -> AttachedFileRecord:
    return AttachedFileRecord(
        row.id,
        row.task_id,
        row.slot,
        row.path,
        row.size,
        row.mtime_ns,
        row.sha256,
        row.attached_at.replace(tzinfo=UTC),
        row.original_path,
    )


class DossierFileRepository:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(self, task_id: str, slot: str, path: str, size: int, mtime_ns: int, sha256: str) -> AttachedFileRecord:
        row = DossierFileRow(
            task_id=task_id,
            slot=slot,
            path=path,
            size=size,
            mtime_ns=mtime_ns,
            sha256=sha256,
            attached_at=datetime.now(UTC).replace(tzinfo=None),
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return _record(row)

    def of_task(self, task_id: str) -> list[AttachedFileRecord]:
        with self._sessions() as session:
            rows = session.scalars(
                select(DossierFileRow).where(DossierFileRow.task_id == task_id).order_by(DossierFileRow.id)
            ).all()
            return [_record(r) for r in rows]

    def remove(self, file_id: int) -> None:
        with self._sessions.begin() as session:
            row = session.get(DossierFileRow, file_id)
            if row is not None:
                session.delete(row)

    def refresh(self, file_id: int, size: int, mtime_ns: int, sha256: str) -> None:
        """Accept the file as it is now (the user confirmed a changed file is the right one)."""
        with self._sessions.begin() as session:
            row = session.get(DossierFileRow, file_id)
            if row is None:
                raise LookupError(file_id)
            row.size, row.mtime_ns, row.sha256 = size, mtime_ns, sha256

    def point_at_copy(self, file_id: int, stored_path: str, mtime_ns: int) -> AttachedFileRecord:
        """The file is now the stored copy at `stored_path` (same bytes, so same size and hash); the path the user
        attached is kept as the original (a second copy keeps the first original)."""
        with self._sessions.begin() as session:
            row = session.get(DossierFileRow, file_id)
            if row is None:
                raise LookupError(file_id)
            if row.original_path is None:
                row.original_path = row.path
            row.path, row.mtime_ns = stored_path, mtime_ns
            session.flush()
            return _record(row)
