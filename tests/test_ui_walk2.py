"""Defects found walking the results dossier, «Ký hồ sơ…» and «Lưu bản sao» as a new clerk would (walk 2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from vista_desktop.errors import VistaError
from vista_desktop.i18n import tr

from .pki import PASSWORD
from .test_dossier_builder import blank_pdf
from .test_dossier_signing import make_task


def _dossier(qtbot: Any, app_services: Any, task_id: str) -> Any:
    from vista_desktop.ui.dossier_dialog import DossierDialog

    dialog = DossierDialog(
        app_services.dossier_builder,
        task_id,
        dossier_signing=app_services.dossier_signing,
        signing=app_services.signing,
    )
    qtbot.addWidget(dialog)
    return dialog


def _select(dialog: Any, slot_id: str) -> None:
    dialog.table.selectRow(next(i for i, s in enumerate(dialog.states) if s.slot.id == slot_id))


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text)
    return found.group(1).lower() if found else None


def test_keep_copy_is_offered_as_soon_as_a_file_is_attached_to_the_selected_row(
    qtbot: Any, app_services: Any, tmp_path: Path
) -> None:
    task_id = make_task(app_services, tmp_path / "files", attach=False)
    dialog = _dossier(qtbot, app_services, task_id)
    _select(dialog, "summary_report")
    assert not dialog.keep_copy_button.isEnabled()  # nothing attached yet
    # the clerk attaches with the row selected: the table reloads, the selection does not change
    app_services.dossier_builder.attach(task_id, "summary_report", blank_pdf(tmp_path / "bao-cao.pdf"))
    dialog.reload()
    assert dialog.keep_copy_button.isEnabled()
    state = dialog.selected_state()
    assert state is not None
    app_services.dossier_builder.keep_copy(state.attached[0])
    dialog.reload()
    assert not dialog.keep_copy_button.isEnabled()
    assert "bao-cao.pdf" in dialog.keep_copy_button.toolTip()  # the table alone does not tell a kept file apart


def test_the_dossier_buttons_have_distinct_mnemonics(qtbot: Any, app_services: Any, tmp_path: Path) -> None:
    dialog = _dossier(qtbot, app_services, make_task(app_services, tmp_path / "files", attach=False))
    row = [b for b in dialog.findChildren(QPushButton) if not dialog.progress.isAncestorOf(b)]
    keys = [_mnemonic(b.text()) for b in row]
    assert len(row) == 6 and None not in keys, [b.text() for b in row]
    assert len(keys) == len(set(keys)), [b.text() for b in row]


def test_the_sign_dossier_dialog_reaches_its_fields_by_keyboard(qtbot: Any, app_services: Any, tmp_path: Path) -> None:
    dialog = _dossier(qtbot, app_services, make_task(app_services, tmp_path / "files"))
    signer = dialog.sign_dossier()
    qtbot.addWidget(signer)
    buddies = {label.buddy() for label in signer.findChildren(QLabel) if _mnemonic(label.text())}
    assert {signer.identity, signer.capacity, signer.secret} <= buddies
    keys = [_mnemonic(w.text()) for w in [*signer.findChildren(QLabel), *signer.findChildren(QPushButton)]]
    named = [k for k in keys if k is not None]
    assert len(named) == len(set(named)), named


def test_a_failed_token_search_is_told_and_keeps_the_p12_route(
    qtbot: Any, app_services: Any, pki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> Any:
        raise VistaError("sign.module_load_failed", path="libbroken.so", reason="boom")

    monkeypatch.setattr(app_services.signing, "discover_identities", broken)
    dialog = _dossier(qtbot, app_services, make_task(app_services, tmp_path / "files"))
    signer = dialog.sign_dossier()
    qtbot.addWidget(signer)
    qtbot.waitUntil(lambda: signer.identity.itemText(0) != tr("ui.sign.searching"), timeout=5000)
    assert "libbroken.so" in signer.status.text()  # it used to fail silently: "no certificate" and no reason
    assert signer.identity.currentData() is None and signer.identity.toolTip() == signer.identity.currentText()
    signer.use_p12(pki["org"].p12)
    assert signer.identity.currentData() is not None


def test_an_untrusted_root_can_be_trusted_from_the_sign_dossier_dialog(
    qtbot: Any, app_services: Any, pki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dossier(qtbot, app_services, make_task(app_services, tmp_path / "files"))
    signer = dialog.sign_dossier()
    qtbot.addWidget(signer)
    signer.use_p12(pki["org"].p12)
    signer.secret.setText(PASSWORD)
    signer.sign_button.click()
    qtbot.waitUntil(lambda: signer.sign_button.isEnabled() and bool(signer.status.text()), timeout=20000)
    assert signer.outcome is None and not signer.add_root_button.isHidden()
    assert "Common Name" not in signer.status.text() and "VISTA Test Root CA" in signer.status.text()
    assert "Chưa ký văn bản nào" in signer.status.text()  # the dossier's own account stays
    shown: list[str] = []

    def confirm(signing: Any, _parent: Any, certificate: Any) -> bool:
        shown.append(certificate.common_name)
        signing.add_trusted_certificate(certificate)
        return True

    monkeypatch.setattr("vista_desktop.ui.trust_dialog.confirm_and_trust", confirm)
    signer.add_root_button.click()
    assert shown == ["VISTA Test Root CA"] and signer.add_root_button.isHidden()
    signer.secret.setText(PASSWORD)
    signer.sign_button.click()
    qtbot.waitUntil(lambda: signer.outcome is not None, timeout=20000)
    assert "xac-nhan.pdf" in signer.status.text()


def test_the_dossier_dialog_opens_inside_the_screen(qtbot: Any, app_services: Any, tmp_path: Path) -> None:
    dialog = _dossier(qtbot, app_services, make_task(app_services, tmp_path / "files", attach=False))
    available = dialog.screen().availableGeometry()
    assert available.contains(dialog.geometry()), (dialog.geometry(), available)  # its buttons were below at 200 %


def test_the_dossier_buttons_fit_a_200_percent_screen(qtbot: Any, app_services: Any, tmp_path: Path) -> None:
    dialog = _dossier(qtbot, app_services, make_task(app_services, tmp_path / "files", attach=False))
    # 1366×768 at 200 % leaves 683 logical pixels, less the window frame
    assert dialog.minimumSizeHint().width() <= 660, dialog.minimumSizeHint()
