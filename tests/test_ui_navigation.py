"""Free navigation in the wizard, the marks of the side list, the whole-form check and completion."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from .ui_helpers import fill_page, type_text


def click_step(qtbot, wizard, index: int) -> None:  # type: ignore[no-untyped-def]
    steps = wizard.steps
    rect = steps.visualItemRect(steps.item(index))
    qtbot.mouseClick(steps.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def section_index(wizard, section_id: str) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, p in enumerate(wizard.section_pages) if p.section.id == section_id)


def test_a_click_on_a_later_section_goes_there_and_focuses_its_first_field(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    pi = section_index(wizard, "pi")
    click_step(qtbot, wizard, pi)  # page 1 is empty: it used to stay there without a word
    assert wizard.currentId() == pi
    assert wizard.steps.currentRow() == pi
    assert wizard.focusWidget() is wizard.section_pages[pi].rows["pi.full_name"].widget.focus_widget()
    click_step(qtbot, wizard, 1)
    assert wizard.currentId() == 1
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == 0
    # Pages merely passed through on the way do not turn red.
    assert not wizard.findChild(QLabel, "message:task.contract.number").isVisible()
    wizard.close()


def test_the_side_list_marks_done_errors_and_not_started(qtbot, window, complete_data) -> None:
    wizard = window.new_draft("mau-01")
    pi = section_index(wizard, "pi")
    sheet = section_index(wizard, "sheet")
    assert wizard.step_state(0) == "empty"
    assert wizard.step_state(pi) == "empty"
    assert wizard.step_state(sheet) == "done"  # nothing required there
    assert wizard.steps.item(0).text().startswith("○ 1.")
    fill_page(wizard.section_pages[0], complete_data)
    assert wizard.step_state(0) == "done"
    assert wizard.steps.item(0).text().startswith("✓ 1.")
    type_text(wizard.section_pages[pi].rows["pi.full_name"].widget.edit, "Nguyễn Thị Hồng Nhung")
    assert wizard.step_state(pi) == "errors"
    assert wizard.steps.item(pi).text().startswith("✗")
    assert "lỗi" in wizard.steps.item(pi).toolTip()
    wizard.close()


def test_the_check_view_lists_every_problem_by_its_label_and_jumps_to_it(qtbot, window, service, complete_data):  # type: ignore[no-untyped-def]
    complete_data["members"].append({"organisation": "Viện KHTL miền Nam", "role": "Thành viên"})  # no name
    complete_data["pi"]["citizen_id"] = "079085012345"  # digit 4 says male; she is "Nữ"
    record = service.create("mau-01", complete_data)
    window.refresh()
    wizard = window.open_draft(next(d for d in window.model.drafts if d.id == record.id))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CustomButton1), Qt.MouseButton.LeftButton)
    view = wizard.check_view
    assert view is not None and view.isVisible()
    texts = view.problem_texts()
    assert len(texts) == 2
    assert texts[0].startswith("✗ Số căn cước công dân: Chữ số thứ 4")  # form order: the PI before the team
    assert texts[1].startswith("✗ Cá nhân tham gia thực hiện (theo thứ tự tác giả), dòng 3, Họ và tên: Chưa nhập")
    assert "members" not in " ".join(texts)  # never an id

    view.tree.itemClicked.emit(view.item_for("members[3].full_name"))
    team = wizard.section_pages[section_index(wizard, "team")]
    assert wizard.currentId() == section_index(wizard, "team")
    grid = team.rows["members"].widget.grid
    assert (grid.currentRow(), grid.currentColumn()) == (2, 0)
    assert wizard.focusWidget() is grid

    view.tree.itemActivated.emit(view.item_for("pi.citizen_id"))  # Enter on a line
    pi = wizard.section_pages[section_index(wizard, "pi")]
    assert wizard.currentId() == section_index(wizard, "pi")
    assert wizard.focusWidget() is pi.rows["pi.citizen_id"].widget.edit
    wizard.close()


def test_the_check_view_follows_the_corrections(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    view = wizard.show_check()
    before = len(view.problem_texts())
    type_text(wizard.section_pages[0].rows["task.title"].widget.edit, "Đề tài thử")
    qtbot.waitUntil(lambda: len(view.problem_texts()) == before - 1, timeout=3000)
    wizard.close()


def test_finish_blocks_on_errors_shows_the_check_view_and_goes_to_the_first(qtbot, window, service, complete_data):  # type: ignore[no-untyped-def]
    del complete_data["pi"]["email"]  # optional: no problem
    complete_data["pi"]["full_name"] = None
    record = service.create("mau-01", complete_data)
    window.refresh()
    wizard = window.open_draft(next(d for d in window.model.drafts if d.id == record.id))
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible() and finish.isEnabled()  # offered on the first page already
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.isVisible()
    pi = section_index(wizard, "pi")
    assert wizard.currentId() == pi
    assert wizard.focusWidget() is wizard.section_pages[pi].rows["pi.full_name"].widget.edit
    assert wizard.check_view is not None and wizard.check_view.isVisible()
    assert "còn 1 lỗi" in wizard.check_view.summary.text()
    assert wizard.findChild(QLabel, "message:pi.full_name").isVisible()
    assert service.get(record.id).status == "draft"
    wizard.close()


def test_finish_on_an_early_page_completes_a_valid_draft(qtbot, window, service, complete_data) -> None:
    record = service.create("mau-01", complete_data)
    window.refresh()
    wizard = window.open_draft(next(d for d in window.model.drafts if d.id == record.id))
    assert wizard.currentId() == 0
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert service.get(record.id).status == "complete"


def test_next_focuses_the_first_field_of_the_page(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    page = wizard.section_pages[1]
    assert wizard.focusWidget() is page.first_editor()
    wizard.close()
