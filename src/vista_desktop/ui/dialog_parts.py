"""Parts the list dialogs (recycle bin, backups, trusted roots, Verify) build the same way: their action buttons,
the Close button, a record table sized to its contents, and the one selected row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QPushButton, QTableWidget

from vista_desktop.i18n import tr
from vista_desktop.ui.tables import record_table


def action_button(box: QDialogButtonBox, key: str, name: str, slot: Callable[..., Any]) -> QPushButton:
    """A button of the dialog's own actions (left of Close), found by tests through its object name."""
    button = QPushButton(tr(key))
    button.setObjectName(name)
    button.clicked.connect(slot)
    box.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
    return button


def close_button(box: QDialogButtonBox, dialog: QDialog, key: str = "ui.wizard.close") -> None:
    """Close, and Escape, reject the dialog."""
    box.addButton(tr(key), QDialogButtonBox.ButtonRole.RejectRole)
    box.rejected.connect(dialog.reject)


def fitted_record_table(object_name: str, header_keys: Sequence[str], stretch: int | None = None) -> QTableWidget:
    """A record table whose columns fit their contents; column `stretch` (the last one when None) takes the rest."""
    table = record_table(object_name, header_keys)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def selected_row(table: QTableWidget) -> int | None:
    """The row selected (tables of one whole-row selection), or None."""
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None
