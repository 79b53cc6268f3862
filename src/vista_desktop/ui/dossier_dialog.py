"""The results-registration dossier of a task (Art. 12): one row per component with its requirement and state,
attaching a file by reference (hashed on the task runner with progress and Cancel), the completeness summary,
and Export… to a folder or a ZIP. Everything it does goes through `services.dossier_builder`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.i18n import tr
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.file_dialogs import open_file, save_file
from vista_desktop.ui.progress import TaskProgress

if TYPE_CHECKING:
    from vista_desktop.services.dossier_builder import DossierBuilderService, ExportResult, SlotState

_COLUMNS = ("slot", "requirement", "state", "files")


class DossierDialog(QDialog):
    def __init__(self, builder: DossierBuilderService, task_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossier-dialog")
        self.setWindowTitle(tr("dossier_builder.ui.title"))
        self.builder, self.task_id = builder, task_id
        self.states: list[SlotState] = []
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setObjectName("dossier-slots")
        self.table.setHorizontalHeaderLabels([tr(f"dossier_builder.ui.column.{c}") for c in _COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.summary = QLabel(self)
        self.summary.setObjectName("dossier-summary")
        self.summary.setWordWrap(True)
        self.progress = TaskProgress(self)
        self.attach_button = self._button("dossier_builder.ui.attach", self.attach)
        self.detach_button = self._button("dossier_builder.ui.detach", self.detach)
        self.export_button = self._button("dossier_builder.ui.export", self.export)
        close = self._button("dossier_builder.ui.close", self.accept)
        buttons = QHBoxLayout()
        for button in (self.attach_button, self.detach_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.resize(900, 480)
        self.reload()

    def _button(self, key: str, slot: Any) -> QPushButton:
        button = QPushButton(tr(key), self)
        button.setObjectName(key.rsplit(".", 1)[-1])
        button.clicked.connect(slot)
        return button

    # --- showing --------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.states = self.builder.slot_states(self.task_id)
        self.table.setRowCount(len(self.states))
        for row, state in enumerate(self.states):
            names = [g.name for g in state.generated] + [a.path.name for a in state.attached]
            cells = (
                state.slot.label,
                tr(f"dossier_builder.ui.requirement.{state.slot.requirement}"),
                tr(f"dossier_builder.ui.state.{state.state}"),
                ", ".join(names),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        # Size and time only here: a re-hash of gigabytes is for the export, which hashes every byte anyway.
        contents = self.builder.contents(self.task_id)
        from vista_desktop.services.dossier_builder import completeness, file_findings

        findings = completeness(contents) + file_findings(contents, rehash=False)
        lines = [f.message() for f in findings]
        self.summary.setText("\n".join(lines) if lines else tr("dossier_builder.ui.complete"))
        self._update_buttons()

    def selected_state(self) -> SlotState | None:
        rows = self.table.selectionModel().selectedRows()
        return self.states[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        state = self.selected_state()
        self.attach_button.setEnabled(state is not None and state.slot.user_files)
        self.detach_button.setEnabled(state is not None and bool(state.attached))

    # --- acting ---------------------------------------------------------------------------------------------------

    def attach(self) -> None:
        state = self.selected_state()
        if state is None or not state.slot.user_files:
            return
        key = "dossier_builder.ui.pdf_file" if state.slot.pdf_only else "dossier_builder.ui.any_file"
        path = open_file(self, tr("dossier_builder.ui.attach").replace("&", ""), tr(key))
        if path is None:
            return
        slot_id, task_id = state.slot.id, self.task_id
        self._run(
            lambda ctx: self.builder.attach(task_id, slot_id, path, ctx),
            lambda _result: self.reload(),
            tr("dossier_builder.ui.hashing", name=path.name),
        )

    def detach(self) -> None:
        state = self.selected_state()
        if state is None or not state.attached:
            return
        for file in state.attached:
            if file.id is not None:
                self.builder.detach(file.id)
        self.reload()

    def export(self) -> None:
        name_filter = tr("dossier_builder.ui.zip_file")
        path = save_file(self, tr("dossier_builder.ui.export").replace("&", ""), name_filter)
        if path is None:
            return
        out = path if path.suffix.lower() == ".zip" else path.with_suffix(".zip")
        task_id = self.task_id
        self._run(
            lambda ctx: self.builder.export(task_id, out, ctx),
            self._exported,
            tr("dossier_builder.ui.exporting"),
        )

    def _exported(self, result: ExportResult) -> None:
        QMessageBox.information(
            self, self.windowTitle(), tr("dossier_builder.ui.exported", path=str(result.path), files=result.files)
        )

    def _run(self, task: Any, on_success: Any, message: str) -> None:
        for button in (self.attach_button, self.detach_button, self.export_button):
            button.setEnabled(False)

        def done(result: object) -> None:
            self.export_button.setEnabled(True)
            on_success(result)
            self._update_buttons()

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            self._update_buttons()
            from vista_desktop.errors import Cancelled

            if not isinstance(error, Cancelled):
                self._show_failure(error)

        tasks.start(task, done, failed, view=self.progress, message=message, owner=self)

    def _show_failure(self, error: BaseException) -> None:
        from vista_desktop.services.dossier_builder import DossierIncomplete

        if isinstance(error, DossierIncomplete):
            details = "\n".join(f.message() for f in error.findings if f.blocking)
            show_error(self, f"{error.message()}\n\n{details}")
        else:
            show_error(self, error)


def open_dossier(parent: QWidget, builder: DossierBuilderService, task_or_draft_id: str | None) -> DossierDialog | None:
    """Show the dossier of a task (or of a draft's task); explain when nothing is selected or it cannot open."""
    from vista_desktop.errors import VistaError

    if task_or_draft_id is None:
        QMessageBox.information(parent, tr("dossier_builder.ui.title"), tr("dossier_builder.ui.no_task"))
        return None
    try:
        dialog = DossierDialog(builder, builder.task_id(task_or_draft_id), parent)
    except VistaError as exc:
        show_error(parent, exc)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
