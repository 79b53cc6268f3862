"""Pages of a PDF as images, the way they print: for the in-app preview and for printing.

pypdfium2 with the document's forms initialised, because signature stamps are form-field appearances that a
renderer without forms (QtPdf) leaves out. PDFium is not thread-safe, so every call holds one lock; the last
document opened stays open, since the preview asks for its pages one after another while the user scrolls.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vista_desktop.errors import FileProblem, os_reason

__all__ = ["PageImage", "PdfPreviewProblem", "close_document", "page_count", "page_sizes", "render_page"]

POINTS_PER_INCH = 72.0
MAX_DPI = 600.0  # a page at 600 dpi is already 140 MB of pixels
IN_MEMORY_LIMIT = 64 * 1024 * 1024
_lock = threading.Lock()
_open: tuple[Path, float, int, Any] | None = None  # path, mtime, size, PdfDocument


class PdfPreviewProblem(FileProblem):
    """The file cannot be shown: missing, unreadable, not a PDF, or damaged."""


@dataclass(frozen=True)
class PageImage:
    """One rendered page: `pixels` are rows of RGBX bytes (4 per pixel, the last one unused)."""

    width: int
    height: int
    stride: int
    pixels: bytes
    dpi: float


def _document(pdf: Path) -> Any:
    """The open document for `pdf`, reopened when the file changed (a newer signature written over it)."""
    global _open
    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    try:
        stat = pdf.stat()
    except OSError as exc:
        raise PdfPreviewProblem("ui.preview.unreadable", path=str(pdf), reason=os_reason(exc)) from exc
    if _open is not None and _open[:3] == (pdf, stat.st_mtime, stat.st_size):
        return _open[3]
    _close()
    try:
        # Small files are read into memory so that no handle stays open on them (Windows could then not replace
        # the file with its signed version while the preview is open).
        source: Path | bytes = pdf.read_bytes() if stat.st_size <= IN_MEMORY_LIMIT else pdf
        document = pdfium.PdfDocument(source)
        document.init_forms()  # before any page is loaded, or the signature stamps are not drawn
    except OSError as exc:
        raise PdfPreviewProblem("ui.preview.unreadable", path=str(pdf), reason=os_reason(exc)) from exc
    except pdfium.PdfiumError as exc:
        raise PdfPreviewProblem("ui.preview.not_a_pdf", path=str(pdf)) from exc
    _open = (pdf, stat.st_mtime, stat.st_size, document)
    return document


def _close() -> None:
    global _open
    if _open is not None:
        _open[3].close()
        _open = None


def close_document() -> None:
    """Release the file (the preview closed), so that it can be moved or overwritten on Windows."""
    with _lock:
        _close()


def page_count(pdf: Path) -> int:
    with _lock:
        return len(_document(pdf))


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) of every page in points, so that a viewer can lay the pages out before drawing them."""
    with _lock:
        document = _document(pdf)
        sizes = []
        for index in range(len(document)):
            page = document[index]
            sizes.append(page.get_size())
            page.close()
        return sizes


def render_page(pdf: Path, index: int, dpi: float) -> PageImage:
    """Page `index` (0-based) at `dpi`, with form fields and signature appearances drawn, on white."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    dpi = min(max(dpi, 10.0), MAX_DPI)
    with _lock:
        document = _document(pdf)
        if not 0 <= index < len(document):
            raise PdfPreviewProblem("ui.preview.no_page", path=str(pdf), page=index + 1)
        page = document[index]
        try:
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, may_draw_forms=True, rev_byteorder=True, prefer_bgrx=True)
        except pdfium.PdfiumError as exc:
            raise PdfPreviewProblem("ui.preview.not_a_pdf", path=str(pdf)) from exc
        finally:
            page.close()
        try:
            return PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer), dpi)
        finally:
            bitmap.close()
