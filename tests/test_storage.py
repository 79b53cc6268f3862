from __future__ import annotations

import sqlite3
import unicodedata

import pytest

from vista_desktop.paths import database_path
from vista_desktop.storage.database import HEAD_REVISION, MIGRATIONS_DIR, open_database
from vista_desktop.storage.drafts import DraftNotFoundError, DraftRepository


@pytest.fixture
def repo() -> DraftRepository:
    return DraftRepository(open_database(database_path()))


def test_database_lives_in_the_overridden_data_folder(isolated_profile, repo) -> None:
    assert database_path().parent == isolated_profile
    assert database_path().exists()


def test_pragmas_make_commits_durable(repo) -> None:
    engine = repo._sessions.kw["bind"]
    with engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_schema_matches_the_models(repo) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from vista_desktop.storage.models import Base

    engine = repo._sessions.kw["bind"]
    with engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    assert diff == []


def test_reopening_an_existing_database_keeps_data(repo) -> None:
    record = repo.create("mau-01", "2023", {"task": {"title": "Đề tài A"}}, "Đề tài A")
    again = DraftRepository(open_database(database_path()))
    assert again.get(record.id).data == {"task": {"title": "Đề tài A"}}
    row = sqlite3.connect(database_path()).execute("SELECT version_num FROM alembic_version").fetchone()
    assert row == (HEAD_REVISION,)


def test_save_keeps_one_revision_per_editing_session(repo) -> None:
    record = repo.create("mau-01", "2023", {}, "")
    repo.save(record.id, {"a": 1}, "t", "session-1")
    repo.save(record.id, {"a": 2}, "t", "session-1")
    repo.save(record.id, {"a": 3}, "t", "session-2")
    revisions = repo.revisions(record.id)
    assert [(r.number, r.data) for r in revisions] == [(1, {"a": 2}), (2, {"a": 3})]
    assert repo.get(record.id).data == {"a": 3}
    assert repo.get(record.id).revision == 2


def test_completion_seals_the_revision(repo) -> None:
    record = repo.create("mau-01", "2023", {}, "")
    repo.save(record.id, {"a": 1}, "t", "s")
    repo.set_status(record.id, "complete")
    repo.save(record.id, {"a": 2}, "t", "s", status="draft")
    revisions = repo.revisions(record.id)
    assert [(r.number, r.status, r.sealed) for r in revisions] == [(1, "complete", True), (2, "draft", False)]


def test_text_is_stored_as_given_nfc(repo) -> None:
    title = unicodedata.normalize("NFC", "Nghiên cứu xâm nhập mặn")
    record = repo.create("mau-01", "2023", {"task": {"title": title}}, title)
    raw = sqlite3.connect(database_path()).execute("SELECT data_json FROM drafts WHERE id=?", (record.id,)).fetchone()
    assert title in raw[0]  # readable UTF-8, not \\u escapes


def test_duplicate_and_delete(repo) -> None:
    record = repo.create("mau-01", "2023", {"x": "y"}, "Bản A")
    repo.save(record.id, {"x": "z"}, "Bản A", "s")
    copy = repo.duplicate(record.id)
    assert copy.id != record.id and copy.data == {"x": "z"}
    repo.delete(record.id)
    with pytest.raises(DraftNotFoundError):
        repo.get(record.id)
    leftover = (
        sqlite3.connect(database_path())
        .execute("SELECT count(*) FROM draft_revisions WHERE draft_id=?", (record.id,))
        .fetchone()
    )
    assert leftover == (0,)
    assert [d.id for d in repo.list()] == [copy.id]


def test_list_is_newest_first(repo) -> None:
    a = repo.create("mau-01", "2023", {}, "A")
    b = repo.create("mau-01", "2023", {}, "B")
    repo.save(a.id, {"n": 1}, "A", "s")
    assert [d.title for d in repo.list()] == ["A", "B"]
    assert b.id in {d.id for d in repo.list()}


def test_upgrading_an_older_database_keeps_its_drafts(isolated_profile) -> None:
    from alembic import command
    from alembic.config import Config

    from vista_desktop.storage.database import make_engine

    path = database_path()
    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_initial")
        connection.exec_driver_sql(
            "INSERT INTO drafts VALUES ('d1', 'mau-01', '2023', 'Đề tài cũ', 'draft', '{}', 0,"
            " '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        )
    engine.dispose()
    repo = DraftRepository(open_database(path))
    assert repo.get("d1").title == "Đề tài cũ"
    repo.record_document("d1", "form_pdf", "/tmp/x.pdf", 3, 1)
    assert repo.documents("d1")["d1"][0].fields_signed == 1
