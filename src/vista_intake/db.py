"""The intake database (SQLAlchemy Core): accounts, sign-in tokens and failures, submissions and their uploads.

No state lives in a process: every request reads and writes here, and every change that races another worker is
a conditional UPDATE (the row changes only from the state the worker saw).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from vista_intake.passwords import check_password, dummy_check, hash_password

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)
# Operators (the department's staff) see every submission on the operator page; they cannot submit.
operators = Table(
    "operators",
    metadata,
    Column("name", String(90), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)
tokens = Table(
    "tokens",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("account", String(100), nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(100), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
)
submissions = Table(
    "submissions",
    metadata,
    Column("uuid", String(36), primary_key=True),
    Column("account", String(100), nullable=False, index=True),
    Column("manifest_json", Text, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("total_bytes", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("received_at", DateTime, nullable=True),
    Column("registration_number", String(100), nullable=True),
    Column("certificate_number", String(100), nullable=True),
    Column("reasons_json", Text, nullable=False, default="[]"),
    Column("receipt_json", Text, nullable=True),
)
uploads = Table(
    "uploads",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("submission", String(36), nullable=False, index=True),
    Column("path", Text, nullable=False),
    Column("length", Integer, nullable=False),
    Column("offset", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    UniqueConstraint("submission", "path"),
)


def operator_key(name: str) -> str:
    """Where an operator's failed sign-ins are counted (apart from the submitting account of the same name)."""
    return f"operator:{name}"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True, pool_pre_ping=True)
    else:
        # A server database: connections kept open for the bursts of many offices at once (an overflow connection
        # is closed when given back, so a small pool means a new PostgreSQL backend per request under load).
        # Four workers then hold at most 4 x 20 connections, under PostgreSQL's default max_connections of 100.
        engine = create_engine(url, future=True, pool_pre_ping=True, pool_size=15, max_overflow=5)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        metadata.create_all(engine)
    except (OperationalError, ProgrammingError):
        metadata.create_all(engine)  # another worker created the tables between our check and our CREATE
    return engine


@dataclass(frozen=True)
class Submission:
    uuid: str
    account: str
    manifest: dict[str, Any]
    manifest_sha256: str
    total_bytes: int
    status: str
    created_at: datetime
    received_at: datetime | None
    registration_number: str | None
    certificate_number: str | None
    reasons: list[str]
    receipt: dict[str, Any] | None


@dataclass(frozen=True)
class Upload:
    id: str
    submission: str
    path: str
    length: int
    offset: int
    expires_at: datetime


def _submission(row: Any) -> Submission:
    return Submission(
        uuid=row.uuid,
        account=row.account,
        manifest=json.loads(row.manifest_json),
        manifest_sha256=row.manifest_sha256,
        total_bytes=row.total_bytes,
        status=row.status,
        created_at=row.created_at,
        received_at=row.received_at,
        registration_number=row.registration_number,
        certificate_number=row.certificate_number,
        reasons=json.loads(row.reasons_json or "[]"),
        receipt=json.loads(row.receipt_json) if row.receipt_json else None,
    )


def _upload(row: Any) -> Upload:
    return Upload(row.id, row.submission, row.path, row.length, row.offset, row.expires_at)


