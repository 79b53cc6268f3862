"""The recycle bin: deleted drafts, kept 30 days, restored with one click."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from vista_desktop.forms.loader import UnknownFormError
from vista_desktop.i18n import tr
from vista_desktop.ui.dialog_parts import action_button, close_button, selected_row
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.tables import fill_rows, record_table

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftService, DraftSummary


class TrashDialog(QDialog):
    restored = Signal(str)  # draft id

    def __init__(self, drafts: DraftService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drafts = drafts
        self.setObjectName("trash-dialog")
        self.setWindowTitle(tr("ui.trash.title"))
        self.resize(720, 380)
        hint = QLabel(tr("ui.trash.hint"))
        hint.setWordWrap(True)
        self.table = record_table("trashed", ("ui.drafts.col.title", "ui.drafts.col.form", "ui.trash.col.deleted"))
        buttons = QDialogButtonBox()
        self.restore_button = action_button(buttons, "ui.trash.restore", "restore-button", self.restore_selected)
        close_button(buttons, self)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.items: list[DraftSummary] = []
        self.refresh()

    def refresh(self) -> None:
        self.items = self.drafts.trashed()
        rows = [
            (
                summary.title or tr("ui.drafts.untitled"),
                self._form_name(summary),
                summary.deleted_at.astimezone().strftime("%d/%m/%Y %H:%M") if summary.deleted_at else "",
            )
            for summary in self.items
        ]
        fill_rows(self.table, rows)
        # The date and the form name whole; the title takes the rest of the width.
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(2)
        self._update_buttons()

    def _form_name(self, summary: DraftSummary) -> str:
        """ "Mẫu 1 – …" as in the drafts list, not the form id."""
        try:
            return self.drafts.definition_of(summary).short_title.text_current()
        except UnknownFormError:  # a form this version does not know: its id is all there is to show
            return summary.form_id

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(selected_row(self.table) is not None)

    def restore_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        summary = self.items[row]
        try:
            self.drafts.restore(summary.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.restored.emit(summary.id)
        self.refresh()

    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.restore_selected()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]
