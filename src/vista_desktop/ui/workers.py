"""One way to run slow work off the GUI thread: a QRunnable on the global pool, with success and failure slots."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:
            log.exception("background operation failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


_live: set[_Signals] = set()


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
) -> None:
    """Run `work` on the thread pool; the callbacks run on the GUI thread."""
    signals = _Signals()
    _live.add(signals)  # keep the signal object alive until the job reports

    def done(callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def handler(value: Any) -> None:
            _live.discard(signals)
            callback(value)

        return handler

    signals.succeeded.connect(done(on_success))
    signals.failed.connect(done(on_failure))
    QThreadPool.globalInstance().start(_Job(work, signals))
