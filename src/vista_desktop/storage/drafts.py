"""The draft repository: drafts with their data, status and earlier revisions."""

from __future__ import annotations

import builtins
import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, defer, sessionmaker

from vista_desktop.storage.models import DocumentRow, DraftRow, RevisionRow, TaskRow
from vista_desktop.storage.records import (
    SUMMARY_SELECT,
    DocumentRecord,
    DraftRecord,
    DraftSummary,
    TaskRecord,
    summaries_from_driver,
)
from vista_desktop.storage.status import STATUS_COMPLETE, STATUS_DRAFT

__all__ = [
    "STATUS_COMPLETE",
    "STATUS_DRAFT",
    "TRASH_RETENTION",
    "DocumentRecord",
    "DraftNotFoundError",
    "DraftRecord",
    "DraftRepository",
    "DraftSummary",
    "TaskNotFoundError",
    "TaskRecord",
]

# How long a deleted draft stays in the recycle bin before it is erased for good.
TRASH_RETENTION = timedelta(days=30)


class DraftNotFoundError(LookupError):
    def __init__(self, draft_id: str) -> None:
        super().__init__(draft_id)
        self.draft_id = draft_id


class TaskNotFoundError(LookupError):
    def __init__(self, task_id: str) -> None:
        super().__init__(task_id)
        self.task_id = task_id


def _now() -> datetime:
    # Stored naive in UTC (SQLite has no time zones); records hand out aware datetimes.
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RevisionRecord:
    number: int
    form_version: str
    status: str
    sealed: bool
    saved_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class SaveReceipt:
    draft_id: str
    revision: int
    saved_at: datetime


def _summary(row: Any) -> DraftSummary:
    """A summary from a DraftRow."""
    return DraftSummary(
        row.id,
        row.form_id,
        row.form_version,
        row.title,
        row.status,
        row.revision,
        _aware(row.created_at),
        _aware(row.updated_at),
        deleted_at=_aware(row.deleted_at) if row.deleted_at is not None else None,
        data_hash=row.data_hash,
        task_id=row.task_id,
    )


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """`ids` in slices short enough for SQLite's limit on bound parameters (999 in older builds)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _record(row: DraftRow) -> DraftRecord:
    s = _summary(row)
    return DraftRecord(
        s.id,
        s.form_id,
        s.form_version,
        s.title,
        s.status,
        s.revision,
        s.created_at,
        s.updated_at,
        json.loads(row.data_json),
        deleted_at=s.deleted_at,
        data_hash=s.data_hash,
        task_id=s.task_id,
    )


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def data_hash(data: dict[str, Any]) -> str:
    """SHA-256 of a draft's data as stored: equal data, equal hash, whatever the order of its keys."""
    return _hash(_dump(data))


