"""The GUI, offscreen, driven as a user would: typing Vietnamese, pressing Next and Finish."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWizard

from vista_desktop.forms.data import normalise_data
from vista_desktop.ui.wizard import FormWizard

from .ui_helpers import fill_page, type_text


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
    assert window.model.data(window.model.index(0, 2)) == "Đã hoàn tất"


def test_next_refuses_a_page_with_errors_and_says_why(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == 0
    message = wizard.findChild(QLabel, "message:task.title")
    assert message.isVisible()
    assert message.text() == "Chưa nhập: mục này là bắt buộc."
    page = wizard.section_pages[0]
    type_text(page.rows["task.field_code"].widget.edit, "4010")
    assert wizard.findChild(QLabel, "message:task.field_code").text().startswith("Không đúng định dạng")
    wizard.close()


def test_citizen_id_errors_are_shown_beside_the_field(qtbot, window, complete_data) -> None:
    wizard = window.new_draft("mau-01")
    wizard.go_to(3)  # forward is refused: the first page is empty
    assert wizard.currentId() == 0
    for _ in range(3):
        page = wizard.section_pages[wizard.currentId()]
        fill_page(page, complete_data)
        click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.section_pages[wizard.currentId()]
    assert page.section.id == "pi"
    complete_data["pi"]["citizen_id"] = "079085012345"  # digit 4 = 0 means male; she is "Nữ"
    fill_page(page, complete_data)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert page.section.id == wizard.section_pages[wizard.currentId()].section.id
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
    assert [d.title for d in service.list()] == ["Đề tài gốc", "Đề tài gốc"]
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda *a, **k: False)
    window.delete_selected()
    assert len(service.list()) == 2
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda *a, **k: True)
    window.delete_selected()
    assert len(service.list()) == 1
    assert window.model.rowCount() == 1


def test_export_documents_runs_in_the_background(qtbot, window, service, complete_data, tmp_path) -> None:
    record = service.create("mau-01", complete_data)
    target = tmp_path / "phieu.pdf"
    window.export_documents(record.id, target)
    qtbot.waitUntil(lambda: target.exists() and target.with_suffix(".docx").exists(), timeout=20000)
    qtbot.waitUntil(lambda: "Đã xuất" in window.statusBar().currentMessage(), timeout=5000)


def test_language_is_selectable_and_remembered(qtbot, service) -> None:
    from vista_desktop import i18n
    from vista_desktop.settings import load_settings
    from vista_desktop.ui.app import Application

    app = Application(service)
    qtbot.addWidget(app.window)
    assert app.window.windowTitle().startswith("VISTA Desktop – Hồ sơ")
    app.change_language("en")
    qtbot.addWidget(app.window)
    assert load_settings().language == "en"
    assert i18n.current_language() == "en"
    assert app.window.windowTitle() == "VISTA Desktop – S&T task dossiers"
    assert app.window.model.headerData(0, Qt.Orientation.Horizontal) == "Form"
    app.window.close()


def test_import_json_rejects_a_corrupt_file_with_a_message(window, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "hong.json"
    bad.write_text("{", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    window.import_json()
    assert shown
    assert "không phải JSON" in shown[0]
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
