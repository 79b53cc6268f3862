"""«Ký hồ sơ» rules from the clerk walk (issue #9 item 6): one certificate never signs two blocks of one document
(in the dossier and in the single-document Ký alike), an export of an incomplete dossier is refused before any
identity is opened, and the dialog remembers its choices for the session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from vista_desktop.services.dossier_builder import DossierIncomplete
from vista_desktop.services.dossier_signing import CO_PI, HOST, PI, DossierSigningFailed
from vista_desktop.signing.identities import Pkcs12Identity
from vista_desktop.signing.same_signer import SameSigner

from .pki import PASSWORD
from .test_dossier_signing import make_task, p12, token


def passwordless_p12(pki: Any, who: str, folder: Path) -> Pkcs12Identity:
    """The same certificate and key as `who`'s .p12, in a file with no password (readable without a secret)."""
    party = pki[who]
    path = folder / f"{who}-no-password.p12"
    data = pkcs12.serialize_key_and_certificates(b"x", party.key, party.cert, None, serialization.NoEncryption())
    path.write_bytes(data)
    return Pkcs12Identity(path)


def test_the_pi_certificate_cannot_sign_the_head_block_of_a_document_it_signed(
    app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path
) -> None:
    service = app_services.dossier_signing
    task_id = make_task(app_services, tmp_path / "files")
    mau05 = service.sign_all(task_id, p12(pki, "pi"), PASSWORD, capacity=PI).signed[0].path
    service.sign_all(task_id, p12(pki, "head"), PASSWORD, capacity=CO_PI)
    before = mau05.read_bytes()
    # The walk: the PI's own .p12 chosen with «Tổ chức chủ trì» — mau-05 awaits its head's block.
    with pytest.raises(DossierSigningFailed) as failed:
        service.sign_all(task_id, p12(pki, "pi"), PASSWORD, capacity=HOST)
    assert isinstance(failed.value.cause, SameSigner)
    assert not failed.value.signed and [d.name for d in failed.value.unsigned][:2] == ["mau-05.pdf", "xac-nhan.pdf"]
    text = failed.value.message()
    assert "mau-05.pdf" in text and "Chủ nhiệm nhiệm vụ" in text and "Chưa ký văn bản nào" in text
    assert "principal investigator" in failed.value.cause.message("en")
    assert mau05.read_bytes() == before
    # refused before the first signature: the confirmation (signed before mau-05 would be) was not even rendered
    plan = service.plan(task_id, HOST)
    assert all(app_services.documents.form_pdf(d.draft_id) is None for d in plan.documents if d.name != "mau-05.pdf")
    # A certificate readable without a secret is caught by the plan, before any PIN is asked for.
    readable = passwordless_p12(pki, "pi", tmp_path)
    seen = service.plan(task_id, HOST, identity=readable)
    assert "mau-05.pdf" not in [d.name for d in seen.documents]
    waiting = {w.name: w for w in seen.waiting}["mau-05.pdf"]
    assert waiting.code == "dossier_signing.waiting.same_signer" and "Chủ nhiệm nhiệm vụ" in waiting.message()
    assert "mau-05.pdf" in [d.name for d in service.plan(task_id, HOST, identity=p12(pki, "org")).documents]
    # The organisation's own certificate still signs it, on the head's block.
    host = service.sign_all(task_id, p12(pki, "org"), PASSWORD, capacity=HOST)
    assert ("mau-05.pdf", "Sig_head") in [(d.name, d.field) for d in host.signed]


def test_the_single_document_sign_refuses_a_second_block_for_the_same_certificate(
    app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path
) -> None:
    task_id = make_task(app_services, tmp_path / "files")
    mau05 = app_services.dossier_signing.sign_all(task_id, p12(pki, "pi"), PASSWORD, capacity=PI).signed[0].path
    before = mau05.read_bytes()
    signing = app_services.signing
    target = tmp_path / "out.pdf"
    for identity, secret in ((p12(pki, "pi"), PASSWORD), (passwordless_p12(pki, "pi", tmp_path), None)):
        with pytest.raises(SameSigner) as refused:
            signing.sign(signing.request(mau05, target, field="Sig_co_pi_1"), identity, secret)
        assert refused.value.params == {"document": "mau-05.pdf", "field": "Sig_pi"}
    assert mau05.read_bytes() == before and not target.exists()
    done = signing.sign(signing.request(mau05, target, field="Sig_co_pi_1"), p12(pki, "head"), PASSWORD)
    assert done.field == "Sig_co_pi_1" and target.exists()


def test_an_export_of_an_incomplete_dossier_is_refused_before_any_identity_is_opened(
    app_services: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vista_desktop.signing import batch

    opened: list[object] = []
    real_session = batch.signing_session

    def recording(*args: Any) -> Any:
        opened.append(args)
        return real_session(*args)

    monkeypatch.setattr(batch, "signing_session", recording)
    task_id = make_task(app_services, tmp_path / "files", attach=False)
    service = app_services.dossier_signing
    plan = service.plan(task_id, HOST)
    assert plan.documents and plan.incomplete  # documents to sign, but required PDFs missing
    out = tmp_path / "ho-so.zip"
    with pytest.raises(DossierIncomplete):  # a wrong PIN is not even reported: the token was not opened
        service.sign_all(task_id, token(), "000000", out=out)
    assert opened == [] and not out.exists()
    with pytest.raises(DossierSigningFailed) as failed:  # without the export the same PIN is tried, and wrong
        service.sign_all(task_id, token(), "000000")
    assert len(opened) == 1 and failed.value.cause.code.startswith("sign.pin_incorrect")
    complete = make_task(app_services, tmp_path / "more")
    assert not service.plan(complete, HOST).incomplete


def test_the_sign_dialog_refuses_an_incomplete_export_before_the_pin_and_remembers_its_choices(
    qtbot: Any, app_services: Any, pki: Any, tmp_path: Path
) -> None:
    from vista_desktop.i18n import tr
    from vista_desktop.ui.dossier_dialog import DossierSignDialog

    task_id = make_task(app_services, tmp_path / "files", attach=False)

    def open_dialog(task: str) -> DossierSignDialog:
        dialog = DossierSignDialog(app_services.dossier_signing, app_services.signing, task)
        qtbot.addWidget(dialog)
        searching = tr("ui.sign.searching")
        qtbot.waitUntil(lambda: searching not in [dialog.identity.itemText(i) for i in range(dialog.identity.count())])
        return dialog

    dialog = open_dialog(task_id)
    assert dialog.sign_button.isEnabled() and dialog.export_problem.isHidden()
    out = str(tmp_path / "ho-so.zip")
    dialog.output.setText(out)
    assert not dialog.sign_button.isEnabled() and not dialog.export_problem.isHidden()
    assert "chưa đầy đủ" in dialog.export_problem.text()
    dialog.output.clear()
    assert dialog.sign_button.isEnabled()
    dialog.use_p12(pki["head"].p12)
    dialog.capacity.setCurrentIndex(dialog.capacity.findData(CO_PI))
    dialog.output.setText(out)
    dialog.secret.setText(PASSWORD)
    dialog.reject()

    again = open_dialog(task_id)
    assert again.capacity.currentData() == CO_PI and again.output.text() == out
    assert again.identity.currentData() == Pkcs12Identity(pki["head"].p12) and again.secret.text() == ""
    assert not again.sign_button.isEnabled()  # the remembered export path of an incomplete dossier
    other = open_dialog(make_task(app_services, tmp_path / "other", attach=False))
    assert other.output.text() == "" and other.capacity.currentData() == HOST
