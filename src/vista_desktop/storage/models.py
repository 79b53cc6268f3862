"""ORM models of the local database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DraftRow(Base):
    __tablename__ = "drafts"
    # Covers the drafts list (storage.records.SUMMARY_SELECT): read without walking each draft's data (0008).
    __table_args__ = (
        Index(
            "ix_drafts_list",
            "deleted_at",
            "updated_at",
            "id",
            "form_id",
            "form_version",
            "title",
            "status",
            "revision",
            "created_at",
            "data_hash",
            "task_id",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(40), index=True)
    form_version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # Set when the draft is moved to the recycle bin; purged for good some days later.
    deleted_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True, default=None)
    # SHA-256 of data_json: what an exported document is compared with (None on rows not saved since 0004).
    data_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    # The S&T task the draft belongs to (0005); NULL: not grouped. No FK constraint (added by ADD COLUMN).
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True, default=None)

    revisions: Mapped[list[RevisionRow]] = relationship(
        back_populates="draft",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RevisionRow.number",
    )


class RevisionRow(Base):
    """One kept state of a draft: one per editing session, sealed when the draft is completed."""

    __tablename__ = "draft_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    form_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    data_json: Mapped[str] = mapped_column(Text)
    editing_session: Mapped[str | None] = mapped_column(String(36), nullable=True)
    sealed: Mapped[bool] = mapped_column(default=False)
    saved_at: Mapped[datetime] = mapped_column()

    draft: Mapped[DraftRow] = relationship(back_populates="revisions")


class DocumentRow(Base):
    """An official document made from a draft (the rendered form PDF, later its signed versions)."""

    __tablename__ = "draft_documents"
    __table_args__ = (UniqueConstraint("draft_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)
    fields_total: Mapped[int] = mapped_column(Integer, default=0)
    fields_signed: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column()
    data_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class TaskRow(Base):
    """One S&T task: groups its drafts (Mẫu 1, Mẫu 5, Mẫu 8, the confirmation…)."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column()


class OutboxRow(Base):
    """A frozen, signed dossier queued for the intake server, and what the server said about it (0006)."""

    __tablename__ = "outbox"

    submission: Mapped[str] = mapped_column(String(36), primary_key=True)
    folder: Mapped[str] = mapped_column(Text)
    manifest_json: Mapped[str] = mapped_column(Text)
    total_bytes: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), index=True)
    server_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    registration_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    certificate_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reasons_json: Mapped[str] = mapped_column(Text, default="[]")
    receipt_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    draft_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class SyncServerRow(Base):
    """The intake server of this installation: URL and account name, never the password."""

    __tablename__ = "sync_server"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_url: Mapped[str] = mapped_column(Text)
    account: Mapped[str] = mapped_column(String(100))
    ca_bundle: Mapped[str | None] = mapped_column(Text, nullable=True)


class DossierFileRow(Base):
    """A user file attached by reference to a task's results dossier (0007): never copied, checked by its size,
    modification time and SHA-256."""

    __tablename__ = "dossier_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    slot: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    attached_at: Mapped[datetime] = mapped_column()
    # 0009: kept as a copy in the content store; `path` is then the copy, this the file the user attached.
    original_path: Mapped[str | None] = mapped_column(Text, default=None)
