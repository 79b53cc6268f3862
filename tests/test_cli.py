"""The command line as scripts use it: a real process, exit codes, stdout and stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

from pypdf import PdfReader


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vista_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def test_forms_list_json() -> None:
    result = run("forms", "list", "--json")
    assert result.returncode == 0, result.stderr
    forms = json.loads(result.stdout)
    mau01 = next(f for f in forms if f["id"] == "mau-01")
    assert mau01["version"] == "2023"
    assert "Phiếu thông tin" in mau01["title"]


def test_forms_list_plain() -> None:
    result = run("forms", "list")
    assert result.returncode == 0
    assert ["mau-01", "2023"] in [line.split("\t")[:2] for line in result.stdout.splitlines()]


def test_validate_complete_draft(tmp_path, complete_data) -> None:
    path = write(tmp_path, "ok.json", {"form": "mau-01", "version": "2023", "data": complete_data})
    result = run("validate", "mau-01", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_validate_accepts_bare_data(tmp_path, complete_data) -> None:
    result = run("validate", "mau-01", str(write(tmp_path, "bare.json", complete_data)))
    assert result.returncode == 0, result.stderr


def test_validate_reports_one_line_per_problem_starting_with_the_field_id(tmp_path, complete_data) -> None:
    complete_data["pi"]["citizen_id"] = "079085012345"  # digit 4 = 0: a man, but pi is a woman
    complete_data["task"]["budget"]["state_vnd"] = 9_000_000_000
    del complete_data["methods"]
    result = run("validate", "mau-01", str(write(tmp_path, "bad.json", complete_data)))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    fields = [line.split(":", 1)[0] for line in lines]
    assert sorted(fields) == ["methods", "pi.citizen_id", "task.budget.state_vnd"]
    citizen = next(line for line in lines if line.startswith("pi.citizen_id"))
    assert "giới tính" in citizen


def test_validate_in_english(tmp_path, complete_data) -> None:
    del complete_data["methods"]
    result = run("--lang", "en", "validate", "mau-01", str(write(tmp_path, "bad.json", complete_data)))
    assert result.stderr.strip() == "methods: Missing: this item is required."


def test_validate_warning_does_not_fail(tmp_path, complete_data) -> None:
    complete_data["pi"]["citizen_id"] = "003185012345"
    result = run("validate", "mau-01", str(write(tmp_path, "warn.json", complete_data)))
    assert result.returncode == 0
    assert result.stderr.startswith("pi.citizen_id: cảnh báo:")


def test_bad_input_files(tmp_path, complete_data) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = run("validate", "mau-01", str(broken))
    assert result.returncode == 1 and "không phải JSON" in result.stderr
    missing = run("validate", "mau-01", str(tmp_path / "missing.json"))
    assert missing.returncode == 1 and "Không đọc được" in missing.stderr
    wrong = write(tmp_path, "other.json", {"form": "mau-05", "version": "2023", "data": {}})
    mismatch = run("validate", "mau-01", str(wrong))
    assert mismatch.returncode == 1 and "mau-05" in mismatch.stderr
    unknown = run("validate", "mau-99", str(write(tmp_path, "x.json", complete_data)))
    assert unknown.returncode == 1 and "mau-99" in unknown.stderr


def test_usage_errors_exit_2() -> None:
    assert run("validate").returncode == 2
    assert run("render", "mau-01", "x.json").returncode == 2  # --pdf is required
    assert run("frobnicate").returncode == 2


def test_render_pdf_and_docx(tmp_path, complete_data) -> None:
    complete_data["pi"]["full_name"] = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    data = write(tmp_path, "draft.json", {"form": "mau-01", "version": "2023", "data": complete_data})
    pdf, docx = tmp_path / "out.pdf", tmp_path / "out.docx"
    result = run("render", "mau-01", str(data), "--pdf", str(pdf), "--docx", str(docx))
    assert result.returncode == 0, result.stderr
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Nguyễn Thị Hồng Nhung" in text
    assert docx.stat().st_size > 5000


def test_render_into_a_missing_folder_fails_cleanly(tmp_path, complete_data) -> None:
    data = write(tmp_path, "draft.json", complete_data)
    result = run("render", "mau-01", str(data), "--pdf", str(tmp_path / "no" / "such" / "out.pdf"))
    assert result.returncode == 1
    assert "Không xuất được" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_gui_starts_shows_its_window_and_loads_the_drafts(tmp_path) -> None:
    result = run(env={"VISTA_DESKTOP_SMOKE": "1", "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["window-shown", "drafts-listed", "drafts-loaded"]


def test_the_gui_explains_when_there_is_no_display() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "vista_desktop"], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 1
    assert "Không khởi động được giao diện" in result.stderr


def test_unknown_definition_version_is_named(tmp_path, complete_data) -> None:
    old = write(tmp_path, "old.json", {"form": "mau-01", "version": "2014", "data": complete_data})
    result = run("validate", "mau-01", str(old))
    assert result.returncode == 1
    assert "không có phiên bản 2014" in result.stderr
    assert "2023" in result.stderr


def test_render_refuses_an_invalid_draft_unless_asked_for_a_working_copy(tmp_path, complete_data) -> None:
    complete_data["task"]["budget"]["state_vnd"] = complete_data["task"]["budget"]["total_vnd"] + 1
    complete_data["pi"]["citizen_id"] = "07918501234"  # 11 digits
    data = write(tmp_path, "draft.json", {"form": "mau-01", "version": "2023", "data": complete_data})
    pdf = tmp_path / "phieu.pdf"
    refused = run("render", "mau-01", str(data), "--pdf", str(pdf))
    assert refused.returncode == 1
    assert "pi.citizen_id" in refused.stderr and "task.budget.state_vnd" in refused.stderr
    assert "--draft" in refused.stderr
    assert list(tmp_path.glob("*.pdf")) == []
    working = run("render", "mau-01", str(data), "--pdf", str(pdf), "--draft")
    assert working.returncode == 0, working.stderr
    copy = tmp_path / "phieu-du-thao.pdf"
    assert "DỰ THẢO" in working.stdout and str(copy) in working.stdout
    reader = PdfReader(copy)
    assert "vista-working-copy" in str(reader.metadata.get("/Keywords", ""))
    assert "/AcroForm" not in reader.trailer["/Root"]  # no signature field to sign


def test_database_backups_and_restore_from_the_command_line(tmp_path, monkeypatch) -> None:
    from vista_desktop.services.app import AppServices

    env = {"VISTA_DESKTOP_DATA_DIR": str(tmp_path / "p")}
    monkeypatch.setenv("VISTA_DESKTOP_DATA_DIR", env["VISTA_DESKTOP_DATA_DIR"])
    services = AppServices()
    kept = services.drafts.create("mau-01", {"task": {"title": "Trước sao lưu"}})
    services.take_daily_backup()
    services.drafts.create("mau-01", {"task": {"title": "Sau sao lưu"}})
    services.close()
    listing = run("database", "backups", "--json", env=env)
    assert listing.returncode == 0, listing.stderr
    backups = json.loads(listing.stdout)
    assert [b["kind"] for b in backups] == ["daily"]
    restored = run("database", "restore", backups[0]["path"], env=env)
    assert restored.returncode == 0, restored.stderr
    assert [d.id for d in AppServices().drafts.list()] == [kept.id]
    damaged = tmp_path / "hong.sqlite3"
    damaged.write_bytes(b"not a database")
    refused = run("database", "restore", str(damaged), env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr


def test_a_broken_character_is_refused_with_where_it_is(tmp_path) -> None:
    path = tmp_path / "hong.json"
    path.write_text('{"form": "mau-01", "version": "2023", "data": {"task": {"title": "Đề tài \\ud800"}}}')
    result = run("render", "mau-01", str(path), "--pdf", str(tmp_path / "x.pdf"), "--draft")
    assert result.returncode == 1
    assert "task.title" in result.stderr and "ký tự hỏng" in result.stderr
    assert "Traceback" not in result.stderr and not list(tmp_path.glob("*.pdf"))
