"""The list of drafts as a Qt table model that searches, filters and sorts itself."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
)
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from vista_desktop.forms.titles import short_title
from vista_desktop.i18n import tr
from vista_desktop.ui.deadline_cells import deadline_colour, deadline_text
from vista_desktop.ui.qt_values import (
    ALIGN_RIGHT_MIDDLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOL_TIP_ROLE,
)

if TYPE_CHECKING:
    from vista_desktop.services.deadlines import DraftDeadline
    from vista_desktop.services.documents import DocumentRecord
    from vista_desktop.services.drafts import DraftDetails, DraftSummary

AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS = (
    "ui.drafts.col.form",
    "ui.drafts.col.title",
    "ui.results.col.task",
    "ui.drafts.col.code",
    "ui.drafts.col.pi",
    "ui.drafts.col.status",
    "ui.drafts.col.progress",
    "ui.drafts.col.signatures",
    "ui.deadlines.column",
    "ui.drafts.col.saved",
)
FORM, TITLE, TASK, CODE, PI, STATUS, PROGRESS, SIGNATURES, DEADLINE, SAVED = range(len(COLUMNS))
DETAIL_COLUMNS = (CODE, PI, PROGRESS, DEADLINE)  # read from each draft's data on a worker, after the list shows


def form_name(summary: DraftSummary) -> str:
    # From the head of the definition file: the first paint of the list must not build every definition.
    title = short_title(summary.form_id, summary.form_version)
    return title.text_current() if title is not None else f"{summary.form_id} {summary.form_version}"


def fold(text: str) -> str:
    """Lower case without Vietnamese marks, so that "nghien cuu" finds "Nghiên cứu" (and "Đ" is "d")."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    if _ASTRAL.search(decomposed):  # beyond the pattern below: character by character
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    # In C: the search texts of 10,000 drafts are folded at the first keystroke.
    return _combining_marks().sub("", decomposed)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NUMBER = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """How a text sorts: folded, its numbers as numbers ("giai đoạn 2" before "giai đoạn 10", "ĐT-9" before
    "ĐT-10"). Texts and numbers alternate in the same places, so that any two keys compare."""
    parts = _NUMBER.split(fold(text))
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


@cache
def _combining_marks() -> re.Pattern[str]:
    """Every combining mark of the Basic Multilingual Plane (made on first use, a few milliseconds)."""
    marks = "".join(chr(point) for point in range(0x10000) if unicodedata.combining(chr(point)))
    return re.compile(f"[{re.escape(marks)}]")


def ascii_file_stem(*parts: str, limit: int = 60) -> str:
    """A file name stem safe on every file system and e-mail client: ASCII words joined by '-'."""
    words = re.split(r"[^a-z0-9]+", fold(" ".join(parts)))
    stem = ""
    for word in filter(None, words):
        if len(stem) + len(word) + 1 > limit:
            break
        stem = f"{stem}-{word}" if stem else word
    return stem


@dataclass(frozen=True)
class DraftSearch:
    """What the list is narrowed to: drafts whose folded text holds every word, of one form, in one status."""

    words: tuple[str, ...] = ()
    form_id: str | None = None
    status: str | None = None

    def __bool__(self) -> bool:
        return bool(self.words or self.form_id or self.status)

    def accepts(self, draft: DraftSummary, text: str) -> bool:
        if self.form_id is not None and draft.form_id != self.form_id:
            return False
        if self.status is not None and draft.status != self.status:
            return False
        return all(word in text for word in self.words)


def column_titles(parent: QtCore.QObject) -> QStandardItemModel:
    """The list's column titles, as a model of Qt's own for the table's header: the header asks a Python model's
    headerData() with a Qt.Orientation, and passing one builds the whole Qt namespace (see qt_values)."""
    titles = QStandardItemModel(0, len(COLUMNS), parent)
    for column, key in enumerate(COLUMNS):
        item = QStandardItem(tr(key))
        if column == PROGRESS:
            item.setToolTip(tr("ui.drafts.progress_tip"))
        titles.setHorizontalHeaderItem(column, item)
    return titles


class DraftsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.drafts: Sequence[DraftSummary] = []  # every draft, in the list's order
        self.rows: Sequence[DraftSummary] = []  # those the search and filters let through: the table's rows
        self.search = DraftSearch()
        self.documents: dict[str, list[DocumentRecord]] = {}
        # Read from each draft's data on a worker; kept with the time of the save they were read from.
        self.details: dict[str, tuple[datetime, DraftDetails]] = {}
        self.task_names: dict[str, str] = {}  # task id → what the "Nhiệm vụ" column shows (code, else title)
        self._by_id: dict[str, DraftSummary] | None = None  # by id, made when first asked (see `by_id`)
        self._haystacks: dict[str, str] = {}  # draft id → what the search looks in (see `_haystack`)
        # The model sorts itself (Python's sort over one key per row, computed once): a sorting proxy would call
        # data() back through Qt O(n log n) times — seconds for 10,000 drafts.
        self.sort_column, self.descending = SAVED, True

    def reset(self, drafts: Sequence[DraftSummary], documents: dict[str, list[DocumentRecord]] | None = None) -> None:
        self.beginResetModel()
        if getattr(drafts, "newest_first", False) and self._newest_first:
            # The start-up snapshot, already in this order: kept as it is, its summaries made as rows are shown.
            self.drafts = drafts
        else:
            self.drafts = self._sorted(drafts)
        self._by_id = None
        self._haystacks.clear()
        self.documents = documents or {}
        self.rows = self._filtered()
        self.endResetModel()

    def set_search(self, search: DraftSearch) -> None:
        """Show only the drafts `search` lets through. The test is made here, in Python over each draft's folded
        text kept from the last keystroke (10,000 drafts: ~10 ms), then the table is reset: a filtering proxy
        asked Qt for every row's text through data(), 100 ms a keystroke."""
        if search == self.search:
            return
        self.search = search
        self._show(self._filtered())

    def _show(self, rows: Sequence[DraftSummary]) -> None:
        if rows is self.rows or list(rows) == list(self.rows):
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def _filtered(self) -> Sequence[DraftSummary]:
        if not self.search:
            return self.drafts  # kept as it is: the start-up snapshot makes its summaries as rows are shown
        return [d for d in self.drafts if self.search.accepts(d, self._haystack(d))]

    @property
    def _newest_first(self) -> bool:
        return self.sort_column == SAVED and self.descending

    @property
    def by_id(self) -> dict[str, DraftSummary]:
        if self._by_id is None:
            self._by_id = {d.id: d for d in self.drafts}
        return self._by_id

    def sort(self, column: int, order: QtCore.Qt.SortOrder | None = None) -> None:
        self.sort_column, self.descending = column, order == QtCore.Qt.SortOrder.DescendingOrder
        self._resort()

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self.rows[i.row()].id if 0 <= i.row() < len(self.rows) else None for i in before]
        self.drafts = self._sorted(self.drafts)
        self.rows = self._filtered()  # the same drafts as before: only their order changed
        rows = {d.id: r for r, d in enumerate(self.rows)}
        after = [
            self.index(rows[i], old.column()) if i in rows else QModelIndex()
            for i, old in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _sorted(self, drafts: Sequence[DraftSummary]) -> list[DraftSummary]:
        if self.sort_column < 0:
            return list(drafts)
        if self.sort_column == SAVED:  # the usual order, at every start: a key read in C, not a call per draft
            return sorted(drafts, key=attrgetter("updated_at"), reverse=self.descending)
        return sorted(drafts, key=lambda d: self._sort_key(d, self.sort_column), reverse=self.descending)

    def missing_details(self) -> list[str]:
        """Drafts whose details are unknown or older than their last save."""
        return [d.id for d in self.drafts if d.id not in self.details or self.details[d.id][0] != d.updated_at]

    def set_details(self, found: dict[str, DraftDetails], saved: dict[str, datetime]) -> None:
        for draft_id, details in found.items():
            self.details[draft_id] = (saved[draft_id], details)
            self._haystacks.pop(draft_id, None)  # the task code and PI are searched too
        if self.search.words and found:
            self._show(self._filtered())  # the task code and the PI are searched: details may change the rows
        changed = [r for r, d in enumerate(self.rows) if d.id in found]
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1))
            if self.sort_column in DETAIL_COLUMNS:
                self._resort()  # the keys were not known when it was sorted

    def draft(self, draft_id: str) -> DraftSummary | None:
        return self.by_id.get(draft_id)

    def details_of(self, draft_id: str) -> DraftDetails | None:
        known = self.details.get(draft_id)
        return known[1] if known else None

    def signatures_text(self, draft_id: str) -> str:
        draft = self.by_id.get(draft_id)
        return self._signatures(draft) if draft is not None else tr("ui.signatures.none")

    def _signatures(self, draft: DraftSummary) -> str:
        records = self.documents.get(draft.id, [])
        if not records:
            return tr("ui.signatures.none")
        return "; ".join(
            tr(
                "ui.signatures.outdated" if r.outdated(draft) else "ui.signatures.state",
                signed=r.fields_signed,
                total=r.fields_total,
            )
            for r in records
        )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def data(self, index: AnyIndex, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        draft = self.rows[index.row()]
        column = index.column()
        if role in (DISPLAY_ROLE, TOOL_TIP_ROLE):
            return self._text(draft, column)
        if role == FOREGROUND_ROLE and column == SIGNATURES and self._outdated(draft):
            return QColor("#b3261e")  # an exported document that no longer says what the draft says
        if role == FOREGROUND_ROLE and column == DEADLINE:
            return deadline_colour(self._deadline(draft))
        if role == TEXT_ALIGNMENT_ROLE and column == PROGRESS:
            return ALIGN_RIGHT_MIDDLE
        return None

    def _text(self, draft: DraftSummary, column: int) -> str:
        details = self.details_of(draft.id)
        if column == FORM:
            return form_name(draft)
        if column == TITLE:
            return draft.title or tr("ui.drafts.untitled")
        if column == TASK:
            return self.task_names.get(draft.task_id or "", "")
        if column == CODE:
            return details.task_code if details else ""
        if column == PI:
            return details.pi_name if details else ""
        if column == STATUS:
            return tr(f"ui.status.{draft.status}")
        if column == PROGRESS:
            return tr("ui.drafts.progress", filled=details.filled, total=details.required) if details else "…"
        if column == SIGNATURES:
            return self._signatures(draft)
        if column == DEADLINE:
            return deadline_text(self._deadline(draft))
        return draft.updated_at.astimezone().strftime("%d/%m/%Y %H:%M")

    def prepare_search(self, budget: int = 500) -> bool:
        """Fold the search texts of up to `budget` more drafts (a slice of the GUI thread's time while idle, so
        that the first keystroke finds them ready); True while some remain."""
        pending = [d for d in self.drafts if d.id not in self._haystacks][:budget]
        for draft in pending:
            self._haystack(draft)
        return len(pending) == budget

    def _haystack(self, draft: DraftSummary) -> str:
        """What DraftsFilter looks in, folded once per draft and kept until the draft or its details change:
        folding it at every keystroke took 0.3-0.5 s per key with 10,000 drafts."""
        haystack = self._haystacks.get(draft.id)
        if haystack is None:
            haystack = self._haystacks[draft.id] = fold(" ".join(self._text(draft, c) for c in (FORM, TITLE, CODE, PI)))
        return haystack

    def _deadline(self, draft: DraftSummary) -> DraftDeadline | None:
        details = self.details_of(draft.id)
        return details.deadline if details else None

    def _sort_key(self, draft: DraftSummary, column: int) -> Any:
        if column == DEADLINE:
            deadline = self._deadline(draft)
            # A string, so that Qt compares it: the state's urgency, then the due date.
            rank, due, _title = deadline.sort_key() if deadline else (9, date.max, "")
            return f"{rank}-{due.isoformat()}"
        if column == SAVED:
            return draft.updated_at  # aware datetimes compare as they are: no conversion for 10,000 rows
        if column == PROGRESS:
            details = self.details_of(draft.id)
            return details.filled / details.required if details and details.required else -1.0
        return natural_key(self._text(draft, column))

    def _outdated(self, draft: DraftSummary) -> bool:
        return any(r.outdated(draft) for r in self.documents.get(draft.id, []))

    def draft_at(self, row: int) -> DraftSummary | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, draft_id: str) -> int:
        return next((r for r, d in enumerate(self.rows) if d.id == draft_id), -1)
