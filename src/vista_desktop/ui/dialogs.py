"""Message boxes with translated buttons: Qt ships no Vietnamese catalogue for its standard buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from vista_desktop.i18n import tr


def ask(parent: QWidget | None, title: str, text: str, default_yes: bool = False) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(tr("ui.yes"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(tr("ui.no"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes if default_yes else no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes
