"""ORM models of the local database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DraftRow(Base):
    __tablename__ = "drafts"

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
