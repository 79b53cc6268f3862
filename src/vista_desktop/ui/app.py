"""Start-up of the GUI: application, bundled fonts, language, crash dialog, main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from vista_desktop import i18n
from vista_desktop.logging_setup import configure_logging
from vista_desktop.resources import resource_path
from vista_desktop.settings import load_settings, save_settings
from vista_desktop.ui.main_window import MainWindow
from vista_desktop.ui.workers import run_in_background

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftService

log = logging.getLogger(__name__)
UI_FONTS = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")


def load_fonts(app: QApplication) -> None:
    """Bundled fonts, so that Vietnamese shows on a machine without system fonts."""
    families: list[str] = []
    for name in UI_FONTS:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        app.setFont(QFont(families[0], 10))


def install_crash_handler() -> None:
    def handler(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.critical("unexpected error", exc_info=(kind, value, tb))
        if QApplication.instance() is not None:
            detail = "".join(traceback.format_exception(kind, value, tb))
            box = QMessageBox(QMessageBox.Icon.Critical, i18n.tr("ui.crash.title"), i18n.tr("ui.crash.text"))
            box.setDetailedText(detail)
            box.exec()

    sys.excepthook = handler


def _open_service() -> DraftService:
    from vista_desktop.services.drafts import DraftService

    return DraftService.open_default()


class Application(QObject):
    """Owns the main window; a language change rebuilds it, since every label is translated at creation."""

    service_loaded = Signal()

    def __init__(self, service: DraftService | None = None) -> None:
        super().__init__()
        self.service = service
        self.window = self._make_window()

    def _make_window(self) -> MainWindow:
        window = MainWindow(self.service)
        if self.service is None:
            # SQLAlchemy and the database load on a worker while the window is already on screen.
            run_in_background(_open_service, self._service_ready, self._service_failed)
        window.language_change_requested.connect(self.change_language)
        return window

    def _service_ready(self, service: DraftService) -> None:
        self.service = service
        self.window.set_service(service)
        self.service_loaded.emit()

    def _service_failed(self, exc: Exception) -> None:
        QMessageBox.critical(self.window, i18n.tr("ui.error.title"), i18n.tr("ui.drafts.open_failed", reason=str(exc)))
        self.service_loaded.emit()

    def change_language(self, language: str) -> None:
        save_settings(load_settings().with_language(language))
        i18n.set_language(language)
        old = self.window
        self.window = self._make_window()
        self.window.setGeometry(old.geometry())
        self.window.show()
        old.close()
        old.deleteLater()


def run_gui() -> int:
    headless = not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if headless and sys.platform.startswith("linux"):
        # Qt would abort the process; say why instead.
        print(i18n.tr("cli.no_gui", reason="no DISPLAY"), file=sys.stderr)  # noqa: T201
        return 1
    configure_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("VISTA Desktop")
    app.setOrganizationName("VISTA")
    load_fonts(app)
    install_crash_handler()
    controller = Application()
    controller.window.show()
    if os.environ.get("VISTA_DESKTOP_SMOKE"):
        # Smoke runs (bench/, the frozen bundle's check): report the shown window, then the loaded drafts, quit.
        QTimer.singleShot(0, lambda: print("window-shown", flush=True))  # noqa: T201
        controller.service_loaded.connect(lambda: (print("drafts-loaded", flush=True), app.quit()))  # noqa: T201
    return app.exec()
