"""The Sign dialog, the Verify panel and the signing status in the drafts list, offscreen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from .pki import PASSWORD, PIN, SOFTHSM, TOKEN_LABEL
from .ui_helpers import error_texts, type_text


def answer_next_dialog(answer: Callable[[QWidget], None], seen: list[QWidget] | None = None) -> None:
    """Answer the next modal dialog (a confirmation run with exec()) as soon as it shows."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        if seen is not None:
            seen.append(dialog)
        answer(dialog)

    QTimer.singleShot(0, act)


def accept_certificate(seen: list[dict[str, str]]) -> Callable[[QWidget], None]:
    """Read what the confirmation shows, then press its Trust button."""

    def answer(dialog: QWidget) -> None:
        seen.append({label.objectName(): label.text() for label in dialog.findChildren(QLabel) if label.objectName()})
        dialog.yes.click()  # type: ignore[attr-defined]

    return answer


@pytest.fixture
def exported(qtbot, window, service, complete_data, tmp_path):  # type: ignore[no-untyped-def]
    record = service.create("mau-01", complete_data)
    window.refresh()
    window.table.selectRow(0)
    pdf = tmp_path / "phieu-mau-01.pdf"
    window.export_documents(record.id, pdf)
    qtbot.waitUntil(lambda: window.model.signatures_text(record.id) == "0/3 đã ký", timeout=20000)
    return record, pdf


def test_sign_with_a_p12_file_from_the_drafts_list(qtbot, window, exported, pki, trust_test_root) -> None:
    record, pdf = exported
    dialog = window.sign_selected()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.field.currentData() == "Sig_pi"
    dialog.use_p12(pki["pi"].p12)
    type_text(dialog.secret, PASSWORD)
    with qtbot.waitSignal(dialog.signed, timeout=30000):
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        assert dialog.secret.text() == ""  # the password is not kept once signing starts
    signed = pdf.with_name("phieu-mau-01-ky-so.pdf")
    assert signed.exists()
    qtbot.waitUntil(lambda: window.model.signatures_text(record.id) == "1/3 đã ký", timeout=5000)
    verify = window.verify_document()
    qtbot.addWidget(verify)
    qtbot.waitUntil(lambda: verify.table.rowCount() == 1, timeout=20000)
    assert verify.table.item(0, 1).text() == "Nguyễn Thị Hồng Nhung"
    verdict = verify.findChild(QLabel, "verdict").text()
    assert verdict.startswith("✓")


def test_wrong_password_is_explained_and_nothing_is_written(qtbot, window, exported, pki) -> None:
    _, pdf = exported
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    dialog.use_p12(pki["pi"].p12)
    type_text(dialog.secret, "sai")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    status = dialog.findChild(QLabel, "sign-status")
    qtbot.waitUntil(lambda: "Sai mật khẩu" in status.text(), timeout=20000)
    assert dialog.isVisible()
    assert not pdf.with_name("phieu-mau-01-ky-so.pdf").exists()
    assert dialog.sign_button.isEnabled()


def test_token_certificates_are_offered_and_sign(qtbot, window, exported, softhsm_conf, trust_test_root) -> None:
    from vista_desktop.settings import load_settings, save_settings

    save_settings(load_settings().with_module(SOFTHSM))
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(
        lambda: any(TOKEN_LABEL in dialog.identity.itemText(i) for i in range(dialog.identity.count())), timeout=20000
    )
    index = next(
        i for i in range(dialog.identity.count()) if "Viện Khoa học Thủy lợi miền Nam" in dialog.identity.itemText(i)
    )
    dialog.identity.setCurrentIndex(index)
    dialog.field.setCurrentIndex(dialog.field.findData("Sig_head"))
    type_text(dialog.secret, PIN)
    with qtbot.waitSignal(dialog.signed, timeout=30000) as blocker:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].field == "Sig_head"


def test_sign_needs_an_exported_pdf(window, service, monkeypatch) -> None:
    service.create("mau-01")
    window.refresh()
    window.table.selectRow(0)
    assert window.sign_selected() is None
    assert error_texts(window) == ["Hãy xuất PDF của bản nháp trước khi ký."]


