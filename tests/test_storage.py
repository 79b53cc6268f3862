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


# --- recycle bin ------------------------------------------------------------------------------------------------


def test_trashed_drafts_leave_the_list_and_can_be_restored(repo) -> None:
    kept = repo.create("mau-01", "2023", {"a": 1}, "Giữ lại")
    gone = repo.create("mau-01", "2023", {"a": 2}, "Xóa nhầm")
    repo.save(gone.id, {"a": 3}, "Xóa nhầm", "s")
    repo.trash(gone.id)
    assert [d.id for d in repo.list()] == [kept.id]
    trashed = repo.trashed()
    assert [d.id for d in trashed] == [gone.id]
    assert trashed[0].deleted_at is not None and trashed[0].deleted_at.tzinfo is not None
    assert repo.get(gone.id).deleted_at == trashed[0].deleted_at  # still readable, e.g. to preview
    repo.restore(gone.id)
    assert {d.id for d in repo.list()} == {kept.id, gone.id}
    assert repo.trashed() == []
    restored = repo.get(gone.id)
    assert restored.data == {"a": 3} and restored.deleted_at is None
    assert [r.number for r in repo.revisions(gone.id)] == [1]


def test_trash_and_restore_of_an_unknown_draft(repo) -> None:
    with pytest.raises(DraftNotFoundError):
        repo.trash("nope")
    with pytest.raises(DraftNotFoundError):
        repo.restore("nope")


def test_trashing_twice_keeps_the_first_deletion_time(repo) -> None:
    record = repo.create("mau-01", "2023", {}, "A")
    repo.trash(record.id)
    first = repo.trashed()[0].deleted_at
    repo.trash(record.id)
    assert repo.trashed()[0].deleted_at == first


def test_purge_erases_only_drafts_in_the_bin_long_enough(repo) -> None:
    from datetime import UTC, datetime, timedelta

    live = repo.create("mau-01", "2023", {}, "Đang làm")
    old = repo.create("mau-01", "2023", {}, "Xóa lâu rồi")
    repo.save(old.id, {"x": 1}, "Xóa lâu rồi", "s")
    repo.record_document(old.id, "form_pdf", "/tmp/x.pdf", 3, 0)
    repo.trash(old.id)
    assert repo.purge_trash() == 0  # deleted just now: kept 30 days
    assert repo.purge_trash(now=datetime.now(UTC) + timedelta(days=29)) == 0
    assert repo.purge_trash(now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert repo.trashed() == []
    with pytest.raises(DraftNotFoundError):
        repo.get(old.id)
    assert [d.id for d in repo.list()] == [live.id]
    with sqlite3.connect(database_path()) as con:
        assert con.execute("SELECT count(*) FROM draft_revisions WHERE draft_id=?", (old.id,)).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM draft_documents WHERE draft_id=?", (old.id,)).fetchone() == (0,)
    con.close()


def test_start_up_empties_the_bin_of_old_drafts(isolated_profile) -> None:
    from vista_desktop.storage.database import open_database_safely

    path = database_path()
    opened = open_database_safely(path)
    repo = DraftRepository(opened.engine)
    old = repo.create("mau-01", "2023", {}, "Cũ")
    recent = repo.create("mau-01", "2023", {}, "Mới xóa")
    repo.trash(old.id)
    repo.trash(recent.id)
    opened.close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE drafts SET deleted_at = '2000-01-01 00:00:00.000000' WHERE id = ?", (old.id,))
    con.close()
    again = open_database_safely(path)
    try:
        assert again.purged == 1
        assert [d.id for d in DraftRepository(again.engine).trashed()] == [recent.id]
    finally:
        again.close()


def test_draft_summary_keeps_its_positional_fields() -> None:
    from datetime import UTC, datetime

    from vista_desktop.storage.drafts import DraftRecord, DraftSummary

    now = datetime.now(UTC)
    summary = DraftSummary("id", "mau-01", "2023", "T", "draft", 0, now, now)
    assert summary.deleted_at is None
    record = DraftRecord("id", "mau-01", "2023", "T", "draft", 0, now, now, {"a": 1})
    assert record.data == {"a": 1} and record.deleted_at is None


def test_storage_catalogs_have_the_same_keys_and_placeholders() -> None:
    import json
    import re
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "src" / "vista_desktop" / "resources" / "i18n"
    vi = json.loads((folder / "vi" / "storage.json").read_text(encoding="utf-8"))
    en = json.loads((folder / "en" / "storage.json").read_text(encoding="utf-8"))
    assert set(vi) == set(en)
    assert all(k.startswith("storage.") for k in vi)
    for key in vi:
        assert set(re.findall(r"{(\w+)}", vi[key])) == set(re.findall(r"{(\w+)}", en[key])), key
    code = "".join(p.read_text(encoding="utf-8") for p in (folder.parents[1] / "storage").rglob("*.py"))
    used = set(re.findall(r"""["'](storage\.[a-z_]+)["']""", code))
    assert used and used <= set(vi), used - set(vi)


def test_a_database_from_a_newer_version_is_left_alone_and_said_so(tmp_path) -> None:
    import hashlib
    import sqlite3

    import pytest

    from vista_desktop.storage.database import open_database
    from vista_desktop.storage.errors import StorageProblem

    path = tmp_path / "vista.sqlite3"
    open_database(path).dispose()
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StorageProblem) as caught:
        open_database(path)
    assert caught.value.code == "storage.newer_version"
    assert "phiên bản VISTA Desktop mới hơn" in caught.value.message()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_many_drafts_read_at_once_are_those_read_one_by_one(repo) -> None:
    """The list's details read drafts and their sealed state 200 at a time (one by one took 16 s for 10,000);
    past SQLite's old limit of 999 bound parameters too, and ids that do not exist are left out."""
    ids = [repo.create("mau-01", "2023", {"n": n}, f"Đề tài {n}").id for n in range(1100)]
    for draft_id in ids[::97]:
        repo.save(draft_id, {"n": "đã xong"}, "t", "s")
        repo.set_status(draft_id, "complete")  # a sealed revision
    wanted = [*ids, "no-such-draft"]
    many = repo.get_many(wanted)
    assert list(many) != [] and set(many) == set(ids)
    assert all(many[i] == repo.get(i) for i in ids[::50])
    assert repo.sealed_among(wanted) == {i for i in ids if repo.has_sealed_revision(i)} == set(ids[::97])
    assert repo.get_many([]) == {} and repo.sealed_among([]) == set()
