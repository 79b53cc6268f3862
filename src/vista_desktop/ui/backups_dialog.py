"""The database's automatic backups (one a day, the last 7, and one before each upgrade), and restoring one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from vista_desktop.i18n import tr
from vista_desktop.ui import tasks
from vista_desktop.ui.dialog_parts import action_button, close_button, selected_row
from vista_desktop.ui.dialogs import ask
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.tables import fill_rows, record_table

if TYPE_CHECKING:
    from vista_desktop.services.database import BackupInfo, DatabaseService


class BackupsDialog(QDialog):
    restored = Signal()

    def __init__(self, database: DatabaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setObjectName("backups-dialog")
        self.setWindowTitle(tr("ui.backups.title"))
        self.resize(640, 340)
        hint = QLabel(tr("ui.backups.hint"))
        hint.setWordWrap(True)
        self.table = record_table("backups", ("ui.backups.col.taken", "ui.backups.col.kind", "ui.backups.col.size"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.restore_button = action_button(
            buttons, "ui.backups.restore", "restore-backup-button", self.restore_selected
        )
        close_button(buttons, self)
        layout = QVBoxLayout(self)
        for widget in (hint, self.table, self.status, buttons):
            layout.addWidget(widget)
        self.items: list[BackupInfo] = []
        self.refresh()

    def refresh(self) -> None:
        self.items = self.database.backups()
        rows = [
            (
                info.taken_at.strftime("%d/%m/%Y %H:%M"),  # the local time written in the backup's file name
                tr(f"ui.backups.kind.{info.kind.replace('-', '_')}"),
                f"{info.size / (1024 * 1024):.1f} MB",
            )
            for info in self.items
        ]
        fill_rows(self.table, rows)
        self.restore_button.setEnabled(bool(self.items))

    def restore_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        info = self.items[row]
        when = info.taken_at.strftime("%d/%m/%Y %H:%M")
        if not ask(self, tr("ui.backups.title"), tr("ui.backups.question", time=when)):
            return
        self.restore_button.setEnabled(False)
        tasks.start(lambda _ctx: self.database.restore(info.path), self._restored, self._failed, owner=self)

    def _restored(self, aside: object) -> None:
        self.status.setText(tr("ui.backups.done", aside=str(aside or "")))
        self.restored.emit()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.restore_button.setEnabled(True)
        show_error(self, exc)