def test_verify_panel_reports_tampering_and_learns_a_root(qtbot, pki, tmp_path, mau01, complete_data) -> None:
    from vista_desktop.services.documents import render_documents
    from vista_desktop.services.signing import SigningService
    from vista_desktop.signing.identities import Pkcs12Identity
    from vista_desktop.signing.pdf_sign import SignRequest, sign_pdf
    from vista_desktop.signing.trust import TrustStore
    from vista_desktop.ui.verify_dialog import VerifyDialog

    pdf, signed = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_documents(mau01, complete_data, pdf)
    sign_pdf(
        SignRequest(pdf, signed, field="Sig_pi"),
        Pkcs12Identity(pki["pi"].p12),
        PASSWORD,
        TrustStore.default([pki.root_pem]),
    )
    dialog = VerifyDialog(SigningService(), signed)
    qtbot.addWidget(dialog)
    verdict = dialog.findChild(QLabel, "verdict")
    qtbot.waitUntil(lambda: verdict.text().startswith("✗"), timeout=20000)
    assert "không thuộc tổ chức chứng thực được tin cậy" in dialog.table.item(0, 5).text()
    assert dialog.table.item(0, 0).text() == "Chủ nhiệm nhiệm vụ"
    shown: list[dict[str, str]] = []
    answer_next_dialog(accept_certificate(shown))
    dialog.trust_certificate(Path(pki.root_pem))
    qtbot.waitUntil(lambda: verdict.text().startswith("✓"), timeout=20000)
    assert "Tên: VISTA Test Root CA" in shown[0]["cert-subject"]
    assert "Common Name" not in shown[0]["cert-subject"]


def test_fields_are_named_after_their_signature_blocks(qtbot, window, exported) -> None:
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    labels = [dialog.field.itemText(i) for i in range(dialog.field.count())]
    assert labels == [
        "Chủ nhiệm nhiệm vụ",
        "Thủ trưởng tổ chức chủ trì",
        "Xác nhận của đơn vị quản lý",
        "(ô chữ ký mới ở trang cuối)",
    ]
    assert not any("Sig_" in label for label in labels)


def test_a_driver_that_cannot_be_used_is_explained(qtbot, window, exported, tmp_path) -> None:
    from vista_desktop.settings import load_settings, save_settings

    bogus = tmp_path / "vnpt-ca_csp11.so"
    bogus.write_text("không phải trình điều khiển")
    save_settings(load_settings().with_module(str(bogus)))
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    status = dialog.findChild(QLabel, "sign-status")
    qtbot.waitUntil(lambda: "không phải trình điều khiển PKCS#11" in status.text(), timeout=20000)


def test_an_unknown_chain_offers_to_trust_its_root(qtbot, window, exported, pki) -> None:
    from vista_desktop.services.signing import SigningService

    _, pdf = exported
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    dialog.use_p12(pki["pi"].p12)
    type_text(dialog.secret, PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    status = dialog.findChild(QLabel, "sign-status")
    add_root = dialog.findChild(QPushButton, "add-root")
    qtbot.waitUntil(lambda: add_root.isVisible(), timeout=20000)
    assert status.text().startswith("Chứng thư số của Nguyễn Thị Hồng Nhung do «VISTA Test Root CA» cấp")
    assert "Common Name" not in status.text()
    assert not pdf.with_name("phieu-mau-01-ky-so.pdf").exists()
    shown: list[dict[str, str]] = []
    answer_next_dialog(accept_certificate(shown))
    qtbot.mouseClick(add_root, Qt.MouseButton.LeftButton)
    root = SigningService.certificate_file(pki.root_pem)[0]
    assert shown[0]["cert-sha256"].replace("\n", ":").replace(":", "").lower() == root.sha256
    assert "VISTA Test Root CA" in shown[0]["cert-subject"]
    assert "Chỉ tin cậy VISTA Test Root CA nếu dấu vân tay SHA-256" in shown[0]["certificate-question"]
    assert "Hãy nhập lại mã PIN / mật khẩu" in status.text()
    assert not add_root.isVisible()
    assert any(not t.bundled and t.details.sha256 == root.sha256 for t in SigningService.trust_list())
    type_text(dialog.secret, PASSWORD)
    with qtbot.waitSignal(dialog.signed, timeout=30000) as blocker:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].field == "Sig_pi"


