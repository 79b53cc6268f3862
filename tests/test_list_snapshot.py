"""The drafts list read at launch with sqlite3 alone (storage.snapshot), and the window showing it before the
database is properly open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from vista_desktop.services.app import AppServices
from vista_desktop.storage.drafts import DraftRepository
from vista_desktop.storage.snapshot import read_list_snapshot


def make_database(path: Path, complete_data: dict[str, Any]) -> AppServices:
    """A database with three drafts (one in the recycle bin), a task and a document; closed again."""
    services = AppServices(path)
    repository: DraftRepository = services.repository()
    first = repository.create("mau-01", "2023", {**complete_data})
    second = repository.create("mau-01", "2023", {**complete_data, "task": {"title": "Đề tài thứ hai"}})
    gone = repository.create("mau-01", "2023", {})
    repository.trash(gone.id)
    task = repository.create_task("Nhiệm vụ A", code="ĐTĐL.CN-01/25")
    repository.assign_task(second.id, task.id)
    repository.record_document(first.id, "form_pdf", "/tmp/a.pdf", 3, 1, data_hash=first.data_hash)
    services.close()
    return services


def test_the_snapshot_is_what_the_repository_lists(tmp_path, complete_data) -> None:
    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    snapshot = read_list_snapshot(path)
    services = AppServices(path)
    repository = services.repository()
    try:
        assert snapshot is not None
        assert snapshot.drafts == repository.list()
        assert len(snapshot.drafts) == 2
        assert snapshot.documents == repository.documents()
        assert snapshot.task_names == {t.id: t.code for t in repository.tasks()}
    finally:
        services.close()


def test_the_listed_summaries_are_those_the_constructor_makes(tmp_path, complete_data) -> None:
    """The list's summaries are filled without the dataclass's __init__ (speed): they must be the same objects
    in every way that matters: equal, same hash, same repr, immutable, as read through the ORM."""
    from dataclasses import FrozenInstanceError, fields

    from vista_desktop.storage.records import DraftSummary

    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    services = AppServices(path)
    repository = services.repository()
    try:
        listed = repository.list()
        for summary in listed:
            record = repository.get(summary.id)  # through the ORM and the constructor
            built = DraftSummary(
                *(getattr(record, f.name) for f in fields(DraftSummary) if not f.kw_only),
                **{f.name: getattr(record, f.name) for f in fields(DraftSummary) if f.kw_only},
            )
            assert summary == built and hash(summary) == hash(built) and repr(summary) == repr(built)
            assert summary.updated_at.tzinfo is not None
            with pytest.raises(FrozenInstanceError):
                summary.title = "changed"  # type: ignore[misc]
    finally:
        services.close()


def test_no_snapshot_without_a_database_and_none_is_created(tmp_path) -> None:
    path = tmp_path / "vista.sqlite3"
    assert read_list_snapshot(path) is None
    assert not path.exists()


def test_no_snapshot_of_an_older_schema(tmp_path, complete_data) -> None:
    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007_dossier_files'")
    assert read_list_snapshot(path) is None


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_no_snapshot_of_a_damaged_file(tmp_path, content) -> None:
    path = tmp_path / "vista.sqlite3"
    path.write_bytes(content)
    assert read_list_snapshot(path) is None
    assert path.read_bytes() == content  # read-only: the recovery at the real open gets the file as it was


def test_the_window_lists_the_snapshot_before_the_database_opens(qtbot, tmp_path, complete_data) -> None:
    from vista_desktop.ui.main_window import MainWindow

    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    services = AppServices(path)
    services.prefetch_list().result(timeout=10)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    assert not services.storage_open
    assert window.model.rowCount() == 2
    assert window.selected() is not None
    assert window.model.task_names  # the "Nhiệm vụ" column is filled from the snapshot too
    # Nothing may act on a draft before the database is open: the actions wait, a double click is remembered.
    assert not window.open_action.isEnabled()
    assert not window.delete_action.isEnabled()
    wanted = window.model.draft_at(1)
    assert window.open_draft(wanted) is None
    assert not window.wizards
    services.open_storage()
    window.storage_ready()
    assert window.open_action.isEnabled()
    assert list(window.wizards) == [wanted.id]  # the remembered double click, now carried out
    assert window.model.rowCount() == 2
    for wizard in list(window.wizards.values()):
        wizard.close()
    window.close()
    services.close()


def test_a_window_on_an_older_database_waits_for_the_open(qtbot, tmp_path, complete_data) -> None:
    from vista_desktop.ui.main_window import MainWindow

    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'an-unknown-revision'")
    services = AppServices(path)
    assert services.prefetch_list().result(timeout=10) is None
    window = MainWindow(services)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0
    assert not window.hint.isVisible()  # not "no drafts yet": the list is not known
    window.close()


def test_without_sqlite_json_functions_the_rows_are_read_one_by_one(tmp_path, complete_data) -> None:
    from vista_desktop.storage import snapshot

    class NoJson(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if "json_group_array" in sql:
                raise sqlite3.OperationalError("no such function: json_group_array")
            return super().execute(sql, *args)

    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    with sqlite3.connect(path) as plain, sqlite3.connect(path, factory=NoJson) as limited:
        for select in (snapshot.SUMMARY_SELECT, snapshot.DOCUMENTS_SELECT, snapshot.TASKS_SELECT):
            through_json = snapshot._rows(plain, select)
            assert [list(row) for row in snapshot._rows(limited, select)] == through_json
            assert through_json  # each of the three has rows here


def test_a_first_start_shows_the_empty_list_hint_once_the_database_is_open(qtbot, tmp_path) -> None:
    from vista_desktop.ui.app import Application

    services = AppServices(tmp_path / "vista.sqlite3")
    assert services.prefetch_list().result(timeout=10) is None  # no database yet: no snapshot
    controller = Application(services)
    qtbot.addWidget(controller.window)
    controller.window.show()
    with qtbot.waitSignal(controller.service_loaded, timeout=20000):
        pass
    assert controller.window.hint.isVisible()
    assert controller.window.hint.text()
    controller.window.close()
    services.close()


def test_the_snapshot_makes_each_summary_when_it_is_looked_at(tmp_path, complete_data) -> None:
    """Read column by column, the snapshot's summaries are made on demand, each equal to the repository's, in
    the list's order; a draft outside any task, or never hashed, reads None as through the ORM."""
    from vista_desktop.storage.snapshot import ListedSummaries

    path = tmp_path / "vista.sqlite3"
    make_database(path, complete_data)
    snapshot = read_list_snapshot(path)
    assert snapshot is not None
    drafts = snapshot.drafts
    assert isinstance(drafts, ListedSummaries)
    assert drafts.newest_first
    assert drafts.made == 0
    services = AppServices(path)
    try:
        listed = services.repository().list()
        assert drafts[1] == listed[1]
        assert drafts.made == 1
        assert drafts[-1] is drafts[1]  # made once, then kept
        assert list(drafts) == listed
        assert drafts[0:2] == listed
        assert {d.task_id is None for d in drafts} == {True, False}
        assert all(isinstance(d.revision, int) for d in drafts)
    finally:
        services.close()


