"""The Sign dialog, the Verify panel and the signing status in the drafts list, offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from .pki import PASSWORD, PIN, SOFTHSM, TOKEN_LABEL
from .ui_helpers import type_text


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
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    assert window.sign_selected() is None
    assert shown == ["Hãy xuất PDF của bản nháp trước khi ký."]


def test_verify_panel_reports_tampering_and_learns_a_root(qtbot, pki, tmp_path, mau01, complete_data) -> None:
    from vista_desktop.services.documents import render_documents
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
    dialog = VerifyDialog(signed)
    qtbot.addWidget(dialog)
    verdict = dialog.findChild(QLabel, "verdict")
    qtbot.waitUntil(lambda: verdict.text().startswith("✗"), timeout=20000)
    assert "không thuộc tổ chức chứng thực được tin cậy" in dialog.table.item(0, 5).text()
    dialog.trust_certificate(Path(pki.root_pem))
    qtbot.waitUntil(lambda: verdict.text().startswith("✓"), timeout=20000)


def test_fields_are_named_after_their_signature_blocks(qtbot, window, exported) -> None:
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    labels = [dialog.field.itemText(i) for i in range(dialog.field.count())]
    assert labels[:3] == [
        "Chủ nhiệm nhiệm vụ (Sig_pi)",
        "Thủ trưởng tổ chức chủ trì (Sig_head)",
        "Xác nhận của đơn vị quản lý (Sig_managing_unit)",
    ]


def test_a_driver_that_cannot_be_used_is_explained(qtbot, window, exported, tmp_path) -> None:
    from vista_desktop.settings import load_settings, save_settings

    bogus = tmp_path / "vnpt-ca_csp11.so"
    bogus.write_text("không phải trình điều khiển")
    save_settings(load_settings().with_module(str(bogus)))
    dialog = window.sign_selected()
    qtbot.addWidget(dialog)
    status = dialog.findChild(QLabel, "sign-status")
    qtbot.waitUntil(lambda: "không phải trình điều khiển PKCS#11" in status.text(), timeout=20000)