def test_declining_the_root_trusts_nothing(qtbot, window, exported, pki) -> None:
    from vista_desktop.services.signing import SigningService

    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    dialog.use_p12(pki["pi"].p12)
    type_text(dialog.secret, PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    add_root = dialog.findChild(QPushButton, "add-root")
    qtbot.waitUntil(lambda: add_root.isVisible(), timeout=20000)
    answer_next_dialog(lambda box: box.reject())  # type: ignore[attr-defined]
    qtbot.mouseClick(add_root, Qt.MouseButton.LeftButton)
    assert all(t.bundled for t in SigningService.trust_list())
    assert add_root.isVisible()


def test_certificate_details_in_the_sign_dialog(qtbot, window, exported, pki) -> None:
    from vista_desktop.ui.certificate_view import CertificateDialog

    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    dialog.use_p12(pki["pi"].p12)
    type_text(dialog.secret, PASSWORD)
    qtbot.mouseClick(dialog.findChild(QPushButton, "cert-details"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(CertificateDialog) is not None, timeout=20000)
    details = dialog.findChild(CertificateDialog)
    texts = {label.objectName(): label.text() for label in details.findChildren(QLabel) if label.objectName()}
    assert texts["cert-subject"].splitlines() == [
        "Tên: Nguyễn Thị Hồng Nhung",
        "Quốc gia: VN",
        "Mã định danh: CCCD:079185012345",
    ]
    assert texts["cert-issuer"].splitlines()[0] == "Tên: VISTA Test Root CA"
    assert texts["cert-citizen_id"] == "079185012345"
    assert texts["cert-valid_to"].startswith("01/01/2035")
    assert dialog.secret.text() == PASSWORD  # looking is not signing: the password stays for the signature
    assert details.chooser.count() == 2  # the signer and the root the file carries
    details.close()


def test_verify_panel_shows_the_signer_certificate_and_keeps_its_verdict(
    qtbot, pki, tmp_path, mau01, complete_data, trust_test_root
) -> None:
    from vista_desktop.services.documents import render_documents
    from vista_desktop.services.signing import SigningService
    from vista_desktop.signing.identities import Pkcs12Identity
    from vista_desktop.signing.pdf_sign import SignRequest, sign_pdf
    from vista_desktop.ui.certificate_view import CertificateDialog
    from vista_desktop.ui.verify_dialog import VerifyDialog

    pdf, signed = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_documents(mau01, complete_data, pdf)
    sign_pdf(SignRequest(pdf, signed, field="Sig_pi"), Pkcs12Identity(pki["pi"].p12), PASSWORD)
    dialog = VerifyDialog(SigningService(), signed)
    qtbot.addWidget(dialog)
    verdict = dialog.findChild(QLabel, "verdict")
    qtbot.waitUntil(lambda: verdict.text().startswith("✓"), timeout=20000)
    qtbot.mouseClick(dialog.findChild(QPushButton, "cert-details"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(CertificateDialog) is not None, timeout=20000)
    subject = dialog.findChild(CertificateDialog).findChild(QLabel, "cert-subject").text()
    assert subject.startswith("Tên: Nguyễn Thị Hồng Nhung")
    garbage = tmp_path / "rac.pem"
    garbage.write_text(
        "-----BEGIN CERTIFICATE-----\nkhông phải chứng thư\n-----END CERTIFICATE-----\n", encoding="utf-8"
    )
    before = verdict.text()
    dialog.trust_certificate(garbage)
    assert verdict.text() == before  # the verdict is about the document, not about the file the user picked
    assert error_texts(dialog) == [f"{garbage} không chứa chứng thư số hợp lệ."]
