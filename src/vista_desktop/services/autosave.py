"""Debounced saving on a background thread, so typing never waits for the disk.

The newest data wins: while a save runs, further changes wait for the next one. A failed save keeps the
data pending and is retried, so nothing typed is dropped because the disk was briefly unavailable.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from vista_desktop.storage.drafts import SaveReceipt

log = logging.getLogger(__name__)

SaveFunction = Callable[[dict[str, Any]], SaveReceipt]


class Autosaver:
    def __init__(
        self,
        save: SaveFunction,
        delay: float = 0.6,
        on_saved: Callable[[SaveReceipt], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        retry_delay: float = 2.0,
    ) -> None:
        self._save = save
        self._delay = delay
        self._retry_delay = retry_delay
        self._on_saved = on_saved
        self._on_error = on_error
        self._cond = threading.Condition()
        self._pending: dict[str, Any] | None = None
        self._due = 0.0
        self._generation = 0  # bumped by each schedule(); flush() waits until its generation is saved
        self._saved_generation = 0
        self._saving = False
        self._closed = False
        self._last_receipt: SaveReceipt | None = None
        self._thread = threading.Thread(target=self._run, name="autosave", daemon=True)
        self._thread.start()

    @property
    def has_pending(self) -> bool:
        with self._cond:
            return self._pending is not None or self._saving

    def schedule(self, data: dict[str, Any], *, shared: bool = False) -> None:
        """Save `data` after the delay. `shared=True` promises that the caller never changes `data` afterwards
        (copy-on-write, as DraftSession does): it is kept as is instead of deep-copied on every keystroke."""
        snapshot = data if shared else copy.deepcopy(data)
        with self._cond:
            if self._closed:
                raise RuntimeError("autosaver is closed")
            self._pending = snapshot
            self._generation += 1
            self._due = time.monotonic() + self._delay
            self._cond.notify_all()

    def flush(self, timeout: float | None = 10.0) -> SaveReceipt | None:
        """Save what is pending now and wait for it; returns the newest receipt (None if nothing was ever saved)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._generation
            self._due = time.monotonic()
            self._cond.notify_all()
            while self._saved_generation < target:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError("autosave did not finish in time")
                self._cond.wait(remaining)
            return self._last_receipt

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()
            self._thread.join(timeout=10)

    def _take(self) -> tuple[dict[str, Any], int] | None:
        with self._cond:
            while True:
                if self._pending is not None:
                    wait = self._due - time.monotonic()
                    if wait <= 0:
                        data, self._pending = self._pending, None
                        self._saving = True
                        return data, self._generation
                    self._cond.wait(wait)
                elif self._closed:
                    return None
                else:
                    self._cond.wait()

    def _run(self) -> None:
        while (job := self._take()) is not None:
            data, generation = job
            try:
                receipt = self._save(data)
            except Exception as exc:  # keep the data and try again: the disk may come back
                log.exception("autosave failed")
                with self._cond:
                    if self._pending is None:
                        self._pending = data
                    self._due = time.monotonic() + self._retry_delay
                    self._saving = False
                self._notify(self._on_error, exc)
                continue
            with self._cond:
                self._saving = False
                self._last_receipt = receipt
                self._saved_generation = max(self._saved_generation, generation)
                self._cond.notify_all()
            self._notify(self._on_saved, receipt)

    @staticmethod
    def _notify(callback: Callable[[Any], None] | None, value: Any) -> None:
        # A failing listener must not stop the saving thread: the data matters more than the indicator.
        if callback is None:
            return
        try:
            callback(value)
        except Exception:
            log.exception("autosave listener failed")
