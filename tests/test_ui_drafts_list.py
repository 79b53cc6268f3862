"""The drafts list: search, filters, sorting, the extra columns, the empty hint, selection-bound actions,
duplicates, discarded empty drafts and the suggested export file name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QStandardPaths, Qt

from vista_desktop.services.drafts import draft_details
from vista_desktop.ui.drafts_model import CODE, PI, PROGRESS, TITLE, ascii_file_stem, fold

from .ui_helpers import column_title, type_text


def shown_titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.model
    return [model.data(model.index(r, TITLE)) for r in range(model.rowCount())]


def make_three(service, complete_data):  # type: ignore[no-untyped-def]
    complete = service.create("mau-01", complete_data)
    service.repository.set_status(complete.id, "complete")
    service.create("mau-01", {"task": {"title": "Xây dựng cơ sở dữ liệu giống lúa", "code": "B2024-01"}})
    service.create("mau-01", {"task": {"title": "Điều tra đa dạng sinh học Tây Nguyên"}})


def test_columns_show_code_pi_and_progress(qtbot, window, service, complete_data, mau01) -> None:
    make_three(service, complete_data)
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    row = next(r for r, d in enumerate(window.model.drafts) if d.status == "complete")
    model = window.model
    assert model.data(model.index(row, CODE)) == "ĐTĐL.CN-12/25"
    assert model.data(model.index(row, PI)) == "Nguyễn Thị Hồng Nhung"
    total = draft_details(mau01, {}).required
    assert model.data(model.index(row, PROGRESS)) == f"{total}/{total} mục"
    other = next(r for r, d in enumerate(model.drafts) if d.title.startswith("Xây dựng"))
    assert model.data(model.index(other, PROGRESS)) == f"1/{total} mục"
    assert column_title(window, CODE) == "Mã số"


def test_search_ignores_marks_and_case_and_filters_combine(qtbot, window, service, complete_data) -> None:
    make_three(service, complete_data)
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    window.search.setFocus()
    type_text(window.search, "giong lua")
    assert shown_titles(window) == ["Xây dựng cơ sở dữ liệu giống lúa"]
    window.search.clear()
    type_text(window.search, "nhung")  # the PI's name, typed without marks
    assert len(shown_titles(window)) == 1
    window.search.clear()
    type_text(window.search, "b2024")  # the task code
    assert shown_titles(window) == ["Xây dựng cơ sở dữ liệu giống lúa"]
    window.search.clear()
    window.status_filter.setCurrentIndex(window.status_filter.findData("complete"))
    assert len(shown_titles(window)) == 1
    window.status_filter.setCurrentIndex(window.status_filter.findData("draft"))
    assert len(shown_titles(window)) == 2
    window.form_filter.setCurrentIndex(window.form_filter.findData("mau-01"))
    assert len(shown_titles(window)) == 2
    assert window.selected() is not None  # a row stays selected while filtering


def test_search_words_and_filters_combine_and_never_match_the_filters_own_markers(
    qtbot, window, service, complete_data
) -> None:
    make_three(service, complete_data)
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    for word in ("status", "form", "draft", "mau-01 form"):  # the filter's own markers are not text to find
        window.search.clear()
        type_text(window.search, word)
        assert shown_titles(window) == [], word
    window.search.clear()
    type_text(window.search, "d.(")  # read as text, not as a pattern
    assert shown_titles(window) == []
    window.search.clear()
    type_text(window.search, "tay nguyen")
    window.status_filter.setCurrentIndex(window.status_filter.findData("complete"))
    assert shown_titles(window) == []  # both must hold
    window.status_filter.setCurrentIndex(window.status_filter.findData("draft"))
    assert shown_titles(window) == ["Điều tra đa dạng sinh học Tây Nguyên"]
    window.form_filter.setCurrentIndex(window.form_filter.findData("mau-05"))
    assert shown_titles(window) == []
    window.form_filter.setCurrentIndex(0)
    window.status_filter.setCurrentIndex(0)
    window.search.clear()
    assert len(shown_titles(window)) == 3


def test_a_search_typed_before_the_details_arrive_finds_them_once_they_do(qtbot, window, service, complete_data):
    make_three(service, complete_data)
    window.refresh()
    type_text(window.search, "b2024")  # the task code: read from each draft's data on a worker
    qtbot.waitUntil(lambda: shown_titles(window) == ["Xây dựng cơ sở dữ liệu giống lúa"], timeout=5000)
    qtbot.waitUntil(lambda: not window.model.prepare_search(), timeout=5000)
    window.search.clear()
    type_text(window.search, "nhung")
    assert len(shown_titles(window)) == 1


def test_every_column_sorts_through_its_header(qtbot, window, service, complete_data) -> None:
    make_three(service, complete_data)
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    header = window.table.horizontalHeader()
    for column in range(window.model.columnCount()):
        window.table.scrollTo(window.model.index(0, column))  # the last columns may be scrolled out of view
        centre = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        assert window.model.sort_column == column  # the model sorts itself (DraftsModel.sort)
    window.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    assert [fold(t) for t in shown_titles(window)] == sorted(fold(t) for t in shown_titles(window))
    window.table.sortByColumn(PROGRESS, Qt.SortOrder.DescendingOrder)
    assert shown_titles(window)[0].startswith("Nghiên cứu")  # the complete one first


def test_empty_list_hint_and_actions_without_selection(qtbot, window, service) -> None:
    assert window.hint.isVisible()
    assert window.hint.text().startswith("Chưa có bản nháp nào — bấm Tạo mới")
    # Written in grey, as the hint it is (the colour of the role it is drawn with on the list's background).
    assert window.hint.palette().color(window.hint.foregroundRole()).name() == "#5f6368"
    for action in (window.open_action, window.duplicate_action, window.delete_action, window.export_action):
        assert not action.isEnabled()
    assert window.verify_action.isEnabled()  # verifies any PDF, no draft needed
    service.create("mau-01", {"task": {"title": "Đề tài A"}})
    window.refresh()
    assert not window.hint.isVisible()
    assert window.open_action.isEnabled() and window.delete_action.isEnabled()
    type_text(window.search, "không có gì khớp")
    assert window.hint.isVisible() and "khớp" in window.hint.text()
    assert not window.open_action.isEnabled()
    window.search.clear()
    window.table.clearSelection()
    assert not window.export_action.isEnabled()


def test_duplicate_is_titled_as_a_copy_and_selected(qtbot, window, service) -> None:
    original = service.create("mau-01", {"task": {"title": "Đề tài gốc"}})
    service.create("mau-01", {"task": {"title": "Một đề tài khác"}})
    window.refresh()
    window.table.selectRow(window.model.row_of(original.id))
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.selected().title == "Đề tài gốc (bản sao)"
    copy = window.selected()
    assert service.get(copy.id).data["task"]["title"] == "Đề tài gốc (bản sao)"
    assert service.get(original.id).data["task"]["title"] == "Đề tài gốc"


def test_a_new_draft_closed_untouched_is_not_kept(qtbot, window, service) -> None:
    wizard = window.new_draft("mau-01")
    assert len(service.list()) == 1
    wizard.close()
    assert service.list() == []
    assert window.hint.isVisible()
    wizard = window.new_draft("mau-01")
    type_text(wizard.section_pages[0].rows["task.title"].widget.edit, "Đề tài có chữ")
    wizard.close()
    assert [d.title for d in service.list()] == ["Đề tài có chữ"]


def test_a_reopened_draft_is_kept_even_if_closed_untouched(qtbot, window, service) -> None:
    record = service.create("mau-01", {})
    window.refresh()
    wizard = window.open_draft(window.selected())
    wizard.close()
    assert [d.id for d in service.list()] == [record.id]  # only drafts created in this window are discarded


def test_export_suggests_an_ascii_name_in_documents(qtbot, window, service, monkeypatch) -> None:
    service.create("mau-01", {"task": {"title": "Nghiên cứu giống lúa chịu mặn", "code": "ĐTĐL.CN-12/25"}})
    window.refresh()
    seen: list[str] = []
    monkeypatch.setattr("vista_desktop.ui.main_window.save_file", lambda _p, _t, _f, start: seen.append(str(start)))
    window.export_action.trigger()
    window.export_json_action.trigger()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert seen[0] == str(Path(documents) / "dtdl-cn-12-25-nghien-cuu-giong-lua-chiu-man.pdf")
    assert seen[1].endswith("dtdl-cn-12-25-nghien-cuu-giong-lua-chiu-man.json")


def test_ascii_file_stem() -> None:
    assert ascii_file_stem("Điều tra đa dạng sinh học Tây Nguyên") == "dieu-tra-da-dang-sinh-hoc-tay-nguyen"
    assert ascii_file_stem("", "  ") == ""
    assert len(ascii_file_stem("chữ " * 40)) <= 60


def test_details_of_the_service(service, complete_data) -> None:
    record = service.create("mau-01", complete_data)
    details = service.details([record.id, "no-such-draft"])
    assert list(details) == [record.id]
    assert details[record.id].pi_name == "Nguyễn Thị Hồng Nhung"
    assert details[record.id].filled == details[record.id].required > 10


def test_reading_details_and_deadlines_stops_when_asked(app_services, complete_data) -> None:
    """The list's details and the deadlines read each draft in turn (seconds with 10,000 drafts): a cancelled
    task (the app quitting) stops them at the next draft instead of keeping the process alive."""
    import pytest

    from vista_desktop.errors import Cancelled

    ids = [app_services.drafts.create("mau-01", complete_data).id for _ in range(5)]
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        app_services.drafts.details(ids, check)
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(Cancelled):
        app_services.deadlines.due_soon(check=check)
    assert len(calls) == 3
    assert len(app_services.drafts.details(ids)) == 5  # without a check: all of them, as before


def test_details_arrive_in_slices_the_first_rows_first(qtbot, window, service, complete_data, monkeypatch) -> None:
    """With 10,000 drafts, reading every draft's details at once left the columns empty for 10-20 s: the first
    rows come first, then larger slices, each shown as it arrives; a draft that cannot be read (deleted
    meanwhile) is not asked again and again."""
    from vista_desktop.ui import main_window

    monkeypatch.setattr(main_window, "DETAILS_FIRST", 4)
    monkeypatch.setattr(main_window, "DETAILS_SLICE", 10)
    for number in range(25):
        service.create("mau-01", {**complete_data, "task": {**complete_data["task"], "code": f"KC-{number:02d}"}})
    asked: list[list[str]] = []
    real = type(service).details

    def details(self, draft_ids, check):  # type: ignore[no-untyped-def]
        asked.append(list(draft_ids))
        found = real(self, draft_ids, check)
        found.pop(window.model.drafts[-1].id, None)  # as if the oldest draft were deleted meanwhile
        return found

    monkeypatch.setattr(type(service), "details", details)
    window.refresh()
    qtbot.waitUntil(lambda: len(asked) == 4, timeout=10000)
    qtbot.waitUntil(lambda: not window._details_reading, timeout=10000)
    assert [len(batch) for batch in asked] == [4, 10, 10, 1]
    assert asked[0] == [d.id for d in window.model.drafts[:4]]  # the newest, at the top of the list
    model = window.model
    assert model.data(model.index(0, CODE)) == "KC-24"
    assert model.data(model.index(23, CODE)) == "KC-01"
    assert window.model.missing_details() == [window.model.drafts[-1].id]
    window.refresh()  # a later refresh does not ask for it again either
    qtbot.wait(100)
    assert len(asked) == 4


def test_details_read_many_at_once_match_the_drafts_read_one_by_one(app_services, complete_data) -> None:
    """Same task code, PI, progress and deadline as each draft read on its own, a sent Mẫu 1 included."""
    from dataclasses import replace

    from vista_desktop.services.drafts import draft_details

    drafts = app_services.drafts
    ids = [drafts.create("mau-01", complete_data).id for _ in range(3)]
    drafts.repository.save(ids[0], complete_data, "t", "s")
    drafts.repository.set_status(ids[0], "complete")  # sealed: sent, its deadline is no longer a late Mẫu 1
    drafts.repository.save(ids[0], complete_data, "t", "s", status="draft")  # edited again after sending
    assert drafts.repository.has_sealed_revision(ids[0])
    ids.append(drafts.create("mau-01", {"task": {"title": "Chưa điền gì"}}).id)
    reader = app_services.deadlines.reader()
    one_by_one = {}
    for draft_id in ids:
        record = drafts.get(draft_id)
        one_by_one[draft_id] = replace(
            draft_details(drafts.definition_of(record), record.data), deadline=reader(record)
        )
    assert drafts.details(ids) == one_by_one
    assert one_by_one[ids[0]].deadline != one_by_one[ids[1]].deadline


def test_the_selected_draft_stays_selected_while_the_search_keeps_it(qtbot, window, service, complete_data) -> None:
    make_three(service, complete_data)
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    target = next(r for r in range(window.model.rowCount()) if window.model.draft_at(r).title.startswith("Điều tra"))
    window.table.selectRow(target)
    chosen = window.selected().id
    type_text(window.search, "a")  # in every title: the list is filtered anew at each key, the choice stays
    assert len(shown_titles(window)) == 3
    assert window.selected().id == chosen
    window.search.clear()
    type_text(window.search, "giong")  # the chosen draft is filtered out: the first row is chosen instead
    assert window.selected().title == "Xây dựng cơ sở dữ liệu giống lúa"


def test_a_search_reads_only_the_rows_on_screen(qtbot, app_services, monkeypatch) -> None:
    """The test is made over the texts the model keeps: Qt is not asked for every draft's text at each key
    (a filtering proxy did that, 100 ms a keystroke with 10,000 drafts)."""
    from vista_desktop.ui.drafts_model import DraftsModel
    from vista_desktop.ui.main_window import MainWindow

    for i in range(300):
        app_services.drafts.create("mau-01", {"task": {"title": f"Đề tài A{i:03d}"}})
    asked: set[int] = set()
    original = DraftsModel.data

    def data(model, index, role=0):  # type: ignore[no-untyped-def]
        asked.add(index.row())
        return original(model, index, role)

    # Before the window exists: PySide keeps the method it found for a virtual call.
    monkeypatch.setattr(DraftsModel, "data", data)
    window = MainWindow(app_services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.details_loaded, timeout=10_000)
    qtbot.waitUntil(lambda: not window.model.prepare_search(), timeout=5000)
    for typed, matching in (("a1", 100), ("9", 10)):  # A100 to A199, then "a19": A190 to A199
        type_text(window.search, typed)
        assert len(shown_titles(window)) == matching
    qtbot.wait(50)
    asked.clear()
    qtbot.keyClick(window.search, Qt.Key.Key_Backspace)  # "a1" again: 100 rows, of which a screenful is shown
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)  # painted
    qtbot.wait(50)
    read = set(asked)
    on_screen = window.table.viewport().height() // window.table.rowHeight(0) + 2
    assert max(read) < on_screen < 100
    assert len(shown_titles(window)) == 100
    window.close()


def test_numbers_in_titles_and_codes_sort_as_numbers(qtbot, window, service) -> None:
    for number in (10, 2, 1):
        service.create("mau-01", {"task": {"title": f"Đề tài giai đoạn {number}", "code": f"ĐT-{number}/25"}})
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    window.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    assert shown_titles(window) == ["Đề tài giai đoạn 1", "Đề tài giai đoạn 2", "Đề tài giai đoạn 10"]
    window.table.sortByColumn(CODE, Qt.SortOrder.DescendingOrder)
    assert shown_titles(window) == ["Đề tài giai đoạn 10", "Đề tài giai đoạn 2", "Đề tài giai đoạn 1"]


def test_details_that_let_more_drafts_through_keep_the_selection(qtbot, window, service) -> None:
    chosen = service.create("mau-01", {"task": {"title": "Dự án ABC nuôi tôm"}}).id
    service.create("mau-01", {"task": {"title": "Giống lúa chịu mặn", "code": "ABC-01/25"}})
    type_text(window.search, "abc")  # the second draft's code is read on a worker, after the list shows
    window.refresh()
    assert shown_titles(window) == ["Dự án ABC nuôi tôm"]
    assert window.selected().id == chosen
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 2, timeout=5000)  # its code arrived: the list grew
    assert window.selected().id == chosen
