"""The read-only record lists of the dialogs (recycle bin, backups): rows selected whole, one at a time."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from vista_desktop.i18n import tr


def record_table(object_name: str, header_keys: Sequence[str], stretch: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(header_keys))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels([tr(key) for key in header_keys])
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_rows(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Replace the table's rows, selecting the first."""
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    if rows:
        table.selectRow(0)
