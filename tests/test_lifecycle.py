"""The task's life: update sheets from a Mẫu 1's changes since it was sent, and yearly Mẫu 12 reports."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from vista_desktop.errors import VistaError
from vista_desktop.forms.loader import get_definition
from vista_desktop.forms.validation import validate
from vista_desktop.services.drafts import STATUS_COMPLETE


def _complete(app_services: Any, draft_id: str) -> None:
    session = app_services.drafts.edit(draft_id, autosave_delay=0)
    try:
        assert all(p.warning for p in session.complete())
    finally:
        session.close()


def _edit(app_services: Any, draft_id: str, **values: Any) -> None:
    session = app_services.drafts.edit(draft_id, autosave_delay=0)
    try:
        for field_id, value in values.items():
            session.set_value(field_id.replace("__", "."), value)
        session.flush()
    finally:
        session.close()


@pytest.fixture
def sent_mau01(app_services: Any, complete_data: dict[str, Any]) -> str:
    record = app_services.drafts.create("mau-01", complete_data)
    _complete(app_services, record.id)
    return str(record.id)


def _rows(app_services: Any, sheet_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = app_services.drafts.get(sheet_id).data["changes"]
    return rows


def test_three_changes_give_exactly_three_rows_then_one_more_gives_one(
    app_services: Any, sent_mau01: str, complete_data: dict[str, Any]
) -> None:
    members = copy.deepcopy(complete_data["members"])
    members.append({"full_name": "Lê Thị Hoa", "organisation": "Viện Khoa học", "role": "Thành viên"})
    _edit(
        app_services,
        sent_mau01,
        task__budget__total_vnd=complete_data["task"]["budget"]["total_vnd"] + 150_000_000,
        task__period__end="2027-06",
        members=members,
        sheet__place="Huế",  # not an item of the sheet: the place where it is signed
    )
    lifecycle = app_services.lifecycle
    sheet = lifecycle.update_sheet_from(sent_mau01)
    rows = _rows(app_services, sheet.id)
    team_label = get_definition("mau-01").field("members").label.vi
    assert [r["item"] for r in rows] == ["Thời gian thực hiện: đến tháng", "Tổng kinh phí (đồng)", team_label]
    period, budget, team = rows
    old_end = complete_data["task"]["period"]["end"]
    assert period["old_value"] == f"{old_end[5:]}/{old_end[:4]}" and period["new_value"] == "06/2027"
    assert budget["new_value"].count(".") >= 2  # money shown grouped, as on screen
    assert "old_value" not in team and team["new_value"].startswith("Lê Thị Hoa – Viện Khoa học")
    assert sheet.data["source"]["draft_id"] == sent_mau01
    assert sheet.data["task"]["title"] == complete_data["task"]["title"]
    # The sheet is valid once the user adds the approving decisions.
    for row in rows:
        row.update(decision_number="15/QĐ-SKHCN", decision_date="2026-02-13")
    data = dict(sheet.data, changes=rows)
    assert validate(get_definition("cap-nhat"), data) == []

    assert lifecycle.mark_sheet_sent(sheet.id) > 0
    assert app_services.drafts.get(sheet.id).status == STATUS_COMPLETE
    with pytest.raises(VistaError) as nothing:
        lifecycle.update_sheet_from(sent_mau01)
    assert nothing.value.code == "lifecycle.no_changes"

    _edit(app_services, sent_mau01, task__code="ĐTĐL.CN-99/26")
    second = lifecycle.update_sheet_from(sent_mau01)
    assert [(r["item"], r["new_value"]) for r in _rows(app_services, second.id)] == [
        ("Mã số nhiệm vụ", "ĐTĐL.CN-99/26")
    ]


def test_reordered_members_show_both_orders(app_services: Any, sent_mau01: str, complete_data: dict[str, Any]) -> None:
    members = list(reversed(complete_data["members"]))
    assert len(members) >= 2
    _edit(app_services, sent_mau01, members=members)
    (row,) = _rows(app_services, app_services.lifecycle.update_sheet_from(sent_mau01).id)
    assert row["old_value"].startswith("1. " + complete_data["members"][0]["full_name"])
    assert row["new_value"].startswith("1. " + complete_data["members"][-1]["full_name"])


def test_a_never_sent_mau01_has_no_baseline(app_services: Any, complete_data: dict[str, Any]) -> None:
    record = app_services.drafts.create("mau-01", complete_data)
    with pytest.raises(VistaError) as error:
        app_services.lifecycle.update_sheet_from(record.id)
    assert error.value.code == "lifecycle.not_sent"
    assert "{" not in error.value.message()


def test_a_completion_after_sending_does_not_hide_the_changes(app_services: Any, sent_mau01: str) -> None:
    app_services.lifecycle.mark_sent(sent_mau01)
    _edit(app_services, sent_mau01, task__code="X-1")
    _complete(app_services, sent_mau01)  # re-checked after the change: the sent version stays the baseline
    assert [c.item for c in app_services.lifecycle.pending_changes(sent_mau01)] == ["Mã số nhiệm vụ"]


# --- Mẫu 12 -------------------------------------------------------------------------------------------------

MAU05 = {
    "task": {"title": "Nghiên cứu giống lúa chịu mặn", "code": "ĐT-01/23", "level": "Tỉnh", "type": "Đề tài KH&CN"},
    "host_org": {"name": "Viện Lúa", "superior_body": "Bộ Nông nghiệp", "address": "Cần Thơ"},
    "pi": {"full_name": "Nguyễn Văn An"},
    "acceptance": {"meeting_date": "2025-04-15"},
}


def test_mau12_year_one_from_mau05_and_year_two_from_year_one(app_services: Any) -> None:
    lifecycle = app_services.lifecycle
    mau05 = app_services.drafts.repository.create("mau-05", "2023", MAU05, "t")
    first = lifecycle.prefill_mau12(mau05.id, 1)
    assert first.form_id == "mau-12"
    assert first.data["task"]["level"] == "Tỉnh" and first.data["pi"]["full_name"] == "Nguyễn Văn An"
    assert first.data["report_period"] == {"start": "2025-04-16", "end": "2026-04-15"}
    applications = [
        {"applier": "HTX Nông nghiệp Tân Phú", "form": "Ứng dụng trực tiếp", "scale": "50 ha", "revenue_vnd": 900}
    ]
    _edit(app_services, first.id, applications=applications, difficulties="Thiếu vốn")

    second = lifecycle.prefill_mau12(mau05.id, 2)
    assert second.data["report"]["year"] == 2
    assert second.data["report_period"] == {"start": "2026-04-16", "end": "2027-04-15"}
    assert second.data["applications"] == [
        {"applier": "HTX Nông nghiệp Tân Phú", "form": "Ứng dụng trực tiếp", "scale": "50 ha"}
    ]
    assert "difficulties" not in second.data  # each year's own account
    with pytest.raises(VistaError) as twice:
        lifecycle.prefill_mau12(mau05.id, 2)
    assert twice.value.code == "lifecycle.mau12_exists"
    with pytest.raises(VistaError) as sixth:
        lifecycle.prefill_mau12(mau05.id, 6)
    assert sixth.value.code == "lifecycle.bad_year"
    problems = validate(get_definition("mau-12"), second.data)
    assert problems == []


def test_generated_drafts_join_the_task_of_their_source(app_services: Any, sent_mau01: str) -> None:
    _edit(app_services, sent_mau01, task__code="X-2")
    sheet = app_services.lifecycle.update_sheet_from(sent_mau01)
    source = app_services.drafts.get(sent_mau01)
    assert source.task_id is not None and sheet.task_id == source.task_id
    mau05 = app_services.drafts.repository.create("mau-05", "2023", MAU05, "t")
    assert app_services.lifecycle.next_mau12_year(mau05.id) == 1
    report = app_services.lifecycle.prefill_mau12(mau05.id, 1)
    assert report.task_id == app_services.drafts.get(mau05.id).task_id is not None
    assert app_services.lifecycle.next_mau12_year(mau05.id) == 2


def test_gui_update_sheet_then_sent_then_next_mau12(
    qtbot: Any, window: Any, app_services: Any, sent_mau01: str
) -> None:
    _edit(app_services, sent_mau01, task__code="X-3")
    window.refresh(select=sent_mau01)
    actions = window.lifecycle_actions
    assert actions.update_sheet_action.isEnabled() and not actions.mau12_action.isEnabled()
    sheet = actions.draft_update_sheet()
    assert sheet is not None and sheet.id in window.wizards
    window.wizards[sheet.id].close()
    assert window.selected().id == sheet.id and actions.sent_action.isEnabled()
    assert actions.mark_sent()
    assert app_services.drafts.get(sheet.id).status == STATUS_COMPLETE
    assert app_services.lifecycle.pending_changes(sent_mau01) == []

    mau05 = app_services.drafts.repository.create("mau-05", "2023", MAU05, "t")
    window.refresh(select=mau05.id)
    assert actions.mau12_action.isEnabled()
    report = actions.draft_mau12()
    assert report is not None and report.data["report"]["year"] == 1
    window.wizards[report.id].close()
