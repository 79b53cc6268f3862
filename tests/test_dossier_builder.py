"""The Art. 12 results dossier: completeness for exactly the right reasons, PDF checks, export to ZIP and folder
with nothing left on failure, verification naming each altered file, the attach-by-reference service, the CLI."""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter

from vista_desktop.cli import main
from vista_desktop.errors import Cancelled
from vista_desktop.services.dossier_builder import (
    DossierContents,
    DossierIncomplete,
    GeneratedDocument,
    check_dossier,
    completeness,
    hash_attachment,
    pdf_findings,
    write_dossier,
)
from vista_desktop.tasks import TaskContext

FORMS = Path(__file__).resolve().parent / "forms"


def draft(form: str) -> tuple[str, dict[str, Any]]:
    loaded = json.loads((FORMS / form / "complete.json").read_text(encoding="utf-8"))
    return loaded["version"], loaded["data"]


def generated(form: str, slot: str, name: str, **changes: Any) -> GeneratedDocument:
    version, data = draft(form)
    return GeneratedDocument(slot, form, version, {**data, **changes}, name)


def blank_pdf(path: Path, password: str | None = None) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "tệp"
    folder.mkdir()
    found = {
        slot: blank_pdf(folder / f"{slot}.pdf") for slot in ("summary_report", "abstract_report", "acceptance_minutes")
    }
    found["annexes"] = folder / "số liệu mặn.csv"
    found["annexes"].write_text("tỉnh,độ mặn\nBến Tre,4.2\n", encoding="utf-8")
    return found


def contents(files: dict[str, Path], *, minutes: bool = True, mau08: bool = True) -> DossierContents:
    docs = [
        generated("mau-05", "registration_form", "mau-05.pdf"),
        generated("xac-nhan", "summary_report", "xac-nhan.pdf"),
    ]
    if mau08:
        docs.append(generated("mau-08", "technology_description", "mau-08.pdf"))
    attached = [hash_attachment(slot, path) for slot, path in files.items() if minutes or slot != "acceptance_minutes"]
    return DossierContents(tuple(docs), tuple(attached))


def codes(findings: Any) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.slot) for f in findings)


def test_a_complete_dossier_has_no_findings(files: dict[str, Path]) -> None:
    assert completeness(contents(files)) == []


def test_missing_minutes_and_process_without_mau08_are_exactly_the_reasons(files: dict[str, Path]) -> None:
    findings = completeness(contents(files, minutes=False, mau08=False))
    assert codes(findings) == [
        ("dossier_builder.missing_mau08", "technology_description"),
        ("dossier_builder.missing_required", "acceptance_minutes"),
    ]
    assert "Quy trình vận hành cống ngăn mặn" in next(f.message("vi") for f in findings if "mau08" in f.code)


def test_a_state_secret_task_cannot_be_submitted_online(files: dict[str, Path]) -> None:
    base = contents(files)
    secret = generated("mau-05", "registration_form", "mau-05.pdf", security_classification="Mật")
    findings = completeness(DossierContents((secret, *base.generated[1:]), base.attached))
    assert codes(findings) == [("dossier_builder.state_secret", "registration_form")]


def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    locked = blank_pdf(tmp_path / "biên bản.pdf", password="bí-mật")
    assert codes(pdf_findings(locked, "acceptance_minutes")) == [
        ("dossier_builder.pdf_encrypted", "acceptance_minutes")
    ]
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"PK\x03\x04 a zip named .pdf")
    assert codes(pdf_findings(fake, "abstract_report")) == [("dossier_builder.not_pdf", "abstract_report")]
    assert pdf_findings(blank_pdf(tmp_path / "ok.pdf"), "abstract_report") == []


