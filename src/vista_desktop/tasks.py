"""Long work as plain-Python tasks: a callable that receives a `TaskContext` to report progress and to learn that
the user cancelled. The same task runs under the GUI (ui.tasks shows a progress bar with a Cancel button) and the
CLI (cli.common draws a terminal bar), on one of two lanes:

- "default": a small pool for rendering, hashing, importing and exporting;
- "signing": one serialised thread with no asyncio loop, because pyHanko's synchronous API needs that and PKCS#11
  drivers misbehave when two threads use one token at once.

Cancelling is cooperative: a task calls `context.progress(...)` or `context.check()` at safe points, which raise
`Cancelled` once the user asked; whatever it was writing goes through `fileio.atomic_path` and so is not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from vista_desktop.errors import Cancelled

T = TypeVar("T")
Lane = Literal["default", "signing"]
ProgressListener = Callable[[float | None, str], None]

_executors: dict[str, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()
_LANE_WORKERS = {"default": 2, "signing": 1}


class TaskContext:
    """What a running task sees: progress reporting (fraction 0–1 or None when unknown, and a message) and the
    cancel flag. `share(start, end)` hands a sub-step its part of the bar."""

    def __init__(self, listener: ProgressListener | None = None) -> None:
        self._listener = listener
        self._cancelled = threading.Event()
        self._start, self._span = 0.0, 1.0
        self._parent: TaskContext | None = None

    @property
    def cancelled(self) -> bool:
        root = self._root()
        return root._cancelled.is_set()

    def cancel(self) -> None:
        self._root()._cancelled.set()

    def check(self) -> None:
        """Raise `Cancelled` if the user asked to stop."""
        if self.cancelled:
            raise Cancelled()

    def progress(self, fraction: float | None, message: str = "") -> None:
        self.check()
        root = self._root()
        if root._listener is not None:
            scaled = None if fraction is None else self._start + self._span * min(max(fraction, 0.0), 1.0)
            root._listener(scaled, message)

    def share(self, start: float, end: float) -> TaskContext:
        """A context for a sub-step that owns the part [start, end] of this context's bar."""
        child = TaskContext()
        child._parent = self
        child._start = self._start + self._span * start
        child._span = self._span * (end - start)
        return child

    def bytes_listener(self, total: int, message: str = "") -> Callable[[int], None]:
        """A callback for streamed work (`fileio.sha256_file`): counts bytes and reports their fraction."""
        done = 0

        def on_bytes(count: int) -> None:
            nonlocal done
            done += count
            self.progress(done / total if total else None, message)

        return on_bytes

    def _root(self) -> TaskContext:
        node = self
        while node._parent is not None:
            node = node._parent
        return node


Task = Callable[[TaskContext], T]


def never_cancelled() -> None:
    """The `check` of work run outside a task: it never stops it (a task passes its `context.check`)."""


@dataclass(frozen=True)
class TaskHandle(Generic[T]):
    """A submitted task: its future and the context through which it can be cancelled."""

    future: Future[T]
    context: TaskContext

    def cancel(self) -> None:
        self.context.cancel()
        self.future.cancel()  # not started yet: it never will be


def _executor(lane: Lane) -> ThreadPoolExecutor:
    with _executors_lock:
        if lane not in _executors:
            _executors[lane] = ThreadPoolExecutor(_LANE_WORKERS[lane], thread_name_prefix=f"task-{lane}")
        return _executors[lane]


def submit(task: Task[T], lane: Lane = "default", listener: ProgressListener | None = None) -> TaskHandle[T]:
    context = TaskContext(listener)

    def run() -> T:
        context.check()
        return task(context)

    return TaskHandle(_executor(lane).submit(run), context)


def run(task: Task[T], lane: Lane = "default", listener: ProgressListener | None = None) -> T:
    """Run a task on its lane and wait for it; Ctrl+C cancels it (the CLI's way)."""
    handle = submit(task, lane, listener)
    try:
        return handle.future.result()
    except KeyboardInterrupt:
        handle.cancel()
        raise
