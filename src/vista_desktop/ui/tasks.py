"""The GUI's one way to run long work: a core task (`vista_desktop.tasks`) on its lane, with progress, cancel and
success / failure callbacks delivered on the GUI thread.

Why not superqt's `thread_worker`: its progress channel is a generator's `yield`, while our tasks are plain
callables that receive a `TaskContext`, so that the CLI runs the very same task with a terminal bar; the signing
lane must also stay one serialised thread shared by the GUI and the CLI. The bridge below is the whole cost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from vista_desktop.errors import Cancelled
from vista_desktop.tasks import Lane, Task, TaskHandle, submit

log = logging.getLogger(__name__)

_running: set[RunningTask] = set()  # kept alive until they report


class ProgressView(Protocol):
    """Something that shows a running task (ui.progress.TaskProgress)."""

    def attach(self, running: RunningTask, message: str) -> None: ...


class RunningTask(QObject):
    """A task in flight. Its signals arrive on the GUI thread (the object lives there; emits from the worker
    thread are queued)."""

    progressed = Signal(object, str)  # fraction 0–1 or None, message
    succeeded = Signal(object)
    failed = Signal(object)  # the exception (Cancelled when the user cancelled)
    finished = Signal()

    def __init__(self, task: Task[Any], lane: Lane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task, self._lane = task, lane
        self.handle: TaskHandle[Any] | None = None
        self.stop_at_quit = False  # a background read nobody waits for (see start)

    def submit(self) -> None:
        """Start the task; connect the signals first, since a short task may finish before this returns."""
        self.handle = submit(self._task, self._lane, self._report_progress)
        self.handle.future.add_done_callback(self._done)

    @property
    def done(self) -> bool:
        return self.handle is not None and self.handle.future.done()

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()

    def _report_progress(self, fraction: float | None, message: str) -> None:
        self.progressed.emit(fraction, message)

    def _done(self, future: Future[Any]) -> None:
        try:
            result = future.result()
        except CancelledError:
            self.failed.emit(Cancelled())
        except Exception as exc:
            if not isinstance(exc, Cancelled):
                log.debug("task failed", exc_info=exc)
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        self.finished.emit()


def start(
    task: Task[Any],
    on_success: Callable[[Any], object],
    on_failure: Callable[[BaseException], object],
    *,
    lane: Lane = "default",
    on_progress: Callable[[float | None, str], None] | None = None,
    view: ProgressView | None = None,
    message: str = "",
    owner: QObject | None = None,
    stop_at_quit: bool = False,
) -> RunningTask:
    """Run `task` off the GUI thread; the callbacks run on the GUI thread, and `view` shows its progress with a
    Cancel button. Everything is connected before the task starts. When `owner` (the window the callbacks
    update) is closed and deleted before the task ends, the callbacks are skipped. `stop_at_quit`: a background
    read whose result only the window wanted, cancelled when the app quits (`cancel_background`) — what the
    user started (an export, a signing) is left to finish."""
    running = RunningTask(task, lane)
    running.stop_at_quit = stop_at_quit
    _running.add(running)
    running.succeeded.connect(_unless_gone(owner, on_success))
    running.failed.connect(_unless_gone(owner, on_failure))
    if on_progress is not None:
        running.progressed.connect(on_progress)
    if view is not None:
        view.attach(running, message)
    running.finished.connect(lambda: _release(running))
    running.submit()
    return running


def cancel_background() -> None:
    """The app is quitting: ask the background reads still running to stop (Python waits for its workers at
    exit, and reading 10,000 drafts takes seconds)."""
    for running in list(_running):
        if running.stop_at_quit:
            running.cancel()


def _release(running: RunningTask) -> None:
    # Deleted by Qt on the GUI thread once its signals are delivered; a lambda connected to one of its signals
    # would otherwise keep it (and its future's result) alive for good.
    _running.discard(running)
    running.deleteLater()


def _unless_gone(owner: QObject | None, callback: Callable[[Any], object]) -> Callable[[Any], object]:
    if owner is None:
        return callback

    def guarded(value: Any) -> None:
        if isValid(owner):
            callback(value)

    return guarded
