"""The built-in preview: pages drawn off the GUI thread with the signature stamps, page n/N, zoom and Print."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from .pki import PASSWORD


@pytest.fixture
def signed_pdf(tmp_path, pki, mau01, complete_data) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    from vista_desktop.services.documents import render_documents
    from vista_desktop.signing.identities import Pkcs12Identity
    from vista_desktop.signing.pdf_sign import SignRequest, sign_pdf
    from vista_desktop.signing.trust import TrustStore

    pdf, signed = tmp_path / "a.pdf", tmp_path / "a-ky-so.pdf"
    render_documents(mau01, complete_data, pdf)
    sign_pdf(
        SignRequest(pdf, signed, field="Sig_pi"),
        Pkcs12Identity(pki["pi"].p12),
        PASSWORD,
        TrustStore.default([pki.root_pem]),
    )
    return pdf, signed


def _signature_page(pdf: Path) -> int:
    from vista_desktop.services.preview import page_count

    return page_count(pdf) - 1  # Mẫu 1's signature blocks close the form


def test_the_signature_stamp_is_drawn(signed_pdf) -> None:
    from vista_desktop.services.preview import render_page

    unsigned, signed = signed_pdf
    last = _signature_page(signed)
    before, after = render_page(unsigned, last, 50), render_page(signed, last, 50)
    assert (before.width, before.height) == (after.width, after.height) == (414, 585)
    # QtPdf (or pdfium without forms) draws the signed page exactly like the unsigned one: no stamp.
    assert before.pixels != after.pixels


def test_garbage_is_refused_with_our_message(tmp_path) -> None:
    from vista_desktop.services.preview import PdfPreviewProblem, page_count

    junk = tmp_path / "hỏng.pdf"
    junk.write_bytes(b"%PDF-1.7\nkhong phai pdf")
    with pytest.raises(PdfPreviewProblem) as caught:
        page_count(junk)
    assert caught.value.message() == f"Tệp {junk} không phải là PDF hoặc đã bị hỏng, nên không xem trước được."


def test_pages_render_as_they_come_into_view(qtbot, signed_pdf) -> None:
    from vista_desktop.ui.preview import PreviewDialog

    _, signed = signed_pdf
    dialog = PreviewDialog(signed)
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    # the first two pages render side by side on the pool: wait for the first one, whichever finishes first
    with qtbot.waitSignal(dialog.page_rendered, timeout=10000, check_params_cb=lambda i: i == 0):
        pass
    assert dialog.page_total.text() == "/ 3"
    assert dialog.pages[2].dpi == 0  # not drawn until it is scrolled to
    with qtbot.waitSignal(dialog.page_rendered, timeout=10000, check_params_cb=lambda i: i == 2):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.page_box.value() == 3
    assert not dialog.next_button.isEnabled()
    width = dialog.pages[2].width()
    with qtbot.waitSignal(dialog.page_rendered, timeout=10000, check_params_cb=lambda i: i == 2):
        dialog.zoom.setCurrentIndex(dialog.zoom.findData(2.0))
    assert dialog.page_box.value() == 3  # still on the page being read
    assert dialog.pages[2].width() > width
    assert dialog.pages[2].pixmap().width() == dialog.pages[2].width()  # drawn at the new size, not stretched


def test_print_sends_every_page_at_printer_resolution(qtbot, signed_pdf, tmp_path) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    from vista_desktop.ui.preview import PreviewDialog

    _, signed = signed_pdf
    dialog = PreviewDialog(signed)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=10000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in-ra.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=30000) as printed:
        dialog.print_to(printer)
    assert printed.args == [3]
    pages = PdfReader(tmp_path / "in-ra.pdf").pages
    assert len(pages) == 3
    image = next(iter(pages[2].images))  # each printed page is the rendered page, at 300 dpi on A4
    assert abs(image.image.width - 2480) <= 1


def test_a_damaged_file_is_explained_in_the_preview(qtbot, tmp_path) -> None:
    from vista_desktop.ui.preview import PreviewDialog

    junk = tmp_path / "hỏng.pdf"
    junk.write_text("{không phải PDF}", encoding="utf-8")
    dialog = PreviewDialog(junk)
    qtbot.addWidget(dialog)
    status = dialog.findChild(QLabel, "preview-status")
    qtbot.waitUntil(lambda: "không phải là PDF" in status.text(), timeout=10000)
    assert not dialog.print_button.isEnabled()


def test_verify_panel_and_sign_dialog_open_the_preview(qtbot, signed_pdf) -> None:
    from vista_desktop.services.signing import SigningService
    from vista_desktop.ui.preview import PreviewDialog
    from vista_desktop.ui.sign_dialog import SignDialog
    from vista_desktop.ui.verify_dialog import VerifyDialog

    unsigned, signed = signed_pdf
    for dialog, pdf in (
        (VerifyDialog(SigningService(), signed), signed),
        (SignDialog(SigningService(), unsigned), unsigned),
    ):
        qtbot.addWidget(dialog)
        button = dialog.findChild(QPushButton, "preview-button")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        shown = dialog.findChild(PreviewDialog)
        assert shown is not None
        assert shown.pdf == pdf
        shown.close()
