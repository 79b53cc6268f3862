"""The GUI, offscreen, driven as a user would: typing Vietnamese, pressing Next and Finish."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWizard

from vista_desktop.forms.data import normalise_data
from vista_desktop.ui.drafts_model import STATUS
from vista_desktop.ui.wizard import FormWizard

from .ui_helpers import column_title, error_texts, fill_page, type_text


def click(qtbot, wizard: FormWizard, button: QWizard.WizardButton) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(button), Qt.MouseButton.LeftButton)


def test_new_draft_opens_the_generated_wizard(window) -> None:
    wizard = window.new_draft("mau-01")
    titles = [p.title() for p in wizard.section_pages]
    assert titles[0] == "Thông tin chung về nhiệm vụ"
    assert "Chủ nhiệm nhiệm vụ" in titles
    assert len(wizard.section_pages) == len(wizard.session.definition.sections)
    assert window.model.rowCount() == 1
    wizard.close()


def test_fill_every_page_in_vietnamese_and_finish(qtbot, window, service, complete_data, mau01) -> None:
    # Typed decomposed, as some Vietnamese keyboards and pasted text produce it.
    complete_data["objectives"] = unicodedata.normalize("NFD", complete_data["objectives"])
    complete_data["co_pis"] = [
        {
            "full_name": "Trần Minh Đức",
            "gender": "Nam",
            "birth_date": "1990-01-01",
            "citizen_id": "001090000001",
            "organisation": "Đại học Cần Thơ",
        }
    ]
    wizard = window.new_draft("mau-01")
    for index, page in enumerate(wizard.section_pages):
        assert wizard.currentId() == index
        fill_page(page, complete_data)
        last = index == len(wizard.section_pages) - 1
        click(qtbot, wizard, QWizard.WizardButton.FinishButton if last else QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    stored = service.get(wizard.session.draft_id)
    assert stored.status == "complete"
    assert stored.data == normalise_data(mau01, complete_data)
    assert stored.data["objectives"] == unicodedata.normalize("NFC", complete_data["objectives"])
    assert window.model.data(window.model.index(0, STATUS)) == "Đã hoàn tất"


def test_next_moves_on_and_the_started_page_shows_its_errors(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    page = wizard.section_pages[0]
    type_text(page.rows["task.field_code"].widget.edit, "4010")
    assert wizard.findChild(QLabel, "message:task.field_code").text().startswith("Không đúng định dạng")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == 1  # Next never blocks; completion does
    click(qtbot, wizard, QWizard.WizardButton.BackButton)
    message = wizard.findChild(QLabel, "message:task.title")
    assert message.isVisible()
    assert message.text() == "Chưa nhập: mục này là bắt buộc."
    assert wizard.step_state(0) == "errors"
    wizard.close()


def test_citizen_id_errors_are_shown_beside_the_field(qtbot, window, complete_data) -> None:
    wizard = window.new_draft("mau-01")
    page_index = next(i for i, p in enumerate(wizard.section_pages) if p.section.id == "pi")
    wizard.go_to(page_index)  # straight there, whatever the earlier pages hold
    page = wizard.section_pages[wizard.currentId()]
    assert page.section.id == "pi"
    complete_data["pi"]["citizen_id"] = "079085012345"  # digit 4 = 0 means male; she is "Nữ"
    fill_page(page, complete_data)
    message = wizard.findChild(QLabel, "message:pi.citizen_id")
    assert "Chữ số thứ 4" in message.text()
    assert "Nữ" in message.text()
    wizard.close()


def test_budget_rule_and_derived_value(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    page = wizard.section_pages[1]
    wizard.go_to(0)
    type_text(page.rows["task.budget.total_vnd"].widget.edit, "1000000")
    type_text(page.rows["task.budget.state_vnd"].widget.edit, "1500000")
    page.rows["task.budget.total_vnd"].widget.edit.editingFinished.emit()
    assert page.rows["task.budget.total_vnd"].widget.edit.text() == "1.000.000"
    assert (
        wizard.findChild(QLabel, "message:task.budget.state_vnd").text() == "Không được lớn hơn «Tổng kinh phí (đồng)»."
    )
    assert page.rows["task.budget.other_vnd"].widget.label.text() == "-500.000"
    wizard.close()


def test_citizen_id_is_masked_outside_its_editor(qtbot, window, service) -> None:
    wizard = window.new_draft("mau-01")
    pi_page = next(p for p in wizard.section_pages if p.section.id == "pi")
    edit = pi_page.rows["pi.citizen_id"].widget.edit
    type_text(edit, "079185012345")
    edit.focusOutEvent(
        __import__("PySide6.QtGui", fromlist=["QFocusEvent"]).QFocusEvent(
            __import__("PySide6.QtCore", fromlist=["QEvent"]).QEvent.Type.FocusOut
        )
    )
    assert edit.text() == "079••••••345"
    wizard.session.flush()
    assert service.get(wizard.session.draft_id).data["pi"]["citizen_id"] == "079185012345"
    team = next(p for p in wizard.section_pages if p.section.id == "team")
    table = team.rows["members"].widget
    table.set_value([{"full_name": "Lê Quốc Hưng", "citizen_id": "001085000123"}])
    assert table.grid.item(0, 4).text() == "001••••••123"
    wizard.close()


def test_autosave_indicator_and_nothing_lost_on_close(qtbot, window, service) -> None:
    wizard = window.new_draft("mau-01")
    indicator = wizard.findChild(QLabel, "autosave-indicator")
    title = wizard.section_pages[0].rows["task.title"].widget.edit
    title.setFocus()
    type_text(title, "Nghiên cứu giống lúa chịu mặn")
    qtbot.waitUntil(lambda: indicator.text().startswith("✓ Đã lưu lúc"), timeout=5000)
    type_text(title, " OM18")
    wizard.close()  # closing right after typing: the last characters are saved too
    assert service.get(wizard.session.draft_id).data["task"]["title"] == "Nghiên cứu giống lúa chịu mặn OM18"
    assert window.model.data(window.model.index(0, 1)) == "Nghiên cứu giống lúa chịu mặn OM18"


def test_table_rows_add_remove_and_reorder(qtbot, window, service) -> None:
    wizard = window.new_draft("mau-01")
    table = next(p for p in wizard.section_pages if p.section.id == "team").rows["members"].widget
    table.set_value([{"full_name": "A"}, {"full_name": "B"}, {"full_name": "C"}])
    table.grid.setCurrentCell(2, 0)
    table.move_row(-1)
    assert [r["full_name"] for r in table.value()] == ["A", "C", "B"]
    table.grid.setCurrentCell(0, 0)
    table.remove_row()
    assert [r["full_name"] for r in table.value()] == ["C", "B"]
    wizard.session.flush()
    assert [r["full_name"] for r in service.get(wizard.session.draft_id).data["members"]] == ["C", "B"]
    wizard.close()


def test_keyboard_mnemonics_and_buddies(window) -> None:
    wizard = window.new_draft("mau-01")
    page = wizard.section_pages[0]
    labels = [label for label in page.findChildren(QLabel) if label.buddy() is not None]
    assert len(labels) == len(page.rows)
    letters = [t[t.index("&") + 1].lower() for t in (label.text().replace("&&", "") for label in labels) if "&" in t]
    assert len(letters) >= len(labels) - 1  # a label may run out of free ASCII letters
    assert len(set(letters)) == len(letters)  # no mnemonic used twice on a page
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "&Tiếp theo >"
    wizard.close()


def test_duplicate_and_delete_with_confirmation(window, service, monkeypatch) -> None:
    service.create("mau-01", {"task": {"title": "Đề tài gốc"}})
    window.refresh()
    window.table.selectRow(0)
    window.duplicate_selected()
    assert sorted(d.title for d in service.list()) == ["Đề tài gốc", "Đề tài gốc (bản sao)"]
    assert window.selected().title == "Đề tài gốc (bản sao)"
    window.table.selectRow(window.model.row_of(next(d.id for d in service.list() if d.title == "Đề tài gốc")))
    questions: list[str] = []
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda _p, _t, text, **k: questions.append(text) or False)
    window.delete_action.trigger()  # the real action, as the Del key and the toolbar fire it
    assert len(service.list()) == 2
    assert questions and "Đề tài gốc" in questions[0]
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda *a, **k: True)
    window.delete_action.trigger()
    assert [d.title for d in service.list()] == ["Đề tài gốc (bản sao)"]
    assert window.model.rowCount() == 1


def test_export_documents_runs_in_the_background(qtbot, window, service, complete_data, tmp_path) -> None:
    record = service.create("mau-01", complete_data)
    target = tmp_path / "phieu.pdf"
    window.export_documents(record.id, target)
    qtbot.waitUntil(lambda: target.exists() and target.with_suffix(".docx").exists(), timeout=20000)
    qtbot.waitUntil(lambda: "Đã xuất" in window.statusBar().currentMessage(), timeout=5000)


def test_language_is_selectable_and_remembered(qtbot, app_services) -> None:
    from vista_desktop import i18n
    from vista_desktop.settings import load_settings
    from vista_desktop.ui.app import Application

    app = Application(app_services)
    qtbot.addWidget(app.window)
    assert app.window.windowTitle().startswith("VISTA Desktop – Hồ sơ")
    app.change_language("en")
    qtbot.addWidget(app.window)
    assert load_settings().language == "en"
    assert i18n.current_language() == "en"
    assert app.window.windowTitle() == "VISTA Desktop – S&T task dossiers"
    assert column_title(app.window, 0) == "Form"
    app.window.close()


def test_import_json_rejects_a_corrupt_file_with_a_message(qtbot, window, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "hong.json"
    bad.write_text("{", encoding="utf-8")
    monkeypatch.setattr("vista_desktop.ui.main_window.open_file", lambda *a, **k: bad)
    window.import_json()
    qtbot.waitUntil(lambda: bool(error_texts(window)), timeout=5000)
    assert "không phải JSON" in error_texts(window)[0]
    assert window.model.rowCount() == 0


def test_screenshot_of_the_wizard(qtbot, window, complete_data, tmp_path: Path) -> None:
    wizard = window.new_draft("mau-01")
    fill_page(wizard.section_pages[0], complete_data)
    shot = tmp_path / "wizard.png"
    assert wizard.grab().save(str(shot))
    assert shot.stat().st_size > 10_000
    wizard.close()


def test_tab_order_follows_the_form(window) -> None:
    wizard = window.new_draft("mau-01")
    for page in wizard.section_pages:
        focusable = [row.widget.focus_widget() for row in page.rows.values()]
        wanted = [w for w in focusable if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
        seen = []
        widget = wanted[0]
        for _ in range(500):
            if widget in wanted and widget not in seen:
                seen.append(widget)
            widget = widget.nextInFocusChain()
        assert seen == wanted, page.section.id
    wizard.close()


def test_enter_moves_to_the_next_page_and_escape_closes(qtbot, window, service, complete_data) -> None:
    wizard = window.new_draft("mau-01")
    fill_page(wizard.section_pages[0], complete_data)
    code = wizard.section_pages[0].rows["task.code"].widget.edit
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert wizard.currentId() == 1
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert service.get(wizard.session.draft_id).data["task"]["code"] == complete_data["task"]["code"]


def test_enter_on_a_draft_opens_it(qtbot, window, service) -> None:
    service.create("mau-01", {"task": {"title": "Đề tài mở bằng phím Enter"}})
    window.refresh()
    window.table.selectRow(0)
    window.table.setCurrentIndex(window.model.index(0, 1))
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert len(window.wizards) == 1
    next(iter(window.wizards.values())).close()


def test_table_cell_problems_name_the_row_and_column(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    team = next(p for p in wizard.section_pages if p.section.id == "team")
    table = team.rows["members"].widget
    table.add_row()  # an empty row: its required cells are reported
    team.show_all = True
    team.show_problems(wizard.session.section_problems("team"))
    text = wizard.findChild(QLabel, "message:members").text()
    assert "Dòng 1, cột Họ và tên: Chưa nhập" in text
    assert table.grid.item(0, 0).toolTip() == "Chưa nhập: mục này là bắt buộc."
    wizard.close()


def test_confirmation_buttons_are_in_vietnamese(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vista_desktop.ui.dialogs import ask

    seen: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append([b.text() for b in box.buttons()])
        yes = next(b for b in box.buttons() if b.text() == "Có")
        yes.click()

    QTimer.singleShot(50, answer)
    assert ask(None, "Xóa bản nháp", "Xóa?") is True
    assert sorted(seen[0]) == ["Có", "Không"]


def test_an_invalid_draft_exports_only_as_a_marked_working_copy(qtbot, window, service, tmp_path, monkeypatch) -> None:
    record = service.create("mau-01", {"task": {"title": "Đề tài chưa xong"}})
    questions: list[str] = []
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda _p, _t, text, **k: questions.append(text) or False)
    assert window.export_documents(record.id, tmp_path / "phieu.pdf") is None  # the user said no
    assert "lỗi" in questions[0] and not list(tmp_path.glob("*.pdf"))
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda *a, **k: True)
    window.export_documents(record.id, tmp_path / "phieu.pdf")
    working = tmp_path / "phieu-du-thao.pdf"
    qtbot.waitUntil(working.exists, timeout=20000)
    assert not (tmp_path / "phieu.pdf").exists()
    assert window.services.documents.form_pdf(record.id) is None  # never offered for signing


def test_export_shows_progress_and_can_be_cancelled(qtbot, window, service, complete_data, tmp_path) -> None:
    from vista_desktop.errors import Cancelled
    from vista_desktop.services.documents import DocumentService

    gate = __import__("threading").Event()
    original = DocumentService.render

    def slow_render(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(10)  # hold the task until the test has pressed Cancel
        return original(self, *args, **kwargs)

    record = service.create("mau-01", complete_data)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "phieu.pdf"
    DocumentService.render = slow_render  # type: ignore[method-assign]
    try:
        running = window.export_documents(record.id, target)
        assert running is not None
        assert window.progress.isVisible()
        failures: list[BaseException] = []
        running.failed.connect(failures.append)
        qtbot.mouseClick(window.progress.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
        qtbot.waitUntil(lambda: bool(failures), timeout=20000)
    finally:
        DocumentService.render = original  # type: ignore[method-assign]
    assert isinstance(failures[0], Cancelled)
    assert not target.exists() and not target.with_suffix(".docx").exists()
    assert list(out.iterdir()) == []  # no temporary file left behind
    qtbot.waitUntil(lambda: not window.progress.isVisible(), timeout=5000)
    assert "huỷ" in window.statusBar().currentMessage().lower()


# --- windows that fit the screen --------------------------------------------------------------------------------

FIT_SCRIPT = """
import json
from PySide6.QtWidgets import QApplication
from vista_desktop.services.app import AppServices
from vista_desktop.ui.app import load_fonts
from vista_desktop.ui.help import show_help
from vista_desktop.ui.main_window import MainWindow

