"""Windows sized from the screen they open on, and put back where the user left them.

Fixed sizes put the wizard partly off-screen on a 1366×768 laptop and at 200 % scaling; every window asks here
instead, with the size it would like and a name under which its last geometry is remembered in the settings.
"""

from __future__ import annotations

import logging

from PySide6 import QtCore
from PySide6.QtCore import QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from vista_desktop.settings import load_settings, save_settings

log = logging.getLogger(__name__)

# Room for the window manager's frame, which Qt only knows once the window is shown: a title bar above, a border
# around.
FRAME_TOP = 32
FRAME_SIDE = 8
# Share of the available area a window takes at most when it opens, so the desktop stays visible around it.
SCREEN_SHARE = 0.92


def fit_rect(preferred: QSize, available: QRect, minimum: QSize | None = None) -> QRect:
    """The inner area of a window as large as `preferred` when the screen allows, centred in `available` with
    room for the frame. A `minimum` (the layout's) is kept as far as the screen allows."""
    room_w = available.width() - 2 * FRAME_SIDE
    room_h = available.height() - FRAME_TOP - FRAME_SIDE
    width = max(1, min(preferred.width(), int(room_w * SCREEN_SHARE)))
    height = max(1, min(preferred.height(), int(room_h * SCREEN_SHARE)))
    if minimum is not None:
        width = min(max(width, minimum.width()), room_w)
        height = min(max(height, minimum.height()), room_h)
    x = available.x() + FRAME_SIDE + (room_w - width) // 2
    y = available.y() + FRAME_TOP + (room_h - height) // 2
    return QRect(x, y, width, height)


def clamp_rect(saved: QRect, available: QRect) -> QRect:
    """A remembered geometry moved and shrunk just enough to sit inside `available` (another monitor, a lower
    resolution or a larger scale since it was saved)."""
    room_w = available.width() - 2 * FRAME_SIDE
    room_h = available.height() - FRAME_TOP - FRAME_SIDE
    width, height = max(1, min(saved.width(), room_w)), max(1, min(saved.height(), room_h))
    left, top = available.x() + FRAME_SIDE, available.y() + FRAME_TOP
    x = min(max(saved.x(), left), left + room_w - width)
    y = min(max(saved.y(), top), top + room_h - height)
    return QRect(x, y, width, height)


def _screen_for(widget: QWidget, point: QRect | None) -> QScreen | None:
    if point is not None:
        screen = QGuiApplication.screenAt(point.center())
        if screen is not None:
            return screen
    parent = widget.parentWidget()
    if parent is not None and parent.isVisible():
        return parent.screen()
    return widget.screen() or QGuiApplication.primaryScreen()


def place_window(widget: QWidget, name: str, preferred: QSize, *, saved_on_hide: bool = True) -> None:
    """Size and place a window before it is shown: where it was last closed if that still fits a screen, else
    `preferred` fitted to the screen it opens on. Its geometry is saved under `name` whenever it is hidden, unless
    `saved_on_hide` is False: then the window calls remember_geometry() itself when it closes (the drafts window,
    whose every event would otherwise pass through Python, and build QEvent's enums, before its first paint)."""
    saved = load_settings().window_geometry.get(name)
    rect = QRect(*saved) if saved else None
    screen = _screen_for(widget, rect)
    if screen is None:
        widget.resize(preferred)
    else:
        available = screen.availableGeometry()
        if rect is not None and available.intersects(rect):
            widget.setGeometry(clamp_rect(rect, available))
        else:
            widget.setGeometry(fit_rect(preferred, available, widget.minimumSizeHint()))
    if saved_on_hide:
        _GeometryKeeper(widget, name)


def remembered(name: str) -> bool:
    return name in load_settings().window_geometry


def remember_geometry(widget: QWidget, name: str) -> None:
    """Save where a window is (its normal geometry when maximised), for the next time it opens."""
    rect = widget.normalGeometry() if widget.isMaximized() else widget.geometry()
    if rect.width() <= 0 or rect.height() <= 0:
        return
    try:
        settings = load_settings()
        save_settings(settings.with_window_geometry(name, (rect.x(), rect.y(), rect.width(), rect.height())))
    except OSError as exc:  # a read-only profile must not stop a window from closing
        log.warning("window geometry not saved: %s", exc)


class _GeometryKeeper(QObject):
    """Saves a window's geometry whenever it is hidden: closed, or a dialog finished with done()."""

    def __init__(self, widget: QWidget, name: str) -> None:
        super().__init__(widget)
        self.name = name
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        # QtCore.QEvent read here, not imported: importing it builds its 179-name Type enum, and the drafts window
        # (which has no filter here) loads this module before its first paint.
        if event.type() == QtCore.QEvent.Type.Hide and isinstance(watched, QWidget) and watched.isWindow():
            remember_geometry(watched, self.name)
        return False
