"""«Ký hồ sơ»: a task's whole dossier signed in one sitting, with a real .p12 identity and the SoftHSM2 token.

The plan follows the legal order (PI before head before organisation); one opening of the identity signs every
document and the manifest; a failure or a cancel leaves the earlier documents signed, the later ones byte for
byte as they were, nothing half-signed, and the error names both lists.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vista_desktop.cli import main
from vista_desktop.services.dossier_signing import (
    CO_PI,
    HOST,
    PI,
    DossierSigningCancelled,
    DossierSigningFailed,
)
from vista_desktop.signing.identities import Pkcs11Identity, Pkcs12Identity
from vista_desktop.tasks import TaskContext

from .pki import PASSWORD, PIN, SOFTHSM, TOKEN_LABEL
from .test_dossier_builder import FORMS, blank_pdf, draft

USER_SLOTS = ("summary_report", "abstract_report", "acceptance_minutes")


def make_task(app_services: Any, folder: Path, attach: bool = True) -> str:
    """A task with Mẫu 5, its confirmation and a Mẫu 8, and (with `attach`) the three required user PDFs."""
    drafts, builder = app_services.drafts, app_services.dossier_builder
    mau05 = drafts.create("mau-05", draft("mau-05")[1])
    task_id: str = builder.task_id(mau05.id)
    for form in ("xac-nhan", "mau-08"):
        app_services.results.assign(drafts.create(form, draft(form)[1]).id, task_id)
    if attach:
        folder.mkdir(exist_ok=True)
        for slot in USER_SLOTS:
            builder.attach(task_id, slot, blank_pdf(folder / f"{slot}.pdf"))
    return task_id


def p12(pki: Any, who: str) -> Pkcs12Identity:
    return Pkcs12Identity(pki[who].p12)


def token() -> Pkcs11Identity:
    return Pkcs11Identity(SOFTHSM, TOKEN_LABEL)


def plan_of(app_services: Any, task_id: str, capacity: str, attached: bool = False) -> list[tuple[str, str]]:
    plan = app_services.dossier_signing.plan(task_id, capacity, include_attached=attached)
    return [(d.name, d.field) for d in plan.documents]


def signatures(app_services: Any, path: Path) -> list[tuple[str, bool, bool]]:
    report = app_services.signing.verify(path)
    assert not report.integrity_problems
    return [(s.field, s.intact, s.trusted) for s in report.signatures]


def test_plan_follows_the_legal_order(app_services: Any, tmp_path: Path) -> None:
    task_id = make_task(app_services, tmp_path / "files")
    # The host signs the confirmation (head) before Mẫu 8 (owner); Mẫu 5 waits for its PI.
    assert plan_of(app_services, task_id, HOST) == [("xac-nhan.pdf", "Sig_head"), ("mau-08.pdf", "Sig_owner")]
    waiting = app_services.dossier_signing.plan(task_id, HOST).waiting
    assert [(w.name, w.role) for w in waiting] == [("mau-05.pdf", "pi")]
    assert "Chủ nhiệm nhiệm vụ" in waiting[0].message()
    assert plan_of(app_services, task_id, PI) == [("mau-05.pdf", "Sig_pi")]
    assert plan_of(app_services, task_id, CO_PI) == []  # the co-PI signs after the PI
    with_files = plan_of(app_services, task_id, HOST, attached=True)
    assert [n for n, _ in with_files[2:]] == [f"{slot}.pdf" for slot in USER_SLOTS]  # user PDFs last, new blocks
    assert all(field == "Signature1" for _, field in with_files[2:])


def test_sign_all_in_legal_order_with_p12_then_token_and_a_signed_manifest(
    app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vista_desktop.services.dossier_builder import check_dossier
    from vista_desktop.signing import tokens

    task_id = make_task(app_services, tmp_path / "files")
    service = app_services.dossier_signing
    pi = service.sign_all(task_id, p12(pki, "pi"), PASSWORD, capacity=PI)
    assert [d.name for d in pi.signed] == ["mau-05.pdf"] and pi.signer == "Nguyễn Thị Hồng Nhung"
    co_pi = service.sign_all(task_id, p12(pki, "head"), PASSWORD, capacity=CO_PI)
    assert [(d.name, d.field) for d in co_pi.signed] == [("mau-05.pdf", "Sig_co_pi_1")]

    logins = []
    real_logged_in = tokens.logged_in

    def counting(*args: Any) -> Any:
        logins.append(args)
        return real_logged_in(*args)

    monkeypatch.setattr(tokens, "logged_in", counting)
    out = tmp_path / "ho-so.zip"
    steps: list[str] = []
    host = service.sign_all(
        task_id,
        token(),
        PIN,
        TaskContext(lambda _f, message: steps.append(message)),
        include_attached=True,
        out=out,
    )
    assert len(logins) == 1  # one PIN, one login for six documents and the manifest
    names = [d.name for d in host.signed]
    assert names == ["mau-05.pdf", "xac-nhan.pdf", "mau-08.pdf", *(f"{s}.pdf" for s in USER_SLOTS)]
    assert all(name in steps for name in names)
    assert host.signer == "Viện Khoa học Thủy lợi miền Nam"
    by_name = {d.name: d for d in host.signed}
    assert signatures(app_services, by_name["mau-05.pdf"].path) == [
        ("Sig_pi", True, True),
        ("Sig_co_pi_1", True, True),
        ("Sig_head", True, True),
    ]
    for name in ("xac-nhan.pdf", "mau-08.pdf", "acceptance_minutes.pdf"):
        assert all(intact and trusted for _f, intact, trusted in signatures(app_services, by_name[name].path))
    # The attached files are recorded as they are now (signed), so the dossier shows no "changed" file.
    assert not [f for f in app_services.dossier_builder.findings(task_id) if f.code == "dossier_builder.file_changed"]
    assert host.export is not None and host.export.signer == host.signer
    check = check_dossier(out)
    assert check.ok and check.signed and check.signer == host.signer
    # The organisation's block of the confirmation is next, now that the head's is signed.
    assert plan_of(app_services, task_id, HOST) == [("xac-nhan.pdf", "Sig_organisation")]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failure_in_the_middle_keeps_earlier_signed_and_later_untouched(
    app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path
) -> None:
    files = tmp_path / "files"
    task_id = make_task(app_services, files)
    corrupt = b"%PDF-1.7\n" + b"\x00garbage" * 50
    before: dict[str, bytes] = {}

    def listener(_fraction: float | None, message: str) -> None:
        if message == "mau-08.pdf" and not before:  # after the plan was made, before the user PDFs are signed
            (files / "abstract_report.pdf").write_bytes(corrupt)
            before.update(_snapshot(files))

    with pytest.raises(DossierSigningFailed) as failed:
        app_services.dossier_signing.sign_all(
            task_id, p12(pki, "org"), PASSWORD, TaskContext(listener), include_attached=True
        )
    error = failed.value
    assert [d.name for d in error.signed] == ["xac-nhan.pdf", "mau-08.pdf", "summary_report.pdf"]
    assert [d.name for d in error.unsigned] == ["abstract_report.pdf", "acceptance_minutes.pdf"]
    text = error.message()
    assert "abstract_report.pdf" in text and "acceptance_minutes.pdf" in text and "xac-nhan.pdf" in text
    after = _snapshot(files)
    assert set(after) == set(before)  # no temporary file left behind, nothing half-written
    assert after["abstract_report.pdf"] == corrupt
    assert after["acceptance_minutes.pdf"] == before["acceptance_minutes.pdf"]
    assert [f for f, *_ in signatures(app_services, files / "summary_report.pdf")] == ["Signature1"]
    for done in error.signed[:2]:
        assert signatures(app_services, done.path)[0][1]


def test_a_wrong_pin_on_the_token_changes_nothing_and_says_so(app_services: Any, tmp_path: Path) -> None:
    files = tmp_path / "files"
    task_id = make_task(app_services, files)
    before = _snapshot(files)
    with pytest.raises(DossierSigningFailed) as failed:
        app_services.dossier_signing.sign_all(task_id, token(), "000000", include_attached=True)
    assert failed.value.cause.code.startswith("sign.pin_incorrect")
    assert not failed.value.signed and len(failed.value.unsigned) == 5
    assert "Sai mã PIN" in failed.value.message() and "Chưa ký văn bản nào" in failed.value.message()
    assert _snapshot(files) == before
    assert all(app_services.documents.form_pdf(d.draft_id) is None for d in failed.value.unsigned if d.draft_id)


def test_cancel_between_documents(app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path) -> None:
    files = tmp_path / "files"
    task_id = make_task(app_services, files)
    before = _snapshot(files)
    context = TaskContext(lambda _f, message: context.cancel() if message == "mau-08.pdf" else None)
    with pytest.raises(DossierSigningCancelled) as cancelled:
        app_services.dossier_signing.sign_all(task_id, p12(pki, "org"), PASSWORD, context, include_attached=True)
    assert [d.name for d in cancelled.value.signed] == ["xac-nhan.pdf", "mau-08.pdf"]
    assert len(cancelled.value.unsigned) == 3 and "summary_report.pdf" in cancelled.value.message()
    assert _snapshot(files) == before


def test_the_sign_dossier_button_signs_with_a_p12_file(
    qtbot: Any, app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path
) -> None:
    from vista_desktop.ui.dossier_dialog import DossierDialog

    task_id = make_task(app_services, tmp_path / "files")
    dialog = DossierDialog(
        app_services.dossier_builder,
        task_id,
        dossier_signing=app_services.dossier_signing,
        signing=app_services.signing,
    )
    qtbot.addWidget(dialog)
    assert not dialog.sign_button.isHidden()
    without = DossierDialog(app_services.dossier_builder, task_id)
    qtbot.addWidget(without)
    assert without.sign_button.isHidden() and without.sign_dossier() is None
    signer = dialog.sign_dossier()
    assert signer is not None
    qtbot.addWidget(signer)
    assert "1. xac-nhan.pdf" in signer.plan_view.text() and "mau-05.pdf" in signer.plan_view.text()
    signer.use_p12(pki["org"].p12)
    signer.secret.setText("sai mật khẩu")
    signer.sign_button.click()
    qtbot.waitUntil(
        lambda: signer.sign_button.isEnabled() and "Chưa ký văn bản nào" in signer.status.text(), timeout=10000
    )
    assert "mật khẩu" in signer.status.text().lower()
    assert signer.plan is not None
    assert all(app_services.documents.form_pdf(d.draft_id) is None for d in signer.plan.documents if d.draft_id)
    signer.secret.setText(PASSWORD)
    signer.sign_button.click()
    qtbot.waitUntil(lambda: signer.outcome is not None, timeout=20000)
    assert "xac-nhan.pdf" in signer.status.text() and "mau-08.pdf" in signer.status.text()
    assert signer.plan is not None and signer.plan.documents[0].field == "Sig_organisation"
    signer.reject()
    qtbot.waitUntil(lambda: any(s.state == "signed" for s in dialog.states), timeout=5000)


def test_cli_dossier_sign(
    app_services: Any, pki: Any, trust_test_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    files = tmp_path / "files"
    task_id = make_task(app_services, files)
    app_services.close()
    monkeypatch.setenv("P12_PASS", "sai")
    before = _snapshot(files)
    common = ["dossier", "sign", task_id, "--pkcs12", str(pki["org"].p12), "--pin-env", "P12_PASS"]
    assert main(["--lang", "en", *common, "--include-attached"]) == 1
    err = capsys.readouterr().err
    assert "Nothing was signed" in err and "xac-nhan.pdf" in err and "acceptance_minutes.pdf" in err
    assert _snapshot(files) == before
    monkeypatch.setenv("P12_PASS", PASSWORD)
    assert main(["--lang", "en", *common, "--include-attached"]) == 0
    out = capsys.readouterr().out
    assert "Signed: xac-nhan.pdf (Sig_head)" in out and "5 documents signed" in out
    assert "Not signed: mau-05.pdf: waiting for the principal investigator" in out
    assert _snapshot(files) != before
    assert main(["--lang", "en", "dossier", "sign", "no-such-id", "--pkcs12", str(pki["org"].p12)]) == 1


@pytest.mark.parametrize("command", ["build", "export"])
def test_build_and_export_sign_the_manifest_that_check_verifies(
    command: str, app_services: Any, pki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    files = tmp_path / "files"
    out = tmp_path / "ho-so.zip"
    monkeypatch.setenv("P12_PASS", PASSWORD)
    signing = ["--pkcs12", str(pki["org"].p12), "--pin-env", "P12_PASS", "--trust", str(pki.root_pem)]
    if command == "build":
        files.mkdir()
        pdfs = {slot: blank_pdf(files / f"{slot}.pdf") for slot in USER_SLOTS}
        args = [
            "dossier", "build", str(out),
            "--mau05", str(FORMS / "mau-05" / "complete.json"),
            "--confirmation", str(FORMS / "xac-nhan" / "complete.json"),
            "--mau08", str(FORMS / "mau-08" / "complete.json"),
            "--summary-report", str(pdfs["summary_report"]),
            "--abstract-report", str(pdfs["abstract_report"]),
            "--minutes", str(pdfs["acceptance_minutes"]),
        ]  # fmt: skip
    else:
        task_id = make_task(app_services, files)
        app_services.close()
        args = ["dossier", "export", task_id, str(out)]
    assert main(["--lang", "en", *args, *signing]) == 0, capsys.readouterr().err
    assert "Viện Khoa học Thủy lợi miền Nam" in capsys.readouterr().out
    assert main(["--lang", "en", "dossier", "check", str(out), "--trust", str(pki.root_pem)]) == 0
    assert "Viện Khoa học Thủy lợi miền Nam" in capsys.readouterr().out
    # Without the root the signature is intact but not trusted: check says so and fails.
    assert main(["--lang", "en", "dossier", "check", str(out)]) == 1
    manifest = json.loads(__import__("zipfile").ZipFile(out).read("manifest.json"))
    assert {e["slot"] for e in manifest["files"]} >= {"registration_form", *USER_SLOTS}
