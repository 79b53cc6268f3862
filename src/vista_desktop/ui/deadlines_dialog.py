"""The deadlines dashboard: every draft's legal deadline, overdue and due soon first, and the start-up notice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.i18n import tr
from vista_desktop.ui import tasks
from vista_desktop.ui.deadline_cells import deadline_colour
from vista_desktop.ui.errors import error_text
from vista_desktop.ui.qt_values import USER_ROLE

if TYPE_CHECKING:
    from vista_desktop.services.deadlines import DeadlineService, DraftDeadline

COLUMNS = (
    "ui.deadlines.col.due",
    "ui.deadlines.col.state",
    "ui.deadlines.col.days",
    "ui.deadlines.col.form",
    "ui.deadlines.col.title",
    "ui.deadlines.col.rule",
)
# Where the main window puts the deadlines list (`MainWindow._actions`): the start-up notice names this path from
# the same catalog keys, so that the two cannot say different things.
DEADLINES_MENU_PATH = ("ui.menu.task", "ui.deadlines.action")
# The sort value of a cell whose text does not sort (a day count written out, a date as dd/mm/yyyy).
SORT_ROLE = USER_ROLE + 1


def menu_path(keys: tuple[str, ...] = DEADLINES_MENU_PATH) -> str:
    """ "Nhiệm vụ → Danh sách hạn nộp": menu texts as a clerk reads them, without mnemonics and the trailing dots."""
    return " → ".join(tr(key).replace("&", "").removesuffix("…").strip() for key in keys)


def soon_message(found: list[DraftDeadline]) -> str:
    """The start-up notice, or "" when nothing is overdue or due within 7 days."""
    late = sum(d.state.value == "overdue" for d in found)
    if not found:
        return ""
    return tr("ui.deadlines.soon", count=len(found) - late, late=late, where=menu_path())


def days_text(days: int | None) -> str:
    """The "Số ngày" column: "còn 12 ngày", "hôm nay", "quá hạn 651 ngày" rather than a bare signed number."""
    if days is None:
        return ""
    if days == 0:
        return tr("ui.deadlines.days_today")
    return tr("ui.deadlines.days_left", days=days) if days > 0 else tr("ui.deadlines.days_late", days=-days)


def form_name(form_id: str) -> str:
    """A form's short title ("Mẫu 1 – Phiếu thông tin") instead of its id; the id when no definition has it."""
    from vista_desktop.forms.titles import form_titles

    found = next((t for t in form_titles() if t.form_id == form_id), None)
    return found.short_title.text_current() if found is not None else form_id


class _SortableItem(QTableWidgetItem):
    """Sorts by SORT_ROLE when it is set, so that "quá hạn 3 ngày" comes before "còn 2 ngày"."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return bool(mine < theirs)
        return super().__lt__(other)


class DeadlinesDialog(QDialog):
    """Loaded on a worker (it reads every draft's data); `open_draft` is called with the chosen draft's id."""

    def __init__(
        self,
        service: DeadlineService,
        open_draft: Callable[[str], object],
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.open_draft, self.today = service, open_draft, today or date.today()
        self.setObjectName("deadlines-dialog")
        self.setWindowTitle(tr("ui.deadlines.title"))
        self.resize(900, 420)
        intro = QLabel(tr("ui.deadlines.intro"))
        intro.setWordWrap(True)
        self.status = QLabel("…")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("deadlines")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # No column sorted until the clerk clicks one: the service's order (what needs doing first) stands.
        self.table.horizontalHeader().setSortIndicator(-1, QtCore.Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(tr("ui.deadlines.open"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("open-button")
        self.open_button.clicked.connect(self.open_selected)
        buttons.addButton(tr("ui.deadlines.close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.items: list[DraftDeadline] = []
        self.loaded = False
        self._update_buttons()
        tasks.start(lambda _ctx: self.service.all(self.today), self.show_items, self._failed, owner=self)

    def show_items(self, items: list[DraftDeadline]) -> None:
        self.items = items
        # Rows are filled in the service's order, then may be re-sorted by a header click: each row keeps the
        # index of its deadline (SORT_ROLE of the first cell is its date, Qt.UserRole its index).
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(items))
        for row, deadline in enumerate(items):
            self._fill_row(row, index=row, deadline=deadline)
        self.table.setSortingEnabled(True)
        self.status.setText("" if items else tr("ui.deadlines.empty"))
        if items:
            self.table.selectRow(0)
        self.loaded = True
        self._update_buttons()

    def _fill_row(self, row: int, index: int, deadline: DraftDeadline) -> None:
        days = deadline.days_left(self.today)
        days = None if deadline.state.value == "done" else days
        cells: tuple[tuple[str, object], ...] = (
            (
                deadline.due.strftime("%d/%m/%Y") if deadline.due else "",
                deadline.due.toordinal() if deadline.due else None,
            ),
            (tr(f"deadlines.state.{deadline.state.value}"), deadline.sort_key()[0]),
            (days_text(days), days),
            (form_name(deadline.form_id), None),
            (deadline.title or tr("ui.drafts.untitled"), None),
            (tr(f"deadlines.kind.{deadline.kind.value}"), None),
        )
        colour = deadline_colour(deadline)
        for column, (text, sort_value) in enumerate(cells):
            item = _SortableItem(text)
            if sort_value is not None:
                item.setData(SORT_ROLE, sort_value)
            if column == 0:
                item.setData(QtCore.Qt.ItemDataRole.UserRole, index)
            if colour is not None and column in (0, 1, 2):
                item.setForeground(colour)
            self.table.setItem(row, column, item)

    def deadline_at(self, row: int) -> DraftDeadline | None:
        """The deadline shown on `row`, whatever order the table is sorted in."""
        item = self.table.item(row, 0)
        index = item.data(QtCore.Qt.ItemDataRole.UserRole) if item is not None else None
        return self.items[index] if isinstance(index, int) and 0 <= index < len(self.items) else None

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(tr("ui.deadlines.failed", reason=error_text(exc)))
        self.loaded = True

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and (deadline := self.deadline_at(rows[0].row())) is not None:
            self.open_draft(deadline.draft_id)

    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            self.open_selected()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]
