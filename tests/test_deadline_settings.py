"""The update-sheet period per managing body: the bodies of the reference data, names as clerks type them, the
deadline of an update sheet across Tết, the command line's --body, and the settings dialog of the Nhiệm vụ menu."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vista_desktop.services.deadlines import DeadlineService
from vista_desktop.services.update_periods import (
    MINISTRY,
    UpdatePeriodError,
    UpdatePeriods,
    UpdatePeriodService,
    body_directory,
    body_key,
)
from vista_desktop.settings import Settings, load_settings, save_settings

DAK_LAK = "Sở Khoa học và Công nghệ Đăk Lăk"  # as the reference data spells it
HANOI = "Sở Khoa học và Công nghệ Hà Nội"
FRIDAY_BEFORE_TET = date(2026, 2, 13)  # days off 14–22/02/2026


def test_names_are_compared_as_clerks_type_them() -> None:
    assert body_key("Sở KH&CN  tỉnh Phú Yên") == body_key("Sở Khoa học và Công nghệ Phú Yên")
    assert body_key("SỞ KHOA HỌC VÀ CÔNG NGHỆ TP. HỒ CHÍ MINH") == body_key("Sở KH và CN Thành phố Hồ Chí Minh")
    assert body_key("Sở KH&CN Hà Nội") != body_key("Sở KH&CN Hà Nam")


def test_the_bodies_are_the_ministry_and_the_34_departments() -> None:
    directory = body_directory()
    assert directory.bodies[0] == MINISTRY
    assert len(directory.bodies) == 35 and DAK_LAK in directory.bodies
    # A Department of a province merged in 2025 is the Department of the unit it joined.
    assert directory.current("Sở KH&CN tỉnh Phú Yên") == DAK_LAK
    assert directory.current("Bộ KH&CN") == MINISTRY
    assert directory.current("Công ty ABC") is None


def test_a_body_set_to_10_is_due_10_working_days_later_across_tet() -> None:
    periods = UpdatePeriods({"Sở KH&CN Đắk Lắk": 10})
    assert periods.days_for("Sở Khoa học và Công nghệ Phú Yên") == 10  # merged into Đắk Lắk
    assert periods.days_for(HANOI) == 15
    assert periods.days_for("", DAK_LAK) == 10  # no managing unit: the recipient
    assert periods.days_for("Viện X", HANOI) == 15


def update_sheet(app_services: Any, managing_unit: str) -> str:
    data = {
        "task": {"title": f"Nhiệm vụ của {managing_unit}", "managing_unit": managing_unit},
        "changes": [{"item": "x", "decision_number": "1", "decision_date": FRIDAY_BEFORE_TET.isoformat()}],
    }
    record_id: str = app_services.drafts.create("cap-nhat", data).id
    return record_id


def test_the_deadline_list_follows_the_saved_setting(app_services: Any) -> None:
    phu_yen = update_sheet(app_services, "Sở KH&CN tỉnh Phú Yên")
    hanoi = update_sheet(app_services, HANOI)
    service = DeadlineService(app_services.repository)
    before = {d.draft_id: d.due for d in service.all(date(2026, 2, 16))}
    assert before == {phu_yen: date(2026, 3, 13), hanoi: date(2026, 3, 13)}
    UpdatePeriodService().save([(DAK_LAK, 10), (HANOI, 15)])
    after = {d.draft_id: d.due for d in service.all(date(2026, 2, 16))}
    # 10 working days from Friday 13/02: the Tết week (16–20/02) is skipped, 23/02 is the first day counted.
    assert after == {phu_yen: date(2026, 3, 6), hanoi: date(2026, 3, 13)}


def test_a_sheet_naming_no_body_takes_its_mau01s(app_services: Any, complete_data: dict[str, Any]) -> None:
    complete_data["task"]["managing_unit"] = "Sở KH&CN tỉnh Phú Yên"
    mau01 = app_services.drafts.create("mau-01", complete_data)
    changes = [{"item": "x", "decision_number": "1", "decision_date": FRIDAY_BEFORE_TET.isoformat()}]
    sheet = app_services.drafts.create("cap-nhat", {"changes": changes, "source": {"draft_id": mau01.id}})
    orphan = app_services.drafts.create("cap-nhat", {"changes": changes, "source": {"draft_id": "gone"}})
    UpdatePeriodService().save([(DAK_LAK, 10)])
    due = {d.draft_id: d.due for d in DeadlineService(app_services.repository).all(date(2026, 2, 16))}
    assert due[sheet.id] == date(2026, 3, 6)
    assert due[orphan.id] == date(2026, 3, 13)  # its Mẫu 1 is gone: the default


def test_only_periods_other_than_15_are_stored_and_bad_ones_refused() -> None:
    service = UpdatePeriodService()
    service.save([(DAK_LAK, 10), (HANOI, 15), (MINISTRY, 20)])
    assert load_settings().update_sheet_days == {DAK_LAK: 10, MINISTRY: 20}
    with pytest.raises(UpdatePeriodError) as refused:
        service.save([(DAK_LAK, 0)])
    assert refused.value.code == "update_periods.bad_days"
    assert load_settings().update_sheet_days == {DAK_LAK: 10, MINISTRY: 20}  # nothing changed
    # One body under another spelling replaces its earlier entry; the others stay.
    service.set_days("Sở KH&CN tỉnh Phú Yên", 12)
    assert load_settings().update_sheet_days == {DAK_LAK: 12, MINISTRY: 20}
    periods = {p.body: p.days for p in service.periods()}
    assert periods[DAK_LAK] == 12 and periods[MINISTRY] == 20 and periods[HANOI] == 15


def test_a_name_set_by_hand_is_kept_and_listed() -> None:
    save_settings(Settings(update_sheet_days={"Ban quản lý dự án X": 7}))
    found = UpdatePeriodService().periods()
    assert found[-1].body == "Ban quản lý dự án X" and found[-1].days == 7 and not found[-1].listed
    assert UpdatePeriodService().days_for("ban quan ly du an x") == 7


def test_cli_due_honours_the_body_setting(capsys: pytest.CaptureFixture[str]) -> None:
    from vista_desktop.cli import main

    UpdatePeriodService().save([(DAK_LAK, 10)])
    assert main(["deadlines", "due", "update-sheet", "2026-02-13", "--body", "Sở KH&CN Phú Yên"]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-06"
    assert main(["deadlines", "due", "update-sheet", "2026-02-13", "--body", HANOI]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-13"
    # An explicit period wins over the body's setting.
    args = ["deadlines", "due", "update-sheet", "2026-02-13", "--body", DAK_LAK, "--working-days", "15"]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "2026-03-13"
    assert main([*args[:-1], "0"]) == 1
    assert "từ 1 đến 90" in capsys.readouterr().err


# --- the dialog ---------------------------------------------------------------------------------------------


def test_the_dialog_saves_and_the_deadline_list_changes(qtbot: Any, window: Any, app_services: Any) -> None:
    from PySide6.QtWidgets import QMenu

    from vista_desktop.ui.deadline_settings import DeadlineSettingsDialog

    sheet = update_sheet(app_services, "Sở KH&CN tỉnh Phú Yên")
    window.refresh(select=sheet)

    def due_shown() -> date | None:
        deadline = window.model._deadline(window.model.draft(sheet))
        return None if deadline is None else deadline.due

    qtbot.waitUntil(lambda: due_shown() is not None)
    assert due_shown() == date(2026, 3, 13)
    action = window.lifecycle_actions.periods_action
    assert action in window.menuBar().findChild(QMenu, "task-menu").actions()
    assert action.isEnabled()  # whatever draft is selected
    action.trigger()
    dialog = window.findChild(DeadlineSettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.filter.setText("dak lak")  # accents left out
    visible = [r for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert [dialog.table.item(r, 0).text() for r in visible] == [DAK_LAK]
    dialog.spin_of(DAK_LAK).setValue(10)
    dialog.save_button.click()
    assert load_settings().update_sheet_days == {DAK_LAK: 10}
    qtbot.waitUntil(lambda: due_shown() == date(2026, 3, 6))


def test_cancel_keeps_the_settings_and_reset_clears_them(qtbot: Any, app_services: Any) -> None:
    from vista_desktop.ui.deadline_settings import DeadlineSettingsDialog

    UpdatePeriodService().save([(HANOI, 10)])
    dialog = DeadlineSettingsDialog(UpdatePeriodService())
    qtbot.addWidget(dialog)
    assert dialog.spin_of(HANOI).value() == 10 and dialog.spin_of(MINISTRY).value() == 15
    dialog.spin_of(MINISTRY).setValue(20)
    dialog.reject()
    assert load_settings().update_sheet_days == {HANOI: 10}
    dialog = DeadlineSettingsDialog(UpdatePeriodService())
    qtbot.addWidget(dialog)
    dialog.reset_all()
    assert dialog.save()
    assert load_settings().update_sheet_days == {}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_dialogs_mnemonics_are_unique(qtbot: Any, language: str) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from vista_desktop import i18n
    from vista_desktop.ui.deadline_settings import DeadlineSettingsDialog
    from vista_desktop.ui.mnemonics import mnemonic_of

    i18n.set_language(language)
    dialog = DeadlineSettingsDialog(UpdatePeriodService())
    qtbot.addWidget(dialog)
    texts = [b.text() for b in dialog.findChildren(QAbstractButton)]
    texts += [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    letters = [letter for text in texts if (letter := mnemonic_of(text))]
    assert len(letters) == 3 and len(set(letters)) == len(letters), texts
