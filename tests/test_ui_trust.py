"""Trusted roots (bundled and added, removing added ones), certificate names in the user's language, and Qt's own
texts in Vietnamese."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox, QPushButton, QWizard

from .test_ui_signing import accept_certificate, answer_next_dialog


def _rows(dialog) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    table = dialog.table
    return [(table.item(r, 0).text(), table.item(r, 3).text()) for r in range(table.rowCount())]


def test_trusted_roots_lists_bundled_and_added_and_removes_only_added(qtbot, trust_test_root) -> None:
    from vista_desktop.services.signing import SigningService
    from vista_desktop.ui.trust_dialog import TrustDialog

    dialog = TrustDialog(SigningService())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 5, timeout=10000)
    rows = _rows(dialog)
    assert ("Vietnam National Root CA", "Có sẵn trong phần mềm") in rows
    assert rows[-1] == ("VISTA Test Root CA", "Do bạn thêm")
    remove = dialog.findChild(QPushButton, "remove-root")
    dialog.table.selectRow(0)
    assert not remove.isEnabled()  # a bundled root stays
    dialog.table.selectRow(4)
    assert remove.isEnabled()

    def say_yes(box) -> None:  # type: ignore[no-untyped-def]
        assert "Không tin cậy VISTA Test Root CA nữa?" in box.text()
        next(b for b in box.buttons() if b.text() == "Có").click()

    answer_next_dialog(say_yes)
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=10000)
    assert all(t.bundled for t in SigningService.trust_list())


def test_a_root_is_added_from_a_file_after_its_fingerprint_is_shown(qtbot, pki, tmp_path) -> None:
    from vista_desktop.services.signing import SigningService
    from vista_desktop.ui.trust_dialog import TrustDialog

    dialog = TrustDialog(SigningService())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=10000)
    shown: list[dict[str, str]] = []
    answer_next_dialog(accept_certificate(shown))
    dialog.add_root(pki.root_pem)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 5, timeout=10000)
    assert len(shown[0]["cert-sha256"].replace("\n", ":").split(":")) == 32
    assert shown[0]["cert-subject"].splitlines() == [
        "Tên: VISTA Test Root CA",
        "Tổ chức: VISTA Kiểm thử",
        "Quốc gia: VN",
    ]
    junk = tmp_path / "rac.pem"
    junk.write_bytes(b"\x00\x01 not a certificate")
    dialog.add_root(junk)
    boxes = [b.text() for b in dialog.findChildren(QMessageBox, "error-box")]
    assert boxes == [f"{junk} không chứa chứng thư số hợp lệ."]
    assert dialog.table.rowCount() == 5


def test_certificate_names_are_labelled_in_english_too(qtbot, pki) -> None:
    from vista_desktop import i18n
    from vista_desktop.services.signing import SigningService
    from vista_desktop.ui.certificate_view import name_text

    root = SigningService.certificate_file(pki.root_pem)[0]
    i18n.set_language("en")
    assert name_text(root.subject) == "Name: VISTA Test Root CA; Organisation: VISTA Kiểm thử; Country: VN"


def test_catalogs_agree(qtbot) -> None:
    from vista_desktop.resources import resource_path

    vi = json.loads(resource_path("i18n", "vi", "ui_signing.json").read_text(encoding="utf-8"))
    en = json.loads(resource_path("i18n", "en", "ui_signing.json").read_text(encoding="utf-8"))
    assert vi.keys() == en.keys()
    assert all(key.startswith("ui.") for key in vi)
    for key in vi:
        assert sorted(re.findall(r"\{\w+\}", vi[key])) == sorted(re.findall(r"\{\w+\}", en[key])), key
        assert vi[key].count("%1") == en[key].count("%1"), key


@pytest.fixture
def qt_in_vietnamese(qtbot):  # type: ignore[no-untyped-def]
    from vista_desktop.ui.qt_translations import install_translations

    app = QApplication.instance()
    installed = install_translations(app, "vi")
    yield installed
    install_translations(app, "en")


def test_qt_own_texts_are_vietnamese(qtbot, qt_in_vietnamese) -> None:
    assert qt_in_vietnamese  # PySide6 ships no qtbase_vi.qm: ours is installed
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == ["Hủy", "Đồng ý"]
    wizard = QWizard()
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "&Tiếp >"
    assert wizard.buttonText(QWizard.WizardButton.BackButton) == "< &Quay lại"
    assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "&Hoàn tất"
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert texts[:5] == ["&Hoàn tác", "&Làm lại", "&Cắt", "Sao c&hép", "&Dán"]
    menu.deleteLater()


def test_file_dialogs_speak_vietnamese(qtbot, qt_in_vietnamese) -> None:
    from PySide6.QtWidgets import QFileDialog, QLabel

    from vista_desktop.ui.file_dialogs import file_dialog

    dialog = file_dialog(None, "Chọn chứng thư", "Chứng thư (*.pem)")
    qtbot.addWidget(dialog)
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    QTimer.singleShot(0, dialog.reject)
    dialog.open()
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "&Mở"
    assert dialog.labelText(QFileDialog.DialogLabel.Reject) == "Hủy"
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert "Tên tệp:" in labels
    assert "Loại tệp:" in labels
    dialog.close()


def test_english_mode_keeps_qt_english(qtbot) -> None:
    from vista_desktop.ui.qt_translations import install_translations

    assert install_translations(QApplication.instance(), "en") == []
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    qtbot.addWidget(box)
    assert box.buttons()[0].text() == "OK"