def test_an_incomplete_dossier_writes_nothing(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out" / "hồ sơ.zip"
    out.parent.mkdir()
    with pytest.raises(DossierIncomplete) as raised:
        write_dossier(contents(files, minutes=False), out)
    assert codes(raised.value.findings) == [("dossier_builder.missing_required", "acceptance_minutes")]
    assert list(out.parent.iterdir()) == []


def test_a_file_changed_after_attaching_is_named(files: dict[str, Path], tmp_path: Path) -> None:
    dossier = contents(files)
    files["annexes"].write_text("tỉnh,độ mặn\nBến Tre,9.9\n", encoding="utf-8")
    with pytest.raises(DossierIncomplete) as raised:
        write_dossier(dossier, tmp_path / "x.zip")
    assert codes(raised.value.findings) == [("dossier_builder.file_changed", "annexes")]
    assert not (tmp_path / "x.zip").exists()


def _data_offset(zip_bytes: bytes, info: zipfile.ZipInfo) -> int:
    lengths: tuple[int, int] = struct.unpack("<HH", zip_bytes[info.header_offset + 26 : info.header_offset + 30])
    return info.header_offset + 30 + lengths[0] + lengths[1]


def test_export_to_zip_verifies_and_each_flipped_byte_is_named(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "hồ sơ.zip"
    result = write_dossier(contents(files), out)
    assert result.files == 7
    report = check_dossier(out)
    assert report.ok and not report.signed, report
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        members = [i for i in archive.infolist() if i.filename != "manifest.json"]
    assert {e["slot"] for e in manifest["files"]} >= {"registration_form", "technology_description", "annexes"}
    assert {f["form"] for f in manifest["forms"]} == {"mau-05", "xac-nhan", "mau-08"}
    assert "annexes/số liệu mặn.csv" in {e["path"] for e in manifest["files"]}
    original = out.read_bytes()
    for info in members:
        damaged = bytearray(original)
        damaged[_data_offset(original, info) + info.file_size // 2] ^= 0x01
        copy = tmp_path / "damaged.zip"
        copy.write_bytes(bytes(damaged))
        verdict = check_dossier(copy)
        assert verdict.changed == (info.filename,) and not verdict.ok


def test_export_to_folder_and_a_removed_file_is_named(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "hồ sơ"
    write_dossier(contents(files), out)
    assert check_dossier(out).ok
    (out / "abstract_report" / "abstract_report.pdf").unlink()
    verdict = check_dossier(out)
    assert verdict.missing == ("abstract_report/abstract_report.pdf",)
    assert [(f.code, f.slot) for f in verdict.components] == [("dossier_builder.missing_required", "abstract_report")]


def cancelling_past_half() -> TaskContext:
    def listener(fraction: float | None, message: str) -> None:
        if fraction is not None and fraction > 0.5:
            context.cancel()

    context = TaskContext(listener)
    return context


def test_cancel_while_writing_leaves_nothing(files: dict[str, Path], tmp_path: Path) -> None:
    for out in (tmp_path / "out.zip", tmp_path / "out-folder"):
        with pytest.raises(Cancelled):
            write_dossier(contents(files), out, cancelling_past_half())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tệp"]


def test_attach_by_reference_and_detect_a_change(app_services: Any, files: dict[str, Path]) -> None:
    _version, mau05 = draft("mau-05")
    record = app_services.drafts.create("mau-05", mau05)
    builder = app_services.dossier_builder
    task_id = builder.task_id(record.id)
    attached = builder.attach(task_id, "acceptance_minutes", files["acceptance_minutes"], TaskContext())
    assert attached.sha256 and attached.id is not None
    states = {s.slot.id: s.state for s in builder.slot_states(task_id)}
    assert states["acceptance_minutes"] == "attached" and states["registration_form"] == "generated"
    assert states["abstract_report"] == "missing"
    found = codes(builder.findings(task_id))
    assert ("dossier_builder.missing_required", "abstract_report") in found
    assert ("dossier_builder.missing_required", "acceptance_minutes") not in found
    blank_pdf(files["acceptance_minutes"]).write_bytes(files["acceptance_minutes"].read_bytes() + b"\n% more")
    assert ("dossier_builder.file_changed", "acceptance_minutes") in codes(builder.findings(task_id))


def test_cli_build_then_check(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.zip"
    common = [
        "--mau05", str(FORMS / "mau-05" / "complete.json"),
        "--confirmation", str(FORMS / "xac-nhan" / "complete.json"),
        "--summary-report", str(files["summary_report"]),
        "--abstract-report", str(files["abstract_report"]),
        "--annex", str(files["annexes"]),
    ]  # fmt: skip
    assert main(["--lang", "en", "dossier", "build", str(out), *common]) == 1
    err = capsys.readouterr().err
    assert "Minutes of the official acceptance council" in err and "Quy trình vận hành cống ngăn mặn" in err
    assert not out.exists()
    extra = ["--minutes", str(files["acceptance_minutes"]), "--mau08", str(FORMS / "mau-08" / "complete.json")]
    assert main(["--lang", "en", "dossier", "build", str(out), *common, *extra]) == 0
    assert main(["--lang", "en", "dossier", "check", str(out)]) == 0
    shutil.copy(out, tmp_path / "copy.zip")
    with zipfile.ZipFile(tmp_path / "copy.zip", "a") as archive:
        archive.writestr("annexes/thêm.txt", b"extra")
    capsys.readouterr()
    assert main(["--lang", "en", "dossier", "check", str(tmp_path / "copy.zip")]) == 1
    assert "Extra file: annexes/thêm.txt" in capsys.readouterr().err


def test_dialog_shows_one_row_per_slot_and_attaches_on_the_runner(
    qtbot: Any, app_services: Any, files: dict[str, Path]
) -> None:
    from vista_desktop.ui.dossier_dialog import DossierDialog

    record = app_services.drafts.create("mau-05", draft("mau-05")[1])
    builder = app_services.dossier_builder
    dialog = DossierDialog(builder, builder.task_id(record.id))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 8
    assert "acceptance" in " ".join(s.slot.id for s in dialog.states)
    assert dialog.summary.text().count("\n") >= 3  # the confirmation, three user PDFs, the Mẫu 8 are missing
    minutes_row = next(i for i, s in enumerate(dialog.states) if s.slot.id == "acceptance_minutes")
    dialog.table.selectRow(minutes_row)
    assert dialog.attach_button.isEnabled() and not dialog.detach_button.isEnabled()
    dialog._run(
        lambda ctx: builder.attach(dialog.task_id, "acceptance_minutes", files["acceptance_minutes"], ctx),
        lambda _result: dialog.reload(),
        "",
    )
    qtbot.waitUntil(lambda: dialog.states[minutes_row].state == "attached", timeout=5000)
    item = dialog.table.item(minutes_row, 3)
    assert item is not None and "acceptance_minutes.pdf" in item.text()
