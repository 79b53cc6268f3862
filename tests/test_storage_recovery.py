"""A damaged drafts database is found at start-up, kept aside untouched, and every readable draft is carried over
into a new one; rolling daily backups can be listed and restored."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vista_desktop.storage import backup
from vista_desktop.storage.database import in_use_marker, open_database, open_database_safely, take_daily_backup
from vista_desktop.storage.drafts import DraftRepository
from vista_desktop.storage.errors import StorageProblem
from vista_desktop.storage.recovery import check_database

COUNT = 60


def draft_data(i: int) -> dict[str, Any]:
    return {"task": {"title": f"Đề tài số {i}"}, "objectives": f"Mục tiêu nghiên cứu {i} " * 20}


def make_database(path: Path, count: int = COUNT) -> dict[str, dict[str, Any]]:
    """`count` drafts, each saved once (so each has a revision holding a copy of its data); closed cleanly."""
    engine = open_database(path)
    repo = DraftRepository(engine)
    saved: dict[str, dict[str, Any]] = {}
    for i in range(count):
        record = repo.create("mau-01", "2023", {}, "")
        repo.save(record.id, draft_data(i), f"Đề tài số {i}", "s")
        saved[record.id] = draft_data(i)
    engine.dispose()
    assert not path.with_name(path.name + "-wal").exists()
    return saved


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_and_read(path: Path) -> tuple[Any, dict[str, dict[str, Any]]]:
    opened = open_database_safely(path, full_check=True)
    try:
        repo = DraftRepository(opened.engine)
        drafts = {d.id: repo.get(d.id).data for d in repo.list()}
    finally:
        opened.close()
    return opened.recovery, drafts


OBJECTIVES = "Mục tiêu".encode()


def table_cell(data: bytes, draft_id: str) -> int:
    """Offset of a draft's cell in the drafts table: its id and form, then its data (the covering index of the
    list holds the id and form too, but never the data)."""
    needle, start = draft_id.encode() + b"mau-012023", 0
    while (cell := data.find(needle, start)) >= 0:
        if data.find(OBJECTIVES, cell, cell + 2000) > 0:
            return cell
        start = cell + 1
    raise AssertionError(f"no table cell for {draft_id}")


def corrupt_text_of(path: Path, draft_id: str) -> None:
    data = path.read_bytes()
    cell = table_cell(data, draft_id)
    text = data.find(OBJECTIVES, cell)
    assert 0 < cell < text < cell + 2000
    with path.open("r+b") as f:
        f.seek(text + 1)
        f.write(b"\xff\xfe")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "vista.sqlite3"


def test_an_intact_database_passes_the_check(path: Path) -> None:
    make_database(path, 3)
    assert check_database(path, full=True) is None
    recovery, drafts = open_and_read(path)
    assert recovery is None and len(drafts) == 3


def test_a_page_overwritten_mid_file_costs_only_the_drafts_on_it(path: Path) -> None:
    saved = make_database(path)
    victim = list(saved)[COUNT // 2]
    page = table_cell(path.read_bytes(), victim) // 4096  # the drafts table's own cell, not an index's
    with path.open("r+b") as f:
        f.seek(page * 4096)
        f.write(b"\xab" * 4096)
    damaged_digest = digest(path)

    recovery, drafts = open_and_read(path)

    assert recovery is not None
    assert recovery.damaged_path.name.startswith("vista.sqlite3.damaged-")
    assert digest(recovery.damaged_path) == damaged_digest  # kept aside untouched
    assert victim not in drafts
    assert 1 <= recovery.drafts_lost <= 5
    assert recovery.drafts_recovered == len(drafts) == COUNT - recovery.drafts_lost
    assert all(saved[i] == data for i, data in drafts.items())
    assert recovery.code == "storage.recovered_partly"
    message = recovery.message("vi")
    assert f"Đã khôi phục {len(drafts)} bản nháp" in message
    assert f"{recovery.drafts_lost} bản nháp không đọc được" in message
    assert str(recovery.damaged_path) in message


def test_a_damaged_text_cell_is_found_and_the_draft_comes_back_from_its_revision(path: Path) -> None:
    saved = make_database(path)
    corrupt_text_of(path, list(saved)[7])  # no longer UTF-8: quick_check cannot see it, reading fails

    recovery, drafts = open_and_read(path)

    assert recovery is not None and "damaged text" in recovery.reason
    assert recovery.drafts_lost == 0 and recovery.code == "storage.recovered"
    assert drafts == saved


def test_damage_the_quick_start_check_cannot_see_is_found_by_the_daily_backup_check(path: Path) -> None:
    saved = make_database(path, 5)
    corrupt_text_of(path, list(saved)[2])
    opened = open_database_safely(path, now=datetime(2025, 2, 5, 9, 0))  # clean last exit: no full check
    try:
        assert opened.full_check is False
        assert opened.recovery is not None and opened.recovery.drafts_recovered == 5
        assert opened.backup_taken is None
        repo = DraftRepository(opened.engine)
        assert {d.id: repo.get(d.id).data for d in repo.list()} == saved
    finally:
        opened.close()
    assert backup.list_backups(path) == []  # the damaged copy was not kept as a backup


def test_a_deferred_daily_backup_that_shows_damage_flags_the_next_start(path: Path) -> None:
    saved = make_database(path, 3)
    opened = open_database_safely(path, backup=False)
    corrupt_text_of(path, next(iter(saved)))
    assert take_daily_backup(path) is None
    opened.close()
    recovery, drafts = open_and_read_default(path)
    assert recovery is not None and drafts == saved


def open_and_read_default(path: Path) -> tuple[Any, dict[str, dict[str, Any]]]:
    opened = open_database_safely(path)
    try:
        repo = DraftRepository(opened.engine)
        return opened.recovery, {d.id: repo.get(d.id).data for d in repo.list()}
    finally:
        opened.close()


def test_a_damaged_header_is_not_the_end_of_the_drafts(path: Path) -> None:
    saved = make_database(path)
    with path.open("r+b") as f:
        f.write(b"\x00" * 100)
    assert check_database(path) == "bad header"
    damaged_digest = digest(path)

    recovery, drafts = open_and_read(path)

    assert recovery is not None and digest(recovery.damaged_path) == damaged_digest
    assert drafts == saved
    assert recovery.drafts_recovered == COUNT and recovery.drafts_lost == 0


def test_a_zero_byte_file_is_reported_not_silently_made_empty(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.touch()

    recovery, drafts = open_and_read(path)

    assert drafts == {}
    assert recovery is not None and recovery.reason == "empty file"
    assert recovery.damaged_path.exists() and recovery.damaged_path.stat().st_size == 0
    assert recovery.code == "storage.recovered_nothing"
    assert str(recovery.damaged_path) in recovery.message("vi")
    assert "no draft could be read" in recovery.message("en")
    # The new database is a normal one.
    opened = open_database_safely(path)
    try:
        assert opened.recovery is None
        DraftRepository(opened.engine).create("mau-01", "2023", {}, "Mới")
    finally:
        opened.close()


def test_the_report_points_to_the_latest_backup(path: Path) -> None:
    make_database(path, 2)
    open_database_safely(path, now=datetime(2025, 2, 5, 9, 0)).close()  # takes the day's backup
    path.write_bytes(b"")
    recovery, _ = open_and_read(path)
    assert recovery is not None and recovery.latest_backup is not None
    assert str(recovery.latest_backup) in recovery.message("vi")


def test_a_recovery_killed_before_the_new_file_was_moved_in_is_completed(path: Path) -> None:
    saved = make_database(path, 4)
    aside = backup.move_aside(path, "damaged")
    backup.copy_database(aside, path.with_name(path.name + ".recovering"))
    recovery, drafts = open_and_read(path)
    assert recovery is not None and recovery.damaged_path == aside
    assert drafts == saved


def test_the_full_check_runs_after_an_unclean_exit_only(path: Path) -> None:
    make_database(path, 1)
    first = open_database_safely(path)
    assert first.full_check is False  # no marker: the last run closed cleanly
    assert in_use_marker(path).exists()
    first.engine.dispose()  # the app died without close()
    second = open_database_safely(path)
    assert second.full_check is True
    second.close()
    assert not in_use_marker(path).exists()


def test_an_unopenable_file_is_not_taken_for_a_damaged_one(path: Path) -> None:
    make_database(path, 1)
    with closing(sqlite3.connect(path)) as holder:
        holder.execute("PRAGMA journal_mode=DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StorageProblem) as caught:
            check_database(path, full=True)
        holder.rollback()
    assert caught.value.code == "storage.locked"
    assert not list(path.parent.glob("*.damaged-*"))


# --- backups ----------------------------------------------------------------------------------------------------


def test_backups_are_taken_at_most_daily_and_the_last_seven_kept(path: Path) -> None:
    make_database(path, 2)
    day = datetime(2025, 2, 5, 9, 0)
    taken = []
    for n in range(10):
        opened = open_database_safely(path, now=day + timedelta(days=n))
        again = open_database_safely(path, now=day + timedelta(days=n, hours=3))
        taken.append(opened.backup_taken)
        assert again.backup_taken is None  # the same day
        again.close()
        opened.close()
    assert all(t is not None for t in taken)
    listed = backup.list_backups(path)
    daily = [b for b in listed if b.kind == backup.KIND_DAILY]
    assert [b.path for b in daily] == taken[::-1][:7]
    assert daily[0].taken_at == day + timedelta(days=9)
    assert all(b.path.parent == path.parent / "backups" for b in listed)
    assert all(backup.quick_check(b.path) for b in daily)


def test_a_backup_holds_what_was_saved_while_the_app_had_the_database_open(path: Path) -> None:
    engine = open_database(path)
    repo = DraftRepository(engine)
    record = repo.create("mau-01", "2023", {"x": "đã lưu"}, "A")
    assert path.with_name(path.name + "-wal").exists()  # the save is still in the WAL
    copy = backup.take_backup(path)
    engine.dispose()
    assert not copy.with_name(copy.name + "-wal").exists()
    with closing(sqlite3.connect(copy)) as con:
        assert con.execute("SELECT data_json FROM drafts WHERE id=?", (record.id,)).fetchone() == ('{"x": "đã lưu"}',)


def test_restoring_a_backup_keeps_the_current_file_aside(path: Path) -> None:
    saved = make_database(path, 3)
    opened = open_database_safely(path, now=datetime(2025, 2, 5, 9, 0))
    assert opened.backup_taken is not None
    repo = DraftRepository(opened.engine)
    later = repo.create("mau-01", "2023", {"sau": 1}, "Sau khi sao lưu")
    opened.close()

    aside = backup.restore_backup(path, opened.backup_taken)

    assert aside is not None and aside.name.startswith("vista.sqlite3.before-restore-")
    with closing(sqlite3.connect(aside)) as con:
        assert con.execute("SELECT count(*) FROM drafts WHERE id=?", (later.id,)).fetchone() == (1,)
    recovery, drafts = open_and_read(path)
    assert recovery is None and drafts == saved


def test_a_damaged_backup_is_refused(path: Path) -> None:
    make_database(path, 1)
    copy = backup.take_backup(path)
    copy.write_bytes(b"not a database" * 100)
    before = digest(path)
    with pytest.raises(StorageProblem) as caught:
        backup.restore_backup(path, copy)
    assert caught.value.code == "storage.backup_damaged"
    assert digest(path) == before


def test_a_restore_killed_before_the_copy_was_moved_in_is_completed(path: Path) -> None:
    saved = make_database(path, 2)
    copy = backup.take_backup(path)
    backup.copy_database(copy, path.with_name(path.name + ".restoring"))
    backup.move_aside(path, "before-restore")  # killed right after this
    recovery, drafts = open_and_read(path)
    assert recovery is None and drafts == saved


def test_half_written_copies_are_cleaned_up(path: Path) -> None:
    make_database(path, 1)
    stale = path.parent / "backups" / "vista-20250101-000000.sqlite3.part"
    stale.parent.mkdir()
    stale.write_bytes(b"half")
    backup.take_backup(path)
    assert not stale.exists()


def test_a_backup_that_cannot_be_made_does_not_stop_the_start(path: Path) -> None:
    make_database(path, 1)
    (path.parent / "backups").write_text("a file where the folder should be")
    opened = open_database_safely(path)
    try:
        assert opened.backup_taken is None
        assert opened.backup_problem is not None and opened.backup_problem.code == "storage.backup_failed"
        assert len(DraftRepository(opened.engine).list()) == 1
    finally:
        opened.close()


def test_recovery_keeps_tasks_dossier_files_the_outbox_and_each_drafts_task(path: Path) -> None:
    from vista_desktop.storage.dossier_files import DossierFileRepository
    from vista_desktop.storage.outbox import OutboxRepository

    saved = make_database(path)
    engine = open_database(path)
    drafts = DraftRepository(engine)
    task = drafts.create_task("Nhiệm vụ A", code="ĐTĐL.CN-01/25")
    grouped = list(saved)[3]
    drafts.assign_task(grouped, task.id)
    DossierFileRepository(engine).add(task.id, "minutes", "/tmp/bien-ban.pdf", 1234, 5678, "a" * 64)
    OutboxRepository(engine).add("5b0f7a59-0000-4000-8000-000000000001", "/tmp/ho-so", '{"files": []}', 99, grouped)
    engine.dispose()
    victim = list(saved)[COUNT // 2]
    page = table_cell(path.read_bytes(), victim) // 4096
    with path.open("r+b") as f:
        f.seek(page * 4096)
        f.write(b"\xab" * 4096)

    recovery, recovered = open_and_read(path)

    assert recovery is not None and victim not in recovered and grouped in recovered
    engine = open_database(path)
    try:
        repository = DraftRepository(engine)
        assert [(t.id, t.title, t.code) for t in repository.tasks()] == [(task.id, "Nhiệm vụ A", "ĐTĐL.CN-01/25")]
        assert repository.get(grouped).task_id == task.id
        files = DossierFileRepository(engine).of_task(task.id)
        assert [(f.slot, f.path, f.size, f.sha256) for f in files] == [("minutes", "/tmp/bien-ban.pdf", 1234, "a" * 64)]
        entries = OutboxRepository(engine).all()
        assert [(e.submission, e.state, e.draft_id) for e in entries] == [
            ("5b0f7a59-0000-4000-8000-000000000001", "queued", grouped)
        ]
    finally:
        engine.dispose()