def test_a_value_holding_the_separator_reads_the_rows_as_before(tmp_path, complete_data) -> None:
    path = tmp_path / "vista.sqlite3"
    services = AppServices(path)
    repository = services.repository()
    odd = repository.create("mau-01", "2023", {**complete_data})
    repository.create("mau-01", "2023", {**complete_data})
    services.close()
    with sqlite3.connect(path) as connection:  # the app cleans titles; a file written by another tool may not
        connection.execute("UPDATE drafts SET title = ? WHERE id = ?", ("Tên\x1fcó ký tự lạ", odd.id))
    snapshot = read_list_snapshot(path)
    services = AppServices(path)
    try:
        assert snapshot is not None
        assert list(snapshot.drafts) == services.repository().list()
        assert any("\x1f" in d.title for d in snapshot.drafts)
    finally:
        services.close()


def test_the_first_paint_makes_the_summaries_of_the_rows_on_screen_only(qtbot, tmp_path, complete_data) -> None:
    from vista_desktop.storage.snapshot import ListedSummaries
    from vista_desktop.ui.drafts_model import natural_key
    from vista_desktop.ui.main_window import MainWindow

    path = tmp_path / "vista.sqlite3"
    services = AppServices(path)
    repository = services.repository()
    for number in range(120):
        repository.create("mau-01", "2023", {**complete_data}, title=f"Đề tài số {number}")
    services.close()
    services = AppServices(path)
    snapshot = services.prefetch_list().result(timeout=10)
    assert isinstance(snapshot.drafts, ListedSummaries)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(900, 500)
    window.show()
    qtbot.waitExposed(window)
    window.table.viewport().repaint()
    assert window.model.rowCount() == 120
    assert window.model.drafts is snapshot.drafts  # already in the list's order: not sorted again
    assert 0 < snapshot.drafts.made < 60
    # Sorting by another column (a click on its header) makes them all and orders them.
    window.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    titles = [window.model.draft_at(row).title for row in range(window.model.rowCount())]
    assert titles == sorted(titles, key=natural_key)  # "Đề tài số 2" before "Đề tài số 10"
    assert titles[:3] == ["Đề tài số 0", "Đề tài số 1", "Đề tài số 2"]
    assert titles != [d.title for d in snapshot.drafts]
    window.close()
    services.close()
