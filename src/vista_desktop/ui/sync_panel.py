"""The Sync panel ("Gửi hồ sơ"): the outbox in plain words, per-file progress and speed while sending, Send now
(cancellable: the server keeps what it has, so the next Send now resumes), Retry, server settings, queueing a
signed dossier folder. `SyncMonitor` belongs to the main window: the online/offline label in its status bar, a
cheap periodic probe on the task runner, a background drain when the server is reachable and the password known,
and a notice when a submission becomes accepted or returned."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSystemTrayIcon,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from vista_desktop.errors import Cancelled
from vista_desktop.i18n import tr
from vista_desktop.tasks import TaskContext
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.file_dialogs import file_dialog, open_file
from vista_desktop.ui.progress import TaskProgress


def _error_message(entry: OutboxEntry) -> str:
    # The sync service (and its protocol module) loads with the first sync, not with the main window.
    from vista_desktop.services.sync import error_message

    return error_message(entry)


if TYPE_CHECKING:
    from vista_desktop.services.app import AppServices
    from vista_desktop.services.sync import DrainReport
    from vista_desktop.storage.outbox import OutboxEntry

PROBE_INTERVAL_MS = 60_000
_FINAL_NOTICES = {"accepted", "returned"}
# What the clerk can do about a stopped entry, by the reason's code.
_REMEDIES = {
    "sync.bad_credentials": "sync_ui.fix.password",
    "sync.forbidden": "sync_ui.fix.password",
    "sync.no_account": "sync_ui.fix.password",
    "sync.too_large": "sync_ui.fix.too_large",
    "sync.file_missing": "sync_ui.fix.requeue",
    "sync.file_changed": "sync_ui.fix.requeue",
    "sync.conflict": "sync_ui.fix.requeue",
}


def dossier_label(entry: OutboxEntry) -> str:
    try:
        files = [str(f["path"]) for f in json.loads(entry.manifest_json).get("files", [])]
    except (ValueError, TypeError, KeyError, AttributeError):
        files = []
    first = files[0] if files else entry.submission[:8]
    return tr("sync_ui.dossier", first=first, more=len(files) - 1) if len(files) > 1 else first


def entry_state_text(entry: OutboxEntry, percent: int | None = None) -> str:
    """The entry's state in plain words (what the panel's list shows)."""
    if entry.state == "accepted":
        return tr(
            "sync_ui.state.accepted",
            number=entry.registration_number or "—",
            certificate=entry.certificate_number or "—",
        )
    if entry.state == "returned":
        return tr("sync_ui.state.returned", reasons="; ".join(entry.reasons) or "—")
    if entry.state == "failed":
        remedy = tr(_REMEDIES.get(entry.last_error or "", "sync_ui.fix.retry"))
        return tr("sync_ui.state.failed", reason=_error_message(entry), remedy=remedy)
    if percent is not None:
        return tr("sync_ui.state.sending", percent=percent)
    if entry.state == "uploading":
        return tr("sync_ui.state.interrupted")
    if entry.state == "received":
        return tr("sync_ui.state.received")
    if entry.last_error:
        return tr("sync_ui.state.waiting_retry", reason=_error_message(entry))
    return tr("sync_ui.state.queued")


def human_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"


class SendProgress:
    """Turns the drain's overall fraction into the dossier and file being sent, their percent and the speed.
    Files go in manifest order, so the byte count locates the file (exact for a fresh send, close on a resume)."""

    def __init__(self, entries: list[OutboxEntry]) -> None:
        self.sending = [e for e in entries if e.state != "received"]
        self.grand_total = sum(e.total_bytes for e in self.sending) or 1
        self.started = time.monotonic()
        self.first_done: float | None = None
        self.percents: dict[str, int] = {}

    def update(self, fraction: float) -> str:
        done = fraction * self.grand_total
        if self.first_done is None:
            # A resumed send starts at the server's offset: speed counts only what this run sends.
            self.first_done, self.started = done, time.monotonic()
        base = 0
        current, file_name, file_percent = None, "", 0
        for entry in self.sending:
            share = max(0.0, min(done - base, entry.total_bytes))
            self.percents[entry.submission] = int(100 * share / entry.total_bytes) if entry.total_bytes else 100
            if current is None and done < base + entry.total_bytes:
                current = entry
                file_name, file_percent = _file_at(entry, share)
            base += entry.total_bytes
        elapsed = time.monotonic() - self.started
        speed = (done - self.first_done) / elapsed if elapsed > 0.05 else 0.0
        if current is None:
            return tr("sync_ui.progress.finishing")
        return tr(
            "sync_ui.progress.file",
            file=file_name,
            percent=file_percent,
            dossier=dossier_label(current),
            speed=human_bytes(speed),
        )


def _file_at(entry: OutboxEntry, sent: float) -> tuple[str, int]:
    try:
        files = [(str(f["path"]), int(f["size"])) for f in json.loads(entry.manifest_json).get("files", [])]
    except (ValueError, TypeError, KeyError, AttributeError):
        return dossier_label(entry), 0
    offset = 0
    for path, size in files:
        if sent < offset + size or (size == 0 and sent <= offset):
            return path, int(100 * (sent - offset) / size) if size else 0
        offset += size
    return (files[-1][0], 100) if files else (entry.submission[:8], 100)


class SyncMonitor(QObject):
    """The main window's view of the outbox between dialogs: online label, periodic probe, background drain,
    notices, and the session password when there is no keyring."""

    notified = Signal(str)
    outbox_changed = Signal()

    def __init__(self, window: QMainWindow, services: AppServices, interval_ms: int = PROBE_INTERVAL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.session_password: str | None = None
        self.online: bool | None = None
        self.last_notice = ""
        self.indicator = QLabel()
        self.indicator.setObjectName("sync-indicator")
        self.indicator.hide()
        window.statusBar().addPermanentWidget(self.indicator)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check_now)
        self.probing: tasks.RunningTask | None = None
        self.draining: tasks.RunningTask | None = None
        self._known: dict[str, str] | None = None
        self.tray: QSystemTrayIcon | None = None

    def start(self) -> None:
        """After storage is open: the baseline of states (no notice for what was already accepted), then probes."""
        self.observe(self.services.sync.statuses())
        self.timer.start()
        self.check_now()

    def check_now(self) -> None:
        if self.probing is not None:
            return
        self.probing = tasks.start(
            lambda _ctx: self.services.sync.probe(), self._probed, self._probe_failed, owner=self.indicator
        )

    def _probe_failed(self, _exc: BaseException) -> None:
        self.probing = None
        self.show_online(False)

    def _probed(self, online: bool | None) -> None:
        self.probing = None
        self.show_online(online)
        if (
            online
            and self.draining is None
            and any(e.state in ("queued", "uploading", "received") for e in self.services.sync.statuses())
        ):
            self.drain_in_background()

    def show_online(self, online: bool | None) -> None:
        self.online = online
        if online is None:
            self.indicator.hide()
            return
        self.indicator.setText(tr("sync_ui.online" if online else "sync_ui.offline"))
        self.indicator.setToolTip(tr("sync_ui.online_tip" if online else "sync_ui.offline_tip"))
        self.indicator.show()

    # Draining ------------------------------------------------------------------------------------------------------

    def drain_in_background(self) -> None:
        """Only what is due, only with a password known without asking (session or keyring): never a dialog."""
        session = self.session_password
        sync = self.services.sync

        def task(context: TaskContext) -> DrainReport | None:
            password = session or sync.stored_password()
            return None if password is None else sync.drain(context, password, respect_schedule=True)

        self.draining = tasks.start(task, self._drained, self._drain_failed, owner=self.indicator)

    def drain_now(
        self,
        password: str,
        on_done: Callable[[DrainReport | None], object],
        on_failure: Callable[[BaseException], object],
        view: TaskProgress,
        on_progress: Callable[[float | None, str], None],
    ) -> tasks.RunningTask | None:
        if self.draining is not None and not self.draining.done:
            # A background send is already on its way: "Gửi ngay" joins it — its progress shown, Hủy stopping it —
            # rather than starting a second one or refusing.
            running = self.draining
            view.attach(running, tr("sync_ui.sending"))
            running.progressed.connect(on_progress)
            running.succeeded.connect(on_done)
            running.failed.connect(on_failure)
            return running
        sync = self.services.sync

        def finished(report: object) -> None:
            self._drained(report)
            on_done(report)  # type: ignore[arg-type]

        def failed(exc: BaseException) -> None:
            self._drain_failed(exc)
            on_failure(exc)

        self.draining = tasks.start(
            lambda context: sync.drain(context, password),
            finished,
            failed,
            view=view,
            on_progress=on_progress,
            message=tr("sync_ui.sending"),
            owner=self.indicator,
        )
        return self.draining

    def _drained(self, _report: object) -> None:
        self.draining = None
        self.observe(self.services.sync.statuses())
        self.outbox_changed.emit()

    def _drain_failed(self, _exc: BaseException) -> None:
        self.draining = None
        self.outbox_changed.emit()

    def password(self, parent: QWidget) -> str | None:
        """The session's password, else the keyring's, else asked (and remembered in the keyring if there is
        one; with none, kept for this session only, and the clerk is told why)."""
        sync = self.services.sync
        server = sync.server()
        if server is None:
            return None
        if self.session_password:
            return self.session_password
        if stored := sync.stored_password():
            return stored
        keyring = sync.keyring_available()
        note = "" if keyring else "\n\n" + tr("sync_ui.no_keyring")
        text, ok = QInputDialog.getText(
            parent,
            tr("sync_ui.password_title"),
            tr("sync_ui.password_prompt", account=server.account, server=server.server_url) + note,
            QLineEdit.EchoMode.Password,
        )
        if not ok or not text:
            return None
        self.keep_password(text)
        return text

    def keep_password(self, password: str) -> bool:
        """True when the keyring holds it now; otherwise it lives in this session only."""
        if self.services.sync.remember_password(password):
            self.session_password = None
            return True
        self.session_password = password
        return False

    # Notices --------------------------------------------------------------------------------------------------------

    def observe(self, entries: list[OutboxEntry]) -> None:
        """Notice the entries that became accepted or returned since the last look."""
        known, self._known = self._known, {e.submission: e.state for e in entries}
        if known is None:
            return
        for entry in entries:
            if entry.state in _FINAL_NOTICES and known.get(entry.submission) != entry.state:
                self.notify(entry)

    def notify(self, entry: OutboxEntry) -> None:
        key = "sync_ui.notice.accepted" if entry.state == "accepted" else "sync_ui.notice.returned"
        text = tr(key, dossier=dossier_label(entry), state=entry_state_text(entry))
        self.last_notice = text
        self.window.statusBar().showMessage(text)
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.window.windowIcon(), self)
                self.tray.show()
            self.tray.showMessage(tr("sync_ui.title"), text)
        self.notified.emit(text)


class ServerSettingsDialog(QDialog):
    """Server URL, account, password (to the keyring; with none, for this session, saying why), CA bundle."""

    def __init__(self, monitor: SyncMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.setObjectName("sync-settings")
        self.setWindowTitle(tr("sync_ui.settings.title"))
        server = monitor.services.sync.server()
        self.url = QLineEdit(server.server_url if server else "https://")
        self.url.setObjectName("sync-url")
        self.account = QLineEdit(server.account if server else "")
        self.account.setObjectName("sync-account")
        self.password = QLineEdit()
        self.password.setObjectName("sync-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_bundle = QLineEdit(server.ca_bundle or "" if server else "")
        self.ca_bundle.setObjectName("sync-ca-bundle")
        self.ca_bundle.setPlaceholderText(tr("sync_ui.settings.ca_none"))
        choose = QPushButton(tr("sync_ui.settings.ca_choose"))
        choose.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle)
        ca_row.addWidget(choose)
        form = QFormLayout()
        form.addRow(tr("sync_ui.settings.url"), self.url)
        form.addRow(tr("sync_ui.settings.account"), self.account)
        form.addRow(tr("sync_ui.settings.password"), self.password)
        form.addRow(tr("sync_ui.settings.ca"), ca_row)
        keyring = monitor.services.sync.keyring_available()
        self.note = QLabel(tr("sync_ui.settings.keyring" if keyring else "sync_ui.no_keyring"))
        self.note.setObjectName("sync-keyring-note")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("ui.ok"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("ui.file.cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def _choose_ca(self) -> None:
        if path := open_file(self, tr("sync_ui.settings.ca_choose"), tr("sync_ui.settings.ca_filter")):
            self.ca_bundle.setText(str(path))

    def save(self) -> None:
        sync = self.monitor.services.sync
        try:
            sync.configure(self.url.text().strip(), self.account.text().strip(), self.ca_bundle.text().strip() or None)
        except Exception as exc:
            show_error(self, exc)
            return
        if self.password.text():
            self.monitor.keep_password(self.password.text())
        self.accept()
        self.monitor.check_now()


class SyncPanel(QDialog):
    def __init__(self, monitor: SyncMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.sync = monitor.services.sync
        self.setObjectName("sync-panel")
        self.setWindowTitle(tr("sync_ui.title"))
        self.resize(860, 420)
        self.list = QTreeWidget()
        self.list.setObjectName("sync-list")
        self.list.setHeaderLabels([tr("sync_ui.column.dossier"), tr("sync_ui.column.state")])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(0, 320)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.detail = QLabel()
        self.detail.setObjectName("sync-detail")
        self.progress = TaskProgress(self)
        self.server_label = QLabel()
        self.server_label.setObjectName("sync-server")
        self.send_button = self._button("sync_ui.send_now", "sync-send", self.send_now)
        self.retry_button = self._button("sync_ui.retry", "sync-retry", self.retry_selected)
        self.settings_button = self._button("sync_ui.settings.action", "sync-settings-button", self.open_settings)
        self.add_button = self._button("sync_ui.add", "sync-add", self.choose_dossier)
        close = self._button("sync_ui.close", "sync-close", self.close)
        buttons = QHBoxLayout()
        for button in (self.send_button, self.retry_button, self.add_button, self.settings_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.server_label)
        layout.addWidget(self.list)
        layout.addWidget(self.detail)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.send_progress: SendProgress | None = None
        self.running: tasks.RunningTask | None = None
        monitor.outbox_changed.connect(self._outbox_changed)
        self.refresh()

    def _button(self, key: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(tr(key))
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    def _outbox_changed(self) -> None:
        if isValid(self):
            self.refresh()

    def refresh(self) -> None:
        entries = self.sync.statuses()
        server = self.sync.server()
        self.server_label.setText(
            tr("sync_ui.server", server=server.server_url, account=server.account)
            if server
            else tr("sync_ui.no_server")
        )
        selected = self.selected()
        self.list.clear()
        percents = self.send_progress.percents if self.send_progress is not None else {}
        for entry in reversed(entries):  # newest first
            sending = self.running is not None and entry.submission in percents
            text = entry_state_text(entry, percents.get(entry.submission) if sending else None)
            item = QTreeWidgetItem([dossier_label(entry), text])
            item.setData(0, QtCore.Qt.ItemDataRole.UserRole, entry.submission)
            item.setData(0, QtCore.Qt.ItemDataRole.UserRole + 1, entry.state)
            item.setToolTip(1, text)
            self.list.addTopLevelItem(item)
            if entry.submission == selected:
                item.setSelected(True)
        self._update_buttons()

    def state_texts(self) -> dict[str, str]:
        """Submission → the state text shown (what a clerk reads; tests read it too)."""
        items = [self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount())]
        return {str(i.data(0, QtCore.Qt.ItemDataRole.UserRole)): i.text(1) for i in items if i is not None}

    def selected(self) -> str | None:
        items = self.list.selectedItems()
        return str(items[0].data(0, QtCore.Qt.ItemDataRole.UserRole)) if items else None

    def _update_buttons(self) -> None:
        busy = self.running is not None or self.monitor.draining is not None
        self.send_button.setEnabled(not busy)
        items = self.list.selectedItems()
        stopped = [i for i in items if i.data(0, QtCore.Qt.ItemDataRole.UserRole + 1) == "failed"]
        self.retry_button.setEnabled(not busy and bool(stopped))

    # Actions --------------------------------------------------------------------------------------------------------

    def send_now(self) -> tasks.RunningTask | None:
        if self.sync.server() is None:
            self.open_settings()
            return None
        password = self.monitor.password(self)
        if password is None:
            return None
        self.send_progress = SendProgress(self.sync.statuses())
        self.running = self.monitor.drain_now(password, self._sent, self._send_failed, self.progress, self._progressed)
        if self.running is None:
            self.detail.setText(tr("sync_ui.busy"))
        self._update_buttons()
        return self.running

    def _progressed(self, fraction: float | None, _message: str) -> None:
        if fraction is None or self.send_progress is None or not isValid(self):
            return
        self.detail.setText(self.send_progress.update(fraction))
        self.refresh()

    def _sent(self, report: DrainReport | None) -> None:
        self.running, self.send_progress = None, None
        if not isValid(self):
            return
        if report is None:
            self.detail.setText("")
        else:
            self.detail.setText(
                tr("sync_ui.report", sent=len(report.sent), pending=len(report.pending), failed=len(report.failed))
            )
        self.refresh()

    def _send_failed(self, exc: BaseException) -> None:
        self.running, self.send_progress = None, None
        if not isValid(self):
            return
        self.refresh()
        if isinstance(exc, Cancelled):
            self.detail.setText(tr("sync_ui.cancelled"))
            return
        self.detail.setText("")
        show_error(self, exc)

    def retry_selected(self) -> None:
        for item in self.list.selectedItems():
            if item.data(0, QtCore.Qt.ItemDataRole.UserRole + 1) == "failed":
                self.sync.retry(str(item.data(0, QtCore.Qt.ItemDataRole.UserRole)))
        self.refresh()

    def open_settings(self) -> ServerSettingsDialog:
        dialog = ServerSettingsDialog(self.monitor, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def choose_dossier(self) -> None:
        dialog = file_dialog(self, tr("sync_ui.add_title"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        if dialog.exec() == QFileDialog.DialogCode.Accepted and dialog.selectedFiles():
            self.queue_dossier(Path(dialog.selectedFiles()[0]))

    def queue_dossier(self, folder: Path) -> tasks.RunningTask:
        sync = self.sync

        def queued(_submission: object) -> None:
            self.detail.setText(tr("sync_ui.queued", folder=folder.name))
            self.refresh()

        return tasks.start(
            lambda context: sync.queue(folder, context=context),
            queued,
            lambda exc: show_error(self, exc),
            view=self.progress,
            message=tr("sync_ui.queueing", folder=folder.name),
            owner=self,
        )
