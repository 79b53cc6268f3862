"""Excel in the wizard's tables: the preview shown before a clerk's spreadsheet replaces or extends a table, and
rows pasted from the clipboard (Ctrl+V on a grid). Reading is the service's (`services.xlsx`); nothing changes
until the clerk chooses Replace or Append."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.errors import Cancelled
from vista_desktop.forms.limits import max_rows_of
from vista_desktop.forms.values import display
from vista_desktop.i18n import tr
from vista_desktop.services.xlsx import TablePreview, paste_rows, read_table_field
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.file_dialogs import open_file

if TYPE_CHECKING:
    from vista_desktop.ui.table_editor import TableField

REPLACE, APPEND = "replace", "append"
_SHOWN_ROWS = 500  # the preview shows the first rows; all of them are imported


class XlsxPreviewDialog(QDialog):
    """The rows read and every problem (sheet / row / column / reason); `choice` is REPLACE, APPEND or None."""

    def __init__(self, preview: TablePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.choice: str | None = None
        self.setObjectName("xlsx-preview")
        self.setWindowTitle(tr("xlsx.ui.preview_title", table=preview.table.label.text_current()))
        layout = QVBoxLayout(self)
        summary = tr("xlsx.ui.preview_summary", rows=len(preview.rows), sheet=preview.sheet, header=preview.header_row)
        layout.addWidget(QLabel(summary, self))
        layout.addWidget(self._rows_table(), 3)
        count = len(preview.problems)
        layout.addWidget(QLabel(tr("xlsx.ui.problems", count=count) if count else tr("xlsx.ui.no_problems"), self))
        if count:
            layout.addWidget(self._problems_table(), 2)
        if preview.too_many_rows:
            layout.addWidget(QLabel(tr("xlsx.ui.too_many", max=max_rows_of(preview.table)), self))
        layout.addWidget(self._buttons())
        self.resize(900, 600)

    def _rows_table(self) -> QTableWidget:
        columns = self.preview.table.columns
        grid = QTableWidget(min(len(self.preview.rows), _SHOWN_ROWS), len(columns), self)
        grid.setObjectName("xlsx-preview-rows")
        grid.setHorizontalHeaderLabels([c.label.text_current() for c in columns])
        grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(self.preview.rows[:_SHOWN_ROWS]):
            for c, column in enumerate(columns):
                grid.setItem(r, c, QTableWidgetItem(display(column, row.get(column.id), mask_citizen_id=True)))
        return grid

    def _problems_table(self) -> QTableWidget:
        problems = self.preview.problems
        grid = QTableWidget(len(problems), 4, self)
        grid.setObjectName("xlsx-preview-problems")
        grid.setHorizontalHeaderLabels([tr(f"xlsx.ui.column.{key}") for key in ("sheet", "row", "column", "reason")])
        grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, p in enumerate(problems):
            column = f"{p.column} ({p.header})" if p.header and p.column else p.column
            reason = f"{tr('xlsx.ui.warning')}: {p.reason()}" if p.warning else p.reason()
            for c, text in enumerate((p.sheet, str(p.row or ""), column, reason)):
                grid.setItem(r, c, QTableWidgetItem(text))
        grid.horizontalHeader().setStretchLastSection(True)
        return grid

    def _buttons(self) -> QDialogButtonBox:
        box = QDialogButtonBox(self)
        for key, choice in (("xlsx.ui.replace", REPLACE), ("xlsx.ui.append", APPEND)):
            button = QPushButton(tr(key), self)
            button.setObjectName(f"xlsx-{choice}")
            button.setEnabled(bool(self.preview.rows) and not self.preview.too_many_rows)
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            box.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = box.addButton(tr("xlsx.ui.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("xlsx-cancel")
        box.rejected.connect(self.reject)
        return box

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def apply_preview(widget: TableField, preview: TablePreview, choice: str) -> None:
    rows: list[dict[str, Any]] = list(preview.rows)
    if choice == APPEND:
        rows = [*(widget.value() or []), *rows]
    widget.replace_rows(rows)


def import_table_from_excel(widget: TableField, path: Path | None = None) -> tasks.RunningTask | None:
    """Ask for a spreadsheet, read the table off the GUI thread, then show the preview."""
    path = path or open_file(widget, tr("xlsx.ui.import_table"), tr("xlsx.ui.filter"))
    if path is None:
        return None

    def show(preview: TablePreview) -> None:
        dialog = XlsxPreviewDialog(preview, widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: apply_preview(widget, preview, dialog.choice or REPLACE))
        dialog.open()
        widget.preview_dialog = dialog

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            show_error(widget, exc)

    field = widget.field
    return tasks.start(
        lambda context: read_table_field(field, path, context),
        show,
        failed,
        message=tr("xlsx.ui.reading"),
        owner=widget,
    )


def paste_into(widget: TableField, text: str | None = None) -> TablePreview:
    """Rows from the clipboard into the grid from its current cell: existing rows are overwritten cell by cell
    (cells the clipboard leaves empty keep their value), further rows are added. When the pasted block starts with
    the table's header labels, cells go by header instead of position."""
    text = QGuiApplication.clipboard().text() if text is None else text
    grid = widget.grid
    start_row, start_column = max(grid.currentRow(), 0), max(grid.currentColumn(), 0)
    preview = paste_rows(widget.field, text, start_column)  # a header row, when there is one, places the cells
    if not preview.rows:
        return preview
    rows: list[dict[str, Any]] = list(widget.value() or [])
    for offset, pasted in enumerate(preview.rows):
        index = start_row + offset
        if index < len(rows):
            rows[index] = {**rows[index], **pasted}
        else:
            rows.append(pasted)
    widget.replace_rows(rows)
    count = len(preview.blocking)
    message = tr("xlsx.ui.paste_problems", rows=len(preview.rows), count=count) if count else None
    # The cells with problems are tinted by the wizard's validation; the count stays on the grid's tooltip.
    grid.setToolTip(message or tr("xlsx.ui.pasted", rows=len(preview.rows)))
    return preview
