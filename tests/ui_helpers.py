"""Driving the generated wizard the way a user does. Vietnamese is typed one QKeyEvent per character:
qtbot.keyClicks aborts the process on non-ASCII text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from vista_desktop.forms.data import get_path
from vista_desktop.forms.model import FieldType
from vista_desktop.forms.values import display
from vista_desktop.ui.field_widgets import (
    ChoiceField,
    CitizenIdField,
    DerivedField,
    FieldWidget,
    LineField,
    LongTextField,
    MultiChoiceField,
)
from vista_desktop.ui.table_editor import TableField


def type_text(widget: QWidget, text: str) -> None:
    for char in text:
        if char == "\n":
            key, char_text = Qt.Key.Key_Return, "\r"
        else:
            key, char_text = Qt.Key.Key_unknown, char
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char_text))


def fill_field(widget: FieldWidget, value: Any) -> None:
    field = widget.field
    if isinstance(widget, DerivedField) or value is None:
        return
    if isinstance(widget, ChoiceField):
        widget.combo.setCurrentIndex(widget.combo.findData(value))
    elif isinstance(widget, MultiChoiceField):
        for box in widget.boxes:
            box.setChecked(box.property("choice") in value)
    elif isinstance(widget, TableField):
        fill_table(widget, value)
    elif isinstance(widget, LongTextField):
        widget.edit.setFocus()
        type_text(widget.edit, value)
    elif isinstance(widget, CitizenIdField):
        type_text(widget.edit, value)
    elif isinstance(widget, LineField):
        shown = str(value) if field.type is FieldType.INTEGER else display(field, value)
        type_text(widget.edit, shown)
        widget.edit.editingFinished.emit()
    else:
        raise AssertionError(f"no filler for {type(widget).__name__}")


def fill_table(widget: TableField, rows: list[dict[str, Any]]) -> None:
    grid = widget.grid
    for row in rows:
        widget.add_row()
        r = grid.rowCount() - 1
        for c, column in enumerate(widget.field.columns):
            value = row.get(column.id)
            if value is None:
                continue
            item = grid.item(r, c)
            grid.openPersistentEditor(item)
            editor = grid.indexWidget(grid.model().index(r, c))
            if isinstance(editor, QLineEdit):
                type_text(
                    editor,
                    str(value) if column.type in (FieldType.INTEGER, FieldType.CITIZEN_ID) else display(column, value),
                )
            else:
                editor.setCurrentIndex(editor.findData(value))
            grid.commitData(editor)
            grid.closePersistentEditor(item)


def fill_page(page: Any, data: dict[str, Any]) -> None:
    for field_id, row in page.rows.items():
        fill_field(row.widget, get_path(data, field_id))


def error_texts(parent: QWidget) -> list[str]:
    """The texts of the error boxes the window has shown (ui.errors.show_error)."""
    return [box.text() for box in parent.findChildren(QMessageBox, "error-box")]


def column_title(window: Any, column: int) -> str:
    """A column's title as the drafts table's header shows it."""
    header = window.table.horizontalHeader()
    return str(header.model().headerData(column, Qt.Orientation.Horizontal))
