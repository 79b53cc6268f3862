"""An exported (perhaps signed) PDF that no longer matches its draft is shown as outdated, and signing it asks."""

from __future__ import annotations

from vista_desktop.services.app import AppServices


def test_editing_after_export_marks_the_document_outdated(qtbot, window, app_services, complete_data, tmp_path) -> None:
    record = app_services.drafts.create("mau-01", complete_data)
    window.refresh()
    window.table.selectRow(0)
    window.export_documents(record.id, tmp_path / "phieu.pdf")
    qtbot.waitUntil(lambda: window.model.signatures_text(record.id) == "0/3 đã ký", timeout=20000)
    assert not app_services.documents.outdated(record.id)

    session = app_services.drafts.edit(record.id, autosave_delay=0.0)
    session.set_value("task.title", complete_data["task"]["title"] + " (sửa)")
    session.close()
    window.refresh()
    assert app_services.documents.outdated(record.id)
    assert "tài liệu cũ" in window.model.signatures_text(record.id)

    asked: list[str] = []
    import vista_desktop.ui.main_window as main_window

    original = main_window.ask
    main_window.ask = lambda _p, _t, text, **k: asked.append(text) or False  # type: ignore[assignment]
    try:
        assert window.sign_selected() is None  # the user chose to export again first
    finally:
        main_window.ask = original  # type: ignore[assignment]
    assert "đã được sửa sau khi xuất" in asked[0]


def test_saving_the_same_data_again_is_not_an_edit(app_services: AppServices, complete_data, tmp_path) -> None:
    record = app_services.drafts.create("mau-01", complete_data)
    app_services.documents.export_draft(record.id, tmp_path / "a.pdf", with_docx=False)
    session = app_services.drafts.edit(record.id, autosave_delay=0.0)
    session.set_value("task.title", complete_data["task"]["title"])  # unchanged
    session.close()
    assert not app_services.documents.outdated(record.id)
