"""Repeating tables as editable grids: add, remove and reorder rows; one delegate types every column."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.forms.limits import max_rows_of
from vista_desktop.forms.model import Field, FieldType
from vista_desktop.forms.values import display
from vista_desktop.i18n import current_language, tr
from vista_desktop.ui.field_widgets import FieldWidget, parsed_input

VALUE_ROLE = Qt.ItemDataRole.UserRole
ERROR_BRUSH = QBrush(QColor("#fde2e1"))
AnyIndex = QModelIndex | QPersistentModelIndex
_CELL = re.compile(r"^[^\[]+\[(\d+)\](?:\.(.+))?$")


def cell_text(column: Field, value: Any) -> str:
    # Citizen IDs are masked in the grid; the full number shows only in the cell editor.
    return display(column, value, mask_citizen_id=True)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def choice_for(column: Field, text: str) -> Any:
    """The stored value of a typed choice: the choice itself whatever the case, spacing or (in English) its
    English label; the text as typed when it is no choice, so that validation explains it and nothing is lost."""
    if not text.strip():
        return None
    wanted = _key(text)
    for choice in column.choices:
        if wanted in (_key(choice.value), _key(choice.label.en)):
            return choice.value
    return " ".join(text.split())


def choice_editor(column: Field, parent: QWidget) -> QComboBox:
    """An editable list: typing goes into it, spaces included ("Thư ký khoa học"); Alt+Down or the arrow shows the
    choices. A plain combo box opens its list at the first space and swallows the rest of the typing. No completer:
    inline completion would turn a typed "Thành viên" into "Thành viên chính", and a completion popup over a cell
    editor closes with it."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setCompleter(None)  # type: ignore[arg-type]  # None removes it; the stubs omit that
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem("", None)
    english = current_language() != "vi"
    for choice in column.choices:
        combo.addItem(choice.value, choice.value)
        if english:  # the stored value is the Vietnamese one; the English label explains it
            combo.setItemData(combo.count() - 1, choice.label.en, Qt.ItemDataRole.ToolTipRole)
    return combo