app = QApplication([])
load_fonts(app)
services = AppServices()
services.open_storage()
window = MainWindow(services)
window.show()
wizard = window.new_draft("mau-01")
windows = {"main": window, "wizard": wizard, "check": wizard.show_check(), "help": show_help(wizard)}
app.processEvents()
def box(r):
    return [r.x(), r.y(), r.width(), r.height()]
print(json.dumps({
    "available": box(app.primaryScreen().availableGeometry()),
    "ratio": app.primaryScreen().devicePixelRatio(),
    "windows": {name: box(w.frameGeometry()) for name, w in windows.items()},
}))
"""


def run_fitted(tmp_path: Path, scale: str) -> dict:  # type: ignore[type-arg]
    import json
    import os
    import subprocess
    import sys

    screens = tmp_path / "screens.json"
    screens.write_text(
        json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "dpr": 1}]})
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}", "QT_SCALE_FACTOR": scale}
    done = subprocess.run(
        [sys.executable, "-c", FIT_SCRIPT], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[type-arg]
    return result


def inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


@pytest.mark.parametrize("scale", ["1", "2"])
def test_every_window_fits_a_1366x768_screen(tmp_path, scale) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.settings import load_settings, save_settings

    # Remembered from a large monitor: must still fit the laptop.
    save_settings(load_settings().with_window_geometry("wizard", (1900, 40, 1600, 1100)))
    result = run_fitted(tmp_path, scale)
    assert result["ratio"] == float(scale)
    for name, frame in result["windows"].items():
        assert inside(frame, result["available"]), (name, frame, result["available"])
    if scale == "1":
        assert result["windows"]["wizard"][3] >= 600  # a real size, not the bare minimum


def test_fit_rect_with_given_screens() -> None:
    from PySide6.QtCore import QRect, QSize

    from vista_desktop.ui.geometry import FRAME_TOP, clamp_rect, fit_rect

    laptop = QRect(0, 0, 1366, 728)  # 1366×768 less a taskbar
    rect = fit_rect(QSize(1180, 760), laptop)
    assert rect.width() == 1180 and rect.height() < 728 - FRAME_TOP
    assert laptop.contains(rect.adjusted(-8, -FRAME_TOP, 8, 8))
    scaled = QRect(0, 0, 683, 364)  # the same screen at 200 %
    rect = fit_rect(QSize(1180, 760), scaled, QSize(500, 300))
    assert scaled.contains(rect.adjusted(-8, -FRAME_TOP, 8, 8))
    assert rect.width() >= 500 and rect.height() >= 300
    second = QRect(1366, 0, 1920, 1040)  # a second monitor on the right
    assert second.contains(fit_rect(QSize(1180, 760), second))
    saved = QRect(1900, 900, 1600, 1100)  # partly off the laptop
    assert laptop.contains(clamp_rect(saved, laptop))


def test_window_geometry_is_remembered(qtbot, app_services) -> None:
    from vista_desktop.settings import load_settings
    from vista_desktop.ui.main_window import MainWindow

    first = MainWindow(app_services)
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(40, 60, 700, 500)
    first.close()
    assert load_settings().window_geometry["main"] == (40, 60, 700, 500)
    second = MainWindow(app_services)
    qtbot.addWidget(second)
    assert (second.x(), second.y(), second.width(), second.height()) == (40, 60, 700, 500)
    second.close()


def test_settings_without_window_geometry_still_load(isolated_profile) -> None:
    import json

    from vista_desktop.settings import load_settings, save_settings, settings_path

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema_version": 2, "language": "en", "timestamp_url": "http://tsa"}))
    settings = load_settings()
    assert (settings.language, settings.timestamp_url, settings.window_geometry) == ("en", "http://tsa", {})
    save_settings(settings.with_window_geometry("wizard", (1, 2, 300, 400)))
    assert load_settings().window_geometry == {"wizard": (1, 2, 300, 400)}
    path.write_text(json.dumps({"language": "vi", "window_geometry": {"main": [1, 2, "x", 4], "ok": [0, 0, 5, 5]}}))
    assert load_settings().window_geometry == {"ok": (0, 0, 5, 5)}
