"""A progress bar with a Cancel button for a running task: in the main window's status bar, and in dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from vista_desktop.i18n import tr
from vista_desktop.ui.tasks import RunningTask


class TaskProgress(QWidget):
    """Hidden until a task is attached; shows its fraction (or a busy bar when unknown) and message, and cancels
    it on request. Hides itself when the task ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("task-progress")
        self.message = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(260)
        self.cancel_button = QPushButton(tr("ui.task.cancel"))
        self.cancel_button.setObjectName("task-cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.running: RunningTask | None = None
        self.hide()

    def attach(self, running: RunningTask, message: str) -> None:
        self.running = running
        self.message.setText(message)
        self.bar.setRange(0, 0)  # busy until the first fraction arrives
        self.cancel_button.setEnabled(True)
        running.progressed.connect(self._progressed)
        running.finished.connect(self._finished)
        self.show()

    def cancel(self) -> None:
        if self.running is not None:
            self.cancel_button.setEnabled(False)
            self.message.setText(tr("ui.task.cancelling"))
            self.running.cancel()

    def _progressed(self, fraction: float | None, _message: str) -> None:
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))

    def _finished(self) -> None:
        self.running = None
        self.hide()
