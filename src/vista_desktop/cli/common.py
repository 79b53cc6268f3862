"""What every command shares: exit codes, printing, the one place errors become messages, and running a task
with a progress bar on the terminal."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from vista_desktop import i18n
from vista_desktop.errors import VistaError
from vista_desktop.tasks import Lane, Task, run

log = logging.getLogger(__name__)
T = TypeVar("T")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class CommandFailed(Exception):
    """Raised inside a command once its messages are printed: the command exits 1."""


def print_error(text: str) -> None:
    print(text, file=sys.stderr)


# What a script author can do about an error that the GUI words for a clerk.
HINTS = {"document.invalid": "cli.hint.draft", "sign.pin_required": "cli.hint.pin_env"}


def report(exc: BaseException) -> None:
    """The CLI's one place where an error becomes text: ours in the user's language (with its technical detail and
    a hint for scripts), anything else as a short generic line (the traceback goes to the log, never here)."""
    if isinstance(exc, VistaError):
        print_error(exc.message())
        if exc.detail:
            print_error(i18n.tr("cli.detail", detail=exc.detail))
        if exc.code in HINTS:
            print_error(i18n.tr(HINTS[exc.code]))
    else:
        log.error("unexpected error", exc_info=exc)
        print_error(f"{i18n.tr('error.unexpected')} [{type(exc).__name__}]")


def guarded(command: Callable[..., int]) -> Callable[..., int]:
    """Run a command handler; any error is reported and the command exits 1."""

    def handler(*args: object) -> int:
        try:
            return command(*args)
        except CommandFailed:
            return EXIT_INVALID
        except KeyboardInterrupt:
            print_error(i18n.tr("operation.cancelled"))
            return EXIT_INVALID
        except Exception as exc:
            report(exc)
            return EXIT_INVALID

    return handler


class TerminalProgress:
    """A one-line bar on stderr when it is a terminal; silent otherwise (scripts read stdout)."""

    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.enabled = sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, fraction: float | None, message: str) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < 0.1:
            return
        self._last = now
        if fraction is None:
            line = f"… {message}"
        else:
            filled = int(self.width * fraction)
            line = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {message}"
        sys.stderr.write("\r" + line[:100].ljust(100))
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self._last:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


def run_task(task: Task[T], lane: Lane = "default") -> T:
    """Run a service task with a progress bar; Ctrl+C cancels it."""
    progress = TerminalProgress()
    try:
        return run(task, lane, progress)
    finally:
        progress.close()
