"""The draft repository: drafts with their data, status and earlier revisions."""

from __future__ import annotations

import builtins
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from vista_desktop.storage.models import DocumentRow, DraftRow, RevisionRow
from vista_desktop.storage.status import STATUS_COMPLETE, STATUS_DRAFT

__all__ = ["STATUS_COMPLETE", "STATUS_DRAFT", "DraftNotFoundError", "DraftRecord", "DraftRepository", "DraftSummary"]


class DraftNotFoundError(LookupError):
    def __init__(self, draft_id: str) -> None:
        super().__init__(draft_id)
        self.draft_id = draft_id


def _now() -> datetime:
    # Stored naive in UTC (SQLite has no time zones); records hand out aware datetimes.
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DraftSummary:
    id: str
    form_id: str
    form_version: str
    title: str
    status: str
    revision: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DraftRecord(DraftSummary):
    data: dict[str, Any]


@dataclass(frozen=True)
class RevisionRecord:
    number: int
    form_version: str
    status: str
    sealed: bool
    saved_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class DocumentRecord:
    kind: str
    path: str
    fields_total: int
    fields_signed: int
    updated_at: datetime


@dataclass(frozen=True)
class SaveReceipt:
    draft_id: str
    revision: int
    saved_at: datetime


def _summary(row: DraftRow) -> DraftSummary:
    return DraftSummary(
        row.id,
        row.form_id,
        row.form_version,
        row.title,
        row.status,
        row.revision,
        _aware(row.created_at),
        _aware(row.updated_at),
    )


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
    )


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


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
            data_json=_dump(data),
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

    def list(self) -> list[DraftSummary]:
        with self._sessions() as session:
            rows = session.scalars(select(DraftRow).order_by(DraftRow.updated_at.desc()))
            return [_summary(r) for r in rows]

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
            row.data_json, row.title, row.updated_at = payload, title, now
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
            row.form_version, row.data_json, row.updated_at = form_version, _dump(data), _now()

    def duplicate(self, draft_id: str) -> DraftRecord:
        original = self.get(draft_id)
        return self.create(original.form_id, original.form_version, original.data, original.title)

    def record_document(self, draft_id: str, kind: str, path: str, fields_total: int, fields_signed: int) -> None:
        """Remember the newest document of a kind for a draft, with how many of its signature fields are signed."""
        with self._sessions.begin() as session:
            self._row(session, draft_id)
            row = session.scalars(
                select(DocumentRow).where(DocumentRow.draft_id == draft_id, DocumentRow.kind == kind)
            ).first()
            if row is None:
                row = DocumentRow(draft_id=draft_id, kind=kind)
                session.add(row)
            row.path, row.fields_total, row.fields_signed, row.updated_at = path, fields_total, fields_signed, _now()

    def documents(self, draft_id: str | None = None) -> dict[str, builtins.list[DocumentRecord]]:
        """Documents by draft id (of one draft, or of all)."""
        with self._sessions() as session:
            query = select(DocumentRow).order_by(DocumentRow.kind)
            if draft_id is not None:
                query = query.where(DocumentRow.draft_id == draft_id)
            found: dict[str, builtins.list[DocumentRecord]] = {}
            for r in session.scalars(query):
                found.setdefault(r.draft_id, []).append(
                    DocumentRecord(r.kind, r.path, r.fields_total, r.fields_signed, _aware(r.updated_at))
                )
            return found

    def delete(self, draft_id: str) -> None:
        with self._sessions.begin() as session:
            self._row(session, draft_id)
            session.execute(delete(DocumentRow).where(DocumentRow.draft_id == draft_id))
            session.execute(delete(RevisionRow).where(RevisionRow.draft_id == draft_id))
            session.execute(delete(DraftRow).where(DraftRow.id == draft_id))

    def revisions(self, draft_id: str) -> builtins.list[RevisionRecord]:
        with self._sessions() as session:
            row = self._row(session, draft_id)
            return [
                RevisionRecord(
                    r.number, r.form_version, r.status, r.sealed, _aware(r.saved_at), json.loads(r.data_json)
                )
                for r in row.revisions
            ]