def _hash(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class DraftRepository:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _row(self, session: Session, draft_id: str) -> DraftRow:
        row = session.get(DraftRow, draft_id)
        if row is None:
            raise DraftNotFoundError(draft_id)
        return row

    def create(self, form_id: str, form_version: str, data: dict[str, Any], title: str = "") -> DraftRecord:
        now = _now()
        row = DraftRow(
            id=str(uuid.uuid4()),
            form_id=form_id,
            form_version=form_version,
            title=title,
            status=STATUS_DRAFT,
            data_json=(payload := _dump(data)),
            data_hash=_hash(payload),
            revision=0,
            created_at=now,
            updated_at=now,
        )
        with self._sessions.begin() as session:
            session.add(row)
        return _record(row)

    def get(self, draft_id: str) -> DraftRecord:
        with self._sessions() as session:
            return _record(self._row(session, draft_id))

    def get_many(self, draft_ids: Sequence[str]) -> dict[str, DraftRecord]:
        """The drafts of `draft_ids` that exist, by id, in one read per 500 (a draft at a time cost ~0.8 ms each
        in SQLAlchemy's per-query work: seconds for the list's 10,000)."""
        found: dict[str, DraftRecord] = {}
        with self._sessions() as session:
            for chunk in _chunks(draft_ids):
                for row in session.scalars(select(DraftRow).where(DraftRow.id.in_(chunk))):
                    found[row.id] = _record(row)
        return found

    def list(self) -> list[DraftSummary]:
        """Drafts not in the recycle bin, newest first."""
        with self._sessions() as session:
            # Through the driver: about 0.1 s instead of 1 s for 10,000 drafts (see SUMMARY_SELECT).
            rows = session.connection().exec_driver_sql(SUMMARY_SELECT)
            return summaries_from_driver(rows)

    def trash(self, draft_id: str) -> None:
        """Move a draft to the recycle bin: out of `list()`, restorable until purged."""
        with self._sessions.begin() as session:
            row = self._row(session, draft_id)
            if row.deleted_at is None:
                row.deleted_at = _now()

    def restore(self, draft_id: str) -> None:
        """Take a draft out of the recycle bin, as it was."""
        with self._sessions.begin() as session:
            self._row(session, draft_id).deleted_at = None

    def trashed(self) -> builtins.list[DraftSummary]:
        """Drafts in the recycle bin, most recently deleted first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(DraftRow).where(DraftRow.deleted_at.is_not(None)).order_by(DraftRow.deleted_at.desc())
            )
            return [_summary(r) for r in rows]

    def purge_trash(self, older_than: timedelta = TRASH_RETENTION, now: datetime | None = None) -> int:
        """Erase for good the drafts deleted more than `older_than` ago; returns how many."""
        cutoff = (now.astimezone(UTC).replace(tzinfo=None) if now else _now()) - older_than
        with self._sessions() as session:
            ids = builtins.list(
                session.scalars(
                    select(DraftRow.id).where(DraftRow.deleted_at.is_not(None), DraftRow.deleted_at <= cutoff)
                )
            )
        for draft_id in ids:
            self.delete(draft_id)
        return len(ids)

    def save(
        self,
        draft_id: str,
        data: dict[str, Any],
        title: str,
        editing_session: str | None = None,
        status: str | None = None,
    ) -> SaveReceipt:
        """Store `data` as the draft's current state. Saves of one editing session update one revision, so the
        history keeps a state per session rather than one per keystroke. Returns once the commit is durable."""
        now = _now()
        payload = _dump(data)
        with self._sessions.begin() as session:
            row = self._row(session, draft_id)
            row.status = status or row.status
            last = row.revisions[-1] if row.revisions else None
            if last is not None and not last.sealed and editing_session and last.editing_session == editing_session:
                last.data_json, last.saved_at, last.status = payload, now, row.status
            else:
                number = (last.number if last else 0) + 1
                row.revisions.append(
                    RevisionRow(
                        number=number,
                        form_version=row.form_version,
                        status=row.status,
                        data_json=payload,
                        editing_session=editing_session,
                        sealed=False,
                        saved_at=now,
                    )
                )
                row.revision = number
            row.data_json, row.data_hash, row.title, row.updated_at = payload, _hash(payload), title, now
            return SaveReceipt(draft_id, row.revision, _aware(now))

    def set_status(self, draft_id: str, status: str) -> None:
        """Change the status and seal the newest revision, so later edits start a new one."""
        with self._sessions.begin() as session:
            row = self._row(session, draft_id)
            row.status = status
            row.updated_at = _now()
            if row.revisions:
                row.revisions[-1].status = status
                row.revisions[-1].sealed = True

    def set_version(self, draft_id: str, form_version: str, data: dict[str, Any]) -> None:
        with self._sessions.begin() as session:
            row = self._row(session, draft_id)
            if row.revisions:
                row.revisions[-1].sealed = True
            payload = _dump(data)
            row.form_version, row.data_json, row.data_hash, row.updated_at = (
                form_version,
                payload,
                _hash(payload),
                _now(),
            )

    def duplicate(self, draft_id: str) -> DraftRecord:
        original = self.get(draft_id)
        return self.create(original.form_id, original.form_version, original.data, original.title)

    def record_document(
        self,
        draft_id: str,
        kind: str,
        path: str,
        fields_total: int,
        fields_signed: int,
        data_hash: str | None = None,
    ) -> None:
        """Remember the newest document of a kind for a draft, with how many of its signature fields are signed
        and the hash of the data it was made from (None: unchanged, as when a signature is added to it)."""
        with self._sessions.begin() as session:
            self._row(session, draft_id)
            row = session.scalars(
                select(DocumentRow).where(DocumentRow.draft_id == draft_id, DocumentRow.kind == kind)
            ).first()
            if row is None:
                row = DocumentRow(draft_id=draft_id, kind=kind)
                session.add(row)
            row.path, row.fields_total, row.fields_signed, row.updated_at = path, fields_total, fields_signed, _now()
            if data_hash is not None:
                row.data_hash = data_hash

    def documents(self, draft_id: str | None = None) -> dict[str, builtins.list[DocumentRecord]]:
        """Documents by draft id (of one draft, or of all)."""
        with self._sessions() as session:
            query = select(DocumentRow).order_by(DocumentRow.kind)
            if draft_id is not None:
                query = query.where(DocumentRow.draft_id == draft_id)
            found: dict[str, builtins.list[DocumentRecord]] = {}
            for r in session.scalars(query):
                found.setdefault(r.draft_id, []).append(
                    DocumentRecord(r.kind, r.path, r.fields_total, r.fields_signed, _aware(r.updated_at), r.data_hash)
                )
            return found

    def delete(self, draft_id: str) -> None:
        """Erase a draft for good, with its revisions and documents (the recycle bin is `trash`)."""
        with self._sessions.begin() as session:
            self._row(session, draft_id)
            session.execute(delete(DocumentRow).where(DocumentRow.draft_id == draft_id))
            session.execute(delete(RevisionRow).where(RevisionRow.draft_id == draft_id))
            session.execute(delete(DraftRow).where(DraftRow.id == draft_id))

    def seal_baseline(self, draft_id: str, status: str) -> int:
        """Keep the draft's current data as a new sealed revision marked `status` (e.g. "sent"), leaving the draft's
        own status as it is; returns the revision's number. Later edits start a revision of their own."""
        with self._sessions.begin() as session:
            row = self._row(session, draft_id)
            last = row.revisions[-1] if row.revisions else None
            number = (last.number if last else 0) + 1
            row.revisions.append(
                RevisionRow(
                    number=number,
                    form_version=row.form_version,
                    status=status,
                    data_json=row.data_json,
                    editing_session=None,
                    sealed=True,
                    saved_at=_now(),
                )
            )
            row.revision = number
            return number

    def sealed_among(self, draft_ids: Sequence[str]) -> set[str]:
        """Those of `draft_ids` that were ever completed or sent (`has_sealed_revision` of many at once)."""
        found: set[str] = set()
        with self._sessions() as session:
            for chunk in _chunks(draft_ids):
                query = select(RevisionRow.draft_id).where(
                    RevisionRow.draft_id.in_(chunk), RevisionRow.sealed.is_(True)
                )
                found.update(session.scalars(query.distinct()))
        return found

    def has_sealed_revision(self, draft_id: str) -> bool:
        """Whether the draft was ever completed or sent (without reading its revisions' data)."""
        with self._sessions() as session:
            query = select(RevisionRow.id).where(RevisionRow.draft_id == draft_id, RevisionRow.sealed.is_(True))
            return session.scalars(query.limit(1)).first() is not None

    def revisions(self, draft_id: str) -> builtins.list[RevisionRecord]:
        with self._sessions() as session:
            row = self._row(session, draft_id)
            return [
                RevisionRecord(
                    r.number, r.form_version, r.status, r.sealed, _aware(r.saved_at), json.loads(r.data_json)
                )
                for r in row.revisions
            ]

    # --- tasks (0005) ---------------------------------------------------------------------------------------

    def create_task(self, title: str, code: str = "") -> TaskRecord:
        row = TaskRow(id=str(uuid.uuid4()), title=title, code=code[:60], created_at=_now())
        with self._sessions.begin() as session:
            session.add(row)
        return _task(row)

    def task(self, task_id: str) -> TaskRecord:
        with self._sessions() as session:
            row = session.get(TaskRow, task_id)
            if row is None:
                raise TaskNotFoundError(task_id)
            return _task(row)

    def tasks(self) -> builtins.list[TaskRecord]:
        """Every task, newest first."""
        with self._sessions() as session:
            return [_task(r) for r in session.scalars(select(TaskRow).order_by(TaskRow.created_at.desc()))]

    def assign_task(self, draft_id: str, task_id: str | None) -> None:
        """Put a draft in a task (None: take it out of its task). Not a save: the draft's revision is unchanged."""
        with self._sessions.begin() as session:
            if task_id is not None and session.get(TaskRow, task_id) is None:
                raise TaskNotFoundError(task_id)
            self._row(session, draft_id).task_id = task_id

    def drafts_of_task(self, task_id: str) -> builtins.list[DraftSummary]:
        """The task's drafts not in the recycle bin, oldest first (the order the forms were made in)."""
        with self._sessions() as session:
            query = select(DraftRow).options(defer(DraftRow.data_json))
            query = query.where(DraftRow.task_id == task_id, DraftRow.deleted_at.is_(None))
            return [_summary(r) for r in session.scalars(query.order_by(DraftRow.created_at))]


def _task(row: TaskRow) -> TaskRecord:
    return TaskRecord(row.id, row.title, row.code, _aware(row.created_at))