class IntakeDatabase:
    def __init__(self, url: str) -> None:
        self.engine = open_engine(url)

    def dispose(self) -> None:
        self.engine.dispose()

    # Accounts and tokens ------------------------------------------------------------------------------------------

    def add_account(self, name: str, password: str) -> None:
        """Create the account, or set a new password for an existing one."""
        hashed = hash_password(password)
        with self.engine.begin() as con:
            changed = con.execute(update(accounts).where(accounts.c.name == name).values(password_hash=hashed))
            if changed.rowcount == 0:
                con.execute(insert(accounts).values(name=name, password_hash=hashed, created_at=now()))

    def add_operator(self, name: str, password: str) -> None:
        """Create the operator, or set a new password for an existing one."""
        hashed = hash_password(password)
        with self.engine.begin() as con:
            changed = con.execute(update(operators).where(operators.c.name == name).values(password_hash=hashed))
            if changed.rowcount == 0:
                con.execute(insert(operators).values(name=name, password_hash=hashed, created_at=now()))

    def check_operator(self, name: str, password: str) -> bool:
        """The operator's password holds; a failure is recorded (under `operator_key(name)`) for rate limiting."""
        with self.engine.connect() as con:
            stored = con.execute(select(operators.c.password_hash).where(operators.c.name == name)).scalar()
        if stored is None:
            dummy_check(password)
        elif check_password(password, stored):
            return True
        with self.engine.begin() as con:
            con.execute(insert(sign_in_failures).values(account=operator_key(name), at=now()))
        return False

    def recent_failures(self, account: str, window: int) -> int:
        since = now() - timedelta(seconds=window)
        with self.engine.connect() as con:
            count = con.execute(
                select(func.count())
                .select_from(sign_in_failures)
                .where(sign_in_failures.c.account == account, sign_in_failures.c.at >= since)
            ).scalar_one()
        return int(count)

    def sign_in(self, account: str, password: str, token_seconds: int) -> str | None:
        """A new token, or None (the failure recorded for rate limiting)."""
        with self.engine.connect() as con:
            stored = con.execute(select(accounts.c.password_hash).where(accounts.c.name == account)).scalar()
        if stored is None:
            dummy_check(password)
            ok = False
        else:
            ok = check_password(password, stored)
        with self.engine.begin() as con:
            if not ok:
                con.execute(insert(sign_in_failures).values(account=account, at=now()))
                return None
            token = secrets.token_urlsafe(32)
            con.execute(delete(tokens).where(tokens.c.expires_at < now()))
            con.execute(
                insert(tokens).values(
                    token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                    account=account,
                    expires_at=now() + timedelta(seconds=token_seconds),
                )
            )
            con.execute(delete(sign_in_failures).where(sign_in_failures.c.account == account))
        return token

    def account_for(self, token: str) -> str | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self.engine.connect() as con:
            row = con.execute(
                select(tokens.c.account).where(tokens.c.token_sha256 == digest, tokens.c.expires_at > now())
            ).first()
        return None if row is None else str(row.account)

    # Submissions --------------------------------------------------------------------------------------------------

    def submission(self, submission_id: str) -> Submission | None:
        with self.engine.connect() as con:
            row = con.execute(select(submissions).where(submissions.c.uuid == submission_id)).first()
        return None if row is None else _submission(row)

    def list_submissions(self, status: str | None = None, limit: int | None = None) -> list[Submission]:
        """Newest first; only those with `status` when given; at most `limit`."""
        query = select(submissions).order_by(submissions.c.created_at.desc())
        if status is not None:
            query = query.where(submissions.c.status == status)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as con:
            rows = con.execute(query).all()
        return [_submission(r) for r in rows]

    def count_by_status(self) -> dict[str, int]:
        with self.engine.connect() as con:
            rows = con.execute(select(submissions.c.status, func.count()).group_by(submissions.c.status)).all()
        return {str(status): int(count) for status, count in rows}

    def create_submission(
        self, submission_id: str, account: str, manifest: dict[str, Any], digest: str, total: int
    ) -> tuple[Submission, bool]:
        """(the submission, created now). An existing row is returned as it is: the caller compares manifests."""
        try:
            with self.engine.begin() as con:
                con.execute(
                    insert(submissions).values(
                        uuid=submission_id,
                        account=account,
                        manifest_json=json.dumps(manifest, ensure_ascii=False),
                        manifest_sha256=digest,
                        total_bytes=total,
                        status="open",
                        created_at=now(),
                        reasons_json="[]",
                    )
                )
            created = True
        except IntegrityError:
            created = False  # another request (a re-send, another worker) made it first
        found = self.submission(submission_id)
        assert found is not None
        return found, created

    def set_received(self, submission_id: str, receipt: dict[str, Any]) -> bool:
        with self.engine.begin() as con:
            changed = con.execute(
                update(submissions)
                .where(submissions.c.uuid == submission_id, submissions.c.status == "open")
                .values(status="received", received_at=now(), receipt_json=json.dumps(receipt, ensure_ascii=False))
            )
        return changed.rowcount == 1

    def review(
        self,
        submission_id: str,
        status: str,
        number: str | None = None,
        certificate: str | None = None,
        reasons: list[str] | None = None,
    ) -> bool:
        with self.engine.begin() as con:
            changed = con.execute(
                update(submissions)
                .where(submissions.c.uuid == submission_id, submissions.c.status == "received")
                .values(
                    status=status,
                    registration_number=number,
                    certificate_number=certificate,
                    reasons_json=json.dumps(reasons or [], ensure_ascii=False),
                )
            )
        return changed.rowcount == 1

    # Uploads ------------------------------------------------------------------------------------------------------

    def create_upload(self, submission_id: str, path: str, length: int, days: int) -> tuple[Upload, bool]:
        """The upload of `path` in the submission: a new one, or the one already created (a lost reply re-sent)."""
        upload_id = uuid.uuid4().hex
        try:
            with self.engine.begin() as con:
                con.execute(
                    insert(uploads).values(
                        id=upload_id,
                        submission=submission_id,
                        path=path,
                        length=length,
                        offset=0,
                        created_at=now(),
                        expires_at=now() + timedelta(days=days),
                    )
                )
            created = True
        except IntegrityError:
            created = False
        with self.engine.connect() as con:
            row = con.execute(
                select(uploads).where(uploads.c.submission == submission_id, uploads.c.path == path)
            ).one()
        return _upload(row), created

    def upload(self, upload_id: str) -> Upload | None:
        with self.engine.connect() as con:
            row = con.execute(select(uploads).where(uploads.c.id == upload_id)).first()
        return None if row is None else _upload(row)

    def uploads_of(self, submission_id: str) -> list[Upload]:
        with self.engine.connect() as con:
            rows = con.execute(select(uploads).where(uploads.c.submission == submission_id)).all()
        return [_upload(r) for r in rows]

    def advance(self, upload_id: str, old_offset: int, new_offset: int, days: int) -> bool:
        with self.engine.begin() as con:
            changed = con.execute(
                update(uploads)
                .where(uploads.c.id == upload_id, uploads.c.offset == old_offset)
                .values(offset=new_offset, expires_at=now() + timedelta(days=days))
            )
        return changed.rowcount == 1

    def delete_upload(self, upload_id: str) -> None:
        with self.engine.begin() as con:
            con.execute(delete(uploads).where(uploads.c.id == upload_id))

    def expired_uploads(self) -> list[Upload]:
        """Unfinished uploads of open submissions past their expiry."""
        with self.engine.connect() as con:
            rows = con.execute(
                select(uploads)
                .join(submissions, submissions.c.uuid == uploads.c.submission)
                .where(uploads.c.expires_at < now(), submissions.c.status == "open")
            ).all()
        return [_upload(r) for r in rows]
