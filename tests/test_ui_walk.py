"""Defects found by using the app as a new clerk would (Xvfb, 1366×768 and 200 %), each pinned by a test."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QWidget

from vista_desktop import i18n
from vista_desktop.ui.drafts_model import SAVED
from vista_desktop.ui.table_editor import TableField
from vista_desktop.ui.trash_dialog import TrashDialog


def _page(wizard, section_id: str):  # type: ignore[no-untyped-def]
    return next(p for p in wizard.section_pages if p.section.id == section_id)


def test_table_headers_are_never_cut(qtbot, mau01) -> None:
    # "Học hàm, học vị", "Cơ quan công tác" and "Gia hạn đến (tháng/năm)" were clipped at a fixed 100 px.
    for table in (f for f in mau01.all_fields() if f.is_table):
        widget = TableField(table)
        qtbot.addWidget(widget)
        header = widget.grid.horizontalHeader()
        for column in range(widget.grid.columnCount() - 1):  # the last one stretches
            label = widget.grid.horizontalHeaderItem(column).text()
            assert header.sectionSize(column) >= header.sectionSizeHint(column), (table.id, label)


def test_section_help_shows_in_the_page_and_the_header_never_changes_style(qtbot, window) -> None:
    # A QWizard subtitle turned the header of that one page into a banner: title, side list and fields jumped.
    wizard = window.new_draft("mau-01")
    assert all(page.subTitle() == "" for page in wizard.section_pages)
    content = _page(wizard, "content")
    assert content.help_text
    help_label = content.findChild(QLabel, "help:content")
    assert help_label is not None and help_label.text() == content.help_text
    wizard.close()


def test_a_multi_line_field_that_takes_the_focus_is_scrolled_into_view(qtbot, window) -> None:
    # Tab into "Kết quả dự kiến" left the caret below the visible part of the page.
    wizard = window.new_draft("mau-01")
    wizard.resize(900, 480)
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    content = _page(wizard, "content")
    wizard.go_to(wizard.section_pages.index(content))
    scroll = content.scroller.verticalScrollBar()
    scroll.setValue(0)
    last = content.rows["expected_results"].widget.focus_widget()
    last.setFocus()
    qtbot.waitUntil(lambda: last.hasFocus(), timeout=2000)
    viewport = content.scroller.viewport()
    top = last.mapTo(viewport, last.rect().topLeft()).y()
    assert scroll.value() > 0
    assert 0 <= top < viewport.height() - 40  # its first lines are on screen
    wizard.close()


def test_the_recycle_bin_names_the_form_and_shows_the_whole_date(qtbot, window, service, monkeypatch) -> None:
    service.create("mau-01", {"task": {"title": "Đề tài trong thùng rác"}})
    window.refresh()
    window.table.selectRow(0)
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda *a, **k: True)
    window.delete_action.trigger()
    dialog = window.show_trash()
    assert isinstance(dialog, TrashDialog)
    qtbot.addWidget(dialog)
    form = dialog.table.item(0, 1).text()
    assert form != "mau-01" and form.startswith("Mẫu 1")
    date_column = dialog.table.horizontalHeader().sectionSize(2)
    date_text = dialog.table.item(0, 2).text()
    assert date_column >= dialog.table.fontMetrics().horizontalAdvance(date_text)


def test_the_drafts_list_shows_the_whole_save_time(qtbot, window) -> None:
    width = window.table.horizontalHeader().sectionSize(SAVED)
    shown = datetime(2026, 11, 27, 22, 48).strftime("%d/%m/%Y %H:%M")
    assert width >= window.table.fontMetrics().horizontalAdvance(shown) + 8


def test_a_database_that_cannot_open_does_not_say_loading_forever(qtbot, monkeypatch) -> None:
    from vista_desktop.services.app import AppServices
    from vista_desktop.ui.app import Application

    services = AppServices()

    def broken(*_args: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(services, "open_storage", broken)
    boxes: list[str] = []
    monkeypatch.setattr("vista_desktop.ui.app.QMessageBox.critical", lambda _w, _t, text: boxes.append(text))
    controller = Application(services)
    window: QWidget = controller.window
    qtbot.addWidget(window)
    with qtbot.waitSignal(controller.service_loaded, timeout=5000):
        pass
    assert boxes
    assert window.statusBar().currentMessage() == i18n.tr("ui.walk.storage_failed")  # type: ignore[attr-defined]


def test_the_english_draft_count_reads_right_for_one() -> None:
    i18n.set_language("en")
    assert "1 drafts" not in i18n.tr("ui.drafts.count", count=1)
    assert "1" in i18n.tr("ui.drafts.count", count=1)


def test_a_keystroke_copies_only_its_path_never_the_tables(service, complete_data) -> None:
    # Each keystroke used to deep-copy the whole form for autosave: 300 member rows made typing 8x slower.
    complete_data["members"] = [dict(complete_data["members"][0], full_name=f"TV {i}") for i in range(300)]
    session = service.edit(service.create("mau-01", complete_data).id, autosave_delay=3600)
    before = session.data
    session.set_value("task.title", "Tên mới của nhiệm vụ")
    assert before["task"]["title"] == complete_data["task"]["title"]  # what autosave holds is never changed
    assert session.data["task"]["title"] == "Tên mới của nhiệm vụ"
    assert session.data["members"] is before["members"]  # shared, not copied
    session.set_value("task.title", None)
    assert "title" not in session.data["task"] and before["task"]["title"]
    assert session.flush() is not None
    assert "title" not in service.get(session.draft_id).data["task"]
    session.close()


def test_on_a_narrow_window_the_labels_stay_in_sight_when_a_field_takes_the_focus(qtbot, window) -> None:
    # At 200 % on 1366×768 the page scrolled sideways to the editor and hid every label.
    wizard = window.new_draft("mau-01")
    wizard.resize(560, 420)
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    page = wizard.section_pages[1]
    wizard.go_to(1)
    editor = page.rows["task.contract.number"].widget.focus_widget()
    editor.setFocus()
    qtbot.waitUntil(lambda: editor.hasFocus(), timeout=2000)
    assert page.scroller.horizontalScrollBar().value() == 0
    wizard.close()
