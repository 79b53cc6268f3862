"""Start-up of the GUI: application, bundled fonts, language, crash dialog, main window."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from vista_desktop import i18n
from vista_desktop.collection import settle
from vista_desktop.resources import resource_path
from vista_desktop.services.app import AppServices
from vista_desktop.settings import load_settings, save_settings
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import error_text
from vista_desktop.ui.garbage import collect_on_gui_thread
from vista_desktop.ui.main_window import MainWindow
from vista_desktop.ui.qt_translations import install_translations

if TYPE_CHECKING:
    from vista_desktop.services.deadlines import DraftDeadline
    from vista_desktop.services.drafts import ListSnapshot

log = logging.getLogger(__name__)
UI_FONTS = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")
START_UP_LIMIT_MS = 60_000


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


class Application(QObject):
    """Owns the main window; a language change rebuilds it, since every label is translated at creation."""

    service_loaded = Signal()

    def __init__(self, services: AppServices | None = None) -> None:
        super().__init__()
        if (app := QCoreApplication.instance()) is not None:
            collect_on_gui_thread(app)  # before any worker starts: see vista_desktop.collection
        self.services = services or AppServices()
        self.window = self._make_window()

    def _make_window(self) -> MainWindow:
        window = MainWindow(self.services)
        if not self.services.storage_open:
            # SQLAlchemy and the database load on a worker while the window is already on screen, once the list
            # from the start-up snapshot is painted: its imports would otherwise hold the GIL against that paint.
            if window.snapshot_pending:
                window.snapshot_settled.connect(self._open_storage_soon)
            else:
                self._open_storage_soon()
        window.language_change_requested.connect(self.change_language)
        return window

    def _open_storage_soon(self) -> None:
        QTimer.singleShot(0, self._open_storage)  # after the events already queued: the window's first paint

    def _open_storage(self) -> None:
        if not self.services.storage_open:
            tasks.start(lambda _ctx: self._open_and_list(), self._storage_ready, self._storage_failed)

    def _open_and_list(self) -> ListSnapshot:
        # The list is read here, on the worker, not by the window on the GUI thread (10,000 drafts: ~0.1 s).
        self.services.open_storage()
        return self.services.listing()

    def _storage_ready(self, listing: ListSnapshot) -> None:
        self.window.storage_ready(listing)
        self.service_loaded.emit()
        if (report := self.services.recovery) is not None:
            QMessageBox.warning(self.window, i18n.tr("ui.storage.recovered_title"), report.message())
        # The day's backup once the list is on screen, so that it never delays the drafts.
        tasks.start(lambda _ctx: self.services.take_daily_backup(), self._backup_done, lambda _exc: None)
        # What falls due within 7 days (or is overdue), said once in the status bar: a notice, not a dialog.
        tasks.start(
            lambda ctx: self.services.deadlines.due_soon(check=ctx.check),
            self._deadlines_known,
            lambda _exc: None,
            stop_at_quit=True,
        )
        # Online/offline label and background sending: probes only when a server is configured.
        self.window.sync_monitor.start()

    def _deadlines_known(self, found: list[DraftDeadline]) -> None:
        from vista_desktop.ui.deadlines_dialog import soon_message

        if message := soon_message(found):
            self.window.statusBar().showMessage(message)

    def _backup_done(self, problem: object) -> None:
        if problem is not None:
            self.window.statusBar().showMessage(error_text(problem))  # type: ignore[arg-type]

    def _storage_failed(self, exc: BaseException) -> None:
        reason = error_text(exc)
        # Not "opening the drafts…" forever under an empty list: say that it failed.
        self.window.statusBar().showMessage(i18n.tr("ui.walk.storage_failed"))
        QMessageBox.critical(self.window, i18n.tr("ui.error.title"), i18n.tr("ui.drafts.open_failed", reason=reason))
        self.service_loaded.emit()

    def change_language(self, language: str) -> None:
        save_settings(load_settings().with_language(language))
        i18n.set_language(language)
        app = QApplication.instance()
        if app is not None:
            install_translations(app, language)
        old = self.window
        self.window = self._make_window()
        self.window.setGeometry(old.geometry())
        self.window.show()
        old.close()
        old.deleteLater()


def _settle_start_up() -> None:
    started = time.perf_counter()
    kept = settle()
    log.debug("start-up settled: %d objects set aside in %.0f ms", kept, (time.perf_counter() - started) * 1000)


def _configure_logging() -> None:
    from vista_desktop.logging_setup import configure_logging

    configure_logging()


def _report_progress(app: QApplication, controller: Application) -> None:
    """Smoke runs (bench/, the frozen bundle's check) print each step once, after the paint that shows it:
    "window-shown", "drafts-listed" (the list on screen), "drafts-loaded" (the database open), then quit."""
    said: set[str] = set()

    def say(event: str) -> None:
        if event not in said:
            said.add(event)
            print(event, flush=True)  # noqa: T201

    QTimer.singleShot(0, lambda: say("window-shown"))
    if controller.window.list_known:
        QTimer.singleShot(0, lambda: say("drafts-listed"))
    controller.window.drafts_listed.connect(lambda: QTimer.singleShot(0, lambda: say("drafts-listed")))

    def loaded() -> None:
        say("drafts-loaded")
        app.quit()

    controller.service_loaded.connect(lambda: QTimer.singleShot(0, loaded))


def run_gui(services: AppServices | None = None) -> int:
    headless = not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if headless and sys.platform.startswith("linux"):
        # Qt would abort the process; say why instead.
        print(i18n.tr("cli.no_gui", reason="no DISPLAY"), file=sys.stderr)  # noqa: T201
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("VISTA Desktop")
    app.setOrganizationName("VISTA")
    load_fonts(app)
    install_translations(app, i18n.current_language())
    install_crash_handler()
    controller = Application(services)
    # Reading the list's details or the deadlines of 10,000 drafts takes seconds, and Python waits for its
    # workers at exit: the window would close and the process stay behind. Cancelled first, then the database.
    app.aboutToQuit.connect(tasks.cancel_background)
    app.aboutToQuit.connect(controller.services.close)  # a clean exit: the next start skips the full check
    # Start-up is over once the database is open and the list on screen (see collection.settle), or after a
    # minute whatever happened: collections never wait for good on an open that does not end.
    controller.service_loaded.connect(lambda: QTimer.singleShot(0, _settle_start_up))
    QTimer.singleShot(START_UP_LIMIT_MS, _settle_start_up)
    controller.window.show()
    if os.environ.get("VISTA_DESKTOP_SMOKE"):
        _report_progress(app, controller)
    # The log file right after the window is on screen: logging's handlers are not worth a later first window.
    QTimer.singleShot(0, _configure_logging)
    return app.exec()
