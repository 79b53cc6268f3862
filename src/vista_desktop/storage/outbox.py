"""The outbox repository: queued submissions, their state and the server's answers, and the one intake server of
this installation (URL and account name; the password is in the OS keyring, never here)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from vista_desktop.storage.models import OutboxRow, SyncServerRow

# Outbox states (the server's own words come back in `server_status`).
QUEUED, UPLOADING, RECEIVED, ACCEPTED, RETURNED, FAILED = (
    "queued",
    "uploading",
    "received",
    "accepted",
    "returned",
    "failed",
)
# States a drain works on: sending, or waiting for the reviewer's decision.
ACTIVE_STATES = (QUEUED, UPLOADING, RECEIVED)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OutboxEntry:
    submission: str
    folder: str
    manifest_json: str
    total_bytes: int
    state: str
    server_status: str | None
    registration_number: str | None
    certificate_number: str | None
    reasons: tuple[str, ...]
    receipt: dict[str, Any] | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    last_error_detail: str | None
    draft_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ServerAccount:
    server_url: str
    account: str
    ca_bundle: str | None = None


def _entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        submission=row.submission,
        folder=row.folder,
        manifest_json=row.manifest_json,
        total_bytes=row.total_bytes,
        state=row.state,
        server_status=row.server_status,
        registration_number=row.registration_number,
        certificate_number=row.certificate_number,
        reasons=tuple(json.loads(row.reasons_json or "[]")),
        receipt=json.loads(row.receipt_json) if row.receipt_json else None,
        attempts=row.attempts,
        next_attempt_at=_aware(row.next_attempt_at),
        last_error=row.last_error,
        last_error_detail=row.last_error_detail,
        draft_id=row.draft_id,
        created_at=row.created_at.replace(tzinfo=UTC),
        updated_at=row.updated_at.replace(tzinfo=UTC),
    )


class OutboxRepository:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(
        self, submission: str, folder: str, manifest_json: str, total_bytes: int, draft_id: str | None = None
    ) -> OutboxEntry:
        moment = _now()
        row = OutboxRow(
            submission=submission,
            folder=folder,
            manifest_json=manifest_json,
            total_bytes=total_bytes,
            state=QUEUED,
            reasons_json="[]",
            attempts=0,
            draft_id=draft_id,
            created_at=moment,
            updated_at=moment,
        )
        with self._sessions.begin() as session:
            session.add(row)
        return _entry(row)

    def get(self, submission: str) -> OutboxEntry | None:
        with self._sessions() as session:
            row = session.get(OutboxRow, submission)
            return None if row is None else _entry(row)

    def all(self) -> list[OutboxEntry]:
        with self._sessions() as session:
            rows = session.scalars(select(OutboxRow).order_by(OutboxRow.created_at)).all()
            return [_entry(r) for r in rows]

    def active(self) -> list[OutboxEntry]:
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxRow).where(OutboxRow.state.in_(ACTIVE_STATES)).order_by(OutboxRow.created_at)
            ).all()
            return [_entry(r) for r in rows]

    def update(self, submission: str, **values: Any) -> OutboxEntry:
        """Set columns of one entry; `reasons` and `receipt` are given as Python values."""
        if "reasons" in values:
            values["reasons_json"] = json.dumps(list(values.pop("reasons")), ensure_ascii=False)
        if "receipt" in values:
            receipt = values.pop("receipt")
            values["receipt_json"] = None if receipt is None else json.dumps(receipt, ensure_ascii=False)
        if isinstance(values.get("next_attempt_at"), datetime):
            values["next_attempt_at"] = values["next_attempt_at"].astimezone(UTC).replace(tzinfo=None)
        with self._sessions.begin() as session:
            row = session.get(OutboxRow, submission)
            if row is None:
                raise LookupError(submission)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = _now()
        return _entry(row)

    def server(self) -> ServerAccount | None:
        with self._sessions() as session:
            row = session.get(SyncServerRow, 1)
            return None if row is None else ServerAccount(row.server_url, row.account, row.ca_bundle)

    def set_server(self, server: ServerAccount) -> None:
        with self._sessions.begin() as session:
            row = session.get(SyncServerRow, 1)
            if row is None:
                session.add(
                    SyncServerRow(
                        id=1, server_url=server.server_url, account=server.account, ca_bundle=server.ca_bundle
                    )
                )
            else:
                row.server_url, row.account, row.ca_bundle = server.server_url, server.account, server.ca_bundle
