"""The GUI's one place where an error becomes a message: ours in the user's language; anything else as a generic
sentence, with the technical detail on demand (and in the log), never a raw Python message as the text."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from vista_desktop.errors import VistaError
from vista_desktop.i18n import tr

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, VistaError):
        return exc.message()
    log.error("unexpected error", exc_info=exc)
    return tr("error.unexpected")


def show_error(parent: QWidget | None, exc: BaseException | str, title: str | None = None) -> QMessageBox:
    """A warning box that names what went wrong; for unexpected errors the traceback is under "details"."""
    text = exc if isinstance(exc, str) else error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title or tr("ui.error.title"), text, parent=parent)
    ok = box.addButton(tr("ui.ok"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(ok)
    if isinstance(exc, VistaError):
        if exc.detail:
            box.setDetailedText(exc.detail)
    elif isinstance(exc, BaseException):
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.setObjectName("error-box")
    box.open()
    return box
