"""The drafts list's results-registration actions: Mẫu 5 from a Mẫu 1, the confirmation and Mẫu 8 from a Mẫu 5,
and the Mẫu 5's check against its task's Mẫu 1. Shown in the File menu and the list's context menu, enabled for
the form they apply to. The new draft joins the task of the one it was made from and opens in its wizard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from vista_desktop.errors import VistaError
from vista_desktop.i18n import tr
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.form_actions import FormActions
from vista_desktop.ui.qt_values import CUSTOM_CONTEXT_MENU, set_qt_property

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftRecord
    from vista_desktop.services.results import ResultsService
    from vista_desktop.ui.main_window import MainWindow

MAU01, MAU05 = "mau-01", "mau-05"


class ResultsActions(FormActions):
    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.mau05_action = self._action("ui.results.mau05_from_mau01", self.draft_mau05)
        self.confirmation_action = self._action("ui.results.confirmation", self.draft_confirmation)
        self.mau08_action = self._action("ui.results.mau08", lambda: self.draft_mau08())
        self.check_action = self._action("ui.results.check_title", lambda: self.check())
        self.by_form = {
            MAU01: (self.mau05_action,),
            MAU05: (self.confirmation_action, self.mau08_action, self.check_action),
        }
        self._add_to(menu)
        table = window.table
        set_qt_property(table, "contextMenuPolicy", CUSTOM_CONTEXT_MENU)
        table.customContextMenuRequested.connect(self._context_menu)

    @property
    def results(self) -> ResultsService:
        return self.window.services.results

    def _context_menu(self, position: QPoint) -> QMenu | None:
        self.update()
        enabled = [a for a in self.actions if a.isEnabled()]
        if not enabled:
            return None
        menu = QMenu(self.window.table)
        menu.setObjectName("drafts-context-menu")
        for action in (self.window.open_action, self.window.duplicate_action, self.window.export_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in enabled:
            menu.addAction(action)
        menu.popup(self.window.table.viewport().mapToGlobal(position))
        return menu

    def draft_mau05(self) -> DraftRecord | None:
        source = self.window.selected_of(MAU01)
        return None if source is None else self.window.open_made_draft(lambda: self.results.prefill_mau05(source.id))

    def draft_confirmation(self) -> DraftRecord | None:
        source = self.window.selected_of(MAU05)
        return (
            None
            if source is None
            else self.window.open_made_draft(lambda: self.results.prefill_confirmation(source.id))
        )

    def draft_mau08(self, product_index: int | None = None) -> DraftRecord | QInputDialog | None:
        """Mẫu 8 for a product of the selected Mẫu 5; without an index, the user picks it (processes first)."""
        source = self.window.selected_of(MAU05)
        if source is None:
            return None
        if product_index is not None:
            return self.window.open_made_draft(lambda: self.results.prefill_mau08(source.id, product_index))
        names = self.results.product_names(source.id)
        if not names:
            show_error(self.window, tr("ui.results.no_products"))
            return None
        missing = self.results.missing_mau08(source.id)
        items = [f"{i + 1}. {name}" for i, name in enumerate(names)]
        dialog = QInputDialog(self.window)
        dialog.setObjectName("choose-product")
        dialog.setWindowTitle(tr("ui.results.mau08").replace("&", ""))
        dialog.setLabelText(tr("ui.results.choose_product"))
        dialog.setComboBoxItems(items)
        dialog.setTextValue(items[missing[0] if missing else 0])
        dialog.setOkButtonText(tr("ui.ok"))
        dialog.setCancelButtonText(tr("ui.file.cancel"))
        dialog.textValueSelected.connect(lambda text: self.draft_mau08(items.index(text)))
        dialog.open()
        return dialog

    def check(self) -> QMessageBox | None:
        """The Mẫu 5's disagreements with its task's Mẫu 1 and the state-secret flag, as one message."""
        source = self.window.selected_of(MAU05)
        if source is None:
            return None
        try:
            problems = self.results.check(source.id)
            definition = self.window.service.definition_of(source)
        except VistaError as exc:
            return show_error(self.window, exc)
        text = "\n".join(f"• {p.located_message(definition)}" for p in problems) or tr("ui.results.check_ok")
        box = QMessageBox(QMessageBox.Icon.Information, tr("ui.results.check_title").replace("&", ""), text)
        box.setParent(self.window, box.windowFlags())
        box.setObjectName("results-check")
        box.addButton(tr("ui.ok"), QMessageBox.ButtonRole.AcceptRole)
        box.open()
        return box
