"""Results of the signing thread delivered on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal


class FutureBridge(QObject):
    finished = Signal(object)  # the Future, on the GUI thread

    def watch(self, future: Future[Any], on_done: Callable[[Future[Any]], None]) -> None:
        self.finished.connect(on_done)
        future.add_done_callback(self.finished.emit)  # called on the signing thread; queued to the GUI
