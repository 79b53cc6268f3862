"""File dialogs in the user's language. Qt ships no Vietnamese catalogue and the platform's own dialog speaks the
operating system's language, so in any language but English the dialog is Qt's own, with our labels on it (the
rest of its texts come from `ui.qt_translations`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from vista_desktop.i18n import current_language, tr

__all__ = ["file_dialog", "open_file", "save_file"]


def file_dialog(
    parent: QWidget | None, title: str, name_filter: str = "", *, save: bool = False, start: Path | None = None
) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(start or ""), name_filter)
    dialog.setObjectName("file-dialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    if current_language() != "en":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        labels = {
            QFileDialog.DialogLabel.LookIn: "ui.file.look_in",
            QFileDialog.DialogLabel.FileName: "ui.file.file_name",
            QFileDialog.DialogLabel.FileType: "ui.file.file_type",
            QFileDialog.DialogLabel.Accept: "ui.file.save" if save else "ui.file.open",
            QFileDialog.DialogLabel.Reject: "ui.file.cancel",
        }
        for label, key in labels.items():
            dialog.setLabelText(label, tr(key))
    return dialog


def open_file(parent: QWidget | None, title: str, name_filter: str = "", start: Path | None = None) -> Path | None:
    dialog = file_dialog(parent, title, name_filter, start=start)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def save_file(parent: QWidget | None, title: str, name_filter: str = "", start: Path | None = None) -> Path | None:
    dialog = file_dialog(parent, title, name_filter, save=True, start=start)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])
