"""The main window: the drafts, and the actions on them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QToolBar,
    QToolButton,
    QWidget,
)

from vista_desktop.forms.loader import get_definition, latest_definitions
from vista_desktop.i18n import current_language, tr
from vista_desktop.settings import LANGUAGES
from vista_desktop.ui.dialogs import ask
from vista_desktop.ui.drafts_model import DraftsModel
from vista_desktop.ui.workers import run_in_background

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftService
    from vista_desktop.services.signing import DocumentSigning
    from vista_desktop.storage.drafts import DraftSummary
    from vista_desktop.ui.sign_dialog import SignDialog
    from vista_desktop.ui.verify_dialog import VerifyDialog
    from vista_desktop.ui.wizard import FormWizard

log = logging.getLogger(__name__)
Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class MainWindow(QMainWindow):
    language_change_requested = Signal(str)

    def __init__(self, service: DraftService | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.wizards: dict[str, FormWizard] = {}
        self.setObjectName("main-window")
        self.setWindowTitle(tr("ui.app.title"))
        self.model = DraftsModel()
        self.table = self._table()
        self.setCentralWidget(self.table)
        self._actions()
        self.resize(1000, 620)
        if service is not None:
            self.refresh()
        else:
            self.statusBar().showMessage(tr("ui.drafts.loading"))

    @property
    def service(self) -> DraftService:
        """The drafts, opened on first use: the window shows before SQLAlchemy and the database load."""
        if self._service is None:
            from vista_desktop.services.drafts import DraftService

            self._service = DraftService.open_default()
        return self._service

    @property
    def signing(self) -> DocumentSigning:
        from vista_desktop.services.signing import DocumentSigning

        return DocumentSigning(self.service.repository)

    def set_service(self, service: DraftService) -> None:
        self._service = service
        self.refresh()

    def _table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("drafts")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Enter or a double click on a row (the platform decides which activates) opens the draft.
        table.activated.connect(lambda index: self.open_draft(self.model.draft_at(index.row())))
        table.doubleClicked.connect(lambda index: self.open_draft(self.model.draft_at(index.row())))
        return table

    def _action(
        self,
        key: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(tr(key), self)
        action.setObjectName(key)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _actions(self) -> None:
        new_menu = QMenu(tr("ui.action.new"), self)
        new_menu.setObjectName("new-menu")
        for definition in latest_definitions():
            action = new_menu.addAction(definition.short_title.text_current())
            action.setObjectName(f"new:{definition.form_id}")
            action.triggered.connect(lambda _=False, f=definition.form_id: self.new_draft(f))
        self.open_action = self._action("ui.action.open", lambda: self.open_draft(self.selected()), "Ctrl+O")
        self.duplicate_action = self._action("ui.action.duplicate", self.duplicate_selected, "Ctrl+D")
        self.delete_action = self._action("ui.action.delete", self.delete_selected, QKeySequence.StandardKey.Delete)
        self.export_action = self._action("ui.action.export_documents", self.export_selected, "Ctrl+E")
        self.sign_action = self._action("ui.action.sign", self.sign_selected, "Ctrl+K")
        self.verify_action = self._action("ui.action.verify", self.verify_document, "Ctrl+Shift+K")
        self.import_action = self._action("ui.action.import_json", self.import_json, "Ctrl+I")
        self.export_json_action = self._action("ui.action.export_json", self.export_json, "Ctrl+Shift+S")
        quit_action = self._action("ui.action.quit", self.close, QKeySequence.StandardKey.Quit)

        toolbar = QToolBar(tr("ui.toolbar"), self)
        toolbar.setObjectName("toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        new_button = QToolButton(self)
        new_button.setText(tr("ui.action.new"))
        new_button.setMenu(new_menu)
        new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        new_button.setObjectName("new-button")
        toolbar.addWidget(new_button)
        for action in (
            self.open_action,
            self.duplicate_action,
            self.delete_action,
            self.export_action,
            self.sign_action,
            self.verify_action,
        ):
            toolbar.addAction(action)
        self.addToolBar(toolbar)

        file_menu = self.menuBar().addMenu(tr("ui.menu.file"))
        file_menu.addMenu(new_menu)
        for action in (self.open_action, self.duplicate_action, self.delete_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (
            self.export_action,
            self.sign_action,
            self.verify_action,
            self.import_action,
            self.export_json_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self._language_menu()

    def _language_menu(self) -> None:
        menu = self.menuBar().addMenu(tr("ui.menu.language"))
        group = QActionGroup(self)
        for language in LANGUAGES:
            action = menu.addAction(tr(f"ui.language.{language}"))
            action.setObjectName(f"language:{language}")
            action.setCheckable(True)
            action.setChecked(language == current_language())
            group.addAction(action)
            action.triggered.connect(lambda _=False, lang=language: self.language_change_requested.emit(lang))

    # --- drafts -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected()
        self.model.reset(self.service.list(), self.signing.documents())
        if selected is not None:
            for row, draft in enumerate(self.model.drafts):
                if draft.id == selected.id:
                    self.table.selectRow(row)
        elif self.model.drafts:
            self.table.selectRow(0)
        self.statusBar().showMessage(tr("ui.drafts.count", count=len(self.model.drafts)))

    def selected(self) -> DraftSummary | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.draft_at(rows[0].row()) if rows else None

    def new_draft(self, form_id: str) -> FormWizard:
        record = self.service.create(form_id)
        self.refresh()
        return self._open_wizard(record.id)

    def open_draft(self, summary: DraftSummary | None) -> FormWizard | None:
        if summary is None:
            return None
        if summary.id in self.wizards:
            wizard = self.wizards[summary.id]
            wizard.raise_()
            wizard.activateWindow()
            return wizard
        if not self._offer_migration(summary):
            return None
        return self._open_wizard(summary.id)

    def _offer_migration(self, summary: DraftSummary) -> bool:
        newest = get_definition(summary.form_id)
        if newest.version == summary.form_version:
            return True
        if not ask(
            self,
            tr("ui.migrate.title"),
            tr("ui.migrate.question", old=summary.form_version, new=newest.version),
            default_yes=True,
        ):
            return True  # edit it in its own version
        from vista_desktop.forms.migration import migrate

        record = self.service.get(summary.id)
        result = migrate(get_definition(record.form_id, record.form_version), newest, record.data)
        self.service.repository.set_version(record.id, newest.version, result.data)
        if result.unplaced:
            QMessageBox.information(
                self, tr("ui.migrate.title"), tr("ui.migrate.unplaced", fields=", ".join(result.unplaced))
            )
        return True

    def _open_wizard(self, draft_id: str) -> FormWizard:
        from vista_desktop.ui.wizard import FormWizard  # loaded with the first draft opened, not at start-up

        wizard = FormWizard(self.service.edit(draft_id))
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.closed.connect(self._wizard_closed)
        self.wizards[draft_id] = wizard
        wizard.show()
        return wizard

    def _wizard_closed(self, draft_id: str) -> None:
        self.wizards.pop(draft_id, None)
        self.refresh()

    def duplicate_selected(self) -> None:
        summary = self.selected()
        if summary is not None:
            self.service.duplicate(summary.id)
            self.refresh()

    def delete_selected(self, confirm: bool = True) -> None:
        summary = self.selected()
        if summary is None:
            return
        if confirm:
            question = tr("ui.delete.question", title=summary.title or tr("ui.drafts.untitled"))
            if not ask(self, tr("ui.delete.title"), question):
                return
        if summary.id in self.wizards:
            self.wizards[summary.id].close()
        self.service.delete(summary.id)
        self.refresh()

    # --- files --------------------------------------------------------------------------------------------

    def export_selected(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("ui.export.title"), "", tr("ui.export.filter_pdf"))
        if path:
            self.export_documents(summary.id, Path(path))

    def export_documents(self, draft_id: str, pdf: Path) -> None:
        """Render the PDF and a DOCX beside it, off the GUI thread."""
        from vista_desktop.services.documents import render_documents

        pdf = pdf.with_suffix(".pdf")
        record = self.service.get(draft_id)
        definition = get_definition(record.form_id, record.form_version)
        language = current_language()
        self.statusBar().showMessage(tr("ui.export.running"))
        signing = self.signing

        def work() -> None:
            render_documents(definition, record.data, pdf, pdf.with_suffix(".docx"), language)
            signing.record(draft_id, pdf)

        def done(_result: object) -> None:
            self.refresh()
            self.statusBar().showMessage(tr("ui.export.done", path=str(pdf)))

        run_in_background(
            work,
            done,
            lambda exc: self._show_error(tr("ui.export.failed", reason=str(exc))),
        )

    def sign_selected(self) -> SignDialog | None:
        """Sign the selected draft's exported PDF (the newest signed copy once there is one)."""
        from vista_desktop.ui.sign_dialog import SignDialog

        summary = self.selected()
        if summary is None:
            return None
        pdf = self.signing.form_pdf(summary.id)
        if pdf is None:
            self._show_error(tr("ui.sign.need_export"))
            return None
        dialog = SignDialog(self.signing, pdf, summary.id, self)
        dialog.signed.connect(lambda _result: self.refresh())
        dialog.show()
        return dialog

    def verify_document(self) -> VerifyDialog:
        from vista_desktop.ui.verify_dialog import VerifyDialog

        summary = self.selected()
        pdf = self.signing.form_pdf(summary.id) if summary is not None else None
        dialog = VerifyDialog(pdf, self)
        dialog.show()
        return dialog

    def import_json(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("ui.action.import_json"), "", tr("ui.filter.json"))
        if not path:
            return
        from vista_desktop.services.drafts import DraftFileError

        try:
            self.service.import_file(Path(path))
        except DraftFileError as exc:
            self._show_error(tr(exc.code, **exc.params))
            return
        self.refresh()

    def export_json(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("ui.action.export_json"), "", tr("ui.filter.json"))
        if path:
            try:
                self.service.export_file(summary.id, Path(path))
            except OSError as exc:
                self._show_error(tr("cli.render_failed", path=path, reason=exc.strerror or str(exc)))

    def _show_error(self, text: str) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(self, tr("ui.error.title"), text)

    def closeEvent(self, event: object) -> None:
        for wizard in list(self.wizards.values()):
            wizard.close()
        super().closeEvent(event)  # type: ignore[arg-type]
