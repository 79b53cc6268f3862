"""Schema upgrades are all-or-nothing: a kill after any step of any migration leaves a database that opens with
every draft; a failed upgrade puts back the copy taken before it and says so; the half-migrated databases that
earlier versions left after a kill are repaired."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from vista_desktop.storage.database import HEAD_REVISION, make_engine, open_database_safely, upgrade_schema
from vista_desktop.storage.drafts import DraftRepository
from vista_desktop.storage.errors import StorageProblem

KILLED = 86

# Runs the start-up migration and kills the process (no cleanup, no rollback) right after the N-th statement
# that changes the database, or just before the commit when N is one past the last statement.
CHILD = """
import os, sys
from pathlib import Path
from sqlalchemy import Engine, event

path, kill_at = Path(sys.argv[1]), int(sys.argv[2])
steps = 0

def step():
    global steps
    steps += 1
    if steps == kill_at:
        os._exit(86)

@event.listens_for(Engine, "after_cursor_execute")
def after(conn, cursor, statement, params, context, executemany):
    if statement.lstrip().split(None, 1)[0].upper() in ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE"):
        step()

@event.listens_for(Engine, "commit")
def before_commit(conn):
    step()

from vista_desktop.storage.database import open_database
open_database(path).dispose()
print("steps", steps)
"""

DRAFT_0001 = (
    "INSERT INTO drafts (id, form_id, form_version, title, status, data_json, revision, created_at, updated_at)"
    " VALUES (?, 'mau-01', '2023', ?, 'draft', ?, 1, '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')"
)
REVISION = (
    "INSERT INTO draft_revisions (draft_id, number, form_version, status, data_json, editing_session, sealed,"
    " saved_at) VALUES (?, 1, '2023', 'draft', ?, 's', 0, '2025-01-01 00:00:00.000000')"
)
DRAFTS = {f"d{i}": (f"Đề tài {i}", f'{{"task": {{"title": "Đề tài {i}"}}}}') for i in range(3)}


def database_at(path: Path, revision: str) -> Path:
    engine = make_engine(path)
    upgrade_schema(engine, revision)
    engine.dispose()
    with closing(sqlite3.connect(path)) as con, con:
        for draft_id, (title, data) in DRAFTS.items():
            con.execute(DRAFT_0001, (draft_id, title, data))
            con.execute(REVISION, (draft_id, data))
        if revision != "0001_initial":
            con.execute(
                "INSERT INTO draft_documents (draft_id, kind, path, fields_total, fields_signed, updated_at)"
                " VALUES ('d0', 'form_pdf', '/tmp/d0.pdf', 3, 1, '2025-01-01 00:00:00.000000')"
            )
    return path


def version(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as con:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def assert_opens_with_every_draft(path: Path, expected: dict[str, tuple[str, str]]) -> None:
    opened = open_database_safely(path, full_check=True)
    try:
        assert opened.recovery is None
        repo = DraftRepository(opened.engine)
        assert {d.id: d.title for d in repo.list()} == {k: v[0] for k, v in expected.items()}
        for draft_id in expected:
            assert repo.revisions(draft_id)[0].data == repo.get(draft_id).data
        # The schema is whole: a new draft can be saved, trashed and documented.
        record = repo.create("mau-01", "2023", {}, "Mới")
        repo.trash(record.id)
        repo.record_document(record.id, "form_pdf", "/tmp/x.pdf", 3, 0)
    finally:
        opened.close()
    assert version(path) == HEAD_REVISION


def kill_each_step(template: Path | None, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """For N = 1, 2, …: a fresh copy of `template` (None: no database yet) upgraded by a child killed at step N;
    stops when the child gets through (N past the last step)."""
    for n in range(1, 100):
        path = tmp_path / f"kill-{n}" / "vista.sqlite3"
        path.parent.mkdir()
        if template is not None:
            shutil.copyfile(template, path)
        done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(n)], capture_output=True, text=True)
        if done.returncode == 0:
            assert n > 2, done.stdout
            return
        assert done.returncode == KILLED, done.stderr
        yield n, path
    pytest.fail("the migration never completed")


def test_a_kill_at_each_step_of_the_first_run_leaves_a_database_that_opens(tmp_path: Path) -> None:
    killed = 0
    for _n, path in kill_each_step(None, tmp_path):
        killed += 1
        # Nothing of a killed first run is left behind: no tables without their version stamp.
        if path.exists() and path.stat().st_size:
            with closing(sqlite3.connect(path)) as con:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            assert tables <= {"alembic_version"}
        assert_opens_with_every_draft(path, {})
    assert killed >= 12  # every CREATE of 0001, 0002 and 0003, the stamps and the commit


@pytest.mark.parametrize("start", ["0001_initial", "0002_documents"])
def test_a_kill_at_each_step_of_an_upgrade_keeps_every_draft(tmp_path: Path, start: str) -> None:
    template = database_at(tmp_path / "template.sqlite3", start)
    killed = 0
    for _n, path in kill_each_step(template, tmp_path):
        killed += 1
        assert version(path) == start  # rolled back whole, stamp included
        assert_opens_with_every_draft(path, DRAFTS)
    assert killed >= (4 if start == "0002_documents" else 7)


@contextmanager
def failing_recycle_bin_migration() -> Iterator[None]:
    def fail(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("ALTER TABLE drafts ADD COLUMN deleted_at"):
            raise RuntimeError("disk went away")

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


def test_a_failed_upgrade_restores_the_copy_and_says_so(tmp_path: Path) -> None:
    path = database_at(tmp_path / "vista.sqlite3", "0002_documents")
    with failing_recycle_bin_migration(), pytest.raises(StorageProblem) as caught:
        open_database_safely(path)
    problem = caught.value
    assert problem.code == "storage.upgrade_failed"
    copy = Path(str(problem.params["backup"]))
    assert copy.exists() and copy.parent == path.parent / "backups"
    assert str(copy) in problem.message("vi") and "không mất bản nháp nào" in problem.message("vi")
    assert str(copy) in problem.message("en")
    assert version(path) == "0002_documents"
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT count(*) FROM drafts").fetchone() == (3,)
    assert list(path.parent.glob("vista.sqlite3.failed-upgrade-*"))  # what the failure left, kept aside


def test_after_a_failed_upgrade_the_next_start_upgrades(tmp_path: Path) -> None:
    path = database_at(tmp_path / "vista.sqlite3", "0002_documents")
    with failing_recycle_bin_migration(), pytest.raises(StorageProblem):
        open_database_safely(path)
    assert_opens_with_every_draft(path, DRAFTS)


def test_the_copy_before_an_upgrade_is_the_database_as_it_was(tmp_path: Path) -> None:
    path = database_at(tmp_path / "vista.sqlite3", "0001_initial")
    open_database_safely(path).close()
    copies = list((path.parent / "backups").glob("vista-pre-upgrade-0001_initial-*.sqlite3"))
    assert len(copies) == 1
    assert version(copies[0]) == "0001_initial"
    with closing(sqlite3.connect(copies[0])) as con:
        assert con.execute("SELECT count(*) FROM drafts").fetchone() == (3,)


# --- databases left half-migrated by the non-atomic migrations of earlier versions --------------------------------


def test_tables_left_without_a_stamp_by_an_old_first_run_are_made_again(tmp_path: Path) -> None:
    path = tmp_path / "vista.sqlite3"
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        con.execute("CREATE TABLE drafts (id VARCHAR(36) PRIMARY KEY)")  # killed right after this
    assert_opens_with_every_draft(path, {})


def test_a_documents_table_left_by_an_old_0002_upgrade_is_made_again(tmp_path: Path) -> None:
    path = database_at(tmp_path / "vista.sqlite3", "0001_initial")
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE draft_documents (id INTEGER PRIMARY KEY)")  # killed before the stamp
    assert_opens_with_every_draft(path, DRAFTS)


def test_drafts_without_any_stamp_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "vista.sqlite3"
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE drafts (id VARCHAR(36) PRIMARY KEY, title TEXT)")
        con.execute("INSERT INTO drafts VALUES ('x', 'Không rõ nguồn gốc')")
    with pytest.raises(StorageProblem) as caught:
        open_database_safely(path)
    assert caught.value.code == "storage.schema_unknown"
    with closing(sqlite3.connect(path)) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"drafts"}
        assert con.execute("SELECT * FROM drafts").fetchall() == [("x", "Không rõ nguồn gốc")]
