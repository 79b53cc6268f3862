"""Deleting is undoable (the recycle bin), and the database's backups can be restored from the GUI."""

from __future__ import annotations

from PySide6.QtCore import Qt

from vista_desktop.ui.backups_dialog import BackupsDialog
from vista_desktop.ui.trash_dialog import TrashDialog


def test_delete_through_the_action_asks_then_the_recycle_bin_restores(qtbot, window, service, monkeypatch) -> None:
    service.create("mau-01", {"task": {"title": "Đề tài lỡ tay xóa"}})
    window.refresh()
    window.table.selectRow(0)
    questions: list[str] = []
    monkeypatch.setattr("vista_desktop.ui.main_window.ask", lambda _p, _t, text, **k: questions.append(text) or True)
    window.delete_action.trigger()
    assert "Đề tài lỡ tay xóa" in questions[0] and "Thùng rác" in questions[0]
    assert service.list() == []
    dialog = window.show_trash()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "Đề tài lỡ tay xóa"
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert [d.title for d in service.list()] == ["Đề tài lỡ tay xóa"]
    assert dialog.table.rowCount() == 0
    assert window.model.rowCount() == 1


def test_a_backup_restores_the_drafts_of_that_day(qtbot, window, app_services, service, monkeypatch) -> None:
    kept = service.create("mau-01", {"task": {"title": "Có trong bản sao lưu"}})
    assert app_services.take_daily_backup() is None
    service.create("mau-01", {"task": {"title": "Tạo sau khi sao lưu"}})
    monkeypatch.setattr("vista_desktop.ui.backups_dialog.ask", lambda *a, **k: True)
    dialog = window.show_backups()
    assert isinstance(dialog, BackupsDialog)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    with qtbot.waitSignal(dialog.restored, timeout=20000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert [d.id for d in app_services.drafts.list()] == [kept.id]
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert "cất tại" in dialog.status.text()


def test_restoring_waits_until_every_draft_is_closed(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    assert window.show_backups() is None
    wizard.close()


def test_trash_dialog_is_empty_with_nothing_deleted(qtbot, window) -> None:
    dialog = window.show_trash()
    assert isinstance(dialog, TrashDialog)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert not dialog.restore_button.isEnabled()
