"""The drafts list read at start-up with the sqlite3 driver alone, while the window is still being built.

Opening the database properly (SQLAlchemy, the integrity check, migrations, the recycle bin) takes about half a
second and runs on a worker after the window shows; the list the user came for should not wait for it. This
read-only look at the file fills the list at once. It is taken only from a database already at the current
schema: anything else (no file yet, an older schema, a damaged file, a lock) gives None, and the list waits for
the full open as before. The full open refreshes the list afterwards, so a snapshot never outlives a recovery.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

from vista_desktop.storage.head import HEAD_REVISION
from vista_desktop.storage.records import (
    SUMMARY_SELECT,
    DocumentRecord,
    DraftSummary,
    moment,
    summaries_from_driver,
    summary_of_row,
)

__all__ = ["ListSnapshot", "ListedSummaries", "read_list_snapshot"]

log = logging.getLogger(__name__)

DOCUMENTS_SELECT = (
    "SELECT draft_id, kind, path, fields_total, fields_signed, updated_at, data_hash FROM draft_documents ORDER BY kind"
)
TASKS_SELECT = "SELECT id, title, code FROM tasks"


@dataclass(frozen=True)
class ListSnapshot:
    """What the drafts list shows: the drafts, their documents by draft id, task names by task id."""

    drafts: Sequence[DraftSummary]
    documents: dict[str, list[DocumentRecord]]
    task_names: dict[str, str]


def read_list_snapshot(path: Path) -> ListSnapshot | None:
    """The drafts list of the database at `path`, read-only; None when it cannot be trusted (see the module)."""
    if not path.is_file():
        return None
    try:
        # Read-only and without creating anything: a missing -wal/-shm is left for the real open to make.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error as exc:
        log.info("no start-up snapshot of the drafts: %s", exc)
        return None
    try:
        return _read(connection)
    except sqlite3.Error as exc:
        log.info("no start-up snapshot of the drafts: %s", exc)
        return None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection) -> ListSnapshot | None:
    versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if versions != [(HEAD_REVISION,)]:
        return None  # an older (or newer) schema: the columns may differ until the migration has run
    # One read transaction, so that the three lists agree even while another process writes.
    connection.execute("BEGIN")
    drafts = _summaries(connection)
    documents: dict[str, list[DocumentRecord]] = {}
    for draft_id, kind, file, total, signed, updated, data_hash in _rows(connection, DOCUMENTS_SELECT):
        record = DocumentRecord(kind, file, total, signed, moment(updated) or _UNKNOWN, data_hash)
        documents.setdefault(draft_id, []).append(record)
    task_names = {task_id: code or title for task_id, title, code in _rows(connection, TASKS_SELECT)}
    connection.execute("COMMIT")
    return ListSnapshot(drafts, documents, task_names)


_SELECTED_COLUMNS = re.compile(r"^SELECT (.+?) FROM ", re.DOTALL)


def _rows(connection: sqlite3.Connection, select: str) -> list[Any]:
    """The rows of `select`, read by SQLite as one JSON array in a single step.

    The sqlite3 module lets go of the GIL around every row it steps: while the GUI thread is busy loading (it
    is, all through start-up), each row then waits for the GIL, and 10,000 rows took seconds instead of 40 ms.
    One step builds the whole list in C without the GIL; json.loads turns it into lists in one go."""
    try:
        (text,) = connection.execute(
            f"SELECT json_group_array(json_array({_selected(select)})) FROM ({select})"
        ).fetchone()
    except sqlite3.OperationalError:  # an SQLite built without its JSON functions: row by row
        return connection.execute(select).fetchall()
    rows: list[Any] = json.loads(text)
    return rows


_UNKNOWN = datetime.min.replace(tzinfo=UTC)
_SEPARATOR, _NULL = "\x1f", "\x1e"
_NULLABLE = ("data_hash", "task_id")


def _summaries(connection: sqlite3.Connection) -> Sequence[DraftSummary]:
    """The drafts, as ListedSummaries read column by column: SQLite joins each column into one string (in C,
    without the GIL) and Python splits it, so the start-up thread holds the GIL for a few milliseconds, not the
    ~30 ms that 10,000 rows of JSON made into summaries cost while the window loads. A value holding the
    separator falls back to the rows as before; an order other than the newest save first is said, not assumed
    (`newest_first`), and the list then sorts them."""
    columns = _column_names(SUMMARY_SELECT)
    joined = ", ".join(
        f"group_concat(coalesce({c}, char(30)), char(31))" if c in _NULLABLE else f"group_concat({c}, char(31))"
        for c in columns
    )
    count, *texts = connection.execute(f"SELECT count(*), {joined} FROM ({SUMMARY_SELECT})").fetchone()
    if not count:
        return []
    split = [text.split(_SEPARATOR) if text is not None else [] for text in texts]
    if any(len(values) != count for values in split):
        return summaries_from_driver(_rows(connection, SUMMARY_SELECT))
    for name in _NULLABLE:
        values = split[columns.index(name)]
        if _NULL in values:
            split[columns.index(name)] = [None if v == _NULL else v for v in values]
    updated = split[columns.index("updated_at")]
    # Newest first as the list orders them (by time): the app's own naive UTC text orders as its time does.
    in_order = (
        set(map(len, updated)) <= {19, 26}
        and not any(mark in texts[columns.index("updated_at")] for mark in "TZ+")
        and updated == sorted(updated, reverse=True)
    )
    return ListedSummaries(split, newest_first=in_order)


def _selected(select: str) -> str:
    """What `select` selects, as written ("id, form_id, …")."""
    columns = _SELECTED_COLUMNS.match(select)
    assert columns is not None, select
    return columns.group(1)


def _column_names(select: str) -> list[str]:
    return _selected(select).split(", ")


class ListedSummaries(Sequence[DraftSummary]):
    """The drafts of the start-up snapshot in the list's order (SUMMARY_SELECT: the newest save first), each
    made into a DraftSummary when it is first looked at: the first paint looks at the rows on screen only."""

    _REVISION = _column_names(SUMMARY_SELECT).index("revision")

    def __init__(self, columns: list[list[Any]], *, newest_first: bool) -> None:
        """`columns`: SUMMARY_SELECT's columns as text (revision too), of equal length."""
        self._columns = columns
        self._count = len(columns[0])
        self.newest_first = newest_first  # in the list's default order (the newest save first): no sort needed
        self._made: list[DraftSummary | None] = [None] * self._count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> DraftSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[DraftSummary]: ...

    def __getitem__(self, index: int | slice) -> DraftSummary | list[DraftSummary]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        made = self._made[index]
        if made is None:
            row = [column[index] for column in self._columns]
            row[self._REVISION] = int(row[self._REVISION])
            made = self._made[index] = summary_of_row(row)
        return made

    def __iter__(self) -> Iterator[DraftSummary]:
        return map(self.__getitem__, range(self._count))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # like a list

    @property
    def made(self) -> int:
        """How many summaries were made so far."""
        return sum(1 for made in self._made if made is not None)
