"""The parts the list dialogs share: action and Close buttons, the fitted record table, the selected row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView

from vista_desktop.ui.dialog_parts import action_button, close_button, fitted_record_table, selected_row
from vista_desktop.ui.tables import fill_rows

HEADERS = ("ui.trust.col.name", "ui.trust.col.issuer", "ui.trust.col.valid_to")


def test_action_and_close_buttons_run_their_slots(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    box = QDialogButtonBox(dialog)
    clicks: list[bool] = []
    button = action_button(box, "ui.trust.add", "add-thing", lambda: clicks.append(True))
    close_button(box, dialog)
    assert button.objectName() == "add-thing" and button.text()
    assert box.buttonRole(button) == QDialogButtonBox.ButtonRole.ActionRole
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [True]
    dialog.show()
    close = next(b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


def test_fitted_table_fits_columns_and_stretches_the_one_asked(qtbot) -> None:
    table = fitted_record_table("things", HEADERS, stretch=1)
    qtbot.addWidget(table)
    header = table.horizontalHeader()
    fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
    assert [header.sectionResizeMode(c) for c in range(3)] == [fit, stretch, fit]
    assert not header.stretchLastSection()
    last = fitted_record_table("others", HEADERS)
    qtbot.addWidget(last)
    assert last.horizontalHeader().stretchLastSection()
    assert last.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents


def test_selected_row_is_none_until_a_row_is_selected(qtbot) -> None:
    table = fitted_record_table("things", HEADERS)
    qtbot.addWidget(table)
    assert selected_row(table) is None
    fill_rows(table, [("a", "b", "c"), ("d", "e", "f")])
    assert selected_row(table) == 0
    table.selectRow(1)
    assert selected_row(table) == 1
    table.clearSelection()
    assert selected_row(table) is None
