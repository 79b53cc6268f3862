"""Actions that work on the selected draft of particular forms (make a Mẫu 5 from a Mẫu 1, mark a sheet sent…):
added to a menu once, and enabled only while the selected draft's form is one they apply to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from vista_desktop.i18n import tr

if TYPE_CHECKING:
    from vista_desktop.ui.main_window import MainWindow


class FormActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.by_form: dict[str, tuple[QAction, ...]] = {}

    @property
    def actions(self) -> tuple[QAction, ...]:
        """Every action, in menu order (each appears once, whatever forms it applies to)."""
        return tuple(dict.fromkeys(a for group in self.by_form.values() for a in group))

    def _action(self, key: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text=tr(key), parent=self.window)  # by keyword (see qt_values)
        action.setObjectName(key)
        action.triggered.connect(lambda _=False: slot())  # `checked` must never reach the slot's parameters
        return action

    def _add_to(self, menu: QMenu) -> None:
        menu.addSeparator()
        for action in self.actions:
            menu.addAction(action)
        self.update()

    def update(self) -> None:
        """Enable the actions that apply to the selected draft's form."""
        selected = self.window.selected()
        ready = selected is not None and self.window.storage_loaded  # the list may be the start-up snapshot
        wanted = self.by_form.get(selected.form_id, ()) if selected is not None and ready else ()
        for action in self.actions:
            action.setEnabled(action in wanted)
