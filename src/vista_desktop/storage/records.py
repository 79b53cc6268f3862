"""What the repository hands out: plain records of drafts, their documents and tasks.

Apart from the repository (and SQLAlchemy) so that the start-up snapshot can build the same records with the
sqlite3 driver alone, before SQLAlchemy has loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "SUMMARY_SELECT",
    "DocumentRecord",
    "DraftRecord",
    "DraftSummary",
    "TaskRecord",
    "moment",
    "summaries_from_driver",
    "summary_of_row",
]


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
    # Keyword-only so that it sorts after DraftRecord.data and existing positional constructors keep working.
    deleted_at: datetime | None = field(default=None, kw_only=True)
    data_hash: str | None = field(default=None, kw_only=True)  # SHA-256 of the stored data (see `data_hash`)
    task_id: str | None = field(default=None, kw_only=True)  # the S&T task it belongs to; None: not grouped


@dataclass(frozen=True)
class DraftRecord(DraftSummary):
    data: dict[str, Any]


@dataclass(frozen=True)
class DocumentRecord:
    kind: str
    path: str
    fields_total: int
    fields_signed: int
    updated_at: datetime
    data_hash: str | None = None  # of the draft's data the document was made from

    def outdated(self, draft: DraftSummary) -> bool:
        """The draft was edited after this document was made from it (unknown on rows older than 0004: False)."""
        return self.data_hash is not None and draft.data_hash is not None and self.data_hash != draft.data_hash


@dataclass(frozen=True)
class TaskRecord:
    """An S&T task grouping drafts; `title` and `code` as they were when it was created (for lists)."""

    id: str
    title: str
    code: str
    created_at: datetime


# The drafts list through the driver: plain rows of the summary's columns, no data (megabytes for 10,000
# drafts), no identity map, no per-value type processing. Read at every start, by SQLAlchemy's connection or
# by sqlite3 alone (the start-up snapshot), so written once here.
SUMMARY_SELECT = (
    "SELECT id, form_id, form_version, title, status, revision, created_at, updated_at, data_hash, task_id"
    " FROM drafts WHERE deleted_at IS NULL ORDER BY updated_at DESC"
)


def moment(text: str | None) -> datetime | None:
    """A stored moment as an aware datetime in UTC (None stays None)."""
    # SQLite keeps SQLAlchemy's DateTime as naive ISO text in UTC ("2026-11-27 09:24:01.123456").
    if not text:
        return None
    if len(text) < 19:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    time_part = text[19:]
    if "+" in time_part or "-" in time_part or time_part.endswith("Z"):
        return datetime.fromisoformat(text).astimezone(UTC)
    return _naive_utc(text)


def _naive_utc(text: str) -> datetime:
    # Parsed with the offset appended: four times faster than parsing and then replacing tzinfo, which counts at
    # start-up with two moments for each of 10,000 drafts.
    return datetime.fromisoformat(text + "+00:00")


def _list_moment(text: str | None) -> datetime:
    try:
        return _naive_utc(text)  # type: ignore[arg-type]  # what the app writes; anything else below
    except (TypeError, ValueError):
        return moment(text) or datetime.min.replace(tzinfo=UTC)


def summaries_from_driver(rows: Iterable[Sequence[Any]]) -> list[DraftSummary]:
    """The summaries of rows of SUMMARY_SELECT (drafts not in the recycle bin)."""
    return list(map(summary_of_row, rows))


def summary_of_row(
    row: Sequence[Any],
    _parse: Any = datetime.fromisoformat,
    _new: Any = object.__new__,
    _set: Any = object.__setattr__,
) -> DraftSummary:
    """The summary of one row of SUMMARY_SELECT."""
    # Made for every draft listed (10,000 in the benchmark): local names only, and the summary filled without the
    # dataclass's per-field frozen __setattr__ (a third of the time); it is equal and hashes as if built by its
    # constructor (a test checks it).
    draft_id, form_id, version, title, status, revision, created, updated, data_hash, task_id = row
    try:
        created_at, updated_at = _parse(created + "+00:00"), _parse(updated + "+00:00")
    except (TypeError, ValueError):
        created_at, updated_at = _list_moment(created), _list_moment(updated)
    item = _new(DraftSummary)
    _set(
        item,
        "__dict__",
        {
            "id": draft_id,
            "form_id": form_id,
            "form_version": version,
            "title": title,
            "status": status,
            "revision": revision,
            "created_at": created_at,
            "updated_at": updated_at,
            "deleted_at": None,
            "data_hash": data_hash,
            "task_id": task_id,
        },
    )
    return item  # type: ignore[no-any-return]
