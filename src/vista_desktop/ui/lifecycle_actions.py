"""The drafts list's task-life actions: an update sheet (Mẫu 3) from a sent Mẫu 1's changes, "sent" for a Mẫu 1 or
an update sheet (the next sheet then lists only later changes), and the next year's Mẫu 12 from a Mẫu 5. Shown in
the Nhiệm vụ menu, enabled for the form they apply to; a new draft opens in its wizard. Also, always enabled, the
update-sheet period of each managing body (`ui.deadline_settings`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from vista_desktop.errors import VistaError
from vista_desktop.i18n import tr
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.form_actions import FormActions

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftRecord
    from vista_desktop.services.lifecycle import LifecycleService
    from vista_desktop.ui.deadline_settings import DeadlineSettingsDialog
    from vista_desktop.ui.main_window import MainWindow

MAU01, UPDATE_SHEET, MAU05 = "mau-01", "cap-nhat", "mau-05"


class LifecycleActions(FormActions):
    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.update_sheet_action = self._action("ui.lifecycle.update_sheet", lambda: self.draft_update_sheet())
        self.sent_action = self._action("ui.lifecycle.mark_sent", lambda: self.mark_sent())
        self.mau12_action = self._action("ui.lifecycle.mau12", lambda: self.draft_mau12())
        self.by_form = {
            MAU01: (self.update_sheet_action, self.sent_action),
            UPDATE_SHEET: (self.sent_action,),
            MAU05: (self.mau12_action,),
        }
        self._add_to(menu)
        # Not in `by_form`: it applies to no selected draft, so it is never disabled with the others.
        self.periods_action = QAction(text=tr("deadline_settings.action"), parent=window)  # (see qt_values)
        self.periods_action.setObjectName("deadline_settings.action")
        self.periods_action.triggered.connect(lambda _=False: self.edit_update_periods())
        menu.addAction(self.periods_action)

    @property
    def lifecycle(self) -> LifecycleService:
        return self.window.services.lifecycle

    def draft_update_sheet(self) -> DraftRecord | None:
        source = self.window.selected_of(MAU01)
        return (
            None if source is None else self.window.open_made_draft(lambda: self.lifecycle.update_sheet_from(source.id))
        )

    def draft_mau12(self) -> DraftRecord | None:
        source = self.window.selected_of(MAU05)
        if source is None:
            return None
        year = self.lifecycle.next_mau12_year(source.id)
        if year is None:
            show_error(self.window, tr("ui.lifecycle.all_reports"))
            return None
        return self.window.open_made_draft(lambda: self.lifecycle.prefill_mau12(source.id, year))

    def mark_sent(self) -> bool:
        """Keep what was sent as the baseline of later update sheets (an update sheet is also done)."""
        source = self.window.selected_of(MAU01, UPDATE_SHEET)
        if source is None:
            return False
        try:
            if source.form_id == MAU01:
                self.lifecycle.mark_sent(source.id)
            else:
                self.lifecycle.mark_sheet_sent(source.id)
        except VistaError as exc:
            show_error(self.window, exc)
            return False
        self.window.refresh(select=source.id)
        self.window.statusBar().showMessage(tr("ui.lifecycle.sent", title=source.title or tr("ui.drafts.untitled")))
        return True

    def edit_update_periods(self) -> DeadlineSettingsDialog:
        from PySide6.QtCore import Qt

        from vista_desktop.ui.deadline_settings import DeadlineSettingsDialog

        dialog = DeadlineSettingsDialog(self.window.services.update_periods, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._periods_saved)
        dialog.open()
        return dialog

    def _periods_saved(self) -> None:
        # The list keeps each draft's deadline until the draft is saved again: recompute the update sheets'.
        model = self.window.model
        for draft in model.drafts:
            if draft.form_id == UPDATE_SHEET:
                model.details.pop(draft.id, None)
        self.window.refresh()
        self.window.statusBar().showMessage(tr("deadline_settings.saved"))
