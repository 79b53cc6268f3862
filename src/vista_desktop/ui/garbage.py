"""Reference cycles collected on the GUI thread only (see vista_desktop.collection for why)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from shiboken6 import isValid

from vista_desktop.collection import collect_due, take_over

__all__ = ["GuiThreadCollector", "collect_on_gui_thread"]

# Often enough that garbage made by a long job on a worker does not pile up: a check is three integers when
# nothing is due, and a young-generation collection a fraction of a millisecond.
CHECK_INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects from a timer on the thread of the application object."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        take_over()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(collect_due)
        self.timer.start()


_installed: GuiThreadCollector | None = None


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Install the collector on `app` once (later calls return the one installed) and keep automatic
    collection off: a library may have turned it on again."""
    global _installed
    if _installed is not None and isValid(_installed) and _installed.parent() is app:
        take_over()
    else:
        _installed = GuiThreadCollector(app)
    return _installed
