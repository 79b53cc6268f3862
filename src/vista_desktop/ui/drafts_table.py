"""The table of the drafts window: rows selected whole, columns titled, sortable once the list is on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLayout, QTableView, QVBoxLayout, QWidget

from vista_desktop.ui.drafts_model import SAVED, TITLE, DraftsModel, column_titles
from vista_desktop.ui.qt_values import ALIGN_CENTER, set_qt_property

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent


class DraftsTable(QTableView):
    """The drafts, newest first. Sorting by a column is armed just after the first paint, not before: it passes a
    Qt.SortOrder to Python, which builds the whole Qt namespace (see qt_values), and the list should not wait for
    that. Until then the rows are already in the model's order, newest first."""

    painted_once = Signal()  # the list has been painted once (emitted right after that paint)

    def __init__(self, model: DraftsModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._painted = False
        self.setObjectName("drafts")
        self.setViewport(_viewport())
        self.hint = _hint(self.viewport())
        self.setModel(model)
        self.titles = column_titles(self)
        header = self.horizontalHeader()
        header.setModel(self.titles)  # after setModel: that gives the header the view's model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        # The save time whole ("27/11/2026 09:24"), from the font, not by measuring 10,000 rows.
        sample = self.fontMetrics().horizontalAdvance("00/00/0000 00:00") + 24
        header.resizeSection(SAVED, max(sample, header.sectionSizeHint(SAVED)))
        self.painted_once.connect(self._arm_sorting_soon)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.painted_once.emit)  # once this paint is on screen

    def _arm_sorting_soon(self) -> None:
        # One more turn: what else waits for the first paint (a smoke run's report) goes first.
        QTimer.singleShot(0, self.arm_sorting)

    def arm_sorting(self) -> None:
        """Header clicks sort from now on; the arrow shows the order the list has (the model's)."""
        if self.isSortingEnabled():
            return
        model = self.model()
        assert isinstance(model, DraftsModel)
        order = QtCore.Qt.SortOrder
        self.horizontalHeader().setSortIndicator(
            model.sort_column, order.DescendingOrder if model.descending else order.AscendingOrder
        )
        self.setSortingEnabled(True)  # sorts by that indicator: the order the rows already have


def _viewport() -> QWidget:
    """A viewport made here, set up as Qt sets up its own: Qt's own, handed to Python (to lay the hint on it),
    makes PySide build every widget class it might be first — 67 classes, 11 ms before the first paint."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    return viewport


def _hint(viewport: QWidget) -> QLabel:
    """What an empty list (or a search that matches nothing) says, centred over the rows' area; hidden else."""
    hint = QLabel()
    hint.setObjectName("drafts-hint")
    set_qt_property(hint, "alignment", ALIGN_CENTER)
    hint.setWordWrap(True)
    # A palette, a font and margins, not a style sheet: the first style sheet shown loads Qt's style sheet
    # engine, which cost a fresh profile's first window tens of milliseconds.
    palette = hint.palette()
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):  # on the viewport, labels use Text
        palette.setColor(role, QColor("#5f6368"))
    hint.setPalette(palette)
    font = hint.font()
    font.setPointSizeF(11)
    hint.setFont(font)
    hint.setContentsMargins(24, 24, 24, 24)
    # A layout keeps it the viewport's size (a Python event filter would see every event of the viewport); no
    # constraint, so that a long hint never makes the viewport larger than the table gives it.
    layout = QVBoxLayout(viewport)
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(hint)
    return hint
