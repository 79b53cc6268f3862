"""Repeating tables as editable grids: add, remove and reorder rows; one delegate types every column."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
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

from vista_desktop.forms.model import Field, FieldType
from vista_desktop.forms.values import display
from vista_desktop.i18n import tr
from vista_desktop.ui.field_widgets import FieldWidget, _parsed

VALUE_ROLE = Qt.ItemDataRole.UserRole
ERROR_BRUSH = QBrush(QColor("#fde2e1"))
AnyIndex = QModelIndex | QPersistentModelIndex


def cell_text(column: Field, value: Any) -> str:
    # Citizen IDs are masked in the grid; the full number shows only in the cell editor.
    return display(column, value, mask_citizen_id=True)


class ColumnDelegate(QStyledItemDelegate):
    """Editors by column type: a list for choices, a line edit (with the full, unmasked value) otherwise."""

    def __init__(self, columns: tuple[Field, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self.columns = columns

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        column = self.columns[index.column()]
        if column.type is FieldType.CHOICE:
            combo = QComboBox(parent)
            combo.addItem("", None)
            for choice in column.choices:
                combo.addItem(choice.value, choice.value)
            return combo
        return QLineEdit(parent)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(VALUE_ROLE)
        column = self.columns[index.column()]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QLineEdit):
            plain = column.type in (FieldType.CITIZEN_ID, FieldType.INTEGER)
            editor.setText("" if value is None else str(value) if plain else display(column, value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        column = self.columns[index.column()]
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
            value = _parsed(column, text) if text.strip() else None
        else:
            return
        model.setData(index, value, VALUE_ROLE)
        model.setData(index, cell_text(column, value), Qt.ItemDataRole.DisplayRole)


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
        self.grid.setMinimumHeight(150)
        self.grid.itemChanged.connect(lambda _item: self._emit())
        outer.addWidget(self.grid)
        outer.addLayout(self._buttons())
        self.setFocusProxy(self.grid)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for key, slot, name in (
            ("ui.table.add", self.add_row, "add"),
            ("ui.table.remove", self.remove_row, "remove"),
            ("ui.table.up", lambda: self.move_row(-1), "up"),
            ("ui.table.down", lambda: self.move_row(1), "down"),
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
        rows = [r for r in value or [] if isinstance(r, dict)]
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

    def focus_widget(self) -> QWidget:
        return self.grid

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
