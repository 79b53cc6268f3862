"""Wording, order and names a clerk walk found wrong: the start-up notice's menu path, the deadlines list's form
names and day counts, the bodies in Vietnamese alphabetical order, which part of a two-part dossier component is
missing, and the dossier buttons' final texts living in their owners' catalogs."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMenu

from vista_desktop import i18n
from vista_desktop.deadlines import DeadlineKind
from vista_desktop.forms.collation import sorted_vietnamese, vietnamese_key
from vista_desktop.i18n import tr
from vista_desktop.services.deadlines import DeadlineState, DraftDeadline
from vista_desktop.services.dossier_builder import DossierContents, completeness, hash_attachment
from vista_desktop.services.update_periods import MINISTRY, body_directory

from .test_dossier_builder import blank_pdf, generated

CATALOGS = Path(__file__).resolve().parents[1] / "src" / "vista_desktop" / "resources" / "i18n"
TODAY = date(2026, 11, 27)


# --- 1. the start-up notice names the menu that really holds «Danh sách hạn nộp…» -------------------------------


def _menu_holding(window: Any, action: Any) -> QMenu:
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and action in menu.actions():
            return menu
    raise AssertionError("no menu holds the deadlines action")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_start_up_notice_names_the_menu_of_the_deadlines_list(qtbot: Any, app_services: Any, language: str) -> None:
    from vista_desktop.ui.deadlines_dialog import soon_message
    from vista_desktop.ui.main_window import MainWindow

    i18n.set_language(language)
    window = MainWindow(app_services)
    qtbot.addWidget(window)
    late = DraftDeadline("d1", "mau-01", "T", DeadlineKind.MAU01, DeadlineState.OVERDUE, TODAY, TODAY)
    message = soon_message([late])
    menu_title = _menu_holding(window, window.deadlines_action).title().replace("&", "")
    action_text = window.deadlines_action.text().replace("&", "").removesuffix("…")
    assert f"{menu_title} → {action_text}" in message, message
    window.close()


# --- 2. the deadlines list: form names, and day counts said in words yet sortable --------------------------------


def test_day_counts_are_said_in_words() -> None:
    from vista_desktop.ui.deadlines_dialog import days_text

    assert days_text(-651) == "quá hạn 651 ngày"
    assert days_text(12) == "còn 12 ngày"
    assert days_text(0) == "hôm nay"
    assert days_text(None) == ""
    i18n.set_language("en")
    assert (days_text(-3), days_text(2), days_text(0)) == ("3 days overdue", "2 days left", "today")


class _Deadlines:
    def __init__(self, items: list[DraftDeadline]) -> None:
        self.items = items

    def all(self, today: date | None = None) -> list[DraftDeadline]:
        return self.items


def _deadline(draft_id: str, form_id: str, days: int, state: DeadlineState) -> DraftDeadline:
    kind = DeadlineKind.MAU05 if form_id == "xac-nhan" else DeadlineKind.MAU01
    return DraftDeadline(draft_id, form_id, draft_id, kind, state, TODAY + timedelta(days=days), TODAY)


def _cell(dialog: Any, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return str(item.text())


def test_the_deadlines_list_shows_form_titles_and_sorts_days_as_numbers(qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    from vista_desktop.ui.deadlines_dialog import DeadlinesDialog

    items = [
        _deadline("late", "mau-01", -651, DeadlineState.OVERDUE),
        _deadline("today", "xac-nhan", 0, DeadlineState.DUE),
        _deadline("soon", "mau-01", 12, DeadlineState.DUE),
        _deadline("later", "mau-01", 100, DeadlineState.DUE),
    ]
    opened: list[str] = []
    dialog = DeadlinesDialog(_Deadlines(items), opened.append, today=TODAY)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    column = [_cell(dialog, r, 2) for r in range(4)]
    assert column == ["quá hạn 651 ngày", "hôm nay", "còn 12 ngày", "còn 100 ngày"]  # the service's order kept
    forms = [_cell(dialog, r, 3) for r in range(4)]
    assert forms[0] == "Mẫu 1 – Phiếu thông tin nhiệm vụ đang tiến hành"
    assert forms[1] == "Xác nhận hoàn thiện kết quả"
    # As text "còn 100" < "còn 12" and "quá…" after "còn…": the column sorts by the number of days.
    dialog.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert [_cell(dialog, r, 2) for r in range(4)] == [
        "còn 100 ngày",
        "còn 12 ngày",
        "hôm nay",
        "quá hạn 651 ngày",
    ]
    dialog.table.selectRow(0)
    dialog.open_selected()
    assert opened == ["later"]  # the sorted row's draft, not the first item's


# --- 3. managing bodies in Vietnamese alphabetical order ----------------------------------------------------------


def test_vietnamese_order_on_real_names() -> None:
    shuffled = ["Điện Biên", "Hưng Yên", "Đà Nẵng", "Cần Thơ", "Huế", "Cao Bằng", "Cà Mau", "Đăk Lăk", "Hà Nội"]
    assert sorted_vietnamese(shuffled) == [
        "Cà Mau",
        "Cao Bằng",
        "Cần Thơ",  # â is a letter after a
        "Đà Nẵng",
        "Đăk Lăk",
        "Điện Biên",
        "Hà Nội",
        "Huế",
        "Hưng Yên",  # ư after u
    ]
    # Đ is a letter of its own after D (not after Z, nor folded into D); tones count only after the letters.
    assert sorted_vietnamese(["Đà Nẵng", "Dung Quất", "Zô"]) == ["Dung Quất", "Đà Nẵng", "Zô"]
    assert sorted_vietnamese(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted_vietnamese(["Lâm Đồng", "Lào Cai", "Lạng Sơn"]) == ["Lạng Sơn", "Lào Cai", "Lâm Đồng"]
    assert vietnamese_key("Ðà Nẵng") == vietnamese_key("Đà Nẵng")  # the look-alike eth is typed for Đ


def test_the_update_period_bodies_are_in_vietnamese_order() -> None:
    bodies = body_directory().bodies
    assert bodies[0] == MINISTRY
    departments = list(bodies[1:])
    assert departments == sorted_vietnamese(departments)
    places = [d.removeprefix("Sở Khoa học và Công nghệ ") for d in departments]
    assert places.index("Đà Nẵng") < places.index("Điện Biên") < places.index("Gia Lai")
    assert places.index("Cần Thơ") < places.index("Đà Nẵng")


# --- 4. a two-part component says which part is missing -------------------------------------------------------------


def _summary_contents(tmp_path: Path, *, summary_file: bool, confirmation: bool) -> DossierContents:
    slots = ["abstract_report", "acceptance_minutes"] + (["summary_report"] if summary_file else [])
    attached = tuple(hash_attachment(s, blank_pdf(tmp_path / f"{s}.pdf")) for s in slots)
    docs = [generated("mau-05", "registration_form", "mau-05.pdf"), generated("mau-08", "technology_description", "m8")]
    if confirmation:
        docs.append(generated("xac-nhan", "summary_report", "xac-nhan.pdf"))
    return DossierContents(tuple(docs), attached)


def test_the_summary_report_says_the_file_is_missing_not_the_whole_component(tmp_path: Path) -> None:
    messages = [
        f.message("vi") for f in completeness(_summary_contents(tmp_path, summary_file=False, confirmation=True))
    ]
    assert messages == ["Báo cáo tổng hợp kèm xác nhận hoàn thiện: thiếu tệp báo cáo tổng hợp (đính kèm)."]
    messages = [
        f.message("vi") for f in completeness(_summary_contents(tmp_path, summary_file=True, confirmation=False))
    ]
    assert messages == ["Báo cáo tổng hợp kèm xác nhận hoàn thiện: thiếu xác nhận hoàn thiện (tạo từ Mẫu 5)."]
    english = [
        f.message("en") for f in completeness(_summary_contents(tmp_path, summary_file=False, confirmation=True))
    ]
    assert english == [
        "Summary report with the confirmation of completion: the summary report file is missing (attach it)."
    ]


# --- 5. the dossier buttons' final texts live in their owners' catalogs --------------------------------------------


def _catalog(name: str, language: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((CATALOGS / language / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_dossier_button_texts_are_their_owners_not_walk_overrides(language: str) -> None:
    walk2 = _catalog("walk2", language)
    assert not {"ui.walk2.attach", "ui.walk2.keep_copy", "ui.walk2.kept"} & set(walk2)
    expected = {
        "vi": ("Đính kèm &tệp…", "Lưu &bản sao trong ứng dụng"),
        "en": ("Attach &file…", "Keep a cop&y in the app"),
    }
    assert _catalog("dossier_builder", language)["dossier_builder.ui.attach"] == expected[language][0]
    assert _catalog("dossier_files", language)["dossier_files.keep_copy"] == expected[language][1]
    sources = Path(__file__).resolve().parents[1] / "src" / "vista_desktop" / "ui"
    dialog = (sources / "dossier_dialog.py").read_text(encoding="utf-8")
    copy = (sources / "dossier_copy.py").read_text(encoding="utf-8")
    assert '"dossier_builder.ui.attach"' in dialog and '"dossier_files.keep_copy"' in copy
    assert tr("dossier_files.kept", language)
