"""Legal deadlines on Vietnamese working days: the shipped plan, a newer plan in the data folder, the statutory
fallback, the rules of forms.md, the service's states and the `deadlines` commands."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from vista_desktop.deadlines import (
    WorkingCalendar,
    add_months,
    default_calendar,
    load_plan,
    mau01_due,
    mau05_due,
    mau12_schedule,
    read_plan,
    update_sheet_due,
)
from vista_desktop.deadlines.calendar import DaysOffFileError, user_plan_path
from vista_desktop.services.deadlines import DeadlineState, legal_due
from vista_desktop.settings import Settings

from .ui_helpers import column_title

HEADER = "date_from,date_to,kind,name,make_up_saturday,source_note\n"


@pytest.fixture
def cal() -> WorkingCalendar:
    return default_calendar()


def test_a_change_approved_the_friday_before_tet_2026_skips_the_holiday_week(cal: WorkingCalendar) -> None:
    # Friday 13/02/2026; Tết days off 14–22/02. Counting from 23/02: 15 working days end on Friday 13/03,
    # a week later than on a bare weekday count (06/03).
    assert update_sheet_due(date(2026, 2, 13), cal) == date(2026, 3, 13)
    assert update_sheet_due(date(2026, 2, 13), cal, 10) == date(2026, 3, 6)


def test_make_up_saturday_is_a_working_day_and_planned_days_are_off(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 1, 10))  # Saturday worked for the New Year bridge
    assert not cal.is_working_day(date(2026, 1, 2))  # Friday in the planned New Year days off
    assert not cal.is_working_day(date(2025, 1, 27))  # Tết 2025 as planned (a lunar rule gets this wrong)
    assert not cal.is_working_day(date(2026, 1, 17))  # an ordinary Saturday
    # Thursday 08/01/2026 + 2 working days: Friday 09/01 and the make-up Saturday 10/01.
    assert cal.add_working_days(date(2026, 1, 8), 2) == date(2026, 1, 10)


def test_a_year_without_a_plan_uses_the_statutory_holidays(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2027, 9, 2))  # National Day, Thursday
    assert not cal.is_working_day(date(2027, 2, 8))  # Tết 2027 from the holidays package
    assert cal.is_working_day(date(2027, 9, 6))


def test_calendar_day_periods_count_from_the_next_day_and_end_on_a_working_day(cal: WorkingCalendar) -> None:
    assert mau01_due(date(2026, 3, 2), cal) == date(2026, 4, 1)  # Monday + 30 days: Wednesday
    # 16/01/2026 + 30 days is Sunday 15/02 inside Tết: the period ends on the first working day after it.
    assert mau01_due(date(2026, 1, 16), cal) == date(2026, 2, 23)


def test_mau05_with_a_later_ip_filing(cal: WorkingCalendar) -> None:
    accepted = date(2026, 3, 2)
    assert mau05_due(accepted, cal) == date(2026, 4, 1)
    assert mau05_due(accepted, cal, ip_filed=date(2026, 3, 20)) == date(2026, 3, 27)  # 5 working days
    assert mau05_due(accepted, cal, ip_filed=date(2026, 4, 28)) == date(2026, 5, 4)  # capped at 60 days
    assert mau05_due(accepted, cal, ip_filed=date(2026, 3, 1)) == date(2026, 4, 1)  # filed before: ordinary


def test_mau12_yearly_for_five_years(cal: WorkingCalendar) -> None:
    schedule = mau12_schedule(date(2025, 4, 30), cal)
    assert len(schedule) == 5
    assert schedule[0] == date(2026, 5, 4)  # 30/04/2026 is a day off until Sunday 03/05
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_a_newer_plan_in_the_data_folder_replaces_the_shipped_one() -> None:
    assert not default_calendar().is_day_off(date(2026, 3, 10))
    path = user_plan_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "2026-03-10,2026-03-10,holiday,Test,,\n", encoding="utf-8")
    calendar = default_calendar()
    assert calendar.is_day_off(date(2026, 3, 10))
    assert calendar.is_working_day(date(2026, 2, 16))  # the new plan replaces the old one, not adds to it


def test_a_damaged_plan_is_refused_and_the_shipped_one_used(tmp_path: Path) -> None:
    bad = tmp_path / "vn_days_off.csv"
    bad.write_text(HEADER + "2026-13-01,2026-13-02,holiday,x,,\n", encoding="utf-8")
    with pytest.raises(DaysOffFileError):
        read_plan(bad)
    user = user_plan_path()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_bytes(bad.read_bytes())
    assert date(2026, 2, 16) in load_plan().days_off


def test_legal_due_by_kind() -> None:
    assert legal_due("update-sheet", date(2026, 2, 13)) == date(2026, 3, 13)
    # 30/04/2027 (Friday) and 01/05 are holidays, 01/05 on a Saturday is made up on Monday 03/05 (statutory
    # fallback: 2027 has no plan yet), so the report is due on Tuesday 04/05.
    assert legal_due("mau-12", date(2025, 4, 30), report_year=2) == date(2027, 5, 4)
    with pytest.raises(Exception, match="mau-99"):
        legal_due("mau-99", date(2026, 1, 1))


# --- the service --------------------------------------------------------------------------------------------


def _complete_mau01(app_services: Any, data: dict[str, Any]) -> str:
    record = app_services.drafts.create("mau-01", data)
    session = app_services.drafts.edit(record.id, autosave_delay=0)
    try:
        assert all(p.warning for p in session.complete())
    finally:
        session.close()
    return str(record.id)


def test_service_states_and_order(app_services: Any, complete_data: dict[str, Any]) -> None:
    today = date(2026, 3, 20)
    late = dict(complete_data, task={**complete_data["task"], "contract": {"number": "1", "date": "2026-01-05"}})
    soon = dict(complete_data, task={**complete_data["task"], "contract": {"number": "2", "date": "2026-02-24"}})
    undated = dict(complete_data, task={**complete_data["task"], "contract": {"number": "3"}})
    ids = {name: app_services.drafts.create("mau-01", data).id for name, data in [("late", late), ("soon", soon)]}
    ids["undated"] = app_services.drafts.create("mau-01", undated).id
    ids["sent"] = _complete_mau01(app_services, late)
    found = app_services.deadlines.all(today)
    states = [(d.draft_id, d.state) for d in found]
    assert states == [
        (ids["late"], DeadlineState.OVERDUE),
        (ids["soon"], DeadlineState.DUE),
        (ids["undated"], DeadlineState.UNKNOWN),
        (ids["sent"], DeadlineState.DONE),
    ]
    assert found[1].due == date(2026, 3, 26)
    # Edited after it was sent (for an update sheet): the Mẫu 1 itself stays done.
    session = app_services.drafts.edit(ids["sent"], autosave_delay=0)
    session.set_value("task.code", "X-9")
    session.flush()
    session.close()
    assert app_services.drafts.get(ids["sent"]).status == "draft"
    assert app_services.deadlines.all(today)[-1].state is DeadlineState.DONE
    assert [d.draft_id for d in app_services.deadlines.due_soon(7, today)] == [ids["late"], ids["soon"]]


def test_update_sheet_period_per_managing_body(app_services: Any) -> None:
    from vista_desktop.services.deadlines import DeadlineService

    data = {
        "task": {"title": "T", "managing_unit": "Sở KH&CN  tỉnh Phú Yên"},
        "changes": [{"item": "x", "decision_number": "1", "decision_date": "2026-03-02"}],
    }
    record = app_services.drafts.create("cap-nhat", data)
    settings = Settings(update_sheet_days={"Sở KH&CN tỉnh phú yên": 10})
    service = DeadlineService(app_services.repository, settings=lambda: settings)
    (deadline,) = service.all(date(2026, 3, 3))
    assert (deadline.draft_id, deadline.due) == (record.id, date(2026, 3, 16))
    assert app_services.deadlines.all(date(2026, 3, 3))[0].due == date(2026, 3, 23)  # the default 15


def test_settings_keep_the_periods_and_drop_damaged_ones() -> None:
    from vista_desktop.settings import load_settings, save_settings, settings_path

    save_settings(Settings(update_sheet_days={"Sở KH&CN Phú Yên": 10}))
    assert load_settings().update_sheet_days == {"Sở KH&CN Phú Yên": 10}
    raw = json.loads(settings_path().read_text(encoding="utf-8"))
    raw["update_sheet_days"] = {"A": "ten", "B": 0, "C": 12}
    settings_path().write_text(json.dumps(raw), encoding="utf-8")
    assert load_settings().update_sheet_days == {"C": 12}


# --- the command line ---------------------------------------------------------------------------------------


def test_cli_due(capsys: pytest.CaptureFixture[str]) -> None:
    from vista_desktop.cli import main

    assert main(["deadlines", "due", "update-sheet", "2026-02-13"]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-13"
    assert main(["deadlines", "due", "update-sheet", "2026-02-13", "--working-days", "10"]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-06"
    assert main(["deadlines", "due", "mau-05", "2026-03-02", "--ip-filed", "2026-03-20"]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-27"
    assert main(["deadlines", "due", "update-sheet", "13/02/2026"]) == 1
    assert "13/02/2026" in capsys.readouterr().err
    assert main(["deadlines", "due", "mau-99", "2026-02-13"]) == 1
    assert "mau-99" in capsys.readouterr().err


def test_cli_lists_every_draft_as_json(app_services: Any, complete_data: dict[str, Any], capsys: Any) -> None:
    from vista_desktop.cli import main

    record = app_services.drafts.create("mau-01", complete_data)
    app_services.close()
    assert main(["deadlines", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["draft_id"], r["kind"]) for r in rows] == [(record.id, "mau-01")]
    assert rows[0]["state"] in ("due", "overdue") and rows[0]["due"] is not None


# --- the GUI ------------------------------------------------------------------------------------------------


def test_drafts_list_column_and_dashboard(qtbot: Any, window: Any, app_services: Any, complete_data: Any) -> None:
    from datetime import timedelta

    from vista_desktop.ui.deadlines_dialog import soon_message
    from vista_desktop.ui.drafts_model import DEADLINE

    today = date.today()
    soon = dict(complete_data, task={**complete_data["task"], "contract": {"number": "1", "date": today.isoformat()}})
    late = dict(complete_data, task={**complete_data["task"], "title": "Nhiệm vụ trễ hạn"})
    late["task"]["contract"] = {"number": "2", "date": (today - timedelta(days=90)).isoformat()}
    soon_id = app_services.drafts.create("mau-01", soon).id
    late_id = app_services.drafts.create("mau-01", late).id
    window.refresh()
    qtbot.waitUntil(window.details_loaded, timeout=5000)
    column = column_title(window, DEADLINE)
    assert column == "Hạn nộp"
    texts = {d.id: window.model.index(r, DEADLINE).data() for r, d in enumerate(window.model.drafts)}
    assert "quá" in texts[late_id] and "còn" in texts[soon_id], texts

    dialog = window.show_deadlines()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert [d.draft_id for d in dialog.items] == [late_id, soon_id]  # overdue first
    assert dialog.table.item(0, 1).text() == "Quá hạn"
    opened: list[str] = []
    dialog.open_draft = opened.append
    dialog.open_selected()
    assert opened == [late_id]
    dialog.close()

    soon_due = next(d.due for d in app_services.deadlines.all() if d.draft_id == soon_id)
    message = soon_message(app_services.deadlines.due_soon(7, soon_due - timedelta(days=3)))
    assert "1 bản nháp trong 7 ngày tới, 1 bản nháp đã quá hạn" in message
    assert soon_message([]) == ""


def test_start_up_says_what_falls_due_within_7_days(qtbot: Any, complete_data: Any) -> None:
    from vista_desktop.services.app import AppServices
    from vista_desktop.ui.app import Application

    contract = (date.today() - timedelta(days=90)).isoformat()  # overdue whatever today's holidays
    data = dict(complete_data, task={**complete_data["task"], "contract": {"number": "1", "date": contract}})
    services = AppServices()
    services.drafts.create("mau-01", data)
    services.close()
    app = Application(AppServices())  # storage opens on a worker, as at a real start
    qtbot.addWidget(app.window)
    qtbot.waitUntil(lambda: "1 bản nháp đã quá hạn" in app.window.statusBar().currentMessage(), timeout=10000)
    app.window.close()
    app.services.close()