class ColumnDelegate(QStyledItemDelegate):
    """Editors by column type: a list for choices, a line edit (with the full, unmasked value) otherwise."""

    def __init__(self, columns: tuple[Field, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self.columns = columns

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        column = self.columns[index.column()]
        if column.type is FieldType.CHOICE:
            return choice_editor(column, parent)
        return QLineEdit(parent)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(VALUE_ROLE)
        column = self.columns[index.column()]
        if isinstance(editor, QComboBox):
            found = editor.findData(value)
            if found >= 0:
                editor.setCurrentIndex(found)
            editor.setEditText("" if value is None else str(value))
        elif isinstance(editor, QLineEdit):
            plain = column.type in (FieldType.CITIZEN_ID, FieldType.INTEGER)
            editor.setText("" if value is None else str(value) if plain else display(column, value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        column = self.columns[index.column()]
        if isinstance(editor, QComboBox):
            value = choice_for(column, editor.currentText())
        elif isinstance(editor, QLineEdit):
            text = editor.text()
            value = parsed_input(column, text) if text.strip() else None
        else:
            return
        model.setData(index, value, VALUE_ROLE)
        model.setData(index, cell_text(column, value), Qt.ItemDataRole.DisplayRole)


MIN_COLUMN_WIDTH = 110


def _fit_headers(grid: QTableWidget) -> None:
    """Every column at least as wide as its header ("Học hàm, học vị", "Gia hạn đến (tháng/năm)"), so that no
    header is cut; wider grids scroll sideways."""
    header = grid.horizontalHeader()
    for column in range(grid.columnCount()):
        header.resizeSection(column, max(MIN_COLUMN_WIDTH, header.sectionSizeHint(column)))


class TableField(FieldWidget):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        outer = QVBoxLayout()
        outer.setContentsMargins(0, 0, 0, 0)
        self.box.addLayout(outer)
        self.grid = QTableWidget(0, len(field.columns), self)
        self.grid.setObjectName(f"table:{field.id}")
        self.grid.setHorizontalHeaderLabels([c.label.text_current() for c in field.columns])
        self.grid.setItemDelegate(ColumnDelegate(field.columns, self.grid))
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move within it
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setStretchLastSection(True)
        _fit_headers(self.grid)
        self.grid.setMinimumHeight(150)
        self.grid.itemChanged.connect(lambda _item: self._emit())
        outer.addWidget(self.grid)
        outer.addLayout(self._buttons())
        self.setFocusProxy(self.grid)
        # Rows copied from Excel (tab-separated): Ctrl+V on the grid itself; a cell editor keeps its own Ctrl+V.
        self.grid.installEventFilter(self)
        self.preview_dialog: QWidget | None = None  # the last Excel preview shown (ui.xlsx_preview)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for key, slot, name in (
            ("ui.table.add", self.add_row, "add"),
            ("ui.table.remove", self.remove_row, "remove"),
            ("ui.table.up", lambda: self.move_row(-1), "up"),
            ("ui.table.down", lambda: self.move_row(1), "down"),
            ("xlsx.ui.import_table", self.import_from_excel, "import-xlsx"),
        ):
            button = QPushButton(tr(key), self)
            button.setObjectName(f"{name}:{self.field.id}")
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def value(self) -> Any:
        rows = []
        for r in range(self.grid.rowCount()):
            row = {}
            for c, column in enumerate(self.field.columns):
                item = self.grid.item(r, c)
                value = item.data(VALUE_ROLE) if item else None
                if value is not None:
                    row[column.id] = value
            rows.append(row)
        return rows or None

    def _show(self, value: Any) -> None:
        # A value that is not a list of rows is kept in the draft for validation to explain; the grid shows none.
        rows = [r for r in value if isinstance(r, dict)][: max_rows_of(self.field)] if isinstance(value, list) else []
        self.grid.blockSignals(True)
        self.grid.setRowCount(0)
        for row in rows:
            self._append(row)
        self.grid.blockSignals(False)

    def _append(self, row: dict[str, Any]) -> int:
        r = self.grid.rowCount()
        self.grid.insertRow(r)
        for c, column in enumerate(self.field.columns):
            item = QTableWidgetItem(cell_text(column, row.get(column.id)))
            item.setData(VALUE_ROLE, row.get(column.id))
            self.grid.setItem(r, c, item)
        return r

    def add_row(self) -> None:
        if self.grid.rowCount() >= max_rows_of(self.field):
            return  # far beyond any real form: the limit of forms.limits
        self.grid.blockSignals(True)
        r = self._append({})
        self.grid.blockSignals(False)
        self.grid.setCurrentCell(r, 0)
        self.grid.setFocus()
        self._emit()

    def remove_row(self) -> None:
        r = self.grid.currentRow()
        if r >= 0:
            self.grid.removeRow(r)
            self._emit()

    def move_row(self, step: int) -> None:
        r = self.grid.currentRow()
        target = r + step
        if r < 0 or not 0 <= target < self.grid.rowCount():
            return
        rows = self.value() or []
        rows[r], rows[target] = rows[target], rows[r]
        self._show(rows)
        self.grid.setCurrentCell(target, max(self.grid.currentColumn(), 0))
        self._emit()

    def replace_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show `rows` (stored values) in place of the grid's and report the change."""
        self._show(rows)
        self._emit()

    def import_from_excel(self) -> None:
        from vista_desktop.ui.xlsx_preview import import_table_from_excel

        import_table_from_excel(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.grid
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
        ):
            self.paste_rows()
            return True
        return super().eventFilter(watched, event)

    def paste_rows(self) -> None:
        from vista_desktop.ui.xlsx_preview import paste_into

        paste_into(self)

    def focus_widget(self) -> QWidget:
        return self.grid

    def select_cell(self, field_id: str) -> None:
        """Make the cell of a problem id ("members[2].role", rows counted from 1) the current one."""
        m = _CELL.match(field_id)
        if m is None or self.grid.rowCount() == 0:
            return
        row = min(max(int(m[1]) - 1, 0), self.grid.rowCount() - 1)
        ids = [c.id for c in self.field.columns]
        column = ids.index(m[2]) if m[2] in ids else 0
        self.grid.setCurrentCell(row, column)
        self.grid.scrollTo(self.grid.model().index(row, column))

    def show_cell_problems(self, problems: dict[tuple[int, str], str]) -> None:
        """Tint the cells that have problems and explain them in their tooltip; rows counted from 1."""
        self.grid.blockSignals(True)
        for r in range(self.grid.rowCount()):
            for c, column in enumerate(self.field.columns):
                item = self.grid.item(r, c)
                if item is None:
                    continue
                message = problems.get((r + 1, column.id))
                item.setBackground(ERROR_BRUSH if message else QBrush())
                item.setToolTip(message or "")
        self.grid.blockSignals(False)
