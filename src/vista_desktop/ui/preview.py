"""The built-in preview of a PDF as it prints, signature stamps included, with zoom, page n/N and Print.

Pages are drawn by `services.preview` off the GUI thread, only when they scroll into view; until then each page is
a white sheet of the right size, so that the scroll bar and "page n/N" are right from the start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.errors import Cancelled
from vista_desktop.i18n import tr
from vista_desktop.services import preview
from vista_desktop.tasks import Task, TaskContext
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import error_text, show_error
from vista_desktop.ui.progress import TaskProgress

log = logging.getLogger(__name__)

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
FIT_WIDTH = 0.0  # the zoom combo's "fit to width" entry
PAGE_GAP = 12
KEEP_AROUND = 4  # pages kept drawn either side of the visible ones; farther ones are let go
PRINT_MAX_DPI = 300.0  # a printed form gains nothing above this, and a 600 dpi A4 page is 140 MB of pixels


def to_qimage(page: preview.PageImage) -> QImage:
    # copy(): the QImage would otherwise point into the bytes object, which Python may free
    return QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGBX8888).copy()


class PageView(QLabel):
    """One page: a white sheet until its image arrives."""

    def __init__(self, index: int, size_pt: tuple[float, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.size_pt = size_pt
        self.dpi = 0.0  # the resolution of the image shown, 0 when none
        self.setObjectName(f"page-{index + 1}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet("background: white; color: #888;")
        self.setText(tr("ui.preview.page_loading", page=index + 1))

    def lay_out(self, zoom: float, screen_dpi: float) -> None:
        width, height = self.size_pt
        self.setFixedSize(QSize(round(width / 72 * screen_dpi * zoom), round(height / 72 * screen_dpi * zoom)))

    def show_image(self, image: QImage, dpi: float, ratio: float) -> None:
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.setPixmap(
            pixmap.scaled(
                self.size() * ratio, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        self.dpi = dpi

    def forget(self) -> None:
        self.clear()
        self.setText(tr("ui.preview.page_loading", page=self.index + 1))
        self.dpi = 0.0


class PreviewDialog(QDialog):
    page_rendered = Signal(int)  # page index, once its image is shown
    printed = Signal(int)  # pages sent to the printer

    def __init__(self, pdf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.pages: list[PageView] = []
        self.pending: set[tuple[int, float]] = set()
        self.running: list[tasks.RunningTask] = []
        self.printing: tasks.RunningTask | None = None
        self.setObjectName("preview-dialog")
        self.setWindowTitle(tr("ui.preview.title", name=pdf.name))
        self._build()
        self._fit_to_screen()
        self._schedule = QTimer(self, singleShot=True, interval=40)
        self._schedule.timeout.connect(self._render_visible)
        self._start(lambda _ctx: preview.page_sizes(pdf), self._sizes_loaded, self._load_failed)

    # --- building ---------------------------------------------------------------------------------------------

    def _build(self) -> None:
        bar = QHBoxLayout()
        self.page_box = QSpinBox()
        self.previous_button = QPushButton(tr("ui.preview.previous"))
        self.previous_button.clicked.connect(lambda: self.go_to(self.page_box.value() - 2))
        self.next_button = QPushButton(tr("ui.preview.next"))
        self.next_button.clicked.connect(lambda: self.go_to(self.page_box.value()))
        self.page_box.setObjectName("page-number")
        self.page_box.setRange(1, 1)
        self.page_box.setAccessibleName(tr("ui.preview.page"))
        self.page_box.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.page_total = QLabel(tr("ui.preview.of", total="…"))
        self.zoom = QComboBox()
        self.zoom.setObjectName("zoom")
        self.zoom.setAccessibleName(tr("ui.preview.zoom"))
        self.zoom.addItem(tr("ui.preview.fit_width"), FIT_WIDTH)
        for value in ZOOMS:
            self.zoom.addItem(f"{round(value * 100)} %", value)
        self.zoom.setCurrentIndex(0)
        self.zoom.currentIndexChanged.connect(self._relayout)
        self.print_button = QPushButton(tr("ui.preview.print"))
        self.print_button.setObjectName("print-button")
        self.print_button.clicked.connect(self.print_document)
        self.print_button.setEnabled(False)
        close_button = QPushButton(tr("ui.preview.close"))
        close_button.clicked.connect(self.reject)
        page_label = QLabel(tr("ui.preview.page"))
        page_label.setBuddy(self.page_box)
        zoom_label = QLabel(tr("ui.preview.zoom"))
        zoom_label.setBuddy(self.zoom)
        for widget in (self.previous_button, self.next_button, page_label, self.page_box, self.page_total):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(zoom_label)
        bar.addWidget(self.zoom)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(close_button)
        self.sheet = QWidget()
        self.sheet.setObjectName("preview-sheet")
        self.sheet_layout = QVBoxLayout(self.sheet)
        self.sheet_layout.setSpacing(PAGE_GAP)
        self.sheet_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroller = QScrollArea()
        self.scroller.setObjectName("preview-scroll")
        self.scroller.setWidget(self.sheet)
        self.scroller.setWidgetResizable(True)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroller.setStyleSheet("QScrollArea { background: #6b6b6b; } #preview-sheet { background: #6b6b6b; }")
        self.scroller.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.status = QLabel()
        self.status.setObjectName("preview-status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.progress = TaskProgress(self)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.progress)
        for keys, step in ((QKeySequence.StandardKey.ZoomIn, 1), (QKeySequence.StandardKey.ZoomOut, -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda step=step: self._step_zoom(step))

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry()
        self.resize(min(960, int(screen.width() * 0.9)), int(screen.height() * 0.9))

    # --- pages ------------------------------------------------------------------------------------------------

    def _sizes_loaded(self, sizes: list[tuple[float, float]]) -> None:
        for index, size in enumerate(sizes):
            page = PageView(index, size, self.sheet)
            self.pages.append(page)
            self.sheet_layout.addWidget(page, 0, Qt.AlignmentFlag.AlignHCenter)
        self.page_box.setRange(1, max(len(sizes), 1))
        self.page_total.setText(tr("ui.preview.of", total=len(sizes)))
        self.print_button.setEnabled(bool(sizes))
        self._relayout()
        self._show_position(0)
        self.scroller.setFocus()  # Page Up / Page Down and the arrows scroll the pages

    def _load_failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))
        self.status.setStyleSheet("color: #b3261e;")
        self.status.show()

    def zoom_factor(self) -> float:
        chosen = float(self.zoom.currentData())
        if chosen != FIT_WIDTH or not self.pages:
            return chosen or 1.0
        room = self.scroller.viewport().width() - 2 * PAGE_GAP - self.scroller.verticalScrollBar().sizeHint().width()
        widest = max(width for width, _ in (p.size_pt for p in self.pages))
        return max(room / (widest / 72 * self._screen_dpi()), 0.25)

    def _screen_dpi(self) -> float:
        return float(self.logicalDpiX())

    def render_dpi(self) -> float:
        return self._screen_dpi() * self.zoom_factor() * self.devicePixelRatioF()

    def _relayout(self) -> None:
        zoom, dpi = self.zoom_factor(), self._screen_dpi()
        current = self.page_box.value() - 1
        for page in self.pages:
            page.lay_out(zoom, dpi)
        # stay on the page the user was reading, once the scroll area has taken the new sizes (the dialog as the
        # timer's context: a dialog closed in between is not touched)
        QTimer.singleShot(0, self, lambda: self.go_to(current))
        self._schedule.start()

    def _step_zoom(self, step: int) -> None:
        self.zoom.setCurrentIndex(min(max(self.zoom.currentIndex() + step, 1), self.zoom.count() - 1))

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.zoom.currentData() == FIT_WIDTH:
            self._relayout()
        else:
            self._schedule.start()

    def _scrolled(self) -> None:
        self._show_position(self.current_page())
        self._schedule.start()

    def _show_position(self, index: int) -> None:
        self.page_box.blockSignals(True)  # showing where we are must not scroll back
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < len(self.pages))

    def visible_pages(self) -> list[int]:
        top = self.scroller.verticalScrollBar().value()
        bottom = top + self.scroller.viewport().height()
        return [p.index for p in self.pages if p.y() < bottom and p.y() + p.height() > top]

    def current_page(self) -> int:
        """The page at the middle of the view (0-based)."""
        middle = self.scroller.verticalScrollBar().value() + self.scroller.viewport().height() // 2
        for page in self.pages:
            if page.y() + page.height() + PAGE_GAP > middle:
                return page.index
        return max(len(self.pages) - 1, 0)

    def go_to(self, index: int) -> None:
        if not self.pages:
            return
        index = min(max(index, 0), len(self.pages) - 1)
        self.scroller.verticalScrollBar().setValue(self.pages[index].y() - PAGE_GAP // 2)
        self._show_position(index)  # the last page may not reach the middle of the view

    def _render_visible(self) -> None:
        visible = self.visible_pages()
        if not visible:
            return
        dpi = self.render_dpi()
        wanted = range(max(visible[0] - 1, 0), min(visible[-1] + 2, len(self.pages)))
        for index in wanted:
            if abs(self.pages[index].dpi - dpi) > 0.5 and (index, dpi) not in self.pending:
                self._render(index, dpi)
        for page in self.pages:
            if page.dpi and not visible[0] - KEEP_AROUND <= page.index <= visible[-1] + KEEP_AROUND:
                page.forget()

    def _render(self, index: int, dpi: float) -> None:
        self.pending.add((index, dpi))
        pdf = self.pdf

        def shown(page: preview.PageImage) -> None:
            self.pending.discard((index, dpi))
            if abs(dpi - self.render_dpi()) < 0.5:  # not an answer for a zoom the user has since left
                self.pages[index].show_image(to_qimage(page), dpi, self.devicePixelRatioF())
                self.page_rendered.emit(index)

        def failed(exc: BaseException) -> None:
            self.pending.discard((index, dpi))
            self._load_failed(exc)

        self._start(lambda _ctx: preview.render_page(pdf, index, dpi), shown, failed)

    def _start(
        self, task: Task[object], on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None]
    ) -> tasks.RunningTask:
        running = tasks.start(task, on_success, on_failure, owner=self)
        self.running.append(running)
        running.finished.connect(lambda: self.running.remove(running) if running in self.running else None)
        return running

    # --- printing ---------------------------------------------------------------------------------------------

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("ui.preview.print_title"))
        dialog.setMinMax(1, len(self.pages))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the chosen pages as images at the printer's resolution, one page rendered at a time, so that a
        long document never holds more than one page of pixels."""
        first, last = printer.fromPage(), printer.toPage()
        indexes = list(range(first - 1, last) if first and last else range(len(self.pages)))
        printer.setFullPage(True)  # the PDF page brings its own margins
        painter = QPainter()
        if not indexes or not painter.begin(printer):
            show_error(self, tr("ui.preview.print_failed"))
            return
        dpi = min(float(printer.resolution()), PRINT_MAX_DPI)
        self.print_button.setEnabled(False)
        pdf = self.pdf

        def step(position: int) -> None:
            index = indexes[position]

            def render(context: TaskContext) -> preview.PageImage:
                context.progress(position / len(indexes), "")  # raises Cancelled once the user cancelled
                return preview.render_page(pdf, index, dpi)

            self.printing = tasks.start(
                render,
                lambda page: draw(position, page),
                failed,
                view=self.progress,
                message=tr("ui.preview.printing", page=index + 1, total=len(self.pages)),
                owner=self,
            )

        def draw(position: int, page: preview.PageImage) -> None:
            if position:
                printer.newPage()
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            image = to_qimage(page)
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (target.width() - scaled.width()) // 2
            y = (target.height() - scaled.height()) // 2
            painter.drawImage(QRect(x, y, scaled.width(), scaled.height()), image)
            if position + 1 < len(indexes):
                step(position + 1)
            else:
                painter.end()
                self.print_button.setEnabled(True)
                self.printed.emit(len(indexes))

        def failed(exc: BaseException) -> None:
            printer.abort()
            painter.end()
            self.print_button.setEnabled(True)
            if not isinstance(exc, Cancelled):
                show_error(self, exc, tr("ui.preview.print_failed"))

        step(0)

    # --- closing ----------------------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        for running in list(self.running):
            running.cancel()
        # let the file go (off the GUI thread: a page may still be drawing and holds the renderer's lock)
        tasks.start(lambda _ctx: preview.close_document(), lambda _r: None, lambda _e: None, owner=self)
        super().done(result)
